/**
 * The checks of notebooks/07-seq2seq-attention.ipynb: right answers (computed here by hand, not by the
 * library) are right, typical mistakes are wrong with a hint that does not give the answer, undefined is
 * "not yet", and malformed answers are wrong without a throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkerFor } from "./checker.js";

const check = checkerFor("07-seq2seq-attention");

// The notebook's small step: s_{t−1}, h_1 … h_4, W_q [2, 2], W_k [2, 2], v [2]; valid length 3.
const s = [0.5, -1];
const memory = [
  [1, 0],
  [0, 1],
  [1, 1],
  [-1, 0.5],
];
const wq = [
  [1, 0.5],
  [-0.5, 1],
];
const wk = [
  [0.5, 0],
  [0, -0.5],
];
const v = [1, -1];
const rowTimes = (x: number[], m: number[][]) =>
  m[0]!.map((_, j) => x.reduce((acc, xi, i) => acc + xi * m[i]![j]!, 0));
const sq = rowTimes(s, wq);
const e = memory.map((h) => {
  const hk = rowTimes(h, wk);
  return v.reduce((acc, vu, u) => acc + vu * Math.tanh(sq[u]! + hk[u]!), 0);
});
const softmaxOf = (x: number[]) => {
  const ex = x.map((xi) => Math.exp(xi));
  const z = ex.reduce((a, b) => a + b, 0);
  return ex.map((xi) => xi / z);
};
const alpha = softmaxOf(e);
const padded = [...softmaxOf(e.slice(0, 3)), 0];
const contextOf = (a: number[]) => [0, 1].map((k) => a.reduce((acc, aj, j) => acc + aj * memory[j]![k]!, 0));

/** Hints never print the right numbers. */
function assertHidden(message: string, values: number[]): void {
  for (const x of values)
    assert.ok(!message.includes(x.toFixed(4)), `the hint shows ${x.toFixed(4)}: ${message}`);
}

test("exercise 1: the weights of one Bahdanau step", () => {
  assert.equal(check(1, alpha).status, "right");
  for (const [answer, hint] of [
    [e, /scores e_j/],
    [softmaxOf(memory.map((h) => h[0]! * s[0]! + h[1]! * s[1]!)), /dot-product/],
    [alpha.map((a) => a * 2), /sum to/],
    [softmaxOf([...e].reverse()), /W_q multiplies s/],
    [alpha.slice(0, 3), /should have 4 entries/],
  ] as const) {
    const r = check(1, answer);
    assert.equal(r.status, "wrong");
    assert.match(r.message, hint);
    assertHidden(r.message, alpha);
  }
});

test("exercise 2: the weights and the context with 3 valid positions", () => {
  assert.equal(check(2, { weights: padded, context: contextOf(padded) }).status, "right");
  for (const [answer, hint] of [
    [{ weights: alpha, context: contextOf(alpha) }, /mask it first/],
    [
      { weights: alpha.map((a, j) => (j < 3 ? a : 0)), context: contextOf(padded) },
      /mask before the softmax/,
    ],
    [{ weights: padded, context: contextOf(alpha) }, /unpadded weights/],
    [{ weights: padded, context: [0, 0] }, /Σ_j α_j h_j/],
    [{ weights: [1 / 3, 1 / 3, 1 / 3, 0], context: [0, 0] }, /the weights are off/],
    [{ weights: padded }, /context/],
    [padded, /weights/],
  ] as const) {
    const r = check(2, answer);
    assert.equal(r.status, "wrong", JSON.stringify(answer));
    assert.match(r.message, hint);
    assertHidden(r.message, [...padded, ...contextOf(padded)]);
  }
});

test("exercise 3: a learner's luongGeneralScores on the check's own random inputs", () => {
  const right = (q: number[], H: number[][], W: number[][]) =>
    H.map((h) => rowTimes(q, W).reduce((a, x, k) => a + x * h[k]!, 0));
  assert.equal(check(3, right).status, "right");
  const noW = (q: number[], H: number[][]) => H.map((h) => h.reduce((a, x, k) => a + x * q[k]!, 0));
  assert.match(check(3, noW).message, /W is missing/);
  const transposed = (q: number[], H: number[][], W: number[][]) =>
    H.map((h) => rowTimes(h, W).reduce((a, x, k) => a + x * q[k]!, 0));
  assert.match(check(3, transposed).message, /uses Wᵀ/);
  assert.match(
    check(3, (q: number[], H: number[][], W: number[][]) => softmaxOf(right(q, H, W))).message,
    /softmax weights/,
  );
  assert.match(
    check(3, (q: number[], H: number[][], W: number[][]) => right(q, H, W).map((x) => x + 1)).message,
    /differ from s W h_jᵀ/,
  );
  assert.match(check(3, () => [1]).message, /one score per row of H/);
  const throws = check(3, () => {
    throw new RangeError("boom: shapes");
  });
  assert.equal(throws.status, "wrong");
  assert.match(throws.message, /boom/);
  const mutating = (q: number[], H: number[][], W: number[][]) => {
    const out = right(q, H, W);
    W[0]![0] = 99; // the check hands copies, so its own cases stay intact
    return out;
  };
  assert.equal(check(3, mutating).status, "right");
});

test("undefined is not yet; malformed answers are wrong without a throw", () => {
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [null, "abc", {}, [[1]], 42, Number.NaN, [Number.POSITIVE_INFINITY, 0, 0, 0]]) {
      const { status, message } = check(n, bad);
      assert.equal(status, "wrong", `${n} ${String(bad)}`);
      assert.ok(message.length > 0);
    }
  }
});

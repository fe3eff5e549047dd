/**
 * The S004 exercises: right answers are right, the typical wrong ones get the hint meant for them,
 * undefined is "not yet", and malformed answers are "wrong" without a throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { attend } from "../../lib/math/attend.js";
import { multiHeadAttend } from "../../lib/math/multiHead.js";
import { softmax } from "../../lib/math/softmax.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("S004");

test("S004.1: a·W_Q + b·I hides the error; W_Q itself, c·I and a generic X do not count", () => {
  const wq = [
    [0.1, 0.2],
    [0.3, 0.4],
  ];
  assert.equal(
    check(
      1,
      wq.map((r, i) => r.map((v, j) => v + (i === j ? 1 : 0))),
    ).status,
    "right",
  );
  assert.equal(
    check(
      1,
      wq.map((r) => r.map((v) => 3 * v)),
    ).status,
    "right",
  );
  assert.match(check(1, wq).message, /W_Q itself/);
  assert.match(
    check(1, [
      [2, 0],
      [0, 2],
    ]).message,
    /multiple of the identity/,
  );
  assert.match(
    check(1, [
      [1, 0],
      [0, 2],
    ]).message,
    /reveals the error/,
  );
});

test("S004.2: the largest τ with every self-weight ≥ 0.9, to within 0.01", () => {
  const tokens = [
    [1, 0.2],
    [0.3, 1],
    [-1, 0.4],
  ];
  const weakest = (tau: number) =>
    Math.min(
      ...attend(tokens, tokens, tokens, { score: "cosine", temperature: tau }).weights.map((r, i) => r[i]!),
    );
  let [lo, hi] = [0.01, 1];
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (weakest(mid) >= 0.9) lo = mid;
    else hi = mid;
  }
  assert.equal(check(2, lo).status, "right");
  assert.equal(check(2, Number(lo.toFixed(2))).status, "right");
  assert.match(check(2, lo + 0.05).message, /τ must be lower/);
  assert.match(check(2, lo - 0.05).message, /find the largest/);
  assert.match(check(2, 1).message, /τ must be lower/);
  assert.match(check(2, -0.2).message, /positive/);
});

test("S004.3: ∂A/∂g_1 = p_1 (head_1 − A); the usual slips get their hints", () => {
  const rng = mulberry32(4);
  const x = rng.matrix(3, 4, -1, 1);
  const w = () => rng.matrix(4, 4, -0.8, 0.8);
  const opts = { numHeads: 2, wq: w(), wk: w(), wv: w(), wo: w() };
  const [h1, h2] = multiHeadAttend(x, x, x, opts).heads.map((h) => h.output) as [number[][], number[][]];
  const [p1, p2] = softmax([0.3, -0.2]) as [number, number];
  const fused = h1.map((r, i) => r.map((v, j) => p1 * v + p2 * h2[i]![j]!));
  const grad = h1.map((r, i) => r.map((v, j) => p1 * (v - fused[i]![j]!)));
  assert.equal(check(3, grad).status, "right");
  assert.match(check(3, h1).message, /head 1 itself/);
  assert.match(
    check(
      3,
      h1.map((r) => r.map((v) => p1 * v)),
    ).message,
    /independent/,
  );
  assert.match(
    check(
      3,
      h1.map((r, i) => r.map((v, j) => v - fused[i]![j]!)),
    ).message,
    /off by a factor/,
  );
  assert.match(
    check(
      3,
      grad.map((r) => r.map((v) => -v)),
    ).message,
    /sign/,
  );
  assert.match(
    check(
      3,
      grad.map((r) => r.map((v) => v + 0.01)),
    ).message,
    /finite difference/,
  );
  assert.match(check(3, [[1, 2, 3]]).message, /3 rows of 2/);
});

test("S004.4: the smallest gap at which LN(a, b) reaches ±0.99 with ε = 1e-5", () => {
  // s = g / √(g² + 4ε) = 0.99  ⇔  g = 2 √(ε · 0.99² / (1 − 0.99²))
  const gap = 2 * Math.sqrt((1e-5 * 0.99 ** 2) / (1 - 0.99 ** 2));
  assert.equal(check(4, gap).status, "right");
  assert.equal(check(4, gap * 1.005).status, "right");
  assert.match(check(4, gap * 0.8).message, /larger gap/);
  assert.match(check(4, gap * 1.5).message, /smallest/);
  assert.match(check(4, 0).message, /positive/);
});

test("S004: undefined is not yet; malformed answers are wrong, never a throw", () => {
  for (const n of [1, 2, 3, 4]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [
      null,
      "abc",
      Number.NaN,
      Number.POSITIVE_INFINITY,
      [[1, "a"]],
      { a: 1 },
      () => 1,
      [],
      [[]],
    ]) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `S004.${n} ${String(bad)}`);
      assert.ok(r.message.length > 0);
    }
  }
});

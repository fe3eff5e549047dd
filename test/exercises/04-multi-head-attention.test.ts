/**
 * The checks of notebooks/04-multi-head-attention.ipynb: right answers are right, typical mistakes are wrong
 * with the expected hint, undefined is "not yet", and malformed answers are wrong without a throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { multiHeadAttend } from "../../lib/math/multiHead.js";
import { sinusoidalPositionalEncoding } from "../../lib/math/positional.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("04-multi-head-attention");

/** The notebook's example (8 tokens, E = 16, N = 4, seed 5), as its `example()` cell draws it. */
function example() {
  const rng = mulberry32(5);
  const pe = sinusoidalPositionalEncoding(8, 16);
  const X = rng.matrix(8, 16).map((row, i) => row.map((x, j) => x + pe[i]![j]!));
  const [wq, wk, wv, wo] = [0, 1, 2, 3].map(() => rng.matrix(16, 16, -0.6, 0.6)) as number[][][];
  return { X, wq: wq!, wk: wk!, wv: wv!, wo: wo! };
}
type Example = ReturnType<typeof example>;
const run = ({ X, wq, wk, wv, wo }: Example, causal = true) =>
  multiHeadAttend(X, X, X, { numHeads: 4, wq, wk, wv, wo, ...(causal ? { mask: { causal } } : {}) });
const copyColumns = (w: number[][], from: number, to: number) =>
  w.map((r) => r.map((x, j) => (j >= to && j < to + 4 ? r[j - to + from]! : x)));

test("exercise 1: the parameters of multi-head attention for E = 512, N = 8", () => {
  const E = 512;
  assert.equal(check(1, 4 * E * E + 4 * E).status, "right");
  assert.match(check(1, 4 * E * E).message, /four weight matrices only/);
  assert.match(check(1, 3 * E * E + 3 * E).message, /output projection/);
  assert.match(check(1, 3 * E * E).message, /output projection/);
  assert.match(check(1, 8 * (4 * E * E + 4 * E)).message, /own E × E matrices/);
  assert.match(check(1, (4 * E * E + 4 * E) / 8).message, /one head's share/);
  assert.match(check(1, 12345).message, /count the entries/);
  for (const bad of [1.5, -3, 0, "1050624", Number.NaN])
    assert.match(check(1, bad).message, /positive whole/);
});

test("exercise 2: the concat when head 2 gets head 1's projection columns", () => {
  const ex = example();
  const tie = (w: number[][]) => copyColumns(w, 0, 4);
  const tied = run({ ...ex, wq: tie(ex.wq), wk: tie(ex.wk), wv: tie(ex.wv) });
  assert.equal(check(2, tied.concat).status, "right");
  assert.ok(
    tied.concat.every((r) => r.slice(4, 8).every((x, j) => x === r[j])),
    "the blocks repeat",
  );
  assert.match(check(2, run(ex).concat).message, /untied weights/);
  assert.match(check(2, tied.output).message, /output after W_O/);
  assert.match(check(2, run({ ...ex, wq: tie(ex.wq), wk: tie(ex.wk) }).concat).message, /still differ/);
  const back = (w: number[][]) => copyColumns(w, 4, 0);
  assert.match(
    check(2, run({ ...ex, wq: back(ex.wq), wk: back(ex.wk), wv: back(ex.wv) }).concat).message,
    /other way/,
  );
  const unmaskedTied = run({ ...ex, wq: tie(ex.wq), wk: tie(ex.wk), wv: tie(ex.wv) }, false);
  assert.match(check(2, unmaskedTied.concat).message, /causal mask/);
  assert.match(check(2, tied.concat.slice(0, 4)).message, /should have 8 rows of 16/);
  assert.match(check(2, [[1, "a"]]).message, /array of rows of finite numbers/);
});

test("exercise 3: the head whose weights change most without the causal mask", () => {
  const ex = example();
  const [causal, full] = [run(ex), run(ex, false)];
  const change = causal.heads.map((h, n) =>
    h.weights.reduce(
      (s, r, i) => s + r.reduce((t, w, j) => t + Math.abs(w - full.heads[n]!.weights[i]![j]!), 0),
      0,
    ),
  );
  const right = change.indexOf(Math.max(...change)) + 1;
  const sorted = [...change].sort((a, b) => b - a);
  assert.ok(sorted[0]! - sorted[1]! > 1, `a clear winner: ${change}`);
  assert.equal(check(3, right).status, "right");
  for (const other of [1, 2, 3, 4].filter((h) => h !== right)) {
    const { status, message } = check(3, other);
    assert.equal(status, "wrong");
    assert.match(message, /another head changes more/);
  }
  assert.match(check(3, 0).message, /numbered from 1/);
  for (const bad of [5, 2.5, "1", -1]) assert.match(check(3, bad).message, /a head number, 1 to 4/);
});

test("undefined is not yet; malformed answers are wrong without a throw", () => {
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [null, "abc", {}, [[1]], () => 1, Number.NaN, [[Number.POSITIVE_INFINITY]]]) {
      const { status, message } = check(n, bad);
      assert.equal(status, "wrong", `${n} ${String(bad)}`);
      assert.ok(message.length > 0);
    }
  }
});

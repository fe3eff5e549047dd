/**
 * The checks of notebooks/02-scoring-functions.ipynb: right answers are right, typical mistakes are wrong with
 * the expected hint, undefined is "not yet", and malformed answers are wrong without a throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { attend } from "../../lib/math/attend.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("02-scoring-functions");

test("exercise 1: additive parameters for queries of width 3 and keys of width 5", () => {
  const rng = mulberry32(7);
  for (const hidden of [1, 8]) {
    const params = { wq: rng.matrix(3, hidden), wk: rng.matrix(5, hidden), v: rng.matrix(1, hidden)[0] };
    assert.equal(check(1, params).status, "right");
  }
  const square = { wq: rng.matrix(4, 8), wk: rng.matrix(4, 8), v: rng.matrix(1, 8)[0] }; // the notebook's d = 4
  assert.match(check(1, square).message, /additive refused them: .*wq \[4, 8\] must have 3 rows/);
  const swapped = { wq: rng.matrix(5, 8), wk: rng.matrix(3, 8), v: rng.matrix(1, 8)[0] };
  assert.match(check(1, swapped).message, /must have 3 rows/);
  const hiddenMismatch = { wq: rng.matrix(3, 8), wk: rng.matrix(5, 6), v: rng.matrix(1, 8)[0] };
  assert.match(check(1, hiddenMismatch).message, /share the hidden size/);
  assert.match(check(1, { wq: rng.matrix(3, 8), wk: rng.matrix(5, 8) }).message, /params\.v is required/);
  assert.match(check(1, 3).message, /an object \{ wq, wk, v \}/);
});

test("exercise 2: the temperature that undoes the saturation at d = 128", () => {
  assert.equal(check(2, Math.sqrt(128)).status, "right");
  assert.equal(check(2, 11).status, "right");
  assert.match(check(2, 1).message, /too sharp, try a larger τ/);
  assert.match(check(2, 128).message, /too flat, try a smaller τ/);
  assert.match(check(2, 0).message, /> 0/);
});

test("exercise 3: the most weight softmax of cosines gives one of 10 keys", () => {
  // the extreme case built through the library: one key along the query, nine opposite it
  const keys = [[1, 0], ...Array.from({ length: 9 }, () => [-1, 0])];
  const values = keys.map((_, j) => [j]);
  const cap = attend([[1, 0]], keys, values, { score: "cosine" }).weights[0]![0]!;
  assert.equal(check(3, cap).status, "right");
  assert.match(check(3, 1).message, /cannot push the other nine/);
  const zeros = [[1, 0], ...Array.from({ length: 9 }, () => [0, 1])];
  const atZero = attend([[1, 0]], zeros, values, { score: "cosine" }).weights[0]![0]!;
  assert.match(check(3, atZero).message, /lower than 0/);
  assert.match(check(3, 0.1).message, /uniform/);
  assert.match(check(3, 0.3).message, /smallest cosine allows/);
});

test("undefined is not yet; malformed answers are wrong, never a throw", () => {
  for (const n of [1, 2, 3]) assert.equal(check(n, undefined).status, "not yet");
  for (const bad of [null, "abc", -42, [[1, 0]], { a: 1 }, Number.NaN, () => 1, { wq: "x", wk: [], v: {} }]) {
    for (const n of [1, 2, 3]) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `${n} ${String(bad)}`);
      assert.ok(r.message.length > 0);
    }
  }
});

/**
 * The S003 exercises: right answers are right, the typical wrong ones get the hint meant for them,
 * undefined is "not yet", and malformed answers are "wrong" without a throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { attend } from "../../lib/math/attend.js";
import { rowEntropy } from "../../lib/math/distribution.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("S003");

/** The notebook's S003-F4 recipe: mean entropy of the weights at temperature τ for width d. */
function entropy(d: number, tau: number): number {
  const rng = mulberry32(34);
  const draw = (rows: number) =>
    Array.from({ length: rows }, () => Array.from({ length: d }, () => rng.normal()));
  const q = draw(8);
  const k = draw(10);
  const h = rowEntropy(attend(q, k, k, { score: "dot", scale: 1 / tau }).weights);
  return h.reduce((a, b) => a + b, 0) / h.length;
}

test("S003.1: the entropy at τ = d for d = 256, with hints for τ = √d, d = 64 and ln 10", () => {
  const right = entropy(256, 256);
  assert.ok(right < Math.log(10) && right > 0.99 * Math.log(10));
  assert.equal(check(1, right).status, "right");
  assert.equal(check(1, right + 1e-3).status, "wrong");
  assert.match(check(1, entropy(256, 16)).message, /τ = √d/);
  assert.match(check(1, entropy(64, 64)).message, /d = 64/);
  assert.match(check(1, Math.log(10)).message, /ln 10 itself/);
  assert.match(check(1, 3).message, /between 0 and ln 10/);
});

const block = (i: number, j: number) => i < 3 === j < 3;
const mask = (f: (i: number, j: number) => boolean) =>
  Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => f(i, j)));

test("S003.2: the block mask stops the leak; a leaking or over-strict mask is wrong", () => {
  assert.equal(check(2, mask(block)).status, "right");
  assert.match(
    check(
      2,
      mask(() => true),
    ).message,
    /other sentence/,
  );
  assert.match(
    check(
      2,
      mask((i, j) => block(i, j) && j <= i),
    ).message,
    /all of its own sentence/,
  );
  assert.match(
    check(
      2,
      mask((i, j) => i === j),
    ).message,
    /all of its own sentence/,
  );
  assert.match(check(2, [[true]]).message, /6 rows of 6/);
});

test("S003.3: X = cI and constant X commute with their α; a random X does not; X = 0 is refused", () => {
  assert.equal(
    check(3, [
      [2, 0, 0],
      [0, 2, 0],
      [0, 0, 2],
    ]).status,
    "right",
  );
  assert.equal(
    check(3, [
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ]).status,
    "right",
  );
  assert.match(check(3, mulberry32(35).matrix(3, 3, -1, 1)).message, /differ by up to/);
  assert.match(
    check(3, [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]).message,
    /non-zero/,
  );
  assert.match(
    check(3, [
      [1, 2],
      [3, 4],
    ]).message,
    /3 rows of 3/,
  );
});

test("S003: undefined is not yet; malformed answers are wrong, never a throw", () => {
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [null, "abc", Number.NaN, [[1, "a"]], { a: 1 }, () => 1, [], [[]]]) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `S003.${n} ${String(bad)}`);
      assert.ok(r.message.length > 0);
    }
  }
});

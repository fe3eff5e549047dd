/**
 * The S000 exercises: right answers are right, the typical wrong ones (the seed's literal readings) get the hint
 * meant for them, undefined is "not yet", and malformed answers are "wrong" without a throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { attend } from "../../lib/math/attend.js";
import { matmul, transpose } from "../../lib/math/matrix.js";
import { dot } from "../../lib/math/scores.js";
import { softmax } from "../../lib/math/softmax.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("S000");

const scores = [
  [1, 2, 0, 0],
  [0, 0, 3, 1],
];
const q = [
  [1, 0],
  [0, 1],
];
const k = [
  [1, 1],
  [1, -1],
  [0, 2],
];
const v = [
  [1, 0],
  [0, 1],
  [2, 2],
];

test("S000.1: the row softmax is right; the seed's column softmax and other rows are wrong", () => {
  assert.equal(check(1, softmax(scores)).status, "right");
  assert.match(check(1, softmax(scores, { axis: 0 })).message, /columns sum to 1.*S000-F13/);
  assert.match(check(1, softmax(scores, { temperature: 2 })).message, /not the softmax of the given scores/);
  assert.match(check(1, scores).message, /should sum to 1/);
  assert.match(check(1, transpose(softmax(scores))).message, /2 rows of 4/);
});

test("S000.2: O = softmax_row(QKᵀ)V is right; the literal, scaled and column-weight outputs are wrong", () => {
  assert.equal(check(2, matmul(softmax(dot(q, k)), v)).status, "right");
  const literal = matmul(transpose(softmax(dot(q, k), { axis: 0 })), v.slice(0, 2));
  assert.match(check(2, literal).message, /summed over the query index/);
  assert.match(check(2, attend(q, k, v).output).message, /1\/√d_k/);
  assert.match(check(2, matmul(softmax(dot(q, k), { axis: 0 }), v)).message, /down the columns/);
  assert.match(
    check(2, [
      [1, 2],
      [3, 4],
    ]).message,
    /row softmax/,
  );
  assert.match(check(2, [[1, 2, 3]]).message, /2 rows of 2/);
});

test("S000.3: dividing by d_k makes the entropy rise; the other two words get their own hints", () => {
  assert.equal(check(3, "rises").status, "right");
  assert.equal(check(3, " Rises ").status, "right");
  assert.match(check(3, "falls").message, /unscaled/);
  assert.match(check(3, "stays").message, /1\/√d_k/);
  assert.match(check(3, "up").message, /one of the words/);
});

test("S000: undefined is not yet; malformed answers are wrong, never a throw", () => {
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [null, "abc", 7, Number.NaN, [[Number.NaN]], { a: 1 }, () => 1, [["x"]]]) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `S000.${n} ${String(bad)}`);
      assert.ok(r.message.length > 0);
    }
  }
});

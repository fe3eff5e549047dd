/**
 * The S002 exercises: right answers are right, the typical wrong ones (the seed's literal readings) get the hint
 * meant for them, undefined is "not yet", and malformed answers are "wrong" without a throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { attend } from "../../lib/math/attend.js";
import { matmul, transpose } from "../../lib/math/matrix.js";
import { softmax } from "../../lib/math/softmax.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("S002");
const times = (m: number[][], f: number) => m.map((r) => r.map((x) => x * f));

test("S002.1: q kᵀ/√d_k is right; unscaled, /d_k and k qᵀ are wrong with their hints", () => {
  const q = [
    [1, 0],
    [0, 1],
    [1, 1],
  ];
  const k = [
    [2, 0],
    [0, 2],
    [1, -1],
  ];
  const raw = matmul(q, transpose(k));
  assert.equal(check(1, times(raw, 1 / Math.sqrt(2))).status, "right");
  assert.match(check(1, raw).message, /without the 1\/√d_k/);
  assert.match(check(1, times(raw, 1 / 2)).message, /divides by d_k/);
  assert.match(check(1, transpose(times(raw, 1 / Math.sqrt(2)))).message, /k qᵀ/);
  assert.match(
    check(1, [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]).message,
    /shape error/,
  );
});

test("S002.2: the column softmax in [query, key] layout is right; the row softmax and the transpose are wrong", () => {
  const s = [
    [1, 0, 2],
    [3, 1, 0],
  ];
  assert.equal(check(2, softmax(s, { axis: 0 })).status, "right");
  assert.match(check(2, softmax(s)).message, /queries asking/);
  assert.match(check(2, transpose(softmax(s, { axis: 0 }))).message, /numbers are right.*layout/);
  assert.match(check(2, softmax(transpose(s))).message, /layout/);
});

test("S002.3: decoder-query weights are right; the encoder asking, no scale and column sums are wrong", () => {
  const qFr = [
    [2, 0],
    [0, 2],
  ];
  const kEn = [
    [1, 0],
    [0, 1],
    [0.5, 0.5],
  ];
  assert.equal(check(3, attend(qFr, kEn, kEn).weights).status, "right");
  assert.match(check(3, attend(kEn, qFr, qFr).weights).message, /encoder asking/);
  assert.match(check(3, attend(qFr, kEn, kEn, { score: "dot" }).weights).message, /1\/√d_k/);
  assert.match(
    check(3, softmax(times(matmul(qFr, transpose(kEn)), 1 / Math.sqrt(2)), { axis: 0 })).message,
    /columns/,
  );
});

test("S002: undefined is not yet; malformed answers are wrong, never a throw", () => {
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [null, "abc", 7, Number.NaN, [[Number.NaN]], { a: 1 }, () => 1, [["x"]]]) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `S002.${n} ${String(bad)}`);
      assert.ok(r.message.length > 0);
    }
  }
});

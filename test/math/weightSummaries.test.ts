/** Unit tests of the notebook helpers in lib/math: entropy, rowEntropy, softArgmax, rowSums, colSums, maxAbsDiff, errorOf. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  colSums,
  entropy,
  errorOf,
  matmul,
  maxAbsDiff,
  mulberry32,
  rowEntropy,
  rowSums,
  softArgmax,
  softmax,
} from "../../lib/index.js";
import { assertClose } from "../helpers.js";

test("entropy is 0 for a one-hot row and ln n for a uniform row", () => {
  assert.equal(entropy([0, 1, 0, 0]), 0);
  for (const n of [1, 2, 3, 7]) assertClose(entropy(new Array<number>(n).fill(1 / n)), Math.log(n), 1e-12);
});

test("entropy of [1/2, 1/4, 1/4] is 1.5 ln 2", () => {
  assertClose(entropy([0.5, 0.25, 0.25]), 1.5 * Math.log(2), 1e-12);
});

test("entropy of a softmax row lies in [0, ln n] and falls as the logits are sharpened", () => {
  const rng = mulberry32(7);
  const logits = Array.from({ length: 6 }, () => rng.normal());
  const hs = [1, 2, 4, 8].map((c) => entropy(softmax(logits.map((x) => c * x))));
  hs.forEach((h) => {
    assert.ok(h >= 0 && h <= Math.log(6) + 1e-12, `entropy ${h} outside [0, ln 6]`);
  });
  for (let i = 1; i < hs.length; i++) assert.ok(hs[i]! < hs[i - 1]!, `entropy not decreasing: ${hs}`);
});

test("rowEntropy applies entropy to each row", () => {
  assertClose(
    rowEntropy([
      [1, 0],
      [0.5, 0.5],
    ]),
    [0, Math.log(2)],
    1e-12,
  );
});

test("entropy rejects negative weights and empty input", () => {
  assert.throws(() => entropy([0.5, -0.1, 0.6]), /p\[1\] must be ≥ 0/);
  assert.throws(() => entropy([]), RangeError);
});

test("softArgmax averages positions under the weights", () => {
  assertClose(
    softArgmax(
      [0.25, 0.75],
      [
        [0, 0],
        [4, 8],
      ],
    ),
    [3, 6],
    1e-12,
  );
  assertClose(softArgmax([0, 0, 1], [[0], [1], [2]]), [2], 1e-12);
});

test("softArgmax names both shapes when the lengths disagree", () => {
  assert.throws(
    () =>
      softArgmax(
        [0.5, 0.5],
        [
          [0, 0],
          [1, 1],
          [2, 2],
        ],
      ),
    /positions \[3, 2\].*weights \[2\]/,
  );
});

test("rowSums and colSums tell a row softmax from a column softmax", () => {
  const s = [
    [1, 2, 0],
    [0, 1, 3],
  ];
  assertClose(rowSums(softmax(s)), [1, 1], 1e-12);
  assertClose(colSums(softmax(s, { axis: 0 })), [1, 1, 1], 1e-12);
  assertClose(
    colSums([
      [1, 2],
      [3, 4],
    ]),
    [4, 6],
    1e-12,
  );
});

test("maxAbsDiff is the largest entrywise gap and rejects different shapes", () => {
  assert.equal(
    maxAbsDiff(
      [
        [1, -2],
        [3, 4],
      ],
      [
        [1, 2],
        [3, 4.5],
      ],
    ),
    4,
  );
  assert.throws(() => maxAbsDiff([[1, 2]], [[1], [2]]), /a has shape \[1, 2\] but b has shape \[2, 1\]/);
});

test("errorOf returns the thrown error's name and message, or (no error)", () => {
  assert.match(
    errorOf(() => matmul([[1, 2, 3]], [[1], [2]])),
    /^RangeError: matmul: a \[1, 3\] cannot multiply b \[2, 1\]/,
  );
  assert.equal(
    errorOf(() => matmul([[1]], [[2]])),
    "(no error)",
  );
  assert.equal(
    errorOf(() => {
      throw "plain";
    }),
    "thrown: plain",
  );
});

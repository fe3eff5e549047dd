/** Bad input: shape mismatches throw RangeError naming the argument and both shapes; ragged or non-finite input is rejected. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  attend,
  buildMask,
  concatHeads,
  kernelPooling,
  maskedSoftmax,
  matmul,
  multiHeadAttend,
  positionalShift,
  sinusoidalPositionalEncoding,
  softmax,
  splitHeads,
} from "../../lib/index.js";

const q = [
  [1, 2, 3],
  [4, 5, 6],
];

test("attend: queries and keys of different widths name both shapes", () => {
  assert.throws(() => attend(q, [[1, 2]], [[1]]), {
    name: "RangeError",
    message: /queries \[2, 3\] and keys \[1, 2\] must have the same width \(3 != 2\)/,
  });
});

test("attend: values with a different number of rows than keys name both shapes", () => {
  assert.throws(() => attend(q, q, [[1, 1]]), {
    name: "RangeError",
    message: /values \[1, 2\].*keys \[2, 3\]/,
  });
});

test("additive and general: parameter shapes are checked against the inputs", () => {
  assert.throws(() => attend(q, q, q, { score: "additive", wq: [[1]], wk: [[1], [1], [1]], v: [1] }), {
    name: "RangeError",
    message: /wq \[1, 1\] must have 3 rows to project queries \[2, 3\]/,
  });
  assert.throws(() => attend(q, q, q, { score: "general", w: [[1, 2]] }), {
    name: "RangeError",
    message: /w has shape \[1, 2\] but queries \[2, 3\] and keys \[2, 3\] need \[3, 3\]/,
  });
});

test("ragged, empty and non-finite matrices are rejected with the argument named", () => {
  assert.throws(() => attend([[1, 2], [3]], q, q), {
    name: "TypeError",
    message: /queries is ragged: row 0 has 2 entries but row 1 has 1/,
  });
  assert.throws(
    () =>
      attend(q, q, [
        [1, Number.NaN, 1],
        [1, 1, 1],
      ]),
    { name: "RangeError", message: /values\[0\]\[1\] must be finite, got NaN/ },
  );
  assert.throws(() => attend(q, [[Infinity, 1, 1]], [[1]]), {
    name: "RangeError",
    message: /keys\[0\]\[0\] must be finite/,
  });
  assert.throws(() => attend([], q, q), {
    name: "RangeError",
    message: /queries must have at least one row/,
  });
  assert.throws(() => softmax([[1, "2" as unknown as number]]), {
    name: "TypeError",
    message: /x\[0\]\[1\] must be a number/,
  });
});

test("masks: wrong mask shape or valid length names the shapes", () => {
  assert.throws(() => maskedSoftmax([[1, 2, 3]], [[true, false]]), {
    name: "RangeError",
    message: /mask has shape \[1, 2\] but the scores have shape \[1, 3\]/,
  });
  assert.throws(() => maskedSoftmax([[1, 2]], { validLens: [1, 2] }), {
    name: "RangeError",
    message: /validLens has shape \[2\].*1 query rows/,
  });
  assert.throws(() => buildMask(1, 2, { validLens: 3 }), {
    name: "RangeError",
    message: /validLens\[0\] must be an integer in \[0, 2\]/,
  });
  assert.throws(() => buildMask(2, 2, { window: -1 }), { name: "RangeError", message: /window/ });
});

test("softmax: bad temperature, axis or +Infinity is an error, never NaN", () => {
  assert.throws(() => softmax([1, 2], { temperature: 0 }), {
    name: "RangeError",
    message: /temperature must be a finite number > 0, got 0/,
  });
  assert.throws(() => softmax([[1, 2]], { axis: 2 as 0 }), { name: "RangeError", message: /axis/ });
  assert.throws(() => softmax([Infinity, 1]), { name: "RangeError", message: /\+Infinity/ });
});

test("multi-head: width not divisible by heads, mismatched projections", () => {
  assert.throws(() => splitHeads(q, 2), {
    name: "RangeError",
    message: /x \[2, 3\]: width 3 is not divisible by numHeads 2/,
  });
  assert.throws(() => concatHeads([[[1]], [[1], [2]]]), {
    name: "RangeError",
    message: /heads\[1\] has 2 rows but heads\[0\] has 1/,
  });
  const I = [
    [1, 0],
    [0, 1],
  ];
  assert.throws(() => multiHeadAttend(q, q, q, { numHeads: 1, wq: I, wk: I, wv: I, wo: I }), {
    name: "RangeError",
    message: /matmul: queries \[2, 3\] cannot multiply wq \[2, 2\] \(3 != 2\)/,
  });
  assert.throws(
    () => multiHeadAttend([[1, 0]], [[1, 0]], [[1, 0]], { numHeads: 0, wq: I, wk: I, wv: I, wo: I }),
    {
      name: "RangeError",
      message: /numHeads must be a positive integer, got 0/,
    },
  );
});

test("matmul, positional encoding and kernel pooling validate their arguments", () => {
  assert.throws(() => matmul([[1, 2]], [[1, 2]]), {
    name: "RangeError",
    message: /a \[1, 2\] cannot multiply b \[1, 2\] \(2 != 1\)/,
  });
  assert.throws(() => sinusoidalPositionalEncoding(0, 4), {
    name: "RangeError",
    message: /length must be a positive integer/,
  });
  assert.throws(() => positionalShift(1, 3), { name: "RangeError", message: /dModel must be even/ });
  assert.throws(() => kernelPooling([0], [1, 2], [1]), {
    name: "RangeError",
    message: /values has shape \[1\] but keys has shape \[2\]/,
  });
  assert.throws(() => kernelPooling([0], [1], [1], { bandwidth: -1 }), {
    name: "RangeError",
    message: /bandwidth/,
  });
  assert.throws(() => kernelPooling([0], [1], [1], { kernel: "tophat" as "boxcar" }), {
    name: "RangeError",
    message: /kernel must be one of/,
  });
});

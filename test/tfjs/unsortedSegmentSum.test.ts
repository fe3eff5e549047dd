/**
 * UnsortedSegmentSum on wasm (attnlab's kernel) against cpu: the op itself, out-of-range ids, int32, and the
 * gradients of `tf.gather` and of an embedding lookup, which are what need it.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { unsortedSegmentSum } from "../../lib/tfjs/kernels/unsortedSegmentSum.js";
import { assertNoLeak, assertSameOnWasmAndCpu, probe, randn, setupWasm } from "./backends.js";

before(setupWasm);

const ids = (values: number[]) => tf.tensor1d(values, "int32");

test("doc example: rows with the same id add up", () => {
  const out = unsortedSegmentSum(
    tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]),
    ids([0, 1, 0]),
    2,
  );
  assert.deepEqual(out.arraySync(), [
    [6, 8],
    [3, 4],
  ]);
  out.dispose();
});

test("the op matches cpu: 1-D and N-D ids, trailing dims, out-of-range ids dropped, int32", async () => {
  const cases: [string, () => tf.Tensor][] = [
    ["1-D", () => tf.unsortedSegmentSum(randn([6, 3], 1), ids([0, 2, 2, 1, 0, 3]), 4)],
    ["vector x", () => tf.unsortedSegmentSum(randn([5], 2), ids([1, 1, 0, 4, 1]), 5)],
    ["trailing dims", () => tf.unsortedSegmentSum(randn([4, 2, 3], 3), ids([3, 0, 3, 1]), 4)],
    ["empty segments", () => tf.unsortedSegmentSum(randn([3, 2], 4), ids([5, 5, 5]), 7)],
    ["out of range", () => tf.unsortedSegmentSum(randn([4, 2], 5), ids([-1, 2, 9, 0]), 3)],
    [
      "int32",
      () =>
        tf.unsortedSegmentSum(
          tf.tensor2d(
            [
              [1, 2],
              [3, 4],
              [5, 6],
            ],
            [3, 2],
            "int32",
          ),
          ids([1, 1, 0]),
          2,
        ),
    ],
  ];
  for (const [name, f] of cases) await assertSameOnWasmAndCpu(`unsortedSegmentSum ${name}`, f);
  // ids of rank 2 (a prefix of x's shape) through the kernel directly; cpu's op only takes 1-D ids
  const direct = tf.engine().runKernel(
    "UnsortedSegmentSum",
    { x: randn([2, 3, 2], 6), segmentIds: tf.tensor2d([0, 1, 0, 2, 2, 1], [2, 3], "int32") },
    {
      numSegments: 3,
    },
  ) as tf.Tensor;
  assert.deepEqual(direct.shape, [3, 2]);
  direct.dispose();
});

test("gradient of gather (axis 0 and 1, repeated indices) matches cpu", async () => {
  for (const axis of [0, 1]) {
    await assertSameOnWasmAndCpu(`gather grad axis ${axis}`, () =>
      tf.grad((x: tf.Tensor) => probe(tf.gather(x, ids([0, 2, 2, 1, 2]), axis)))(randn([4, 3], 7)),
    );
  }
});

test("gradient of an embedding lookup [B, T] → [B, T, E] matches cpu", async () => {
  const tokens = () => tf.tensor2d([1, 4, 4, 0, 9, 2, 4, 7], [2, 4], "int32"); // [B, T]
  await assertSameOnWasmAndCpu("embedding grad", () =>
    tf.grad((table: tf.Tensor) => probe(tf.gather(table, tokens())))(randn([10, 5], 8)),
  );
});

test("no tensors leak across repeated calls", () => {
  assertNoLeak("unsortedSegmentSum", () =>
    tf.unsortedSegmentSum(randn([6, 3], 1), ids([0, 2, 2, 1, -1, 3]), 4),
  );
  assertNoLeak("gather grad", () =>
    tf.grad((x: tf.Tensor) => probe(tf.gather(x, ids([0, 2, 2]))))(randn([4, 3], 7)),
  );
});

/**
 * UnsortedSegmentSum for tfjs-wasm, the kernel behind the gradient of `tf.gather`, so of every embedding
 * lookup. Follows TensorFlow's `unsorted_segment_sum`: out[s] = Σ_{i : ids[i] = s} x[i], with ids outside
 * [0, numSegments) dropped (as the cpu backend does), computed as one scatter-add of rows.
 */
import * as tf from "@tensorflow/tfjs";
import { opKernel } from "./opKernel.js";

/** Attributes of the UnsortedSegmentSum kernel (tfjs-core `UnsortedSegmentSumAttrs`). */
export interface UnsortedSegmentSumAttrs {
  numSegments: number;
}

/**
 * Sums the slices of `x` that share a segment id.
 * @param x `[...idsShape, ...D]`, float32 or int32
 * @param segmentIds int32 `idsShape`, a prefix of x's shape
 * @param numSegments number of output rows S
 * @returns `[S, ...D]`, same dtype as x
 * @example
 *   unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([0, 1, 0], "int32"), 2);
 *   // [[6, 8], [3, 4]]
 */
export function unsortedSegmentSum(x: tf.Tensor, segmentIds: tf.Tensor, numSegments: number): tf.Tensor {
  const idsShape = segmentIds.shape;
  if (idsShape.some((n, k) => x.shape[k] !== n)) {
    throw new RangeError(`segmentIds shape [${idsShape}] must be a prefix of x shape [${x.shape}]`);
  }
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new RangeError(`numSegments must be a non-negative integer, got ${numSegments}`);
  }
  const rest = x.shape.slice(idsShape.length);
  const n = segmentIds.size;
  const d = rest.reduce((a, b) => a * b, 1);
  if (n === 0 || d === 0 || numSegments === 0) return tf.zeros([numSegments, ...rest], x.dtype);
  return tf.tidy(() => {
    // 1) flatten to rows
    const ids = tf.reshape(tf.cast(segmentIds, "int32"), [n]); // [N]
    const rows = tf.reshape(x, [n, d]); // [N, D]
    // 2) drop out-of-range ids: send them to row 0 with zero weight (wasm scatter does not bounds-check)
    const valid = tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, numSegments)); // [N]
    const safeIds = tf.where(valid, ids, tf.zerosLike(ids)); // [N]
    const safeRows = tf.where(tf.reshape(valid, [n, 1]), rows, tf.zerosLike(rows)); // [N, D]
    // 3) scatter-add: rows with the same id accumulate
    const summed = tf.scatterND(tf.reshape(safeIds, [n, 1]), safeRows, [numSegments, d]); // [S, D]
    return tf.reshape(summed, [numSegments, ...rest]); // [S, ...D]
  });
}

/** Kernel config registering {@link unsortedSegmentSum} as "UnsortedSegmentSum" on `backendName`. */
export function unsortedSegmentSumKernel(backendName = "wasm"): tf.KernelConfig {
  return opKernel<UnsortedSegmentSumAttrs>("UnsortedSegmentSum", backendName, ({ x, segmentIds }, attrs) =>
    unsortedSegmentSum(x!, segmentIds!, attrs.numSegments),
  );
}

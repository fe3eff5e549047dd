/**
 * A faster UnsortedSegmentSum for tfjs-wasm when the one-hot matrix is small (the embedding gradient of a small
 * vocabulary): out = onehot(ids)ᵀ · X, one product that the speed `BatchMatMul` sends to attnlab's SIMD kernel,
 * instead of the scatter-add of lib/tfjs/kernels/unsortedSegmentSum.ts. Rows are added in their order; ids out
 * of range have an all-zero one-hot row, so they are dropped as before. Any other call goes to `original`.
 */
import * as tf from "@tensorflow/tfjs";
import { opKernel } from "./opKernel.js";
import type { UnsortedSegmentSumAttrs } from "./unsortedSegmentSum.js";

/** Largest one-hot matrix (ids × segments) built: 4 Mi entries, 16 MiB. */
export const ONE_HOT_LIMIT = 4 * 1024 * 1024;

/** Σ of the rows of `x` per segment id, as onehot(ids)ᵀ · X; same contract as `unsortedSegmentSum`. */
export function oneHotSegmentSum(x: tf.Tensor, segmentIds: tf.Tensor, numSegments: number): tf.Tensor {
  const n = segmentIds.size;
  const rest = x.shape.slice(segmentIds.rank);
  const d = tf.util.sizeFromShape(rest);
  return tf.tidy(() => {
    const ids = tf.reshape(tf.cast(segmentIds, "int32"), [n]) as tf.Tensor1D; // [N]
    const oneHot = tf.cast(tf.oneHot(ids, numSegments), "float32"); // [N, S] (wasm fills int32 only)
    const summed = tf.matMul(oneHot, tf.reshape(x, [n, d]) as tf.Tensor2D, true, false); // [S, D]
    return tf.reshape(summed, [numSegments, ...rest]);
  });
}

/** Wraps `original` (attnlab's scatter-add kernel) with the one-hot product for small float32 cases. */
export function fastSegmentSumKernel(original: tf.KernelConfig): tf.KernelConfig {
  const viaOneHot = opKernel<UnsortedSegmentSumAttrs>(
    "UnsortedSegmentSum",
    original.backendName,
    ({ x, segmentIds }, attrs) => oneHotSegmentSum(x!, segmentIds!, attrs.numSegments),
  );
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = args.attrs as unknown as UnsortedSegmentSumAttrs;
    const n = tf.util.sizeFromShape(segmentIds.shape);
    const d = tf.util.sizeFromShape(x.shape.slice(segmentIds.shape.length));
    const small = n > 0 && d > 0 && numSegments > 0 && n * numSegments <= ONE_HOT_LIMIT;
    const prefix = segmentIds.shape.every((k, i) => x.shape[i] === k);
    return x.dtype === "float32" && small && prefix ? viaOneHot.kernelFunc(args) : original.kernelFunc(args);
  };
  return { kernelName: "UnsortedSegmentSum", backendName: original.backendName, kernelFunc };
}

/**
 * A faster Sum for tfjs-wasm when the summed axes lead (axis 0, or 0 and 1, …): the reduction behind every bias
 * gradient and every broadcast add's gradient. tfjs-wasm first transposes the summed axes to the end (2 ms for a
 * [1024, 192] gradient here); this kernel reads the tensor as a matrix [M, N] and takes 1ₘᵀ · X with attnlab's
 * SIMD product (batchedMatMul.ts), which streams the rows once (packed first when N is not a multiple of 8).
 * Not XNNPACK: it caches a packed copy of its right operand by buffer id, which a buffer read under two shapes
 * would corrupt. Any other Sum goes to tfjs's own kernel. Follows tfjs-core's `Sum` kernel contract (`axis`,
 * `keepDims`) and tfjs-backend-wasm 4.22 `kernels/Sum.ts`.
 */
import * as tf from "@tensorflow/tfjs";
import { batchedMatMul } from "./batchedMatMul.js";

/** Attributes of the Sum kernel (tfjs-core `SumAttrs`). */
interface SumAttrs {
  axis: number | number[];
  keepDims: boolean;
}

/** How many leading axes `axis` names (axes 0 … r−1, in any order, without repeats), or 0 if it is not that. */
export function leadingAxes(axis: number | number[], rank: number): number {
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  if (sorted.length !== axes.length || sorted.length >= rank) return 0; // repeats, or every axis
  return sorted.every((a, i) => a === i) ? sorted.length : 0;
}

/** Wraps tfjs-wasm's Sum (`original`) with the 1ᵀ·X rewrite; `fill` is the Fill kernel that makes the ones. */
export function fastSumKernel(original: tf.KernelConfig, fill: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const attrs = args.attrs as unknown as SumAttrs;
    const r = leadingAxes(attrs.axis, x.shape.length);
    if (r === 0 || x.dtype !== "float32") return original.kernelFunc(args);
    const backend = args.backend as tf.KernelBackend;
    const m = tf.util.sizeFromShape(x.shape.slice(0, r));
    const rest = x.shape.slice(r);
    const n = tf.util.sizeFromShape(rest);
    if (m === 0 || n === 0) return original.kernelFunc(args);
    const ones = fill.kernelFunc({
      inputs: {},
      backend,
      attrs: { shape: [1, m], value: 1, dtype: "float32" },
    });
    try {
      const outShape = attrs.keepDims ? [...x.shape.slice(0, r).map(() => 1), ...rest] : rest;
      const matrix = { dataId: x.dataId, shape: [m, n], dtype: x.dtype };
      const product = { a: ones as tf.TensorInfo, b: matrix, transposeA: false, transposeB: false };
      return batchedMatMul(backend, { ...product, batch: 1, outShape }) ?? original.kernelFunc(args);
    } finally {
      backend.disposeData((ones as tf.TensorInfo).dataId);
    }
  };
  return { kernelName: "Sum", backendName: original.backendName, setupFunc: original.setupFunc, kernelFunc };
}

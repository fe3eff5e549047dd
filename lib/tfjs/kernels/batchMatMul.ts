/**
 * A faster BatchMatMul for tfjs-wasm. Its own kernel sends only a plain, untransposed product of two single
 * matrices to XNNPACK (24–35 GFLOP/s here); every transposed or batched form falls to a scalar loop near
 * 1 GFLOP/s, and that covers both gradients of every dense layer (dX = dY·Wᵀ, dW = Xᵀ·dY) and attention. This
 * kernel sends every float32 product whose batch dimensions match (or where one side is a single matrix) to
 * attnlab's SIMD kernels (batchedMatMul.ts), which sum in XNNPACK's order: the plain product gives XNNPACK's
 * bits, faster. `a`'s batch is folded into rows when `b` is one matrix. Anything else goes to tfjs's own kernel.
 * Choices measured in docs/performance.md.
 */
import * as tf from "@tensorflow/tfjs";
import { batchedMatMul } from "./batchedMatMul.js";

/** Attributes of the BatchMatMul kernel (tfjs-core `BatchMatMulAttrs`). */
interface BatchMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** The product shape: broadcast batch dimensions, then rows of `a`, columns of `b`. */
function outShape(a: tf.TensorInfo, b: tf.TensorInfo, attrs: BatchMatMulAttrs): number[] {
  const [ra, rb] = [a.shape.length, b.shape.length];
  const rows = attrs.transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const cols = attrs.transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const batch = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return [...batch, rows, cols];
}

/** Wraps tfjs-wasm's own BatchMatMul kernel (`original`) with the rewrite above; the result has tfjs's shape. */
export function fastBatchMatMulKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = args.attrs as unknown as BatchMatMulAttrs;
    const backend = args.backend as tf.KernelBackend;
    const size = tf.util.sizeFromShape;
    const shape = outShape(a, b, attrs);
    const batches = shape.slice(0, -2);
    /** `x` is one matrix, or has the output's batch dimensions. */
    const whole = (x: tf.TensorInfo) =>
      size(x.shape.slice(0, -2)) === 1 || x.shape.slice(0, -2).join() === batches.join();
    if (!whole(a) || !whole(b)) return original.kernelFunc(args);
    const [ra, rb] = [a.shape.length, b.shape.length];
    if (size(b.shape.slice(0, -2)) === 1 && !attrs.transposeA && size(a.shape.slice(0, -2)) > 1) {
      // b is one matrix: fold a's batch into rows, one taller product (same buffers, relabelled)
      const k = a.shape[ra - 1]!;
      const aRows = { dataId: a.dataId, shape: [size(a.shape) / k, k], dtype: a.dtype };
      const bMatrix = { dataId: b.dataId, shape: b.shape.slice(rb - 2), dtype: b.dtype };
      const out = batchedMatMul(backend, {
        a: aRows,
        b: bMatrix,
        ...attrs,
        batch: 1,
        outShape: [aRows.shape[0]!, shape.at(-1)!],
      });
      if (out === undefined) return original.kernelFunc(args);
      out.shape = shape;
      return out;
    }
    return (
      batchedMatMul(backend, { a, b, ...attrs, batch: size(batches), outShape: shape }) ??
      original.kernelFunc(args)
    );
  };
  // The stock kernel binds its wasm function in `setupFunc`, which the backend runs when it starts.
  return {
    kernelName: "BatchMatMul",
    backendName: original.backendName,
    setupFunc: original.setupFunc,
    kernelFunc,
  };
}

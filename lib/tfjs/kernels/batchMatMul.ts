/**
 * A faster BatchMatMul for tfjs-wasm. Its own kernel sends only a plain, untransposed product of two single
 * matrices to XNNPACK (11–23 GFLOP/s here); every transposed or batched form falls to a scalar loop near
 * 1 GFLOP/s, and that covers both gradients of every dense layer (dX = dY·Wᵀ, dW = Xᵀ·dY). This kernel routes:
 * - `b` one matrix, `b` transposed: an explicit transpose of `b` (a copy, O(n²) against the product's O(n³)),
 *   `a`'s batch folded into rows, one plain product — XNNPACK's form;
 * - `b` one matrix, only `a` transposed (Xᵀ·dY), and two batched operands (attention's Q·Kᵀ, A·V and their
 *   gradients): attnlab's SIMD kernels (batchedMatMul.ts), when the batch dimensions match or one side is a
 *   single matrix;
 * - anything else: tfjs's own kernel.
 * Choices measured in docs/performance.md.
 * Follows tfjs-backend-wasm 4.22 `kernels/BatchMatMul.ts` and `cc/batch_mat_mul_impl.cc` (the XNNPACK branch).
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

/**
 * Wraps tfjs-wasm's own BatchMatMul kernel (`original`) with the rewrite above. The result has the same
 * shape as tfjs's and, when `b` is one matrix, is computed by XNNPACK like tfjs's untransposed product.
 */
export function fastBatchMatMulKernel(
  original: tf.KernelConfig,
  transpose: tf.KernelConfig,
): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = args.attrs as unknown as BatchMatMulAttrs;
    const backend = args.backend as tf.KernelBackend;
    const size = tf.util.sizeFromShape;
    const [batchA, batchB] = [size(a.shape.slice(0, -2)), size(b.shape.slice(0, -2))];
    const shape = outShape(a, b, attrs);
    const simd = () =>
      batchedMatMul(backend, { a, b, ...attrs, batch: size(shape.slice(0, -2)), outShape: shape });
    if (batchB !== 1) {
      const whole = (x: tf.TensorInfo, n: number) =>
        n === 1 || x.shape.slice(0, -2).join() === shape.slice(0, -2).join();
      return (whole(a, batchA) && whole(b, batchB) ? simd() : undefined) ?? original.kernelFunc(args);
    }
    const plain = !attrs.transposeA && !attrs.transposeB && batchA === 1;
    if (plain || a.dtype !== "float32" || b.dtype !== "float32") return original.kernelFunc(args);
    if (attrs.transposeA && !attrs.transposeB) {
      // Aᵀ·B (every weight gradient Xᵀ·dY): XNNPACK would pack the large B afresh for a short product
      const out = simd();
      if (out) return out;
    }
    const temporaries: tf.TensorInfo[] = [];
    /** `x` with its last two axes swapped, as a new buffer (freed below). */
    const swapped = (x: tf.TensorInfo): tf.TensorInfo => {
      const perm = x.shape.map((_, i) => i);
      [perm[perm.length - 2], perm[perm.length - 1]] = [perm.length - 1, perm.length - 2];
      const t = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
      temporaries.push(t);
      return t;
    };
    try {
      const aRows = attrs.transposeA ? swapped(a) : a; // [..., M, K]
      const bMatrix = attrs.transposeB ? swapped(b) : b; // [..., K, N]
      const [k, n] = bMatrix.shape.slice(-2) as [number, number];
      // Same buffers, relabelled: a's batch folded into rows, b as one matrix.
      const aFlat = { dataId: aRows.dataId, shape: [size(aRows.shape) / k, k], dtype: aRows.dtype };
      const bFlat = { dataId: bMatrix.dataId, shape: [k, n], dtype: bMatrix.dtype };
      const out = original.kernelFunc({
        inputs: { a: aFlat, b: bFlat },
        backend,
        attrs: { transposeA: false, transposeB: false },
      }) as tf.TensorInfo;
      out.shape = shape;
      return out;
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
  // The stock kernel binds its wasm function in `setupFunc`, which the backend runs when it starts.
  return {
    kernelName: "BatchMatMul",
    backendName: original.backendName,
    setupFunc: original.setupFunc,
    kernelFunc,
  };
}

/**
 * The affine map y = x W + b on tensors of any rank, written as one plain 2-D `matMul`.
 * Follows: the row convention of tier 1 (`Q = X W_q`); ARCHITECTURE "tfjs-wasm runs only plain, unbatched,
 * untransposed matMul fast", so `[..., I]` is flattened to `[M, I]` rather than batch-multiplied.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * `x [..., I] · kernel [I, O] (+ bias [O])` → `[..., O]`.
 * @example linear(tf.ones([2, 3, 4]), tf.ones([4, 5])).shape; // [2, 3, 5]
 */
export function linear(x: tf.Tensor, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.rank - 1]!;
  if (kernel.shape[0] !== inDim) {
    throw new RangeError(
      `x [${x.shape}] and kernel [${kernel.shape}] do not chain (${inDim} != ${kernel.shape[0]})`,
    );
  }
  const outDim = kernel.shape[1]!;
  const flat = tf.matMul(x.reshape([-1, inDim]) as tf.Tensor2D, kernel as tf.Tensor2D); // [M, O]
  const y = bias === undefined ? flat : tf.add(flat, bias);
  return y.reshape([...x.shape.slice(0, -1), outDim]); // [..., O]
}

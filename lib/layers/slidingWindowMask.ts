/**
 * Sliding-window attention with global tokens on tier 2: the tier-1 mask as the `[B, T, T]` `attentionMask`
 * tensor that every attention layer's call takes (1 = attend), so MultiHeadAttention runs Longformer's pattern
 * unchanged. Follows: Beltagy et al. 2020 §3.1; tier-1 `slidingWindowMask`. This still forms the dense `[T, T]`
 * scores and masks them (the cost of full attention): a banded kernel, which stores only the pairs kept, is what
 * makes the pattern cheap, and tier 1's `slidingWindowPairs` counts those pairs.
 */
import * as tf from "@tensorflow/tfjs";
import { assertPositiveInt } from "../math/matrix.js";
import { type SlidingWindowOptions, slidingWindowMask } from "../math/slidingWindow.js";

/**
 * The sliding-window mask of `length` tokens for a batch of `batch`, float32 `[B, T, T]` (the caller disposes it).
 * @example
 *   const mask = slidingWindowAttentionMask(2, 8, { window: 2, globalTokens: [0] });
 *   mha.apply(x, { attentionMask: mask }); // x [2, 8, E]: Longformer's attention pattern
 */
export function slidingWindowAttentionMask(
  batch: number,
  length: number,
  options: SlidingWindowOptions,
): tf.Tensor3D {
  assertPositiveInt("slidingWindowAttentionMask: batch", batch);
  const mask = slidingWindowMask(length, options).map((row) => row.map((keep) => (keep ? 1 : 0)));
  return tf.tidy(
    () => tf.tensor2d(mask, [length, length], "float32").expandDims(0).tile([batch, 1, 1]) as tf.Tensor3D,
  );
}

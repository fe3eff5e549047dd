/**
 * Attention masks as tensors and the masked softmax that uses them, shared by every tier-2 attention layer.
 * Follows: d2l §11.3.2 (masked softmax by valid lengths) and the tier-1 `maskedSoftmax` (a fully masked row
 * gives zero weights, never NaN); Vaswani et al. §3.2.3 (causal mask).
 */
import * as tf from "@tensorflow/tfjs";

/** What to mask, as call arguments of the attention layers; every part given combines with AND. */
export interface AttentionMaskArgs {
  /** Padding by valid lengths: `[B]` (one length per example) or `[B, T]` (one per query); numbers of keys. */
  validLens?: tf.Tensor;
  /** Explicit mask, 1 (or true) = attend: `[B, S]` (per key) or `[B, T, S]`. */
  attentionMask?: tf.Tensor;
  /** Causal mask: query i sees keys j ≤ i. */
  causal?: boolean;
}

/**
 * The `[B, T, S]` float mask (1 = attend) that `args` describe, or `null` when nothing is masked.
 * @example attentionMask(1, 2, 2, { causal: true }).arraySync(); // [[[1, 0], [1, 1]]]
 */
export function attentionMask(b: number, t: number, s: number, args: AttentionMaskArgs): tf.Tensor | null {
  const parts: tf.Tensor[] = [];
  if (args.validLens !== undefined) parts.push(paddingPart(b, t, s, args.validLens));
  if (args.attentionMask !== undefined) parts.push(explicitPart(b, t, s, args.attentionMask));
  if (args.causal) parts.push(tf.linalg.bandPart(tf.ones([t, s]), -1, 0).reshape([1, t, s])); // [1, T, S]
  if (parts.length === 0) return null;
  return parts.reduce((m, p) => tf.mul(m, p), tf.ones([b, t, s]) as tf.Tensor); // [B, T, S]
}

function paddingPart(b: number, t: number, s: number, validLens: tf.Tensor): tf.Tensor {
  const ok =
    (validLens.rank === 1 && validLens.shape[0] === b) ||
    (validLens.rank === 2 && validLens.shape[0] === b && validLens.shape[1] === t);
  if (!ok) {
    throw new RangeError(`validLens has shape [${validLens.shape}] but needs [${b}] or [${b}, ${t}] (B, T)`);
  }
  const lens = validLens.toFloat().reshape(validLens.rank === 1 ? [b, 1, 1] : [b, t, 1]); // [B, 1|T, 1]
  return tf.less(tf.range(0, s).reshape([1, 1, s]), lens).toFloat(); // [B, 1|T, S]
}

function explicitPart(b: number, t: number, s: number, mask: tf.Tensor): tf.Tensor {
  const shape = mask.shape.join(", ");
  if (mask.rank === 2 && mask.shape[0] === b && mask.shape[1] === s) return mask.toFloat().reshape([b, 1, s]);
  if (mask.rank === 3 && mask.shape[0] === b && mask.shape[1] === t && mask.shape[2] === s)
    return mask.toFloat();
  throw new RangeError(
    `attentionMask has shape [${shape}] but needs [${b}, ${s}] or [${b}, ${t}, ${s}] (B, T, S)`,
  );
}

/**
 * Softmax over the last axis (keys) with masked entries at exactly 0: scores `[..., T, S]`, mask broadcastable
 * to them (1 = attend) or `null`. Masked logits get −1e9 (exp underflows to 0); multiplying by the mask again
 * turns a fully masked row (uniform after the −1e9 shift) into zeros, as tier 1 does.
 */
export function maskedSoftmax(scores: tf.Tensor, mask: tf.Tensor | null): tf.Tensor {
  if (mask === null) return tf.softmax(scores);
  const shifted = tf.add(scores, tf.mul(tf.sub(1, mask), -1e9)); // [..., T, S]
  return tf.mul(tf.softmax(shifted), mask);
}

/**
 * Padding mask from valid lengths: row b keeps its first `validLens[b]` positions.
 * @example validLensMask([1, 3], 3).arraySync(); // [[1, 0, 0], [1, 1, 1]]
 * @returns float32 `[B, T]`, 1 = valid, 0 = padding.
 */
export function validLensMask(validLens: tf.Tensor1D | number[], steps: number): tf.Tensor2D {
  return tf.tidy(() => {
    const lens = Array.isArray(validLens) ? tf.tensor1d(validLens, "float32") : tf.cast(validLens, "float32");
    const positions = tf.range(0, steps, 1, "float32"); // [T]
    return tf.cast(tf.less(tf.expandDims(positions, 0), tf.expandDims(lens, 1)), "float32") as tf.Tensor2D; // [B, T]
  });
}

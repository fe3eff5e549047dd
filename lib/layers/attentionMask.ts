/**
 * Attention masks as tensors and the masked softmax that uses them, shared by every tier-2 attention layer.
 * Follows: d2l §11.3.2 (masked softmax by valid lengths) and the tier-1 `maskedSoftmax` (a fully masked row
 * gives zero weights, never NaN); Vaswani et al. §3.2.3 (causal mask).
 */
import * as tf from "@tensorflow/tfjs";
import { type OptionSpec, opt } from "../check/options.js";
import { checkedLens, checkedMask, type MaskInput } from "./maskValues.js";

/** What to mask, as call arguments of the attention layers; every part given combines with AND. */
export interface AttentionMaskArgs {
  /**
   * Padding by valid lengths: `[B]` (one length per example) or `[B, T]` (one per query); numbers of keys,
   * integers in [0, S]. A tensor, a number array or a typed array.
   */
  validLens?: MaskInput;
  /** Explicit mask, 1 (or true) = attend, every entry 0 or 1: `[B, S]` (per key) or `[B, T, S]`. */
  attentionMask?: MaskInput;
  /** Causal mask: query i sees keys j ≤ i + queryOffset. */
  causal?: boolean;
  /**
   * The key position of query 0 for the causal mask, an integer (only with `causal`). Default 0, top-left
   * (query i is key i: T = S, one sequence). A key/value cache holding S − T earlier positions needs `S − T`,
   * bottom-right: new query i sees the cache and new keys up to its own.
   */
  queryOffset?: number;
}

/** What an attention layer's `applyWithAttention` takes: the masks and the training mode. */
export interface AttentionCallArgs extends AttentionMaskArgs {
  /** Dropout on when true. Default `false`. */
  training?: boolean;
}

/** The option rules of {@link AttentionMaskArgs}, for the call-option specs of the attention layers. */
export const ATTENTION_MASK_SPEC: OptionSpec = {
  validLens: opt.any(),
  attentionMask: opt.any(),
  causal: opt.boolean(),
  queryOffset: opt.integer(),
};

/** The call-option rules of the attention layers: the masks and `returnAttention`. */
export const ATTENTION_CALL_SPEC: OptionSpec = { ...ATTENTION_MASK_SPEC, returnAttention: opt.boolean() };

/** How the attention layers answer tfjs's upstream `mask`: refused, pointing at their own masks. */
export const NO_UPSTREAM_MASK = { refuse: "; pass validLens or attentionMask" };

/**
 * The `[B, T, S]` float mask (1 = attend) that `args` describe, or `null` when nothing is masked. Valid lengths
 * must be integers in [0, S] and mask entries 0 or 1; messages start with `where`.
 * @example attentionMask(1, 2, 2, { causal: true }).arraySync(); // [[[1, 0], [1, 1]]]
 */
export function attentionMask(
  b: number,
  t: number,
  s: number,
  args: AttentionMaskArgs,
  where = "attentionMask",
): tf.Tensor | null {
  if (args.queryOffset !== undefined && !args.causal) {
    throw new RangeError(
      `${where}: queryOffset (${args.queryOffset}) places the queries for the causal mask; pass causal: true with it`,
    );
  }
  if (args.validLens === undefined && args.attentionMask === undefined && !args.causal) return null;
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    if (args.validLens !== undefined) parts.push(paddingPart(b, t, s, args.validLens, where));
    if (args.attentionMask !== undefined) parts.push(explicitPart(b, t, s, args.attentionMask, where));
    if (args.causal) parts.push(causalPart(t, s, args.queryOffset ?? 0, where));
    return parts.reduce((m, p) => tf.mul(m, p), tf.ones([b, t, s]) as tf.Tensor); // [B, T, S]
  });
}

/** tril(ones(T, S), queryOffset) as `[1, T, S]`: query i sees keys j ≤ i + queryOffset. */
function causalPart(t: number, s: number, queryOffset: number, where: string): tf.Tensor {
  if (!Number.isInteger(queryOffset)) {
    throw new TypeError(`${where}: queryOffset must be an integer, got ${queryOffset}`);
  }
  if (queryOffset === 0) return tf.linalg.bandPart(tf.ones([t, s]), -1, 0).reshape([1, t, s]); // [1, T, S]
  const last = tf.add(tf.range(0, t, 1, "int32"), queryOffset).reshape([t, 1]); // [T, 1]: i + offset
  return tf
    .lessEqual(tf.range(0, s, 1, "int32").reshape([1, s]), last)
    .toFloat()
    .reshape([1, t, s]); // [1, T, S]
}

function paddingPart(b: number, t: number, s: number, validLens: MaskInput, where: string): tf.Tensor {
  const shapes = { shapes: [[b], [b, t]], letters: "B, T" };
  const lens = checkedLens(where, "validLens", validLens, shapes, s, "the number of keys");
  const column = lens.toFloat().reshape(lens.rank === 1 ? [b, 1, 1] : [b, t, 1]); // [B, 1|T, 1]
  return tf.less(tf.range(0, s).reshape([1, 1, s]), column).toFloat(); // [B, 1|T, S]
}

function explicitPart(b: number, t: number, s: number, mask: MaskInput, where: string): tf.Tensor {
  const shapes = {
    shapes: [
      [b, s],
      [b, t, s],
    ],
    letters: "B, S or B, T, S",
  };
  const checked = checkedMask(where, "attentionMask", mask, shapes);
  return checked.rank === 2 ? checked.toFloat().reshape([b, 1, s]) : checked.toFloat(); // [B, 1|T, S]
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
 * Padding mask from valid lengths (integers in [0, steps]): row b keeps its first `validLens[b]` positions.
 * @example validLensMask([1, 3], 3).arraySync(); // [[1, 0, 0], [1, 1, 1]]
 * @returns float32 `[B, T]`, 1 = valid, 0 = padding.
 */
export function validLensMask(validLens: MaskInput, steps: number, where = "validLensMask"): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`${where}: steps must be an integer ≥ 0, got ${steps}`);
  }
  return tf.tidy(() => {
    const b = validLens instanceof tf.Tensor ? validLens.shape[0]! : (validLens as ArrayLike<unknown>).length;
    const shapes = { shapes: [[b]], letters: "B" };
    const lens = tf.cast(
      checkedLens(where, "validLens", validLens, shapes, steps, "the number of steps"),
      "float32",
    );
    const positions = tf.range(0, steps, 1, "float32"); // [T]
    return tf.cast(tf.less(tf.expandDims(positions, 0), tf.expandDims(lens, 1)), "float32") as tf.Tensor2D; // [B, T]
  });
}

/**
 * The weights of a Transformer encoder or decoder block on plain arrays: their shapes, a checker that names any
 * weight of the wrong shape, the tier-2 layers' weight list read into named weights, and the parameter count.
 * Follows: Vaswani et al. 2017 §3.1–3.3 (W^Q, W^K, W^V, W^O per attention; W_1, b_1, W_2, b_2; one LayerNorm per
 * sublayer) and the `getWeights()` order of the tier-2 `TransformerEncoderLayer` / `TransformerDecoderLayer`.
 */
import { checkValue, describeValue, type OptionSpec, opt } from "../check/options.js";
import type { FeedForwardOptions } from "./feedForward.js";
import { isVectorLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import { assertPositiveInt, formatShape, type Shape } from "./matrix.js";
import type { MultiHeadOptions } from "./multiHead.js";

/**
 * One multi-head attention's weights, as {@link multiHeadAttend} takes them: `W_q, W_k, W_v, W_o [E, E]` (W_k and
 * W_v `[E_m, E]` for cross-attention over a memory of width E_m) and optional biases `[E]`.
 */
export type AttentionWeights = Omit<MultiHeadOptions, "numHeads" | "mask" | "temperature">;

/** The feed-forward network's weights, as {@link feedForward} takes them: `W_1 [E, dFF]`, `b_1 [dFF]`, `W_2 [dFF, E]`, `b_2 [E]`. */
export type FeedForwardWeights = Omit<FeedForwardOptions, "activation">;

/** One LayerNorm: gain γ `[E]` (default ones) and bias β `[E]` (default zeros). */
export interface NormWeights {
  gamma?: VectorLike;
  beta?: VectorLike;
}

/** An encoder block: self-attention, feed-forward, and the LayerNorm of each sublayer. */
export interface EncoderBlockWeights {
  selfAttention: AttentionWeights;
  feedForward: FeedForwardWeights;
  norm1?: NormWeights;
  norm2?: NormWeights;
}

/** A decoder block: causal self-attention, cross-attention, feed-forward, and the LayerNorm of each sublayer. */
export interface DecoderBlockWeights extends EncoderBlockWeights {
  crossAttention: AttentionWeights;
  norm3?: NormWeights;
}

/** Which block. */
export type BlockKind = "encoder" | "decoder";

const ATTENTION = opt.object(
  Object.fromEntries(
    ["wq", "wk", "wv", "wo", "bq", "bk", "bv", "bo"].map((k) => [k, opt.any({ required: k[0] === "w" })]),
  ),
  { required: true },
);
const FEED_FORWARD = opt.object(
  { w1: opt.any({ required: true }), b1: opt.any(), w2: opt.any({ required: true }), b2: opt.any() },
  { required: true },
);
const NORM = opt.object({ gamma: opt.any(), beta: opt.any() });

/** The keys of each block's weights and their rules. */
const BLOCK_SPECS: Record<BlockKind, OptionSpec> = {
  encoder: { selfAttention: ATTENTION, feedForward: FEED_FORWARD, norm1: NORM, norm2: NORM },
  decoder: {
    selfAttention: ATTENTION,
    crossAttention: ATTENTION,
    feedForward: FEED_FORWARD,
    norm1: NORM,
    norm2: NORM,
    norm3: NORM,
  },
};

/** The names of the weights of each block in the tier-2 layers' `getWeights()` order. */
const LAYOUT: Record<BlockKind, string[]> = {
  encoder: [...attentionNames("selfAttention"), ...ffnNames(), ...normNames(2)],
  decoder: [
    ...attentionNames("selfAttention"),
    ...attentionNames("crossAttention"),
    ...ffnNames(),
    ...normNames(3),
  ],
};

function attentionNames(part: string): string[] {
  return ["wq", "wk", "wv", "wo", "bq", "bk", "bv", "bo"].map((k) => `${part}.${k}`);
}
function ffnNames(): string[] {
  return ["w1", "b1", "w2", "b2"].map((k) => `feedForward.${k}`);
}
function normNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => [`norm${i + 1}.gamma`, `norm${i + 1}.beta`]).flat();
}

/**
 * Checks the weights of a `kind` block with `numHeads` heads for model width `e` (and memory width `memoryWidth`
 * for the decoder's cross-attention keys and values): numHeads must divide E; unknown keys and every weight of the
 * wrong shape are errors naming it as `weights.selfAttention.wq`. Returns the feed-forward width dFF (W_1's columns).
 */
export function checkBlockWeights(
  where: string,
  kind: BlockKind,
  weights: unknown,
  sizes: { e: number; numHeads: number; memoryWidth?: number },
): number {
  const { e, numHeads, memoryWidth = e } = sizes;
  if (e % numHeads !== 0)
    throw new RangeError(`${where}: options.numHeads ${numHeads} must divide E = ${e} (the width of x)`);
  checkValue(where, "weights", weights, opt.object(BLOCK_SPECS[kind], { required: true }));
  const w = weights as Record<string, Record<string, unknown> | undefined>;
  const dFF = shapeOfMatrix(where, "weights.feedForward.w1", w.feedForward!.w1)[1];
  const ffn: Record<string, number[]> = { w1: [e, dFF], b1: [dFF], w2: [dFF, e], b2: [e] };
  for (const name of LAYOUT[kind]) {
    const [part, key] = name.split(".") as [string, string];
    const value = w[part]?.[key];
    if (value === undefined) continue;
    const fromMemory = part === "crossAttention" && (key === "wk" || key === "wv");
    const want =
      part === "feedForward" ? ffn[key]! : key[0] === "w" ? [fromMemory ? memoryWidth : e, e] : [e];
    const got =
      want.length === 2 ? shapeOfMatrix(where, `weights.${name}`, value) : [vectorLength(where, name, value)];
    if (got.join() === want.join()) continue;
    const why = fromMemory
      ? `E_m = ${memoryWidth}, the width of memory; E = ${e}`
      : `E = ${e}, the width of x${part === "feedForward" ? `; dFF = ${dFF}, the columns of weights.feedForward.w1` : ""}`;
    throw new RangeError(
      `${where}: weights.${name} has shape ${formatShape(got)} but must be ${formatShape(want)} (${why})`,
    );
  }
  return dFF;
}

function shapeOfMatrix(where: string, name: string, value: unknown): Shape {
  const m = toMatrix(`${where}: ${name}`, value);
  return [m.length, m[0]!.length];
}

function vectorLength(where: string, name: string, value: unknown): number {
  return toNumberArray(`${where}: weights.${name}`, value).length;
}

/**
 * The named weights of a `kind` block from a list in the tier-2 layers' `getWeights()` order (e.g.
 * `layer.getWeights().map((w) => w.arraySync())`): encoder 16 arrays (self-attention W_q, W_k, W_v, W_o, b_q, b_k,
 * b_v, b_o; W_1, b_1, W_2, b_2; γ_1, β_1, γ_2, β_2), decoder 26 (self-attention, cross-attention, FFN, 3 norms).
 * @example
 *   const isKernel = (i) => i < 4 || i === 8 || i === 10
 *   const w = blockWeightsFromList("encoder", Array.from({ length: 16 }, (_, i) => (isKernel(i) ? [[i]] : [i])));
 *   w.selfAttention.wk; // [[1]] (W_q, W_k, W_v, W_o are 0–3, then the biases; W_1 is 8, W_2 is 10)
 *   w.feedForward.b1; // [9]
 *   w.norm2.beta; // [15]
 */
export function blockWeightsFromList(
  kind: "encoder",
  list: readonly unknown[],
): Required<EncoderBlockWeights>;
export function blockWeightsFromList(
  kind: "decoder",
  list: readonly unknown[],
): Required<DecoderBlockWeights>;
export function blockWeightsFromList(kind: BlockKind, list: readonly unknown[]): EncoderBlockWeights {
  const where = "blockWeightsFromList";
  checkValue(where, "kind", kind, opt.oneOf(["encoder", "decoder"], { required: true }));
  const names = LAYOUT[kind];
  if (!Array.isArray(list) || list.length !== names.length) {
    throw new RangeError(
      `${where}: list must hold the ${names.length} weights of a ${kind} layer in getWeights() order, got ${describeValue(list)}`,
    );
  }
  const out: Record<string, Record<string, unknown>> = {};
  names.forEach((name, i) => {
    const [part, key] = name.split(".") as [string, string];
    const value = list[i];
    const vector = !key.startsWith("w");
    const label = `${where}: list[${i}] (${name})`;
    if (vector !== isVectorLike(value))
      throw new TypeError(`${label} must be a ${vector ? "vector" : "matrix"}, got ${describeValue(value)}`);
    out[part] ??= {};
    out[part][key] = vector ? toNumberArray(label, value) : toMatrix(label, value);
  });
  return out as unknown as EncoderBlockWeights;
}

/** The parameters of a block, by part. */
export interface BlockParameterCount {
  selfAttention: number;
  /** 0 in an encoder block. */
  crossAttention: number;
  feedForward: number;
  /** γ and β of every LayerNorm. */
  norms: number;
  total: number;
}

/**
 * Counts the parameters of a `kind` block of width dModel = E with `numHeads` heads (which must divide E; the count
 * does not depend on it) and feed-forward width dFF: each attention 4(E² + E), the FFN 2·E·dFF + dFF + E, each
 * LayerNorm 2E. Equals `countParameters` of the tier-2 layer.
 * @example
 *   blockParameterCount("encoder", 8, 2, 16).total; // 600 (attention 288 + FFN 280 + norms 32)
 *   blockParameterCount("decoder", 512, 8, 2048).total; // 4204032 (the base model's decoder layer)
 */
export function blockParameterCount(
  kind: BlockKind,
  dModel: number,
  numHeads: number,
  dFF: number,
): BlockParameterCount {
  const where = "blockParameterCount";
  checkValue(where, "kind", kind, opt.oneOf(["encoder", "decoder"], { required: true }));
  const e = assertPositiveInt(`${where}: dModel`, dModel);
  assertPositiveInt(`${where}: numHeads`, numHeads);
  assertPositiveInt(`${where}: dFF`, dFF);
  if (e % numHeads !== 0)
    throw new RangeError(`${where}: numHeads ${numHeads} must divide dModel ${e} (head size E / N)`);
  const attention = 4 * (e * e + e);
  const decoder = kind === "decoder";
  const counts = {
    selfAttention: attention,
    crossAttention: decoder ? attention : 0,
    feedForward: 2 * e * dFF + dFF + e,
    norms: (decoder ? 3 : 2) * 2 * e,
  };
  const total = counts.selfAttention + counts.crossAttention + counts.feedForward + counts.norms;
  return { ...counts, total };
}

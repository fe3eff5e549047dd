/**
 * The weights of one attention RNN decoder step on plain arrays (Bahdanau or Luong), the same weights as the
 * tier-2 `AttentionRnnDecoder` holds, and its `getWeights()` list read into them by name.
 * Follows: the weight layout in the header of lib/layers/attentionRnnDecoder.ts — additive: outputKernel,
 * outputBias, the cell (kernel, recurrentKernel, bias), then W_q, W_k, v; dot / general: combineKernel,
 * outputKernel, outputBias, the cell, then (general) W.
 */
import { describeValue } from "../check/options.js";
import type { CellWeights } from "./cellWeights.js";
import type { MatrixLike, VectorLike } from "./input.js";

/** Bahdanau (additive) decoder weights; H the state width, E the embedding width, U the score width, V the vocabulary. */
export interface BahdanauWeights {
  /** The cell, reading [embedding(y_{t−1}); c_t]: kernel `[E + H, gH]`, recurrentKernel `[H, gH]`, bias `[gH]`. */
  cell: CellWeights;
  /** Score network: W_q `[H, U]` (projects the query s_{t−1}), W_k `[H, U]` (the encoder states), v `[U]`. */
  wq: MatrixLike;
  wk: MatrixLike;
  v: VectorLike;
  /** Readout of [s_t; c_t]: `[2H, V]`. */
  outputKernel: MatrixLike;
  /** `[V]`, default zeros. */
  outputBias?: VectorLike;
}

/** Luong (dot / general) decoder weights. */
export interface LuongWeights {
  /** The cell, reading embedding(y_{t−1}) alone: kernel `[E, gH]`, recurrentKernel `[H, gH]`, bias `[gH]`. */
  cell: CellWeights;
  /** General score hᵀ W h̄: W `[H, H]`. Only for `score: "general"`. */
  w?: MatrixLike;
  /** W_c of h̃ = tanh([c_t; h_t] W_c): `[2H, H]` (no bias, Luong eq. 5). */
  combineKernel: MatrixLike;
  /** W_s of the logits h̃ W_s + b: `[H, V]`. */
  outputKernel: MatrixLike;
  /** `[V]`, default zeros. */
  outputBias?: VectorLike;
}

/** The score function of an attention decoder: Bahdanau's additive, Luong's dot or general. */
export type DecoderAttention = "additive" | "dot" | "general";

/** One entry of a layer's weight list as plain arrays (`w.arraySync()`): a matrix or a vector. */
export type WeightArray = number[][] | number[];

/** The tier-2 layout: the names of the weights in `getWeights()` order (cell weights prefixed `cell.`). */
const LAYOUT: Record<DecoderAttention, string[]> = {
  additive: [
    "outputKernel",
    "outputBias",
    "cell.kernel",
    "cell.recurrentKernel",
    "cell.bias",
    "wq",
    "wk",
    "v",
  ],
  dot: ["combineKernel", "outputKernel", "outputBias", "cell.kernel", "cell.recurrentKernel", "cell.bias"],
  general: [
    "combineKernel",
    "outputKernel",
    "outputBias",
    "cell.kernel",
    "cell.recurrentKernel",
    "cell.bias",
    "w",
  ],
};

/**
 * The weights of an `AttentionRnnDecoder` from its `getWeights()` as plain arrays, named for
 * {@link bahdanauStep} (`attention: "additive"`) or {@link luongStep} (dot, general). A list of the wrong
 * length is an error naming the layout. The shapes are checked by the step.
 * @example
 *   const w = decoderWeightsFromList("dot", [[[1]], [[2]], [0], [[3]], [[4]], [5]]);
 *   w.cell.kernel; // [[3]]
 */
export function decoderWeightsFromList(attention: "additive", list: readonly WeightArray[]): BahdanauWeights;
export function decoderWeightsFromList(
  attention: "dot" | "general",
  list: readonly WeightArray[],
): LuongWeights;
export function decoderWeightsFromList(
  attention: DecoderAttention,
  list: readonly WeightArray[],
): BahdanauWeights | LuongWeights;
export function decoderWeightsFromList(
  attention: DecoderAttention,
  list: readonly WeightArray[],
): BahdanauWeights | LuongWeights {
  const where = "decoderWeightsFromList";
  const names = LAYOUT[attention];
  if (names === undefined) {
    throw new RangeError(
      `${where}: attention must be one of "additive", "dot", "general", got ${describeValue(attention)}`,
    );
  }
  if (!Array.isArray(list) || list.length !== names.length) {
    const got = Array.isArray(list) ? `${list.length} arrays` : describeValue(list);
    throw new RangeError(
      `${where}: the "${attention}" decoder has ${names.length} weights (${names.join(", ")}), got ${got}`,
    );
  }
  const cell: Record<string, unknown> = {};
  const out: Record<string, unknown> = { cell };
  names.forEach((name, i) => {
    if (name.startsWith("cell.")) cell[name.slice(5)] = list[i];
    else out[name] = list[i];
  });
  return out as unknown as BahdanauWeights | LuongWeights;
}

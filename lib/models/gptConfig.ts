/**
 * The one typed configuration of the decoder-only {@link Gpt} model, its defaults, named presets and its parameter
 * count. Follows: nanoGPT `GPTConfig` (block_size, vocab_size, n_layer, n_head, n_embd) and `config/*.py`; minGPT
 * `get_default_config`.
 */
import { type OptionSpec, opt } from "../check/options.js";
import { MAX_LENGTH, RATE, SEED, SIZE } from "../layers/layerOptions.js";
import { resolveConfig } from "./resolveConfig.js";

/** Every setting of a GPT. */
export interface GptConfig {
  /** Vocabulary size V (rows of the token embedding, columns of the output head). */
  vocabSize: number;
  /** Context length: the most tokens one pass reads (rows of the learned position table). */
  blockSize: number;
  /** Model width E. */
  dModel: number;
  /** Heads N per self-attention (dModel must be divisible by it). */
  numHeads: number;
  /** Hidden width of each feed-forward block. */
  dFF: number;
  /** Transformer blocks (≥ 1). */
  numLayers: number;
  /** Dropout rate while training (embeddings, attention weights, each sublayer, FFN hidden), in [0, 1). */
  dropout: number;
  /**
   * Positions: a learned table `[blockSize, E]` added to the embeddings (GPT-2), the fixed sinusoids added
   * likewise, or "rope": nothing added, every block's queries and keys rotated instead (RoFormer's interleaved
   * pairs, base 10000; LLaMA).
   */
  positional: "learned" | "sinusoidal" | "rope";
  /** Feed-forward activation. */
  activation: "relu" | "gelu";
  /** Output head reuses the token embedding: logits = h Wₑᵀ + b (Press & Wolf 2017; GPT-2). */
  tieEmbeddings: boolean;
  /** Seed of every initializer and of dropout. */
  seed: number;
}

/** Defaults: the `small` preset for a character vocabulary of 65 (tiny Shakespeare's size in nanoGPT). */
export const DEFAULTS: GptConfig = {
  vocabSize: 65,
  blockSize: 64,
  dModel: 64,
  numHeads: 4,
  dFF: 256,
  numLayers: 2,
  dropout: 0.1,
  positional: "learned",
  activation: "gelu",
  tieEmbeddings: false,
  seed: 0,
};

/** Named sizes: `tiny` overfits a short string in seconds; `small` is a character model for 2 CPU cores. */
export const PRESETS = {
  tiny: { dModel: 32, numHeads: 2, dFF: 64, numLayers: 1, dropout: 0 },
  small: { dModel: 64, numHeads: 4, dFF: 256, numLayers: 2, dropout: 0.1 },
} as const satisfies Record<string, Partial<GptConfig>>;

/** The rules of every {@link GptConfig} key. */
export const GPT_CONFIG_SPEC: OptionSpec = {
  vocabSize: SIZE(),
  blockSize: MAX_LENGTH(),
  dModel: SIZE(),
  numHeads: SIZE(),
  dFF: SIZE(),
  numLayers: SIZE(),
  dropout: RATE,
  positional: opt.oneOf(["learned", "sinusoidal", "rope"]),
  activation: opt.oneOf(["relu", "gelu"]),
  tieEmbeddings: opt.boolean(),
  seed: SEED,
};

/**
 * A full config: DEFAULTS, then the preset, then `overrides`. Unknown keys, bad values and a numHeads that does
 * not divide dModel (the head size is dModel / numHeads) are errors naming the key; messages start with `where`.
 * @example gptConfig({ vocabSize: 27 }, "tiny").dModel; // 32
 */
export function gptConfig(
  overrides: Partial<GptConfig> = {},
  preset?: keyof typeof PRESETS,
  where = "gptConfig",
): GptConfig {
  const c = resolveConfig(where, overrides, GPT_CONFIG_SPEC, DEFAULTS, PRESETS, preset);
  const headSize = c.dModel / c.numHeads;
  if (!Number.isInteger(headSize)) {
    throw new RangeError(
      `${where}: dModel ${c.dModel} is not divisible by numHeads ${c.numHeads} (head size ${headSize})`,
    );
  }
  return c;
}

/**
 * Trainable parameters of a GPT with `config` (any {@link GptConfig} keys over DEFAULTS), by the formula
 * V·E (tokens) + [learned] blockSize·E (positions) + L·(4E² + 4E + 2E·dFF + dFF + E + 4E) (attention W_q, W_k,
 * W_v, W_o with biases; FFN; two LayerNorms) + 2E (final LayerNorm) + [untied] E·V + V (head).
 * @example gptParameterCount({ vocabSize: 10, blockSize: 8, dModel: 4, numHeads: 2, dFF: 8, numLayers: 1 }); // 302
 */
export function gptParameterCount(config: Partial<GptConfig> = {}): number {
  const c = gptConfig(config, undefined, "gptParameterCount");
  const [v, e, f] = [c.vocabSize, c.dModel, c.dFF];
  const block = 4 * e * e + 4 * e + 2 * e * f + f + e + 4 * e;
  const positions = c.positional === "learned" ? c.blockSize * e : 0;
  const head = (c.tieEmbeddings ? 0 : e * v) + v;
  return v * e + positions + c.numLayers * block + 2 * e + head;
}

/**
 * The one typed configuration of the {@link Transformer} model, its defaults and the named presets.
 * Follows: nanoGPT `config/*.py` and minGPT `get_default_config` (one config object, named presets);
 * Vaswani et al. 2017 Table 3 for the meaning of each size.
 */
import { type OptionSpec, opt } from "../check/options.js";
import { MAX_LENGTH, RATE, SEED, SIZE } from "../layers/layerOptions.js";
import { resolveConfig } from "./resolveConfig.js";

/** Every setting of a Transformer encoder–decoder. */
export interface TransformerConfig {
  /** Source vocabulary size. */
  srcVocab: number;
  /** Target vocabulary size (rows of the output head). */
  tgtVocab: number;
  /** Model width E. */
  dModel: number;
  /** Heads N per attention (dModel must be divisible by it). */
  numHeads: number;
  /** Hidden width of each feed-forward block. */
  dFF: number;
  /** Encoder layers (≥ 1). */
  numEncoderLayers: number;
  /** Decoder layers (≥ 1). */
  numDecoderLayers: number;
  /** Longest source or target sequence. */
  maxLength: number;
  /** Dropout rate while training, in [0, 1). */
  dropout: number;
  /** Pre-LN layers (with a final LayerNorm after each stack) instead of post-LN. */
  normFirst: boolean;
  /**
   * Positions: sinusoids or a learned table added to the embeddings, or "rope": nothing added, the queries and
   * keys of every self-attention rotated instead (RoFormer's interleaved pairs, base 10000). Cross-attention
   * stays unrotated (a target and a source position are in different sequences), as T5 keeps its relative
   * positions out of cross-attention.
   */
  positional: "sinusoidal" | "learned" | "rope";
  /** Feed-forward activation. */
  activation: "relu" | "gelu";
  /** Seed of every initializer and of dropout. */
  seed: number;
}

/** Defaults: the `small` preset with vocabularies of 32. */
export const DEFAULTS: TransformerConfig = {
  srcVocab: 32,
  tgtVocab: 32,
  dModel: 64,
  numHeads: 4,
  dFF: 256,
  numEncoderLayers: 2,
  numDecoderLayers: 2,
  maxLength: 64,
  dropout: 0.1,
  normFirst: false,
  positional: "sinusoidal",
  activation: "relu",
  seed: 0,
};

/** Named sizes: `tiny` trains the copy task in a minute on 2 cores; `small` is the bench model's size. */
export const PRESETS = {
  tiny: { dModel: 32, numHeads: 2, dFF: 64, numEncoderLayers: 1, numDecoderLayers: 1, dropout: 0 },
  small: { dModel: 64, numHeads: 4, dFF: 256, numEncoderLayers: 2, numDecoderLayers: 2, dropout: 0.1 },
} as const satisfies Record<string, Partial<TransformerConfig>>;

/** The rules of every {@link TransformerConfig} key. */
export const TRANSFORMER_CONFIG_SPEC: OptionSpec = {
  srcVocab: SIZE(),
  tgtVocab: SIZE(),
  dModel: SIZE(),
  numHeads: SIZE(),
  dFF: SIZE(),
  numEncoderLayers: SIZE(),
  numDecoderLayers: SIZE(),
  maxLength: MAX_LENGTH(),
  dropout: RATE,
  normFirst: opt.boolean(),
  positional: opt.oneOf(["sinusoidal", "learned", "rope"]),
  activation: opt.oneOf(["relu", "gelu"]),
  seed: SEED,
};

/**
 * A full config: DEFAULTS, then the preset, then `overrides`. Unknown keys, bad values and a numHeads that does
 * not divide dModel are errors naming the key.
 * @example transformerConfig({ srcVocab: 11, tgtVocab: 11 }, "tiny").dModel; // 32
 */
export function transformerConfig(
  overrides: Partial<TransformerConfig> = {},
  preset?: keyof typeof PRESETS,
): TransformerConfig {
  return resolveTransformerConfig("transformerConfig", overrides, preset);
}

/** {@link transformerConfig} with messages that start with `where` (e.g. "Transformer"). */
export function resolveTransformerConfig(
  where: string,
  overrides: Partial<TransformerConfig> | undefined,
  preset?: keyof typeof PRESETS,
): TransformerConfig {
  const config = resolveConfig(where, overrides, TRANSFORMER_CONFIG_SPEC, DEFAULTS, PRESETS, preset);
  if (config.dModel % config.numHeads !== 0) {
    throw new RangeError(
      `${where}: dModel ${config.dModel} is not divisible by numHeads ${config.numHeads} (the head size is dModel / numHeads)`,
    );
  }
  return config;
}

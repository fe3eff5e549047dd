/**
 * The one typed configuration of the {@link Transformer} model, its defaults and the named presets.
 * Follows: nanoGPT `config/*.py` and minGPT `get_default_config` (one config object, named presets);
 * Vaswani et al. 2017 Table 3 for the meaning of each size.
 */

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
  /** Encoder layers. */
  numEncoderLayers: number;
  /** Decoder layers. */
  numDecoderLayers: number;
  /** Longest source or target sequence. */
  maxLength: number;
  /** Dropout rate while training. */
  dropout: number;
  /** Pre-LN layers (with a final LayerNorm after each stack) instead of post-LN. */
  normFirst: boolean;
  /** Positional encoding. */
  positional: "sinusoidal" | "learned";
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

/**
 * A full config: DEFAULTS, then the preset, then `overrides` (unknown keys are dropped, bad sizes throw).
 * @example transformerConfig({ srcVocab: 11, tgtVocab: 11 }, "tiny").dModel; // 32
 */
export function transformerConfig(
  overrides: Partial<TransformerConfig> = {},
  preset?: keyof typeof PRESETS,
): TransformerConfig {
  const merged: Record<string, unknown> = { ...DEFAULTS, ...(preset === undefined ? {} : PRESETS[preset]) };
  for (const key of Object.keys(DEFAULTS)) {
    const value = (overrides as Record<string, unknown>)[key];
    if (value !== undefined && value !== null) merged[key] = value;
  }
  const config = merged as unknown as TransformerConfig;
  for (const key of ["srcVocab", "tgtVocab", "dModel", "numHeads", "dFF", "maxLength"] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) {
      throw new RangeError(`${key} must be a positive integer, got ${config[key]}`);
    }
  }
  if (config.dModel % config.numHeads !== 0) {
    throw new RangeError(`dModel ${config.dModel} is not divisible by numHeads ${config.numHeads}`);
  }
  return config;
}

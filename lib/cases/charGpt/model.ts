/**
 * The char-gpt model: the kit's decoder-only {@link Gpt} (lib/models/gpt.ts) — token embedding plus learned
 * positions, `numLayers` pre-LN causal Transformer blocks, a final LayerNorm and a linear head over the
 * character vocabulary — sized by the case config, with V = the corpus's vocabulary size.
 * Follows: nanoGPT `model.py` (`GPT`), Radford et al. 2018/2019.
 */
import { describeValue } from "../../check/options.js";
import { Gpt } from "../../models/gpt.js";
import { childSeed } from "../../random/childSeed.js";

/** The settings the model reads from a char-gpt config. */
export interface CharGptModelConfig {
  seed: number;
  /** V: characters in the corpus's vocabulary (`charGptData(config).vocab.chars.length`). */
  vocabSize: number;
  /** T: characters of context the model reads. */
  blockSize: number;
  /** Width E of every embedding and block. */
  dModel: number;
  /** Heads per causal self-attention (must divide dModel). */
  numHeads: number;
  /** Transformer blocks. */
  numLayers: number;
  /** Hidden width of each block's feed-forward network. */
  dFF: number;
  /** Dropout rate while training. */
  dropout: number;
}

/**
 * The GPT of `config`, built, seeded by `childSeed(config.seed, "model")`: logits `[B, T, V]` for ids `[B, T]`
 * (T ≤ blockSize), each position t reading positions 0 … t only.
 * @example
 *   const gpt = charGptModel({ seed: 0, vocabSize: 30, blockSize: 16, dModel: 32, numHeads: 2, numLayers: 1, dFF: 64, dropout: 0 });
 *   gpt.config.vocabSize; // 30
 */
export function charGptModel(config: CharGptModelConfig): Gpt {
  if (config === null || typeof config !== "object")
    throw new TypeError(`charGptModel: config must be an object, got ${describeValue(config)}`);
  const { vocabSize, blockSize, dModel, numHeads, numLayers, dFF, dropout } = config;
  return new Gpt({
    vocabSize,
    blockSize,
    dModel,
    numHeads,
    numLayers,
    dFF,
    dropout,
    seed: childSeed(config.seed, "model"),
  }).ensureBuilt();
}

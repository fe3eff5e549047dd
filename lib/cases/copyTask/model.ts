/**
 * The copy-task model: the kit's `Transformer` (lib/models/transformer.ts) in its `tiny` preset — one encoder and
 * one decoder layer, no dropout — over the copy task's vocabulary of 11, with the width and heads of the config.
 */
import { COPY_TASK } from "../../models/copyTask.js";
import { Transformer } from "../../models/transformer.js";
import { transformerConfig } from "../../models/transformerConfig.js";
import { childSeed } from "../../random/childSeed.js";

/** The settings the model reads from a copy-task config. */
export interface CopyTaskModelConfig {
  seed: number;
  /** Model width E. */
  dModel: number;
  /** Heads per attention (dModel must be divisible by it). */
  numHeads: number;
}

/** The Transformer for sequences of 10 symbols (+ start/end), built, seeded by `childSeed(seed, "model")`. */
export function copyTaskModel(config: CopyTaskModelConfig): Transformer {
  const sizes = {
    srcVocab: COPY_TASK.vocabSize,
    tgtVocab: COPY_TASK.vocabSize,
    maxLength: COPY_TASK.length + 2, // the decoder reads start + 10 symbols and emits 10 symbols + end
    dModel: config.dModel,
    numHeads: config.numHeads,
    seed: childSeed(config.seed, "model"),
  };
  return new Transformer(transformerConfig(sizes, "tiny")).ensureBuilt();
}

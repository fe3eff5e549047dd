/** Tier 2 models: the Transformer encoder–decoder, its decoding, training and saving, and the copy task. */
export { COPY_TASK, type CopyBatch, copyTaskBatch, copyTaskTensors, exactMatch } from "./copyTask.js";
export {
  type CopyTaskEval,
  type CopyTaskOptions,
  type CopyTaskResult,
  trainCopyTask,
} from "./copyTaskTraining.js";
export {
  type BeamSearchOptions,
  beamSearch,
  type DecodeOptions,
  greedyDecode,
  type Hypothesis,
} from "./decoding.js";
export {
  type Seq2seqBatch,
  sequenceCrossEntropy,
  setLearningRate,
  trainStep,
  warmupRate,
} from "./seq2seqTraining.js";
export { Transformer, type TransformerAttention, type TransformerCallArgs } from "./transformer.js";
export {
  DEFAULTS as TRANSFORMER_DEFAULTS,
  PRESETS as TRANSFORMER_PRESETS,
  type TransformerConfig,
  transformerConfig,
} from "./transformerConfig.js";
export { loadTransformer, saveTransformer } from "./transformerIO.js";

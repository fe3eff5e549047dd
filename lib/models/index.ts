/** Tier 2 models: the Transformer encoder–decoder, its decoding, training and saving, and the copy task. */
export { COPY_TASK, type CopyBatch, copySequences, copyTaskTensors } from "./copyTask.js";
export type { DecodableModel } from "./decoding.js";
export {
  type BeamSearchOptions,
  beamSearch,
  type DecodeOptions,
  greedyDecode,
  type Hypothesis,
} from "./decoding.js";
export {
  HierarchicalAttention,
  type HierarchicalAttentionArgs,
  type HierarchicalAttentionCallArgs,
  type HierarchicalAttentionConfig,
  type HierarchicalAttentionWeights,
} from "./hierarchicalAttention.js";
export { type Generated, type GenerateOptions, generate } from "./generate.js";
export { Gpt, type GptCallArgs, type GptModelCallArgs } from "./gpt.js";
export {
  DEFAULTS as GPT_DEFAULTS,
  PRESETS as GPT_PRESETS,
  type GptConfig,
  gptConfig,
  gptParameterCount,
} from "./gptConfig.js";
export { KeyValueCache, positionRows } from "./keyValueCache.js";
export { loadModel, type SavableModel, saveModel } from "./modelIO.js";
export {
  bitsPerToken,
  type CausalLanguageModel,
  type NextTokenLossOptions,
  nextTokenLoss,
  nextTokenPairs,
} from "./nextToken.js";
export {
  POOLING_CLASSIFIER_DEFAULTS,
  PoolingClassifier,
  type PoolingClassifierAttention,
  type PoolingClassifierCallArgs,
  type PoolingClassifierConfig,
} from "./poolingClassifier.js";
export { type Seq2seqCallArgs, Seq2seqModel, type Seq2seqModelCallArgs } from "./seq2seqModel.js";
export {
  type RnnMemory,
  Seq2seqRnn,
  type Seq2seqRnnAttention,
  type Seq2seqRnnDecoded,
} from "./seq2seqRnn.js";
export {
  DEFAULTS as SEQ2SEQ_RNN_DEFAULTS,
  PRESETS as SEQ2SEQ_RNN_PRESETS,
  type Seq2seqRnnConfig,
  seq2seqRnnConfig,
} from "./seq2seqRnnConfig.js";
export { loadSeq2seqRnn, saveSeq2seqRnn } from "./seq2seqRnnIO.js";
export type { TrainableSeq2seq } from "./seq2seqTraining.js";
export type { SequenceCrossEntropyOptions } from "./seq2seqTraining.js";
export {
  type Seq2seqBatch,
  sequenceCrossEntropy,
  trainStep,
  warmupRate,
} from "./seq2seqTraining.js";
export {
  forecastWindows,
  TemporalAttentionForecaster,
  type TemporalForecasterArgs,
  type TemporalForecasterCallArgs,
  type WindowForecasts,
} from "./temporalForecaster.js";
export { Transformer, type TransformerAttention, type TransformerCallArgs } from "./transformer.js";
export {
  DEFAULTS as TRANSFORMER_DEFAULTS,
  PRESETS as TRANSFORMER_PRESETS,
  type TransformerConfig,
  transformerConfig,
} from "./transformerConfig.js";
export { loadTransformer, saveTransformer } from "./transformerIO.js";

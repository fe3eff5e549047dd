// Case study: question answering with an end-to-end memory network.
export {
  generateStories,
  QA_MAX_FACTS,
  QA_PEOPLE,
  QA_PLACES,
  QA_SENTENCE_LENGTH,
  QA_VERBS,
  QA_VOCAB,
  type QaBatch,
  type QaData,
  type QaStory,
  qaBatch,
  qaData,
  qaIds,
  type QaStoryOptions,
} from "./data.js";
export {
  QA_DEFAULTS,
  QA_TARGETS,
  type QaArtifacts,
  type QaConfig,
  type QaEvaluation,
  qaEvaluate,
  qaExperiment,
  qaFit,
  qaLoss,
} from "./experiment.js";
export {
  type QaCallArgs,
  QaMemoryNetwork,
  type QaMemoryNetworkArgs,
  type QaMemoryNetworkConfig,
  type QaModelConfig,
  qaModel,
  qaPositionEncoding,
} from "./model.js";

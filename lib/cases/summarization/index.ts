// Case study: hierarchical (extractive) summarization.
export {
  type DocumentsOptions,
  generateDocuments,
  SUMMARIZATION_EVENTS,
  SUMMARIZATION_SHAPE,
  SUMMARIZATION_VOCAB,
  type SummarizationData,
  type SummarizationDoc,
  summarizationBatch,
  summarizationData,
  summarizationIds,
} from "./data.js";
export {
  SUMMARIZATION_DEFAULTS,
  SUMMARIZATION_TARGETS,
  type SummarizationArtifacts,
  type SummarizationConfig,
  type SummarizationEvaluation,
  summarizationEvaluate,
  summarizationExperiment,
} from "./experiment.js";
export { type SummarizationModelConfig, summarizationModel } from "./model.js";

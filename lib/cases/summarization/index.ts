// Case study C2: hierarchical (extractive) summarization.
export {
  SUMMARIZATION_EVENTS,
  SUMMARIZATION_SHAPE,
  SUMMARIZATION_VOCAB,
  type SummarizationData,
  type SummarizationDoc,
  summarizationData,
  summarizationIds,
} from "./data.js";
export {
  type SummarizationArtifacts,
  type SummarizationConfig,
  summarizationEvaluate,
  summarizationExperiment,
  summarizationPick,
  summarizationTensors,
} from "./experiment.js";
export {
  HierarchicalAttentionNet,
  type SummarizationForward,
  type SummarizationModelOptions,
} from "./model.js";

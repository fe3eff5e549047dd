// Case study: lesion detection, attention pooling vs global average pooling.
export {
  generateLesions,
  LESIONS_CONTRAST,
  type LesionsData,
  type LesionsOptions,
  type LesionsSet,
  lesionsBatch,
  lesionsData,
  smoothNoise,
} from "./data.js";
export {
  LESIONS_DEFAULTS,
  LESIONS_TARGETS,
  type LesionsArtifacts,
  type LesionsConfig,
  type LesionsEvaluation,
  lesionsEvaluate,
  lesionsExperiment,
  lesionsFit,
  lesionsMetrics,
} from "./experiment.js";
export { type LesionsModelConfig, type LesionsPooling, lesionsModel } from "./model.js";

// Case study: sentence similarity (the S001 worked example and a trained siamese aligner).
export {
  generatePairs,
  type PairOptions,
  SIMILARITY_LEXICON,
  SIMILARITY_MAX_LENGTH,
  SIMILARITY_TEMPLATES,
  SIMILARITY_VOCAB,
  type SimilarityBatch,
  type SimilarityData,
  type SimilarityPair,
  type SimilaritySlot,
  similarityBatch,
  similarityData,
  similarityIds,
} from "./data.js";
export {
  SIMILARITY_DEFAULTS,
  SIMILARITY_TARGETS,
  type SimilarityArtifacts,
  type SimilarityConfig,
  type SimilarityEvaluation,
  similarityEvaluate,
  similarityExperiment,
} from "./experiment.js";
export {
  cosineRows,
  SiameseAligner,
  type SiameseAlignerArgs,
  type SiameseAlignerCallArgs,
  type SimilarityAttention,
  similarityModel,
} from "./model.js";
export {
  meanAlignedCosine,
  SIMILARITY_WORKED,
  type SimilarityWorkedResult,
  similarityWorkedExample,
  similarityWorkedMetrics,
  workedEmbed,
} from "./worked.js";

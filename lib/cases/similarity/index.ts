// Case study C3: sentence similarity (the §2.2 worked example and a trained siamese aligner).
export {
  SIMILARITY_LEXICON,
  SIMILARITY_MAX_LENGTH,
  SIMILARITY_TEMPLATES,
  SIMILARITY_VOCAB,
  type SimilarityData,
  type SimilarityPair,
  type SimilaritySlot,
  similarityData,
  similarityIds,
} from "./data.js";
export {
  type SimilarityArtifacts,
  type SimilarityConfig,
  similarityEvaluate,
  similarityExperiment,
  similarityScores,
  similarityTensors,
} from "./experiment.js";
export {
  SiameseAligner,
  type SimilarityAlignment,
  type SimilarityForward,
  type SimilarityModelOptions,
} from "./model.js";
export {
  meanAlignedCosine,
  SIMILARITY_WORKED,
  type SimilarityWorkedResult,
  similarityWorkedExample,
  workedEmbed,
} from "./worked.js";

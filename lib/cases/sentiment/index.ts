// Case study: sentiment with negation.
export {
  afinn165,
  generateReviews,
  type ReviewOptions,
  SENTIMENT_FILLERS,
  SENTIMENT_LEXICON_SEED,
  SENTIMENT_MAX_LENGTH,
  type SentimentBatch,
  type SentimentData,
  type SentimentExample,
  type SentimentLexicon,
  sentimentBatch,
  sentimentData,
  sentimentIds,
  sentimentLexicon,
} from "./data.js";
export {
  SENTIMENT_DEFAULTS,
  SENTIMENT_TARGETS,
  type SentimentArtifacts,
  type SentimentConfig,
  type SentimentEvaluation,
  sentimentEvaluate,
  sentimentExperiment,
  sentimentFit,
} from "./experiment.js";
export { type SentimentModelConfig, sentimentModel } from "./model.js";

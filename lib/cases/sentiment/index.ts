// Case study C4: sentiment with negation.
export {
  afinn165,
  padIds as sentimentPadIds,
  SENTIMENT_FILLERS,
  SENTIMENT_LEXICON_SEED,
  SENTIMENT_MAX_LENGTH,
  type SentimentData,
  type SentimentExample,
  type SentimentLexicon,
  sentimentData,
  sentimentLexicon,
} from "./data.js";
export {
  type SentimentArtifacts,
  type SentimentConfig,
  sentimentEvaluate,
  sentimentExperiment,
} from "./experiment.js";
export { SentimentClassifier, type SentimentForward, type SentimentModelOptions } from "./model.js";

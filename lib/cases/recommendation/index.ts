// Case study: personalised recommendation with DIN-style target attention.
export {
  CLICKS_DEFAULTS,
  type ClickSet,
  type ClicksOptions,
  generateClicks,
  type RecommendationData,
  type RecommendationInputs,
  type RecommendationKind,
  recommendationBatch,
  recommendationData,
} from "./data.js";
export {
  RECOMMENDATION_DEFAULTS,
  RECOMMENDATION_TARGETS,
  type RecommendationArtifacts,
  type RecommendationConfig,
  type RecommendationEvaluation,
  recommendationAttentionMass,
  recommendationEvaluate,
  recommendationExperiment,
  recommendationFit,
} from "./experiment.js";
export {
  type RecommendationModelConfig,
  type RecommenderArgs,
  type RecommenderCallArgs,
  type RecommenderConfig,
  type RecommenderMlp,
  recommendationModel,
  TargetAttentionRecommender,
} from "./model.js";

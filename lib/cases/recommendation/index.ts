// Case study: personalised recommendation with DIN-style target attention.
export {
  type RecommendationData,
  type RecommendationDataOptions,
  type RecommendationKind,
  recommendationData,
} from "./data.js";
export {
  attentionMass as recommendationAttentionMass,
  type RecommendationArtifacts,
  type RecommendationConfig,
  recommendationExperiment,
} from "./experiment.js";
export { type RecommenderInputs, type RecommenderOptions, TargetAttentionRecommender } from "./model.js";

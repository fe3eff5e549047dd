/**
 * Case study: personalised recommendation with DIN-style target attention. A candidate is relevant when its
 * category is among the user's last 3 clicks; a category clicked only earlier, or never, is not. Targets:
 * held-out ROC-AUC ≥ 0.95 with target attention and at least +0.2 over mean pooling of the history (the
 * ablation, which cannot see recency), and on positives at least 0.8 of the attention on the recent clicks of
 * the candidate's category. Both models share data, sizes, head and training; only the pooling differs.
 */
import * as tf from "@tensorflow/tfjs";
import { disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { rocAuc } from "../../metrics/rocAuc.js";
import { childSeed } from "../../random/childSeed.js";
import type { Target } from "../../records/record.js";
import { allIndices } from "../../train/batches.js";
import { fitAdam } from "../../train/fitAdam.js";
import type { ProgressMode } from "../../train/progress.js";
import { trainableVariables } from "../../train/variables.js";
import { type ClickSet, type RecommendationData, recommendationBatch, recommendationData } from "./data.js";
import { recommendationModel, type TargetAttentionRecommender } from "./model.js";

/** Settings of the recommendation experiment (both models train with the same ones). */
export interface RecommendationConfig {
  seed: number;
  trainSize: number;
  testSize: number;
  /** Epochs of each model (both train for exactly this many, so the comparison is fair). */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Width of the item, category and position embeddings. */
  dModel: number;
  /** Hidden width of the attention scorer and of the head. */
  hiddenSize: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const RECOMMENDATION_DEFAULTS: RecommendationConfig = {
  seed: 0,
  trainSize: 8000,
  testSize: 2000,
  epochs: 15,
  batchSize: 64,
  learningRate: 0.01,
  dModel: 8,
  hiddenSize: 16,
};

/** The claims of the full-mode run. */
export const RECOMMENDATION_TARGETS: Target[] = [
  { metric: "auc", op: ">=", value: 0.95 },
  { metric: "auc.gain", op: ">=", value: 0.2 },
  { metric: "attn.recentMatchMass", op: ">=", value: 0.8 },
];

/** What the evaluation gives: the metrics, and per held-out user the click probability and the attention row. */
export interface RecommendationEvaluation {
  metrics: { auc: number; "attn.recentMatchMass": number; "attn.earlierMatchMass": number };
  /** Click probabilities σ(logit). */
  scores: number[];
  /** Attention weights `[n][T]` over each history (1/T everywhere for mean pooling). */
  weights: number[][];
}

/** ROC-AUC and where the attention goes ({@link recommendationAttentionMass}) on every user of `set`. */
export function recommendationEvaluate(
  model: TargetAttentionRecommender,
  set: ClickSet,
): RecommendationEvaluation {
  const scores: number[] = [];
  const weights: number[][] = [];
  const indices = allIndices(set.label.length);
  for (let start = 0; start < indices.length; start += 512) {
    tf.tidy(() => {
      const { x } = recommendationBatch(set, indices.slice(start, start + 512));
      const { output, attention } = model.applyWithAttention(x); // logits [B], α [B, T]
      scores.push(...tf.sigmoid(output).dataSync());
      weights.push(...(attention.arraySync() as number[][]));
    });
  }
  const mass = recommendationAttentionMass(set, weights);
  return { metrics: { auc: rocAuc(scores, set.label), ...mass }, scores, weights };
}

/**
 * Where the attention goes, averaged over the users of `set`: for positives, the mass on the recent clicks of
 * the candidate's category (`attn.recentMatchMass`); for "earlier" negatives, the mass on the old clicks of the
 * candidate's category (`attn.earlierMatchMass`).
 */
export function recommendationAttentionMass(
  set: ClickSet,
  weights: number[][],
): { "attn.recentMatchMass": number; "attn.earlierMatchMass": number } {
  const t = set.history[0]?.length ?? 0;
  const sums = { recent: { mass: 0, count: 0 }, earlier: { mass: 0, count: 0 } };
  set.kind.forEach((kind, n) => {
    if (kind === "other") return;
    let mass = 0;
    for (let j = 0; j < t; j++) {
      const match = set.historyCategory[n]![j] === set.candidateCategory[n];
      const inRecent = j >= t - set.recent;
      if (match && (kind === "recent" ? inRecent : !inRecent)) mass += weights[n]![j]!;
    }
    sums[kind].mass += mass;
    sums[kind].count += 1;
  });
  return {
    "attn.recentMatchMass": sums.recent.mass / Math.max(1, sums.recent.count),
    "attn.earlierMatchMass": sums.earlier.mass / Math.max(1, sums.earlier.count),
  };
}

/** Both trained models (the caller disposes them), the data and both final evaluations. */
export interface RecommendationArtifacts {
  attention: TargetAttentionRecommender;
  mean: TargetAttentionRecommender;
  data: RecommendationData;
  final: RecommendationEvaluation;
  meanFinal: RecommendationEvaluation;
}

/**
 * Trains `model` on the train users with `fitAdam`, shuffling by `shuffleSeed`, evaluating on the test users:
 * the loop `run` uses for both models (the notebook writes the same `fit` out in its cells).
 */
export function recommendationFit(
  model: TargetAttentionRecommender,
  data: RecommendationData,
  config: RecommendationConfig,
  shuffleSeed: number,
  title: string,
  progress: ProgressMode,
) {
  return fitAdam({
    title,
    adam: { learningRate: config.learningRate },
    variables: trainableVariables(model),
    size: config.trainSize,
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: shuffleSeed,
    batch: (ix) => recommendationBatch(data.train, ix),
    loss: (b) =>
      tf.losses.sigmoidCrossEntropy(b.y, model.apply(b.x, { training: true }) as tf.Tensor) as tf.Scalar,
    evaluate: () => recommendationEvaluate(model, data.test).metrics,
    progress,
  });
}

export const recommendationExperiment = defineExperiment<RecommendationConfig, RecommendationArtifacts>({
  name: "recommendation",
  title: "Recommendation: DIN-style target attention over the click history vs mean pooling",
  notebook: "notebooks/cases/10-recommendation-target-attention.ipynb",
  defaults: RECOMMENDATION_DEFAULTS,
  quick: { trainSize: 2000, testSize: 500, epochs: 3 },
  targets: RECOMMENDATION_TARGETS,
  run(config, context) {
    const data = recommendationData(config);
    return disposeOnError(async (own) => {
      const attention = own(recommendationModel(config));
      const shuffle = childSeed(config.seed, "shuffle");
      const training = await recommendationFit(
        attention,
        data,
        config,
        shuffle,
        "target attention",
        context.progress,
      );
      // The ablation: mean pooling, its own initial weights and shuffling, the same loop.
      const mean = own(recommendationModel(config, "mean"));
      await recommendationFit(
        mean,
        data,
        config,
        childSeed(config.seed, "mean/shuffle"),
        "mean pooling",
        context.progress,
      );
      const final = recommendationEvaluate(attention, data.test);
      const meanFinal = recommendationEvaluate(mean, data.test);
      return {
        dataset: data.dataset,
        history: training.history,
        metrics: {
          ...final.metrics,
          "mean.auc": meanFinal.metrics.auc,
          "auc.gain": final.metrics.auc - meanFinal.metrics.auc,
        },
        artifacts: { attention, mean, data, final, meanFinal },
      };
    });
  },
});

/**
 * Case study: personalised recommendation with DIN-style target attention (catalog C14). A candidate is relevant
 * when its category is among the user's last 3 clicks; a category clicked only earlier, or never, is not.
 * Targets: held-out ROC-AUC ≥ 0.95 with target attention and at least +0.2 over mean pooling of the history
 * (which cannot see recency), and on positives at least 0.8 of the attention on the recent clicks of the candidate's
 * category. Both models share data, sizes, head and training; only the pooling differs.
 */
import * as tf from "@tensorflow/tfjs";
import { defineExperiment } from "../../experiments/experiment.js";
import { rocAuc } from "../../metrics/rocAuc.js";
import { hashValue } from "../../records/record.js";
import { take } from "../../train/batches.js";
import { fit, type FitResult } from "../../train/fit.js";
import type { ProgressMode } from "../../train/progress.js";
import { type RecommendationData, recommendationData } from "./data.js";
import { type RecommenderInputs, TargetAttentionRecommender } from "./model.js";

/** Settings of the recommendation experiment. */
export interface RecommendationConfig {
  seed: number;
  trainSize: number;
  testSize: number;
  dim: number;
  hidden: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  [key: string]: unknown;
}

/** Both trained models (the caller disposes them), the held-out set and its scores and weights. */
export interface RecommendationArtifacts {
  attention: TargetAttentionRecommender;
  mean: TargetAttentionRecommender;
  test: RecommendationData;
  /** Held-out probabilities of the attention model and of mean pooling. */
  scores: number[];
  meanScores: number[];
  /** Attention weights `[n][T]` of the attention model on the held-out set. */
  weights: number[][];
}

export const recommendationExperiment = defineExperiment<RecommendationConfig, RecommendationArtifacts>({
  name: "recommendation",
  title: "Recommendation: DIN-style target attention over the click history vs mean pooling",
  notebook: "notebooks/cases/10-recommendation-target-attention.ipynb",
  defaults: {
    seed: 0,
    trainSize: 8000,
    testSize: 2000,
    dim: 8,
    hidden: 16,
    epochs: 15,
    batchSize: 64,
    learningRate: 0.01,
  },
  quick: { trainSize: 2000, testSize: 500, epochs: 3 },
  targets: [
    { metric: "auc", op: ">=", value: 0.95 },
    { metric: "auc.gain", op: ">=", value: 0.2 },
    { metric: "attn.recentMatchMass", op: ">=", value: 0.8 },
  ],
  async run(config, context) {
    const train = recommendationData({ seed: config.seed * 2 + 1, size: config.trainSize });
    const test = recommendationData({ seed: config.seed * 2 + 2, size: config.testSize });
    const testInputs = inputs(
      test,
      Array.from({ length: test.label.length }, (_, i) => i),
    );
    const make = (pooling: "attention" | "mean") =>
      new TargetAttentionRecommender({
        items: train.items,
        categories: train.categories,
        historyLength: train.history[0]!.length,
        dim: config.dim,
        hidden: config.hidden,
        pooling,
        seed: config.seed * 10,
      });
    const score = (model: TargetAttentionRecommender) => {
      const { logits, weights } = model.forward(testInputs);
      const probabilities = tf.tidy(() => Array.from(tf.sigmoid(logits).dataSync()));
      const w = weights.arraySync();
      tf.dispose([logits, weights]);
      return { probabilities, weights: w };
    };
    const trainModel = async (model: TargetAttentionRecommender, title: string, progress: ProgressMode) => {
      const optimizer = tf.train.adam(config.learningRate);
      const result: FitResult = await fit({
        title,
        size: train.label.length,
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: config.seed,
        optimizer,
        variables: model.variables(),
        batch: (ix) => ({ x: inputs(train, ix), y: tf.tensor1d(take(train.label, ix)) }),
        loss: (b) => tf.losses.sigmoidCrossEntropy(b.y, model.forward(b.x).logits) as tf.Scalar,
        evaluate: () => ({ auc: rocAuc(score(model).probabilities, test.label) }),
        progress,
      });
      optimizer.dispose();
      return result;
    };
    const attention = make("attention");
    const attentionFit = await trainModel(attention, "target attention", context.progress);
    const mean = make("mean");
    await trainModel(mean, "mean pooling", context.progress);
    const a = score(attention);
    const m = score(mean);
    tf.dispose(testInputs);
    const auc = rocAuc(a.probabilities, test.label);
    const meanAuc = rocAuc(m.probabilities, test.label);
    return {
      dataset: {
        name: "recommendation",
        hash: hashValue({ train, test }),
        sizes: { train: train.label.length, test: test.label.length },
      },
      history: attentionFit.history,
      metrics: {
        auc,
        "mean.auc": meanAuc,
        "auc.gain": auc - meanAuc,
        ...attentionMass(test, a.weights),
      },
      artifacts: {
        attention,
        mean,
        test,
        scores: a.probabilities,
        meanScores: m.probabilities,
        weights: a.weights,
      },
    };
  },
});

/** Tensors of the examples at `ix`. */
function inputs(data: RecommendationData, ix: number[]): RecommenderInputs {
  return {
    history: tf.tensor2d(take(data.history, ix), undefined, "int32"),
    historyCategory: tf.tensor2d(take(data.historyCategory, ix), undefined, "int32"),
    candidate: tf.tensor1d(take(data.candidate, ix), "int32"),
    candidateCategory: tf.tensor1d(take(data.candidateCategory, ix), "int32"),
  };
}

/**
 * Where the attention goes, averaged over held-out examples: for positives, the mass on the recent clicks of the
 * candidate's category (`attn.recentMatchMass`); for "earlier" negatives, the mass on the old clicks of the
 * candidate's category (`attn.earlierMatchMass`).
 */
export function attentionMass(data: RecommendationData, weights: number[][]): Record<string, number> {
  const t = data.history[0]!.length;
  const sums = { recent: { mass: 0, count: 0 }, earlier: { mass: 0, count: 0 } };
  data.kind.forEach((kind, n) => {
    if (kind === "other") return;
    let mass = 0;
    for (let j = 0; j < t; j++) {
      const match = data.historyCategory[n]![j] === data.candidateCategory[n];
      const inRecent = j >= t - data.recent;
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

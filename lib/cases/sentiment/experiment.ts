/**
 * Case study: sentiment with negation. A one-layer attention classifier (`PoolingClassifier`) reads template
 * reviews with one planted AFINN-165 word, 30 % negated by a preceding "not". Targets: held-out accuracy ≥ 0.98
 * and the pooling attention's argmax on the sentiment word or its "not" (`rationale`) ≥ 0.9. The same model
 * without its FFN is trained as an ablation (`noFfn.accuracy`, `noFfn.rationale`, no target): does the XOR need
 * the FFN, or do the attention weights suffice?
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { caseOutput, disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { accuracy } from "../../metrics/classification.js";
import type { PoolingClassifier } from "../../models/poolingClassifier.js";
import { childSeed } from "../../random/childSeed.js";
import type { Target } from "../../records/record.js";
import { allIndices } from "../../train/batches.js";
import type { FitResult } from "../../train/fit.js";
import { fitAdam } from "../../train/fitAdam.js";
import type { ProgressMode } from "../../train/progress.js";
import { trainableVariables } from "../../train/variables.js";
import { type SentimentData, type SentimentExample, sentimentBatch, sentimentData } from "./data.js";
import { sentimentModel } from "./model.js";

/** Settings of the sentiment experiment. */
export interface SentimentConfig {
  seed: number;
  trainSize: number;
  testSize: number;
  /** Probability that a review's sentiment word is negated. */
  negationRate: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  dModel: number;
  numHeads: number;
  dFF: number;
  /** Epochs of the no-FFN ablation (0 = skip it). */
  noFfnEpochs: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const SENTIMENT_DEFAULTS: SentimentConfig = {
  seed: 0,
  trainSize: 3000,
  testSize: 600,
  negationRate: 0.3,
  epochs: 4,
  batchSize: 32,
  learningRate: 3e-3,
  dModel: 32,
  numHeads: 2,
  dFF: 64,
  noFfnEpochs: 4,
};

/** The claims of the full-mode run. */
export const SENTIMENT_TARGETS: Target[] = [
  { metric: "accuracy", op: ">=", value: 0.98 },
  { metric: "rationale", op: ">=", value: 0.9 },
];

/** What the evaluation gives: the metrics, and per review its p(positive) and pooling weights. */
export interface SentimentEvaluation {
  metrics: { accuracy: number; rationale: number };
  /** p(positive) of each review. */
  probabilities: number[];
  /** `[N, 11]` pooling weights α (0 on padding). */
  pooling: number[][];
  /** The token each review's pooling weights peak on. */
  argmax: number[];
}

/**
 * Accuracy and rationale of `model` on `reviews` (every one): a rationale hit is a review whose pooling weights
 * peak on its sentiment word or on the "not" right before it. No tensor survives the call.
 */
export function sentimentEvaluate(
  model: PoolingClassifier,
  reviews: readonly SentimentExample[],
): SentimentEvaluation {
  const { probabilities, pooling, argmax } = tf.tidy(() => {
    const b = sentimentBatch(reviews, allIndices(reviews.length));
    const { output, attention } = model.applyWithAttention(b.ids, { validLens: b.validLens });
    return {
      probabilities: Array.from(tf.sigmoid(output).dataSync()),
      pooling: attention.pooling.arraySync(),
      argmax: Array.from(attention.pooling.argMax(1).dataSync()),
    };
  });
  const predicted = probabilities.map((p) => (p > 0.5 ? 1 : 0));
  const hits = reviews.filter((r, i) => argmax[i] === r.word || (r.negated && argmax[i] === r.word - 1));
  return {
    metrics: {
      accuracy: accuracy(
        predicted,
        reviews.map((r) => r.label),
      ),
      rationale: hits.length / reviews.length,
    },
    probabilities,
    pooling,
    argmax,
  };
}

/** Trains `model` on `data.train` with Adam (the notebook writes the same call out), evaluating on `data.test`. */
export function sentimentFit(
  model: PoolingClassifier,
  data: SentimentData,
  config: SentimentConfig,
  run: { title: string; epochs: number; shuffle: string; progress: ProgressMode },
): Promise<FitResult> {
  return fitAdam({
    title: run.title,
    adam: { learningRate: config.learningRate },
    variables: trainableVariables(model),
    size: config.trainSize,
    epochs: run.epochs,
    batchSize: config.batchSize,
    seed: childSeed(config.seed, run.shuffle),
    batch: (ix) => sentimentBatch(data.train, ix),
    loss: (b) =>
      tf.losses.sigmoidCrossEntropy(
        b.labels,
        model.apply(b.ids, { validLens: b.validLens, training: true }) as tf.Tensor,
      ) as tf.Scalar,
    evaluate: () => sentimentEvaluate(model, data.test).metrics,
    progress: run.progress,
  });
}

/** The trained model and the ablation (the caller disposes both), the data and the final evaluations. */
export interface SentimentArtifacts {
  model: PoolingClassifier;
  noFfn: PoolingClassifier | null;
  data: SentimentData;
  final: SentimentEvaluation;
  noFfnFinal: SentimentEvaluation | null;
}

export const sentimentExperiment = defineExperiment<SentimentConfig, SentimentArtifacts>({
  name: "sentiment",
  title: "Sentiment with negation: self-attention, a ReLU FFN and attention pooling",
  notebook: "notebooks/cases/04-sentiment-negation.ipynb",
  defaults: SENTIMENT_DEFAULTS,
  quick: { trainSize: 600, testSize: 200, epochs: 2, noFfnEpochs: 1 },
  configRules: { negationRate: opt.number({ min: 0, max: 1 }), noFfnEpochs: opt.integer({ min: 0 }) },
  targets: SENTIMENT_TARGETS,
  run(config, context) {
    const data = sentimentData(config);
    return disposeOnError(async (own) => {
      const model = own(sentimentModel(config));
      const progress = context.progress;
      const training = await sentimentFit(model, data, config, {
        title: "sentiment",
        epochs: config.epochs,
        shuffle: "shuffle",
        progress,
      });
      const final = sentimentEvaluate(model, data.test);
      let noFfn: PoolingClassifier | null = null;
      let noFfnFinal: SentimentEvaluation | null = null;
      if (config.noFfnEpochs > 0) {
        noFfn = own(sentimentModel({ ...config, dFF: 0 }, "noFfn/model"));
        await sentimentFit(noFfn, data, config, {
          title: "sentiment without FFN (ablation)",
          epochs: config.noFfnEpochs,
          shuffle: "noFfn/shuffle",
          progress,
        });
        noFfnFinal = sentimentEvaluate(noFfn, data.test);
      }
      const artifacts = { model, noFfn, data, final, noFfnFinal };
      const output = caseOutput(data.dataset, training, final.metrics, artifacts);
      // the ablation's `noFfn.*` metrics come after `epochs`
      if (noFfnFinal) {
        output.metrics["noFfn.accuracy"] = noFfnFinal.metrics.accuracy;
        output.metrics["noFfn.rationale"] = noFfnFinal.metrics.rationale;
      }
      return output;
    });
  },
});

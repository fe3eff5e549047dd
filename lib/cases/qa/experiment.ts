/**
 * Case study: question answering with an end-to-end memory network on generated bAbI-style stories. The answer
 * is the only supervision; the attention is checked against the supporting fact (the last fact about the asked
 * person) by its argmax on the last hop. Targets: held-out answer accuracy ≥ 0.95 and supporting-fact top-1 ≥ 0.90.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { caseOutput, disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { accuracy } from "../../metrics/classification.js";
import { childSeed } from "../../random/childSeed.js";
import { type Target, targetsMet } from "../../records/record.js";
import { allIndices } from "../../train/batches.js";
import type { FitResult } from "../../train/fit.js";
import { fitAdam } from "../../train/fitAdam.js";
import type { ProgressMode } from "../../train/progress.js";
import { trainableVariables } from "../../train/variables.js";
import { QA_PLACES, type QaData, type QaStory, qaBatch, qaData } from "./data.js";
import { type QaMemoryNetwork, qaModel } from "./model.js";

/** Settings of the qa experiment. */
export interface QaConfig {
  seed: number;
  trainSize: number;
  /** Stories training's stop rule reads each epoch (the test split stays unseen until the end). */
  validationSize: number;
  testSize: number;
  /** Upper bound on epochs; training stops after the first epoch at which every target holds on validation. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Width d of the word embeddings. */
  embedSize: number;
  /** Hops K of the memory network (1 to 3). */
  hops: number;
  /** Temporal encoding of the facts (by age). */
  temporal: boolean;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const QA_DEFAULTS: QaConfig = {
  seed: 0,
  trainSize: 2000,
  validationSize: 250,
  testSize: 500,
  epochs: 30,
  batchSize: 32,
  learningRate: 0.01,
  embedSize: 20,
  hops: 1,
  temporal: true,
};

/** The claims of the full-mode run (on test); training stops at the first epoch where all of them hold on validation. */
export const QA_TARGETS: Target[] = [
  { metric: "accuracy", op: ">=", value: 0.95 },
  { metric: "support", op: ">=", value: 0.9 },
];

/** What the evaluation gives: the metrics, and per story its predicted place and attention of every hop. */
export interface QaEvaluation {
  metrics: { accuracy: number; support: number };
  /** Predicted place of each story (index into `QA_PLACES`). */
  predicted: number[];
  /** `[N, K, 6]` attention p of every hop over the memory slots (0 past a story's last fact). */
  attention: number[][][];
  /** `[N, K]` the fact each hop's attention peaks on. */
  argmax: number[][];
}

/**
 * Accuracy and supporting-fact top-1 of `model` on `stories` (every one): a support hit is a story whose
 * last-hop attention peaks on its supporting fact. No tensor survives the call.
 */
export function qaEvaluate(model: QaMemoryNetwork, stories: readonly QaStory[]): QaEvaluation {
  if (stories.length === 0) throw new RangeError("qaEvaluate: stories is empty (nothing to evaluate)");
  const { predicted, attention, argmax } = tf.tidy(() => {
    const b = qaBatch(stories, allIndices(stories.length));
    const { output, attention } = model.applyWithAttention([b.story, b.question, b.storyLens]);
    return {
      predicted: Array.from(output.argMax(1).dataSync()),
      attention: attention.arraySync(),
      argmax: attention.argMax(2).arraySync() as number[][],
    };
  });
  const last = model.config.hops - 1;
  const hits = stories.filter((s, n) => argmax[n]![last] === s.support);
  return {
    metrics: {
      accuracy: accuracy(
        predicted,
        stories.map((s) => s.label),
      ),
      support: hits.length / stories.length,
    },
    predicted,
    attention,
    argmax,
  };
}

/** The cross-entropy of the answer logits against the labels (what `fit` minimises). */
export function qaLoss(model: QaMemoryNetwork, b: ReturnType<typeof qaBatch>): tf.Scalar {
  return tf.tidy(() => {
    const logits = model.apply([b.story, b.question, b.storyLens], { training: true }) as tf.Tensor;
    return tf.losses.softmaxCrossEntropy(tf.oneHot(b.labels, QA_PLACES.length), logits) as tf.Scalar;
  });
}

/**
 * Trains `model` on `data.train` with Adam (the notebook writes the same call out), evaluating on
 * `data.validation` after each epoch and stopping once every target holds there.
 */
export function qaFit(
  model: QaMemoryNetwork,
  data: Required<QaData>,
  config: QaConfig,
  run: { title: string; shuffle: string; progress: ProgressMode },
): Promise<FitResult> {
  return fitAdam({
    title: run.title,
    adam: { learningRate: config.learningRate },
    variables: trainableVariables(model),
    size: config.trainSize,
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: childSeed(config.seed, run.shuffle),
    batch: (ix) => qaBatch(data.train, ix),
    loss: (b) => qaLoss(model, b),
    evaluate: () => qaEvaluate(model, data.validation).metrics,
    stopWhen: targetsMet(QA_TARGETS),
    progress: run.progress,
  });
}

/** The trained model (the caller disposes it), the data and the final evaluation. */
export interface QaArtifacts {
  model: QaMemoryNetwork;
  data: QaData;
  final: QaEvaluation;
}

export const qaExperiment = defineExperiment<QaConfig, QaArtifacts>({
  name: "qa",
  title: "Question answering: an end-to-end memory network finds the supporting fact",
  notebook: "notebooks/cases/12-qa-memory-network.ipynb",
  defaults: QA_DEFAULTS,
  quick: { trainSize: 1000, validationSize: 100, testSize: 200, epochs: 6 },
  configRules: {
    embedSize: opt.integer({ min: 1, max: 1000 }),
    hops: opt.integer({ min: 1, max: 3 }),
    temporal: opt.boolean(),
  },
  targets: QA_TARGETS,
  run(config, context) {
    const data = qaData(config);
    return disposeOnError(async (own) => {
      const model = own(qaModel(config));
      const training = await qaFit(model, data, config, {
        title: "qa",
        shuffle: "shuffle",
        progress: context.progress,
      });
      const final = qaEvaluate(model, data.test);
      return caseOutput(data.dataset, training, final.metrics, { model, data, final });
    });
  },
});

/**
 * Case study C2: hierarchical (extractive) summarization. A word-level and a sentence-level attention pooling
 * are trained only to classify a generated news document's event type; the summary is the sentence with the
 * largest sentence-attention weight. Targets: that sentence is the event sentence in ≥ 90 % of held-out
 * documents (`top1`), and ROUGE-1 F of the picked sentence against the reference sentence ≥ 0.90 (`rouge1`).
 */
import * as tf from "@tensorflow/tfjs";
import { defineExperiment } from "../../experiments/experiment.js";
import { accuracy } from "../../metrics/classification.js";
import { rouge1F } from "../../metrics/rouge.js";
import { hashValue } from "../../records/record.js";
import { take } from "../../train/batches.js";
import { fit } from "../../train/fit.js";
import {
  SUMMARIZATION_EVENTS,
  SUMMARIZATION_VOCAB,
  type SummarizationDoc,
  summarizationData,
  summarizationIds,
} from "./data.js";
import { HierarchicalAttentionNet } from "./model.js";

/** Settings of the summarization experiment. */
export interface SummarizationConfig {
  seed: number;
  trainSize: number;
  testSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  dModel: number;
  [key: string]: unknown;
}

/** The trained model (the caller disposes it) and the held-out documents. */
export interface SummarizationArtifacts {
  model: HierarchicalAttentionNet;
  test: SummarizationDoc[];
}

/** Tensors of documents: ids `[B, S, W]`, sentence lengths `[B, S]`, labels `[B]` (caller disposes). */
export function summarizationTensors(docs: readonly SummarizationDoc[]) {
  const rows = docs.map(summarizationIds);
  return {
    ids: tf.tensor3d(
      rows.map((r) => r.ids),
      undefined,
      "int32",
    ),
    lengths: tf.tensor2d(
      rows.map((r) => r.lengths),
      undefined,
      "int32",
    ),
    labels: tf.tensor1d(
      docs.map((d) => d.label),
      "int32",
    ),
  };
}

/** The extractive summary of each document: the index of the sentence with the largest sentence weight. */
export function summarizationPick(model: HierarchicalAttentionNet, docs: readonly SummarizationDoc[]) {
  return tf.tidy(() => {
    const t = summarizationTensors(docs);
    const f = model.forward(t.ids, t.lengths);
    return {
      summary: f.sentenceWeights.argMax(1).arraySync() as number[],
      predicted: f.logits.argMax(1).arraySync() as number[],
    };
  });
}

/** Event-type accuracy, top-1 summary-sentence accuracy and mean ROUGE-1 F of the picked sentence. */
export function summarizationEvaluate(
  model: HierarchicalAttentionNet,
  docs: readonly SummarizationDoc[],
): { top1: number; rouge1: number; typeAccuracy: number } {
  const { summary, predicted } = summarizationPick(model, docs);
  return {
    top1: docs.filter((d, i) => summary[i] === d.event).length / docs.length,
    rouge1:
      docs.reduce((s, d, i) => s + rouge1F(d.sentences[summary[i]!] ?? [], d.sentences[d.event]!), 0) /
      docs.length,
    typeAccuracy: accuracy(
      predicted,
      docs.map((d) => d.label),
    ),
  };
}

export const summarizationExperiment = defineExperiment<SummarizationConfig, SummarizationArtifacts>({
  name: "summarization",
  title: "Hierarchical summarization: word and sentence attention trained on a weak label",
  notebook: "notebooks/cases/05-hierarchical-summarization.ipynb",
  defaults: {
    seed: 0,
    trainSize: 2000,
    testSize: 400,
    epochs: 3,
    batchSize: 32,
    learningRate: 3e-3,
    dModel: 32,
  },
  quick: { trainSize: 400, testSize: 100, epochs: 2 },
  targets: [
    { metric: "top1", op: ">=", value: 0.9 },
    { metric: "rouge1", op: ">=", value: 0.9 },
  ],
  async run(config, context) {
    const data = summarizationData(config);
    const model = new HierarchicalAttentionNet({
      vocabSize: SUMMARIZATION_VOCAB.length,
      classes: SUMMARIZATION_EVENTS.length,
      dModel: config.dModel,
      seed: config.seed,
    });
    const optimizer = tf.train.adam(config.learningRate);
    const result = await fit({
      title: "hierarchical summarization",
      size: data.train.length,
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: config.seed,
      optimizer,
      variables: model.variables(),
      batch: (ix) => summarizationTensors(take(data.train, ix)),
      loss: (b) => {
        const f = model.forward(b.ids, b.lengths);
        const onehot = tf.oneHot(b.labels, SUMMARIZATION_EVENTS.length);
        return tf.losses.softmaxCrossEntropy(onehot, f.logits) as tf.Scalar;
      },
      evaluate: () => summarizationEvaluate(model, data.test),
      progress: context.progress,
    });
    optimizer.dispose();
    return {
      dataset: {
        name: "summarization",
        hash: hashValue({ train: data.train, test: data.test }),
        sizes: { train: data.train.length, test: data.test.length },
      },
      history: result.history,
      metrics: { ...result.history.at(-1)!.metrics, epochs: result.history.length },
      artifacts: { model, test: data.test },
    };
  },
});

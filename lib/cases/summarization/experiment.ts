/**
 * Case study: hierarchical (extractive) summarization. A hierarchical attention network — word-level and
 * sentence-level attention pooling — is trained only to classify a generated news document's event type; the
 * summary is the sentence with the largest sentence-attention weight. Targets: that sentence is the event
 * sentence in ≥ 90 % of held-out documents (`top1`), and the mean ROUGE-1 F of the picked sentence against the
 * reference (event) sentence is ≥ 0.90 (`rouge1`).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { caseOutput, disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { accuracy } from "../../metrics/classification.js";
import { rouge1F } from "../../metrics/rouge.js";
import type { HierarchicalAttention } from "../../models/hierarchicalAttention.js";
import { childSeed } from "../../random/childSeed.js";
import type { Target } from "../../records/record.js";
import { allIndices } from "../../train/batches.js";
import { fitAdam } from "../../train/fitAdam.js";
import { trainableVariables } from "../../train/variables.js";
import {
  SUMMARIZATION_EVENTS,
  type SummarizationData,
  type SummarizationDoc,
  summarizationBatch,
  summarizationData,
} from "./data.js";
import { summarizationModel } from "./model.js";

/** Settings of the summarization experiment. */
export interface SummarizationConfig {
  seed: number;
  trainSize: number;
  testSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Width of the word, sentence and document vectors (and of each attention's scorer). */
  dModel: number;
  /** Word encoder of the network: "dense" (a tanh layer per word) or "gru" (GRUs over words and sentences). */
  encoder: "dense" | "gru";
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const SUMMARIZATION_DEFAULTS: SummarizationConfig = {
  seed: 0,
  trainSize: 2000,
  testSize: 400,
  epochs: 3,
  batchSize: 32,
  learningRate: 3e-3,
  dModel: 32,
  encoder: "dense",
};

/** The claims of the full-mode run. */
export const SUMMARIZATION_TARGETS: Target[] = [
  { metric: "top1", op: ">=", value: 0.9 },
  { metric: "rouge1", op: ">=", value: 0.9 },
];

/** What the evaluation gives: the metrics, and per held-out document the picked sentence and predicted type. */
export interface SummarizationEvaluation {
  metrics: { top1: number; rouge1: number; typeAccuracy: number };
  /** Index of the sentence with the largest β (the extractive summary). */
  summary: number[];
  /** Predicted event type (index into SUMMARIZATION_EVENTS). */
  predicted: number[];
}

/**
 * Top-1 summary-sentence accuracy, mean ROUGE-1 F of the picked sentence against the event sentence, and
 * event-type accuracy of `model` on every document of `docs` (in batches of 256; no tensor survives).
 */
export function summarizationEvaluate(
  model: HierarchicalAttention,
  docs: readonly SummarizationDoc[],
): SummarizationEvaluation {
  const summary: number[] = [];
  const predicted: number[] = [];
  const indices = allIndices(docs.length);
  for (let start = 0; start < docs.length; start += 256) {
    tf.tidy(() => {
      const { x } = summarizationBatch(docs, indices.slice(start, start + 256));
      const { output, attention } = model.applyWithAttention(x); // logits [B, C], β [B, S]
      summary.push(...(tf.argMax(attention.sentences, 1).arraySync() as number[]));
      predicted.push(...(tf.argMax(output, 1).arraySync() as number[]));
    });
  }
  const rouge = docs.reduce(
    (sum, d, i) => sum + rouge1F(d.sentences[summary[i]!] ?? [], d.sentences[d.event]!),
    0,
  );
  return {
    metrics: {
      top1: docs.filter((d, i) => summary[i] === d.event).length / docs.length,
      rouge1: rouge / docs.length,
      typeAccuracy: accuracy(
        predicted,
        docs.map((d) => d.label),
      ),
    },
    summary,
    predicted,
  };
}

/** The trained model (the caller disposes it), the data and the final evaluation. */
export interface SummarizationArtifacts {
  model: HierarchicalAttention;
  data: SummarizationData;
  final: SummarizationEvaluation;
}

export const summarizationExperiment = defineExperiment<SummarizationConfig, SummarizationArtifacts>({
  name: "summarization",
  title: "Hierarchical summarization: word and sentence attention trained on a weak label",
  notebook: "notebooks/cases/05-summarization-hierarchical-attention.ipynb",
  defaults: SUMMARIZATION_DEFAULTS,
  quick: { trainSize: 400, testSize: 100, epochs: 2 },
  configRules: { encoder: opt.oneOf(["dense", "gru"]) },
  targets: SUMMARIZATION_TARGETS,
  run(config, context) {
    const data = summarizationData(config);
    return disposeOnError(async (own) => {
      const model = own(summarizationModel(config));
      const training = await fitAdam({
        title: "hierarchical summarization",
        adam: { learningRate: config.learningRate },
        variables: trainableVariables(model),
        size: config.trainSize,
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: childSeed(config.seed, "shuffle"),
        batch: (ix) => summarizationBatch(data.train, ix),
        loss: (b) =>
          tf.losses.softmaxCrossEntropy(
            tf.oneHot(b.y, SUMMARIZATION_EVENTS.length),
            model.apply(b.x, { training: true }) as tf.Tensor,
          ) as tf.Scalar,
        evaluate: () => summarizationEvaluate(model, data.test).metrics,
        progress: context.progress,
      });
      const final = summarizationEvaluate(model, data.test);
      return caseOutput(data.dataset, training, final.metrics, { model, data, final });
    });
  },
});

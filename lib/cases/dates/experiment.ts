/**
 * Case study: date normalization. A 1+1-layer character Transformer rewrites dates written in 8 formats as
 * ISO 8601. Targets: held-out exact match ≥ 0.90 (days never seen in training) and the cross-attention check:
 * for ≥ 85 % of the output month digits, the input character with the largest weight (mean of the heads) lies
 * in the input's month (name or number). Training stops on the validation days; the test days are measured once.
 */
import type * as tf from "@tensorflow/tfjs";
import { caseOutput, disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { sequenceCrossEntropy, warmupRate } from "../../models/seq2seqTraining.js";
import type { Transformer } from "../../models/transformer.js";
import { childSeed } from "../../random/childSeed.js";
import { type Target, targetsMet } from "../../records/record.js";
import { fitAdam } from "../../train/fitAdam.js";
import { trainableVariables } from "../../train/variables.js";
import {
  DATE_FORMATS,
  type DateExample,
  type DatesData,
  datesBatch,
  datesData,
  datesLengthBuckets,
} from "./data.js";
import { datesCrossAttention, datesModel, datesPredict } from "./model.js";

/** Settings of the date-normalization experiment. */
export interface DatesConfig {
  seed: number;
  trainSize: number;
  /** Days (never trained on nor tested) that training's stop rule is measured on, written like the test set. */
  validationSize: number;
  testSize: number;
  /** Upper bound on epochs; training stops after the first epoch at which every target holds on validation. */
  epochs: number;
  /** Examples per batch (batches group dates of similar length). */
  batchSize: number;
  /** Peak learning rate, reached after `warmup` steps, then decayed linearly to a tenth at the last step. */
  learningRate: number;
  /** Steps of linear learning-rate warm-up. */
  warmup: number;
  dModel: number;
  numHeads: number;
  dFF: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const DATES_DEFAULTS: DatesConfig = {
  seed: 0,
  trainSize: 12000,
  validationSize: 400,
  testSize: 800,
  epochs: 10,
  batchSize: 64,
  learningRate: 6e-3,
  warmup: 100,
  dModel: 32,
  numHeads: 2,
  dFF: 64,
};

/** The claims of the full-mode run (on test); training stops at the first epoch where all of them hold on validation. */
export const DATES_TARGETS: Target[] = [
  { metric: "exact", op: ">=", value: 0.9 },
  // The leading 0 of months 1–9 is not written in `5.3.2021`, so those steps look elsewhere: not every month
  // digit can read the month.
  { metric: "attn.monthHit", op: ">=", value: 0.85 },
];

/** The index of the largest entry. */
function argmax(row: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/**
 * The fraction of output digits whose cross-attention argmax lies inside the input span of their part:
 * year digits (ISO 0–3) in the year, month digits (5–6) in the month (name or number), day digits (8–9) in
 * the day. `weights` as from `datesCrossAttention`.
 */
export function datesAttentionHits(
  weights: readonly number[][][],
  examples: readonly DateExample[],
): { year: number; month: number; day: number } {
  const parts = { year: [0, 1, 2, 3], month: [5, 6], day: [8, 9] } as const;
  const hits = { year: 0, month: 0, day: 0 };
  for (const [b, w] of weights.entries()) {
    const spans = examples[b]!.spans;
    for (const part of ["year", "month", "day"] as const) {
      const [start, end] = spans[part];
      for (const k of parts[part]) {
        const j = argmax(w[k]!);
        if (j >= start && j < end) hits[part]++;
      }
    }
  }
  const n = Math.max(weights.length, 1);
  return { year: hits.year / (4 * n), month: hits.month / (2 * n), day: hits.day / (2 * n) };
}

/** Exact match overall and per format (`format.<name>`). */
function scores(test: readonly DateExample[], predictions: readonly string[]): Record<string, number> {
  const metrics: Record<string, number> = {};
  let right = 0;
  for (const format of DATE_FORMATS) {
    const ix = test.flatMap((e, i) => (e.format === format ? [i] : []));
    const ok = ix.filter((i) => predictions[i] === test[i]!.iso).length;
    right += ok;
    metrics[`format.${format}`] = ix.length === 0 ? 0 : ok / ix.length;
  }
  return { exact: right / Math.max(test.length, 1), ...metrics };
}

/** What the evaluation gives: the metrics and, per held-out example, the ISO string the model wrote. */
export interface DatesEvaluation {
  /** exact, format.<name> per format, attn.yearHit, attn.monthHit, attn.dayHit. */
  metrics: Record<string, number>;
  predictions: string[];
}

/** Greedy exact match (overall and per format) and the cross-attention hits of `model` on every example of `test`. */
export function datesEvaluate(model: Transformer, test: readonly DateExample[]): DatesEvaluation {
  const predictions = datesPredict(
    model,
    test.map((e) => e.text),
  );
  const hits = datesAttentionHits(datesCrossAttention(model, test), test);
  return {
    metrics: {
      ...scores(test, predictions),
      "attn.yearHit": hits.year,
      "attn.monthHit": hits.month,
      "attn.dayHit": hits.day,
    },
    predictions,
  };
}

/** The trained model (the caller disposes it), the data and the final evaluation. */
export interface DatesArtifacts {
  model: Transformer;
  data: DatesData;
  final: DatesEvaluation;
}

export const datesExperiment = defineExperiment<DatesConfig, DatesArtifacts>({
  name: "dates",
  title: "Date normalization: a character Transformer writes 8 date formats as ISO 8601",
  notebook: "notebooks/cases/02-dates-normalization.ipynb",
  defaults: DATES_DEFAULTS,
  quick: { trainSize: 1280, validationSize: 40, testSize: 80, epochs: 2 },
  targets: DATES_TARGETS,
  run(config, context) {
    const data = datesData(config);
    // Batches of similar length (fixed groups; fit visits them in a seeded order each epoch, one per step).
    const buckets = datesLengthBuckets(data.train, config.batchSize, childSeed(config.seed, "buckets"));
    const steps = buckets.length * config.epochs;
    return disposeOnError(async (own) => {
      const model = own(datesModel(config));
      const training = await fitAdam({
        title: "dates",
        // Vaswani et al. 2017 §5.3: β₂ 0.98, ε 1e-9, with a warm-up of the learning rate
        adam: { learningRate: config.learningRate, beta1: 0.9, beta2: 0.98, epsilon: 1e-9 },
        // linear warm-up, then linear decay to a tenth of the peak at the last step
        learningRate: (step) =>
          warmupRate(step, config.learningRate, config.warmup) * (1 - (0.9 * (step - 1)) / steps),
        variables: trainableVariables(model),
        size: buckets.length,
        epochs: config.epochs,
        batchSize: 1,
        seed: childSeed(config.seed, "shuffle"),
        batch: ([b]) => datesBatch(data.train, buckets[b!]!),
        loss: (b) =>
          sequenceCrossEntropy(
            model.apply([b.src, b.tgtIn], { training: true, srcValidLens: b.srcValidLens }) as tf.Tensor,
            b.tgtOut,
          ),
        // the stop is decided on the validation days; the test days stay unseen until the end
        evaluate: () => datesEvaluate(model, data.validation).metrics,
        stopWhen: targetsMet(DATES_TARGETS),
        progress: context.progress,
      });
      const final = datesEvaluate(model, data.test);
      return caseOutput(data.dataset, training, final.metrics, { model, data, final });
    });
  },
});

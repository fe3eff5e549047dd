/**
 * Case study: date normalization. A 1+1-layer character Transformer rewrites dates written in 8 formats as
 * ISO 8601. Targets: held-out exact match ≥ 0.90 (days never seen in training) and the cross-attention check:
 * for ≥ 85 % of the output month digits, the input character with the largest weight (mean of the heads) lies
 * in the input's month (name or number).
 */
import * as tf from "@tensorflow/tfjs";
import { defineExperiment } from "../../experiments/experiment.js";
import { warmupRate, sequenceCrossEntropy } from "../../models/seq2seqTraining.js";
import type { Transformer } from "../../models/transformer.js";
import { hashValue } from "../../records/record.js";
import { mulberry32 } from "../../random/prng.js";
import { fit } from "../../train/fit.js";
import { DATE_FORMATS, type DateExample, datesData } from "./data.js";
import {
  datesArrays,
  datesAttentionHits,
  datesBatchTensors,
  datesCrossAttention,
  datesPredict,
  datesTransformer,
  lengthBuckets,
} from "./model.js";

/** Settings of the date-normalization experiment. */
export interface DatesConfig {
  seed: number;
  trainSize: number;
  testSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  warmup: number;
  dModel: number;
  numHeads: number;
  dFF: number;
  [key: string]: unknown;
}

/** The trained model (the caller disposes it), the held-out examples and what the model wrote for them. */
export interface DatesArtifacts {
  model: Transformer;
  test: DateExample[];
  predictions: string[];
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

export const datesExperiment = defineExperiment<DatesConfig, DatesArtifacts>({
  name: "dates",
  title: "Date normalization: a character Transformer writes 8 date formats as ISO 8601",
  notebook: "notebooks/cases/02-date-normalization.ipynb",
  defaults: {
    seed: 0,
    trainSize: 8000,
    testSize: 800,
    epochs: 10,
    batchSize: 64,
    learningRate: 6e-3,
    warmup: 100,
    dModel: 32,
    numHeads: 2,
    dFF: 64,
  },
  quick: { trainSize: 1280, testSize: 80, epochs: 2 },
  targets: [
    { metric: "exact", op: ">=", value: 0.9 },
    // Calibrated: 0.909 at the default config (the leading 0 of months 1–9 is not written in `5.3.2021`,
    // so those steps look elsewhere); set just below, as the catalog's calibrated targets are.
    { metric: "attn.monthHit", op: ">=", value: 0.85 },
  ],
  async run(config, context) {
    const data = datesData(config);
    const train = datesArrays(data.train);
    // Batches of similar source length (fixed groups, visited in a seeded order each epoch).
    const buckets = lengthBuckets(train.srcLens, config.batchSize, mulberry32(config.seed + 1));
    const steps = buckets.length * config.epochs;
    const model = datesTransformer(config);
    const optimizer = tf.train.adam(config.learningRate, 0.9, 0.98, 1e-9);
    let predictions: string[] = [];
    const evaluate = () => {
      predictions = datesPredict(
        model,
        data.test.map((e) => e.text),
      );
      return scores(data.test, predictions);
    };
    const result = await fit({
      title: "dates",
      size: buckets.length,
      epochs: config.epochs,
      batchSize: 1,
      seed: config.seed,
      optimizer,
      variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
      // Linear warm-up, then linear decay to a tenth of the peak at the last step.
      learningRate: (step) =>
        warmupRate(step, config.learningRate, config.warmup) * (1 - (0.9 * (step - 1)) / steps),
      batch: ([b]) => datesBatchTensors(train, buckets[b!]!),
      loss: (b) =>
        sequenceCrossEntropy(
          model.apply([b.src, b.tgtIn], { training: true, srcValidLens: b.srcLens }) as tf.Tensor,
          b.tgtOut,
        ),
      evaluate,
      stopWhen: (m) => (m.exact ?? 0) >= 0.99,
      progress: context.progress,
    });
    optimizer.dispose();
    const hits = datesAttentionHits(datesCrossAttention(model, data.test), data.test);
    return {
      dataset: {
        name: "dates",
        hash: hashValue({ train: data.train.map((e) => e.text), test: data.test.map((e) => e.text) }),
        sizes: { train: data.train.length, test: data.test.length },
      },
      history: result.history,
      metrics: {
        ...result.history.at(-1)!.metrics,
        "attn.yearHit": hits.year,
        "attn.monthHit": hits.month,
        "attn.dayHit": hits.day,
        epochs: result.history.length,
      },
      artifacts: { model, test: data.test, predictions },
    };
  },
});

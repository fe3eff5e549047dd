/**
 * Case study: financial public-opinion monitoring. One shared attention encoder (`PoolingClassifier`) with two
 * softmax heads — topic (5) and sentiment (3) — is trained jointly on template headlines, with the loss
 * L = CE(topic) + CE(sentiment) (the two heads are slices of one `[E, 8]` output, one combined loss). It then
 * labels every headline of a 60-day stream; each day's predicted negative share x_d gets the z-score
 * z_d = (x_d − mean) / std against the `baselineDays` (14) most recent earlier days that raised no alarm, and day d
 * raises an alarm when z_d > `alarmZ` (3). Targets: macro-F1 ≥ 0.90 on both heads (held-out templates), every
 * injected surge alarmed (`surgeRecall` = 1) and at most one false alarm. Training stops at the first epoch where
 * both heads' macro-F1 targets hold on the validation headlines (`opinionMonitoringHeadMetrics`); the test
 * headlines and the stream are evaluated once, after training (`opinionMonitoringEvaluate`).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { caseOutput, disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { macroF1 } from "../../metrics/classification.js";
import type { PoolingClassifier } from "../../models/poolingClassifier.js";
import { childSeed } from "../../random/childSeed.js";
import { type Target, targetsMet } from "../../records/record.js";
import type { FitResult } from "../../train/fit.js";
import { fitAdam } from "../../train/fitAdam.js";
import type { ProgressMode } from "../../train/progress.js";
import { trainableVariables } from "../../train/variables.js";
import {
  type OpinionHeadline,
  type OpinionMonitoringData,
  opinionMonitoringBatch,
  opinionMonitoringData,
} from "./data.js";
import { opinionMonitoringHeads, opinionMonitoringModel } from "./model.js";

/** Settings of the opinion-monitoring experiment. */
export interface OpinionMonitoringConfig {
  seed: number;
  trainSize: number;
  /** Validation headlines (held-out templates, own seed): the per-epoch macro-F1 the stop reads. */
  validationSize: number;
  testSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  dModel: number;
  numHeads: number;
  dFF: number;
  /** Days of the monitoring stream. */
  streamDays: number;
  /** Mean headlines a day. */
  headlinesPerDay: number;
  /** Injected surge days. */
  surges: number;
  /** Negative share of an ordinary day (± 0.03 jitter). */
  baseNegativeShare: number;
  /** Negative share of a surge day. */
  surgeNegativeShare: number;
  /** Days in the z-score's trailing baseline (and days before the first possible surge). */
  baselineDays: number;
  /** A day raises an alarm when its z-score is above this. */
  alarmZ: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const OPINION_MONITORING_DEFAULTS: OpinionMonitoringConfig = {
  seed: 0,
  trainSize: 3000,
  validationSize: 500,
  testSize: 1000,
  epochs: 6,
  batchSize: 32,
  learningRate: 3e-3,
  dModel: 32,
  numHeads: 2,
  dFF: 64,
  streamDays: 60,
  headlinesPerDay: 200,
  surges: 3,
  baseNegativeShare: 0.2,
  surgeNegativeShare: 0.4,
  baselineDays: 14,
  alarmZ: 3,
};

/** The quick-mode overrides (CI): smaller data, fewer epochs, a shorter and thinner stream. */
export const OPINION_MONITORING_QUICK: Partial<OpinionMonitoringConfig> = {
  trainSize: 600,
  validationSize: 100,
  testSize: 200,
  epochs: 1,
  streamDays: 30,
  headlinesPerDay: 60,
  surges: 2,
};

/** The claims of the full-mode run (issue #20). */
export const OPINION_MONITORING_TARGETS: Target[] = [
  { metric: "topicMacroF1", op: ">=", value: 0.9 },
  { metric: "sentimentMacroF1", op: ">=", value: 0.9 },
  { metric: "surgeRecall", op: ">=", value: 1 },
  { metric: "falseAlarms", op: "<=", value: 1 },
];

/**
 * The targets training checks after each epoch (`stopWhen`), on the validation headlines: the two heads'
 * macro-F1. The alarm targets need the stream, which is evaluated once, after training.
 */
export const OPINION_MONITORING_EPOCH_TARGETS: Target[] = OPINION_MONITORING_TARGETS.filter((t) =>
  t.metric.endsWith("MacroF1"),
);

/** What the model says about a list of headlines. */
export interface OpinionPredictions {
  /** Predicted topic of each headline. */
  topic: number[];
  /** Predicted sentiment of each headline (0 = negative). */
  sentiment: number[];
  /** `[N, 9]` pooling weights α (0 on padding), the one attention both heads read. */
  pooling: number[][];
}

/** Headlines labelled per forward pass (bounds the memory of a long stream). */
const PREDICT_CHUNK = 2000;

/**
 * The predicted topic and sentiment (argmax of each head) and the pooling weights of every headline. No tensor
 * survives the call.
 */
export function opinionMonitoringPredict(
  model: PoolingClassifier,
  headlines: readonly OpinionHeadline[],
): OpinionPredictions {
  const out: OpinionPredictions = { topic: [], sentiment: [], pooling: [] };
  for (let start = 0; start < headlines.length; start += PREDICT_CHUNK) {
    const indices = Array.from(
      { length: Math.min(PREDICT_CHUNK, headlines.length - start) },
      (_, i) => start + i,
    );
    const part = tf.tidy(() => {
      const b = opinionMonitoringBatch(headlines, indices);
      const { output, attention } = model.applyWithAttention(b.ids, { validLens: b.validLens });
      const heads = opinionMonitoringHeads(output);
      return {
        topic: Array.from(heads.topic.argMax(1).dataSync()),
        sentiment: Array.from(heads.sentiment.argMax(1).dataSync()),
        pooling: attention.pooling.arraySync(),
      };
    });
    out.topic.push(...part.topic);
    out.sentiment.push(...part.sentiment);
    out.pooling.push(...part.pooling);
  }
  return out;
}

/** Options of {@link opinionMonitoringAlarms}. */
export interface AlarmOptions {
  /** Days in the trailing baseline. */
  baselineDays: number;
  /** Alarm when the z-score is above this. */
  alarmZ: number;
}

/** One day of the monitor. */
export interface AlarmDay {
  /** The day's (predicted) negative share. */
  share: number;
  /** Its z-score against the baseline, or null while fewer than `baselineDays` baseline days exist (or std is 0). */
  z: number | null;
  alarm: boolean;
}

/**
 * The alarm rule: day d's z-score is z_d = (x_d − m) / s, where m and s (sample standard deviation, n − 1) are
 * taken over the `baselineDays` most recent days before d that raised no alarm (so a surge does not widen the
 * baseline of the days after it); day d raises an alarm when z_d > `alarmZ`. The first `baselineDays` days only build
 * the baseline (z null).
 * @example
 *   const days = opinionMonitoringAlarms([0.2, 0.21, 0.19, 0.2, 0.5], { baselineDays: 4, alarmZ: 3 });
 *   days.map((d) => d.alarm); // [false, false, false, false, true]
 */
export function opinionMonitoringAlarms(shares: readonly number[], opts: AlarmOptions): AlarmDay[] {
  const where = "opinionMonitoringAlarms";
  if (!Number.isInteger(opts.baselineDays) || opts.baselineDays < 2) {
    throw new RangeError(`${where}: baselineDays should be an integer ≥ 2, got ${opts.baselineDays}`);
  }
  if (typeof opts.alarmZ !== "number" || !Number.isFinite(opts.alarmZ)) {
    throw new RangeError(`${where}: alarmZ should be a finite number, got ${opts.alarmZ}`);
  }
  const extra = Object.keys(opts).filter((k) => k !== "baselineDays" && k !== "alarmZ");
  if (extra.length > 0)
    throw new RangeError(`${where}: unknown option "${extra[0]}" (known: baselineDays, alarmZ)`);
  const bad = shares.findIndex((x) => typeof x !== "number" || !Number.isFinite(x));
  if (bad >= 0) throw new RangeError(`${where}: shares[${bad}] is ${shares[bad]}, not a finite number`);
  const days: AlarmDay[] = [];
  const quiet: number[] = []; // shares of the days that raised no alarm, oldest first
  for (const share of shares) {
    let z: number | null = null;
    if (quiet.length >= opts.baselineDays) {
      const base = quiet.slice(-opts.baselineDays);
      const mean = base.reduce((a, b) => a + b, 0) / base.length;
      const variance = base.reduce((a, b) => a + (b - mean) ** 2, 0) / (base.length - 1);
      if (variance > 0) z = (share - mean) / Math.sqrt(variance);
    }
    const alarm = z !== null && z > opts.alarmZ;
    days.push({ share, z, alarm });
    if (!alarm) quiet.push(share);
  }
  return days;
}

/** The metrics and what the notebook shows. */
export interface OpinionMonitoringEvaluation {
  metrics: { topicMacroF1: number; sentimentMacroF1: number; surgeRecall: number; falseAlarms: number };
  /** The model's labels of the test headlines. */
  test: OpinionPredictions;
  /** The model's sentiment label of every stream headline. */
  streamSentiment: number[];
  /** The monitor over the predicted daily negative shares. */
  days: AlarmDay[];
  /** The true negative share of each day's headlines (their labels). */
  trueShare: number[];
  /** Days that raised an alarm. */
  alarmDays: number[];
}

/** The share of label 0 (negative) among the `labels` of each of `days` days. */
function dailyNegativeShare(labels: readonly number[], day: readonly number[], days: number): number[] {
  const negative = Array<number>(days).fill(0);
  const total = Array<number>(days).fill(0);
  labels.forEach((label, i) => {
    total[day[i]!]!++;
    if (label === 0) negative[day[i]!]!++;
  });
  return negative.map((n, d) => n / total[d]!);
}

/**
 * Macro-F1 of the topic and the sentiment head on `headlines` (what training measures on the validation split
 * after each epoch). No tensor survives the call.
 */
export function opinionMonitoringHeadMetrics(
  model: PoolingClassifier,
  headlines: readonly OpinionHeadline[],
): { topicMacroF1: number; sentimentMacroF1: number } {
  return headMacroF1(opinionMonitoringPredict(model, headlines), headlines);
}

/** Macro-F1 of each head's predictions against the labels of `headlines`. */
function headMacroF1(
  predicted: { topic: readonly number[]; sentiment: readonly number[] },
  headlines: readonly OpinionHeadline[],
): { topicMacroF1: number; sentimentMacroF1: number } {
  return {
    topicMacroF1: macroF1(
      predicted.topic,
      headlines.map((h) => h.topic),
    ),
    sentimentMacroF1: macroF1(
      predicted.sentiment,
      headlines.map((h) => h.sentiment),
    ),
  };
}

/**
 * Macro-F1 of both heads on `data.test` (held-out templates), and the monitor on `data.stream`: the model labels
 * every headline, each day's predicted negative share goes through {@link opinionMonitoringAlarms}, and
 * `surgeRecall` is the fraction of surge days that raised an alarm, `falseAlarms` the number of other days that
 * did. No tensor survives the call.
 */
export function opinionMonitoringEvaluate(
  model: PoolingClassifier,
  data: Pick<OpinionMonitoringData, "test" | "stream">,
  config: AlarmOptions,
): OpinionMonitoringEvaluation {
  const test = opinionMonitoringPredict(model, data.test);
  const { stream } = data;
  const streamSentiment = opinionMonitoringPredict(model, stream.headlines).sentiment;
  const streamDays = stream.drawnShare.length;
  const days = opinionMonitoringAlarms(dailyNegativeShare(streamSentiment, stream.day, streamDays), {
    baselineDays: config.baselineDays,
    alarmZ: config.alarmZ,
  });
  const alarmDays = days.flatMap((d, i) => (d.alarm ? [i] : []));
  const caught = stream.surgeDays.filter((d) => days[d]!.alarm).length;
  return {
    metrics: {
      ...headMacroF1(test, data.test),
      surgeRecall: stream.surgeDays.length === 0 ? 1 : caught / stream.surgeDays.length,
      falseAlarms: alarmDays.filter((d) => !stream.surgeDays.includes(d)).length,
    },
    test,
    streamSentiment,
    days,
    trueShare: dailyNegativeShare(
      stream.headlines.map((h) => h.sentiment),
      stream.day,
      streamDays,
    ),
    alarmDays,
  };
}

/**
 * The joint loss of one batch: softmax cross-entropy of the topic head plus that of the sentiment head.
 * @example // inside fit: loss: (b) => opinionMonitoringLoss(model, b, true)
 */
export function opinionMonitoringLoss(
  model: PoolingClassifier,
  batch: ReturnType<typeof opinionMonitoringBatch>,
  training: boolean,
): tf.Scalar {
  return tf.tidy(() => {
    const logits = model.apply(batch.ids, { validLens: batch.validLens, training }) as tf.Tensor;
    const heads = opinionMonitoringHeads(logits);
    return tf.add(
      tf.losses.softmaxCrossEntropy(batch.topics, heads.topic),
      tf.losses.softmaxCrossEntropy(batch.sentiments, heads.sentiment),
    ) as tf.Scalar;
  });
}

/**
 * Trains `model` on `data.train` with Adam (the notebook writes the same call out), measuring both heads' macro-F1
 * on `data.validation` after each epoch and stopping once {@link OPINION_MONITORING_EPOCH_TARGETS} hold there.
 */
export function opinionMonitoringFit(
  model: PoolingClassifier,
  data: OpinionMonitoringData,
  config: OpinionMonitoringConfig,
  progress: ProgressMode,
): Promise<FitResult> {
  return fitAdam({
    title: "opinion monitoring",
    adam: { learningRate: config.learningRate },
    variables: trainableVariables(model),
    size: config.trainSize,
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: childSeed(config.seed, "shuffle"),
    batch: (ix) => opinionMonitoringBatch(data.train, ix),
    loss: (b) => opinionMonitoringLoss(model, b, true),
    evaluate: () => opinionMonitoringHeadMetrics(model, data.validation),
    stopWhen: targetsMet(OPINION_MONITORING_EPOCH_TARGETS),
    progress,
  });
}

/** The trained model (the caller disposes it), the data and the final evaluation. */
export interface OpinionMonitoringArtifacts {
  model: PoolingClassifier;
  data: OpinionMonitoringData;
  final: OpinionMonitoringEvaluation;
}

export const opinionMonitoringExperiment = defineExperiment<
  OpinionMonitoringConfig,
  OpinionMonitoringArtifacts
>({
  name: "opinion-monitoring",
  title: "Opinion monitoring: one attention encoder, two heads, and a z-score alarm on the negative share",
  notebook: "notebooks/cases/16-opinion-monitoring-alarms.ipynb",
  defaults: OPINION_MONITORING_DEFAULTS,
  quick: OPINION_MONITORING_QUICK,
  configRules: {
    streamDays: opt.integer({ min: 3 }),
    headlinesPerDay: opt.integer({ min: 10 }),
    surges: opt.integer({ min: 0 }),
    baseNegativeShare: opt.number({ min: 0.03, max: 0.97 }),
    surgeNegativeShare: opt.number({ min: 0, max: 1 }),
    baselineDays: opt.integer({ min: 2 }),
    alarmZ: opt.number(),
  },
  targets: OPINION_MONITORING_TARGETS,
  run(config, context) {
    const data = opinionMonitoringData(config);
    return disposeOnError(async (own) => {
      const model = own(opinionMonitoringModel(config));
      const training = await opinionMonitoringFit(model, data, config, context.progress);
      const final = opinionMonitoringEvaluate(model, data, config);
      return caseOutput(data.dataset, training, final.metrics, { model, data, final });
    });
  },
});

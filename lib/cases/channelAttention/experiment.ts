/**
 * Case study: channel attention — squeeze-excitation (SE) and CBAM against the same CNN without attention, on
 * a task where the useful channels change from image to image (`generateChannelCue`: the class is the shape in
 * 2 of 8 noisy channels). Each model is trained from `repeats` seeds (weights and batch order; the data stay
 * fixed) and the held-out accuracy is reported as mean ± sample standard deviation. Whether SE or CBAM beats
 * the plain CNN is reported, not forced; the targets only ask every model to learn the task.
 */
import type * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { accuracy, argmaxRows } from "../../metrics/classification.js";
import type { AttentionCnn } from "../../models/cnn/attentionCnn.js";
import { classCrossEntropy, predictImages } from "../../models/cnn/classify.js";
import { childSeed } from "../../random/childSeed.js";
import type { RecordedEpoch, Target } from "../../records/record.js";
import { allIndices } from "../../train/batches.js";
import { fitAdam } from "../../train/fitAdam.js";
import type { ProgressMode } from "../../train/progress.js";
import { trainableVariables } from "../../train/variables.js";
import {
  type ChannelAttentionData,
  type ChannelCueSet,
  channelAttentionBatch,
  channelAttentionData,
} from "./data.js";
import { CHANNEL_ATTENTION_VARIANTS, type ChannelAttentionVariant, channelAttentionModel } from "./model.js";

/** Settings of the channel-attention experiment. */
export interface ChannelAttentionConfig {
  seed: number;
  /** Training runs per model: repeat 0 from `seed`, repeat k > 0 from `childSeed(seed, "repeat/k")`. */
  repeats: number;
  trainSize: number;
  testSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Channels of the conv blocks (each followed by SE, CBAM or nothing). */
  filters: number[];
  /** Reduction ratio of the SE/CBAM channel MLP. */
  ratio: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const CHANNEL_ATTENTION_DEFAULTS: ChannelAttentionConfig = {
  seed: 0,
  repeats: 3,
  trainSize: 1000,
  testSize: 400,
  epochs: 5,
  batchSize: 32,
  learningRate: 3e-3,
  filters: [16, 16],
  ratio: 4,
};

/** Every model must reach this mean held-out accuracy (chance is 1/3). */
export const CHANNEL_ATTENTION_TARGETS: Target[] = CHANNEL_ATTENTION_VARIANTS.map((v) => ({
  metric: `${v}.mean`,
  op: ">=",
  value: 0.7,
}));

/** One training run: a variant at one repeat, with the seed its weights and batch order derive from. */
export interface ChannelAttentionRun {
  variant: ChannelAttentionVariant;
  repeat: number;
  /** `config.seed` for repeat 0, `childSeed(config.seed, "repeat/<k>")` after. */
  seed: number;
}

/**
 * Every run in training order: per repeat SE (the case's model), plain, CBAM. The first is the main run (SE from
 * `config.seed`), whose history the record keeps. The variants of one repeat share its seed, so they start from
 * the same conv and head weights and see the same batches.
 */
export function channelAttentionRuns(config: { seed: number; repeats: number }): ChannelAttentionRun[] {
  const runs: ChannelAttentionRun[] = [];
  for (let repeat = 0; repeat < config.repeats; repeat++) {
    const seed = repeat === 0 ? config.seed : childSeed(config.seed, `repeat/${repeat}`);
    for (const variant of ["se", "plain", "cbam"] as const) runs.push({ variant, repeat, seed });
  }
  return runs;
}

/** What the evaluation of one model gives: its held-out accuracy and per image its prediction. */
export interface ChannelAttentionEvaluation {
  metrics: { accuracy: number };
  predicted: number[];
}

/** Held-out accuracy of `cnn` on `test` (every image). */
export function channelAttentionEvaluate(cnn: AttentionCnn, test: ChannelCueSet): ChannelAttentionEvaluation {
  const p = predictImages(cnn, test.images, allIndices(test.labels.length));
  const predicted = argmaxRows(p.probs);
  return { metrics: { accuracy: accuracy(predicted, test.labels) }, predicted };
}

/**
 * The recorded metrics: per variant the mean and sample standard deviation of the held-out accuracies
 * (`se.mean`, `se.sd`) and each repeat's (`se.repeat0`, …).
 */
export function channelAttentionMetrics(
  accuracies: Record<ChannelAttentionVariant, number[]>,
): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const v of CHANNEL_ATTENTION_VARIANTS) {
    metrics[`${v}.mean`] = mean(accuracies[v]);
    metrics[`${v}.sd`] = sampleSd(accuracies[v]);
    accuracies[v].forEach((a, k) => {
      metrics[`${v}.repeat${k}`] = a;
    });
  }
  return metrics;
}

/** What the notebook concludes about a variant against the plain CNN. */
export type ChannelAttentionVerdict = "within seed noise" | "better than plain" | "worse than plain";

/**
 * The verdict on `variant` from recorded metrics (`channelAttentionMetrics`): its mean gain over the plain CNN
 * is seed noise when it is at most twice the largest sample standard deviation of any variant's repeats.
 * @example channelAttentionVerdict({ "plain.mean": 0.8, "plain.sd": 0.01, "se.mean": 0.9, "se.sd": 0.02, "cbam.mean": 0.8, "cbam.sd": 0 }, "se"); // "better than plain"
 */
export function channelAttentionVerdict(
  metrics: Record<string, number>,
  variant: Exclude<ChannelAttentionVariant, "plain">,
): ChannelAttentionVerdict {
  const spread = Math.max(...CHANNEL_ATTENTION_VARIANTS.map((v) => metrics[`${v}.sd`]!));
  const diff = metrics[`${variant}.mean`]! - metrics["plain.mean"]!;
  if (Math.abs(diff) <= 2 * spread) return "within seed noise";
  return diff > 0 ? "better than plain" : "worse than plain";
}

/**
 * A comparison with every run kept (an exercise's answer): per variant the trained models and their held-out
 * accuracies in repeat order (as `channelAttentionRuns(config)` lists the runs), and the verdicts on SE and CBAM
 * that `channelAttentionVerdict` gives for those accuracies. The caller disposes the models.
 */
export interface ChannelAttentionComparison {
  config: ChannelAttentionConfig;
  models: Record<ChannelAttentionVariant, AttentionCnn[]>;
  accuracies: Record<ChannelAttentionVariant, number[]>;
  verdict: Record<Exclude<ChannelAttentionVariant, "plain">, ChannelAttentionVerdict>;
}

/** The repeat-0 model of each variant (the caller disposes the three), the data and every run's outcome. */
export interface ChannelAttentionArtifacts {
  models: Record<ChannelAttentionVariant, AttentionCnn>;
  data: ChannelAttentionData;
  /** Held-out accuracy of every run: `accuracies.se[k]` is repeat k. */
  accuracies: Record<ChannelAttentionVariant, number[]>;
  /** Per-epoch history of every run, by variant and repeat. */
  histories: Record<ChannelAttentionVariant, RecordedEpoch[][]>;
}

export const channelAttentionExperiment = defineExperiment<ChannelAttentionConfig, ChannelAttentionArtifacts>(
  {
    name: "channel-attention",
    title: "Channel attention: SE and CBAM vs a plain CNN when the informative channels change per image",
    notebook: "notebooks/cases/08-channel-attention-se-cbam.ipynb",
    defaults: CHANNEL_ATTENTION_DEFAULTS,
    quick: { trainSize: 200, testSize: 100, epochs: 1, repeats: 2 },
    configRules: { repeats: opt.integer({ min: 1 }) },
    targets: CHANNEL_ATTENTION_TARGETS,
    run(config, context) {
      const data = channelAttentionData(config);
      const accuracies = { plain: [], se: [], cbam: [] } as Record<ChannelAttentionVariant, number[]>;
      const histories = { plain: [], se: [], cbam: [] } as Record<ChannelAttentionVariant, RecordedEpoch[][]>;
      const models: Partial<Record<ChannelAttentionVariant, AttentionCnn>> = {};
      return disposeOnError(async (own) => {
        for (const run of channelAttentionRuns(config)) {
          const cnn = channelAttentionModel({ ...config, seed: run.seed }, run.variant);
          // repeat 0 is kept for the notebook (freed by disposeOnError if a later step throws); the others are
          // freed as soon as their accuracy is read
          if (run.repeat === 0) models[run.variant] = own(cnn, (m) => m.model.dispose());
          try {
            const training = await channelAttentionFit(cnn, data, config, run, context.progress);
            accuracies[run.variant].push(channelAttentionEvaluate(cnn, data.test).metrics.accuracy);
            histories[run.variant].push(training.history);
          } finally {
            if (run.repeat !== 0) cnn.model.dispose();
          }
        }
        return {
          dataset: data.dataset,
          history: histories.se[0]!,
          metrics: channelAttentionMetrics(accuracies),
          artifacts: {
            models: models as Record<ChannelAttentionVariant, AttentionCnn>,
            data,
            accuracies,
            histories,
          },
        };
      });
    },
  },
);

/**
 * Trains one run's model with Adam (batches shuffled by `childSeed(run.seed, "shuffle")`), evaluating per epoch:
 * the loop `run` trains every run with, and the notebook's `fitAdam` cell writes out.
 */
export function channelAttentionFit(
  cnn: AttentionCnn,
  data: ChannelAttentionData,
  config: ChannelAttentionConfig,
  run: ChannelAttentionRun,
  progress: ProgressMode,
) {
  return fitAdam({
    title: `channel attention · ${run.variant} · repeat ${run.repeat}`,
    adam: { learningRate: config.learningRate },
    variables: trainableVariables(cnn.model),
    size: config.trainSize,
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: childSeed(run.seed, "shuffle"),
    batch: (ix) => channelAttentionBatch(data.train, ix),
    loss: (b) => classCrossEntropy(cnn.model.apply(b.x, { training: true }) as tf.Tensor, b.y),
    evaluate: () => channelAttentionEvaluate(cnn, data.test).metrics,
    progress,
  });
}

/** Arithmetic mean. */
function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

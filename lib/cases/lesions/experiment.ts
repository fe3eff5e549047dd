/**
 * Case study: lesion detection in synthetic "scans". The same small CNN is trained twice: once with soft spatial
 * attention pooling (a 1×1 score conv, softmax over all pixels, weighted feature sum) and once with global
 * average pooling (GAP, the ablation). Targets for the attention model: held-out ROC-AUC ≥ 0.95 and pointing
 * (argmax of α within ±3 px of the lesion centre) ≥ 0.85 on positives. The comparison with GAP, overall and
 * on the faintest lesions, is reported, not forced.
 */
import type * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { accuracy, argmaxRows } from "../../metrics/classification.js";
import { mapArgmax, type Point, pointingGame } from "../../metrics/localization.js";
import { rocAuc } from "../../metrics/rocAuc.js";
import type { AttentionCnn } from "../../models/cnn/attentionCnn.js";
import { classCrossEntropy, predictImages } from "../../models/cnn/classify.js";
import { childSeed } from "../../random/childSeed.js";
import type { Target } from "../../records/record.js";
import { allIndices, take } from "../../train/batches.js";
import { fitAdam } from "../../train/fitAdam.js";
import type { EpochLog, ProgressMode } from "../../train/progress.js";
import { trainableVariables } from "../../train/variables.js";
import { type LesionsData, type LesionsSet, lesionsBatch, lesionsData } from "./data.js";
import { lesionsModel } from "./model.js";

/** Settings of the lesions experiment. */
export interface LesionsConfig {
  seed: number;
  trainSize: number;
  testSize: number;
  /** Epochs of each model (both train for exactly this many, so the comparison is fair). */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Channels of the conv blocks (both models). */
  filters: number[];
  /** Softmax temperature of the spatial attention. */
  temperature: number;
  /** Pointing-game tolerance in pixels (Chebyshev). */
  tolerance: number;
  /** Positives with contrast below this (σ units) form the low-contrast subset (with all negatives). */
  lowContrast: number;
  /** Blur (px) of the background noise; see `generateLesions`. */
  blur: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const LESIONS_DEFAULTS: LesionsConfig = {
  seed: 0,
  trainSize: 1500,
  testSize: 400,
  epochs: 3,
  batchSize: 32,
  learningRate: 3e-3,
  filters: [8, 16, 16],
  temperature: 1,
  tolerance: 3,
  lowContrast: 0.4,
  blur: 2,
};

/** The claims of the full-mode run, about the attention model. */
export const LESIONS_TARGETS: Target[] = [
  { metric: "auc", op: ">=", value: 0.95 },
  { metric: "pointing", op: ">=", value: 0.85 },
];

/** What the evaluation of one model gives: its metrics, and per held-out scan its score and prediction. */
export interface LesionsEvaluation {
  /** `auc`, `accuracy`, `lowContrastAuc`, and with attention pooling `pointing` (on the positives). */
  metrics: Record<string, number>;
  /** P(lesion) per held-out scan. */
  scores: number[];
  predicted: number[];
  /** `[N, 32, 32]` attention maps (attention pooling), else null. */
  maps: number[][][] | null;
  /** The argmax `[row, col]` of each map (attention pooling), else null. */
  argmax: [number, number][] | null;
}

/** ROC-AUC, accuracy and low-contrast ROC-AUC of `cnn` on `test` (every scan); pointing if it has maps. */
export function lesionsEvaluate(
  cnn: AttentionCnn,
  test: LesionsSet,
  config: LesionsConfig,
): LesionsEvaluation {
  const ix = allIndices(test.labels.length);
  const withMaps = cnn.config.pooling === "softSpatial";
  const p = predictImages(cnn, test.images, ix, { withMaps });
  const scores = p.probs.map((q) => q[1]!);
  const low = ix.filter((i) => test.labels[i] === 0 || test.contrasts[i]! < config.lowContrast);
  const predicted = argmaxRows(p.probs);
  const metrics: Record<string, number> = {
    auc: rocAuc(scores, test.labels),
    accuracy: accuracy(predicted, test.labels),
    lowContrastAuc: rocAuc(take(scores, low), take(test.labels, low)),
  };
  if (!withMaps) return { metrics, scores, predicted, maps: null, argmax: null };
  const maps = p.maps.poolingMap as number[][][];
  const argmax = maps.map(mapArgmax);
  const positives = ix.filter((i) => test.labels[i] === 1);
  const centers = positives.map((i) => test.centers[i]!) as Point[];
  metrics.pointing = pointingGame(take(argmax, positives), centers, config.tolerance);
  return { metrics, scores, predicted, maps, argmax };
}

/**
 * The recorded metrics: the attention model's under their own names, the GAP model's as `gap.<name>`, and
 * the number of epochs.
 */
export function lesionsMetrics(
  attention: LesionsEvaluation,
  gap: LesionsEvaluation,
  epochs: number,
): Record<string, number> {
  const gapMetrics = Object.entries(gap.metrics).map(([name, value]) => [`gap.${name}`, value]);
  return { ...attention.metrics, ...Object.fromEntries(gapMetrics), epochs };
}

/** Both trained models (the caller disposes `attention.model` and `gap.model`), the data and evaluations. */
export interface LesionsArtifacts {
  attention: AttentionCnn;
  gap: AttentionCnn;
  data: LesionsData;
  final: LesionsEvaluation;
  gapFinal: LesionsEvaluation;
  /** Per-epoch history of the GAP model (the record keeps the attention model's). */
  gapHistory: EpochLog[];
}

export const lesionsExperiment = defineExperiment<LesionsConfig, LesionsArtifacts>({
  name: "lesions",
  title: "Lesions: attention pooling vs global average pooling for a faint blob in smooth noise",
  notebook: "notebooks/cases/07-lesions-attention-pooling.ipynb",
  defaults: LESIONS_DEFAULTS,
  quick: { trainSize: 300, testSize: 100, epochs: 1 },
  configRules: { blur: opt.number({ above: 0 }) },
  targets: LESIONS_TARGETS,
  run(config, context) {
    const data = lesionsData(config);
    return disposeOnError(async (own) => {
      const attention = own(lesionsModel(config), (cnn) => cnn.model.dispose());
      const training = await lesionsFit(attention, data, config, context.progress);
      const final = lesionsEvaluate(attention, data.test, config);
      const gap = own(lesionsModel(config, "average"), (cnn) => cnn.model.dispose());
      const gapTraining = await lesionsFit(gap, data, config, context.progress);
      const gapFinal = lesionsEvaluate(gap, data.test, config);
      return {
        dataset: data.dataset,
        history: training.history,
        metrics: lesionsMetrics(final, gapFinal, training.history.length),
        artifacts: { attention, gap, data, final, gapFinal, gapHistory: gapTraining.history },
      };
    });
  },
});

/**
 * Trains one of the two models with Adam, evaluating on the held-out scans after each epoch. The attention model
 * shuffles by `childSeed(seed, "shuffle")`, the GAP ablation by `childSeed(seed, "gap/shuffle")`.
 */
export function lesionsFit(
  cnn: AttentionCnn,
  data: LesionsData,
  config: LesionsConfig,
  progress: ProgressMode,
) {
  const attention = cnn.config.pooling === "softSpatial";
  return fitAdam({
    title: attention ? "lesions · attention pooling" : "lesions · global average pooling",
    adam: { learningRate: config.learningRate },
    variables: trainableVariables(cnn.model),
    size: config.trainSize,
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: childSeed(config.seed, attention ? "shuffle" : "gap/shuffle"),
    batch: (ix) => lesionsBatch(data.train, ix),
    loss: (b) => classCrossEntropy(cnn.model.apply(b.x, { training: true }) as tf.Tensor, b.y),
    evaluate: () => lesionsEvaluate(cnn, data.test, config).metrics,
    progress,
  });
}

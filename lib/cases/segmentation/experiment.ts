/**
 * Case study: scene understanding with one attention map per class query. Scenes hold 2–3 shapes; the model says
 * which classes are present (multi-label, a sigmoid per class) from each class's own attended feature, and its
 * class maps are read as a weak segmentation: each map is spread over the receptive field of the conv blocks
 * (`receptiveFieldMap`: a feature pixel's weight goes to every image pixel it sees; the map alone, no image, no
 * mask), and that spread map's top-k pixels, with k the number of pixels of that class's shapes (an oracle size:
 * the ground truth tells how many pixels to take, never which), are compared with the generated mask. Targets:
 * exact-set accuracy (the predicted set equals the true set) ≥ 0.90 and mean IoU ≥ 0.40. Training stops at the
 * first epoch where both hold on the validation split; the test split is measured once, after training.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, opt } from "../../check/options.js";
import { isFiniteNumber } from "../../exercises/answerGuards.js";
import { caseOutput, disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { accuracy, exactMatch } from "../../metrics/classification.js";
import { childSeed } from "../../random/childSeed.js";
import { type Target, targetsMet } from "../../records/record.js";
import { allIndices } from "../../train/batches.js";
import { fitAdam } from "../../train/fitAdam.js";
import { trainableVariables } from "../../train/variables.js";
import {
  type ScenesSet,
  SEGMENTATION_CLASSES,
  type SegmentationData,
  segmentationBatch,
  segmentationData,
} from "./data.js";
import { type SegmentationModel, segmentationModel } from "./model.js";
import { receptiveFieldMap } from "./receptiveField.js";

/** Settings of the segmentation experiment. */
export interface SegmentationConfig {
  seed: number;
  trainSize: number;
  /** Scenes of the validation split, drawn like the test split: the per-epoch evaluation that the stop reads. */
  validationSize: number;
  testSize: number;
  /** Upper bound on epochs; training stops after the first epoch at which every target holds on validation. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Channels of the 3×3 conv blocks, one block per entry. */
  filters: number[];
  /** Softmax temperature of the class maps. */
  temperature: number;
  /** A class is predicted present when its sigmoid probability is at least this. */
  threshold: number;
  [key: string]: unknown;
}

/**
 * The full-mode settings. The epoch cap was chosen on the validation split alone (30 epochs, seeds 0–2, the targets
 * first hold there at epochs 4, 12 and 14; the curves change little after that), with room to spare: 20. Measured on
 * the test split at these settings (wasm; training stops at the first epoch where both targets hold on validation):
 * seed 0 (the record's) after 4 epochs, exact-set accuracy 0.972 and mean IoU 0.524 (square 0.907, plus 0.226, ring
 * 0.435), both targets met; seed 1 after 12 epochs, 0.978 and 0.474, met; seed 2 after 14 epochs (validation
 * 0.912 and 0.401), 0.902 and 0.395: the IoU target is NOT met on its test split, so the IoU target holds for
 * some seeds and not others. The IoU ranks each class map spread over its receptive field (`receptiveFieldMap`);
 * ranked raw, the same maps gave a mean IoU of 0.216 (seed 0, 6 epochs): they put their weight on one or two pixels
 * of their class's objects.
 */
export const SEGMENTATION_DEFAULTS: SegmentationConfig = {
  seed: 0,
  trainSize: 2000,
  validationSize: 250,
  testSize: 500,
  epochs: 20,
  batchSize: 32,
  learningRate: 3e-3,
  filters: [8, 16],
  temperature: 1,
  threshold: 0.5,
};

/** The claims of the full-mode run; training also stops at the first epoch where all of them hold. */
export const SEGMENTATION_TARGETS: Target[] = [
  { metric: "accuracy", op: ">=", value: 0.9 },
  { metric: "meanIoU", op: ">=", value: 0.4 },
];

/**
 * The IoU of a map's `k` largest pixels with a 0/1 `mask` (ties broken by pixel order, row-major). With `k` the
 * mask's pixel count both sets have k pixels, so IoU = hits / (2k − hits).
 * @example segmentationTopKIoU([[0.5, 0.3], [0.1, 0.1]], [[1, 0], [1, 0]], 2); // 1/3: one hit of two
 */
export function segmentationTopKIoU(
  map: readonly (readonly number[])[],
  mask: readonly (readonly number[])[],
  k: number,
): number {
  const values = map.flat();
  const truth = mask.flat();
  if (values.length !== truth.length) {
    throw new RangeError(`segmentationTopKIoU: map has ${values.length} pixels but mask has ${truth.length}`);
  }
  if (!(Number.isInteger(k) && k >= 1 && k <= values.length)) {
    throw new RangeError(`segmentationTopKIoU: k must be an integer from 1 to ${values.length}, got ${k}`);
  }
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  const top = new Set(order.slice(0, k));
  let hits = 0;
  let positives = 0;
  truth.forEach((t, i) => {
    if (t === 1) positives++;
    if (t === 1 && top.has(i)) hits++;
  });
  return hits / (k + positives - hits);
}

/** The model's outputs on `set` (every image): P(class) `[N, K]` and the class maps `[N, K, 24, 24]`. */
export function segmentationPredict(
  net: SegmentationModel,
  set: ScenesSet,
  batchSize = 250,
): { probs: number[][]; maps: number[][][][] } {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`segmentationPredict: batchSize must be a positive integer, got ${batchSize}`);
  }
  const out = { probs: [] as number[][], maps: [] as number[][][][] };
  const ix = allIndices(set.images.length);
  for (let start = 0; start < ix.length; start += batchSize) {
    tf.tidy(() => {
      const { x, y } = segmentationBatch(set, ix.slice(start, start + batchSize));
      y.dispose();
      out.probs.push(...(tf.sigmoid(net.model.predict(x) as tf.Tensor).arraySync() as number[][]));
      out.maps.push(...((net.inspector.predict(x) as tf.Tensor).arraySync() as number[][][][]));
    });
  }
  return out;
}

/** What the evaluation gives: the metrics, and per held-out image its probabilities, prediction and maps. */
export interface SegmentationEvaluation {
  /**
   * `accuracy` (exact set), `labelAccuracy` (per label, over N·K decisions), `meanIoU` (over every present
   * class of every image) and `iou.<class>` (the same, per class).
   */
  metrics: Record<string, number>;
  /** `[N, K]` P(class in image). */
  probs: number[][];
  /** `[N, K]` 0/1: probability ≥ `config.threshold`. */
  predicted: number[][];
  /** `[N, K, 24, 24]` class maps α (each sums to 1 over the pixels). */
  maps: number[][][][];
  /**
   * `[N, K, 24, 24]` the class maps spread over the receptive field of the model's conv blocks
   * (`receptiveFieldMap`, radius = the number of 3×3 blocks): what the top-k IoU ranks.
   */
  regions: number[][][][];
  /** `[N, K]` top-k IoU of each spread class map (`regions`) with its mask; null where the class is absent. */
  iou: (number | null)[][];
}

/**
 * Exact-set and per-label accuracy and top-k mean IoU of `net` on `set` (every image): each class map is spread
 * over the receptive field of `net`'s conv blocks (`receptiveFieldMap`, the map alone) and its top-k pixels are
 * compared with the mask. `k`: each class's mask size (default), or `options.k` pixels for every class.
 */
export function segmentationEvaluate(
  net: SegmentationModel,
  set: ScenesSet,
  config: { threshold: number },
  options: { k?: number } = {},
): SegmentationEvaluation {
  checkOptions("segmentationEvaluate", options, {
    k: opt.integer({ min: 1, max: set.images[0]?.flat().length ?? 1 }),
  });
  if (!(isFiniteNumber(config?.threshold) && config.threshold > 0 && config.threshold < 1)) {
    throw new RangeError(
      `segmentationEvaluate: config.threshold must be a number between 0 and 1 (exclusive), got ${JSON.stringify(config?.threshold)}`,
    );
  }
  const { probs, maps } = segmentationPredict(net, set);
  const predicted = probs.map((row) => row.map((p) => (p >= config.threshold ? 1 : 0)));
  const radius = net.config.filters.length; // each 3×3 'same' block widens what a feature pixel sees by one pixel
  const regions = maps.map((scene) => scene.map((map) => receptiveFieldMap(map, radius)));
  const iou = set.masks.map((masks, n) =>
    masks.map((mask, c) => {
      if (set.labels[n]![c] !== 1) return null;
      const size = mask.flat().reduce((s, v) => s + v, 0);
      return segmentationTopKIoU(regions[n]![c]!, mask, options.k ?? size);
    }),
  );
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / Math.max(xs.length, 1);
  const present = (c?: number) =>
    iou.flatMap((row) => row.filter((v, j): v is number => v !== null && (c === undefined || j === c)));
  const metrics: Record<string, number> = {
    accuracy: exactMatch(predicted, set.labels),
    labelAccuracy: accuracy(predicted.flat(), set.labels.flat()),
    meanIoU: mean(present()),
  };
  SEGMENTATION_CLASSES.forEach((name, c) => {
    metrics[`iou.${name}`] = mean(present(c));
  });
  return { metrics, probs, predicted, maps, regions, iou };
}

/** The multi-label loss: the mean over the batch and the K classes of the sigmoid cross-entropy. */
export function segmentationLoss(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
}

/** The trained model (the caller disposes `net.model`), the data and the final evaluation. */
export interface SegmentationArtifacts {
  net: SegmentationModel;
  data: SegmentationData;
  final: SegmentationEvaluation;
}

export const segmentationExperiment = defineExperiment<SegmentationConfig, SegmentationArtifacts>({
  name: "segmentation",
  title:
    "Segmentation: one attention map per class query labels a scene and outlines its shapes, weakly supervised",
  notebook: "notebooks/cases/13-segmentation-class-queries.ipynb",
  defaults: SEGMENTATION_DEFAULTS,
  quick: { trainSize: 400, validationSize: 50, testSize: 100, epochs: 1 },
  configRules: {
    temperature: opt.number({ above: 0 }),
    threshold: opt.number({ above: 0, below: 1 }),
    learningRate: opt.number({ above: 0 }),
  },
  targets: SEGMENTATION_TARGETS,
  run(config, context) {
    const data = segmentationData(config);
    return disposeOnError(async (own) => {
      const net = own(segmentationModel(config), (m) => m.model.dispose());
      const training = await fitAdam({
        title: "segmentation",
        adam: { learningRate: config.learningRate },
        variables: trainableVariables(net.model),
        size: config.trainSize,
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: childSeed(config.seed, "shuffle"),
        batch: (ix) => segmentationBatch(data.train, ix),
        loss: (b) => segmentationLoss(net.model.apply(b.x, { training: true }) as tf.Tensor, b.y),
        evaluate: () => segmentationEvaluate(net, data.validation, config).metrics, // the stop reads validation only
        stopWhen: targetsMet(SEGMENTATION_TARGETS),
        progress: context.progress,
      });
      const final = segmentationEvaluate(net, data.test, config); // test: measured once, after training
      return caseOutput(data.dataset, training, final.metrics, { net, data, final });
    });
  },
});

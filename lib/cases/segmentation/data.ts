/**
 * The segmentation dataset (`datasets/segmentation/README.md`): scenes of the shapes case's world with several
 * objects. Each 24×24 grey image has Gaussian noise (σ 0.25), six bright one-pixel speckles and 2–3 of the
 * shapes case's 5×5 shapes (square, plus, ring; `SHAPES_MASKS`), each of a class drawn uniformly (so a class may
 * appear twice, or not at all), at positions whose 5×5 boxes keep at least one pixel apart. The labels are the
 * set of classes present (multi-hot) and the masks are the pixels of each class's shapes: the ground truth of
 * weak segmentation, never shown to the model. Pure TS, seeded by mulberry32.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, opt } from "../../check/options.js";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { imageBatch } from "../../models/cnn/classify.js";
import { drawSplits, type ValidatedSplitSizes } from "../../random/drawSplits.js";
import { mulberry32 } from "../../random/prng.js";
import { round4 } from "../../random/round.js";
import { take } from "../../train/batches.js";
import { SHAPES_CLASSES, SHAPES_MASKS } from "../shapes/data.js";

/** The classes, in label order: the shapes case's three shapes. */
export const SEGMENTATION_CLASSES = SHAPES_CLASSES;

/** Side of a shape's box in pixels (the shapes case's 5×5 masks). */
const BOX = 5;

/** Draws of a position per image before {@link generateScenes} gives up (a crowded image may not fit). */
const MAX_TRIES = 10_000;

/** Options of {@link generateScenes}. */
export interface ScenesOptions {
  seed: number;
  /** Number of images. */
  size: number;
  /** Side of the square image. Default 24. */
  side?: number;
  /** Fewest and most objects per image, both inclusive. Default [2, 3]. */
  objects?: [number, number];
  /** Standard deviation of the background noise. Default 0.25. */
  noise?: number;
  /** Number of bright one-pixel speckles. Default 6. */
  speckles?: number;
}

const SCENES_SPEC = {
  seed: opt.integer({ required: true }),
  size: opt.integer({ min: 1, required: true }),
  side: opt.integer({ min: BOX }),
  objects: opt.any(),
  noise: opt.number({ min: 0 }),
  speckles: opt.integer({ min: 0 }),
};

/** One placed object: its class and the top-left corner of its 5×5 box. */
export interface SceneObject {
  label: number;
  top: number;
  left: number;
}

/** A set of scenes with their label sets, objects and per-class masks. */
export interface ScenesSet {
  /** `[N, side, side]` intensities (shapes and speckles ≈ 1, background ≈ 0), rounded to 1e-4. */
  images: number[][][];
  /** `[N, K]` multi-hot: 1 where the class is in the image. */
  labels: number[][];
  /** The objects of each image, in drawing order. */
  objects: SceneObject[][];
  /** `[N, K, side, side]` 0/1: the pixels of each class's shapes (all zeros for an absent class). */
  masks: number[][][][];
}

/**
 * Generates `size` scenes from `seed`. Shapes lie fully inside the image, their boxes at least one pixel apart;
 * speckles may fall anywhere (also on a shape).
 * @example
 * const s = generateScenes({ seed: 1, size: 2 });
 * [s.images[0].length, s.labels[0].length, s.masks[0].length, s.objects[0].length >= 2]; // [24, 3, 3, true]
 */
export function generateScenes(opts: ScenesOptions): ScenesSet {
  checkOptions("generateScenes", opts, SCENES_SPEC);
  const side = opts.side ?? 24;
  const [fewest, most] = opts.objects ?? [2, 3];
  const noise = opts.noise ?? 0.25;
  const speckles = opts.speckles ?? 6;
  const slots = Math.floor((side + 1) / (BOX + 1)) ** 2; // objects that always fit (a grid of boxes)
  if (
    !(Array.isArray(opts.objects ?? [2, 3]) && Number.isInteger(fewest) && Number.isInteger(most)) ||
    fewest < 1 ||
    most < fewest ||
    most > slots
  ) {
    throw new RangeError(
      `generateScenes: objects must be [fewest, most], integers with 1 ≤ fewest ≤ most ≤ ${slots} (for side ${side}), got ${JSON.stringify(opts.objects)}`,
    );
  }
  const k = SHAPES_CLASSES.length;
  const rng = mulberry32(opts.seed);
  const set: ScenesSet = { images: [], labels: [], objects: [], masks: [] };
  for (let n = 0; n < opts.size; n++) {
    const count = rng.int(fewest, most);
    const image = Array.from({ length: side }, () =>
      Array.from({ length: side }, () => rng.normal(0, noise)),
    );
    for (let s = 0; s < speckles; s++) image[rng.int(0, side - 1)]![rng.int(0, side - 1)]! += 1;
    const masks = Array.from({ length: k }, () =>
      Array.from({ length: side }, () => new Array(side).fill(0)),
    );
    const objects: SceneObject[] = [];
    for (let tries = 0; objects.length < count; tries++) {
      if (tries === MAX_TRIES) {
        throw new RangeError(
          `generateScenes: could not place ${count} objects ${BOX}×${BOX} one pixel apart in a ${side}×${side} image in ${MAX_TRIES} draws (image ${n}); ask for fewer objects or a larger side`,
        );
      }
      const label = rng.int(0, k - 1);
      const top = rng.int(0, side - BOX);
      const left = rng.int(0, side - BOX);
      // boxes keep a one-pixel gap: a new box must not touch an earlier one (else draw its place again)
      const clash = objects.some((o) => Math.abs(o.top - top) <= BOX && Math.abs(o.left - left) <= BOX);
      if (clash) continue;
      objects.push({ label, top, left });
      SHAPES_MASKS[label]!.forEach((row, i) =>
        row.forEach((on, j) => {
          if (!on) return;
          image[top + i]![left + j]! += 1;
          masks[label]![top + i]![left + j] = 1;
        }),
      );
    }
    set.images.push(image.map((r) => r.map(round4)));
    set.labels.push(Array.from({ length: k }, (_, c) => (objects.some((o) => o.label === c) ? 1 : 0)));
    set.objects.push(objects);
    set.masks.push(masks);
  }
  return set;
}

/**
 * The case's data: train, validation and test sets drawn from the case seed, and the descriptor its record stores.
 * Training's stop rule reads the validation split; the test split is measured once, after training.
 */
export interface SegmentationData {
  train: ScenesSet;
  /** Scenes drawn like the test split (same generator, own seed): what the per-epoch evaluation sees. */
  validation: ScenesSet;
  test: ScenesSet;
  dataset: DatasetInfo;
}

/**
 * The train, validation and test sets of a segmentation config (`trainSize`, `validationSize`, `testSize`, each
 * seeded by `childSeed(seed, "data/<split>")`, so the train and test draws do not depend on `validationSize`).
 * @example segmentationData({ seed: 0, trainSize: 4, validationSize: 2, testSize: 3 }).dataset.sizes; // { train: 4, validation: 2, test: 3 }
 */
export function segmentationData(config: ValidatedSplitSizes): SegmentationData {
  const { train, validation, test } = drawSplits(config, (seed, size) => generateScenes({ seed, size }));
  return {
    train,
    validation,
    test,
    dataset: datasetInfo("segmentation", { train, validation, test }, (set) => set.labels.length),
  };
}

/** One batch of `set` at `indices`: images `x [B, 24, 24, 1]` and multi-hot labels `y [B, K]` (float32). */
export function segmentationBatch(set: ScenesSet, indices: number[]): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return {
    x: imageBatch(set.images, indices),
    y: tf.tensor2d(take(set.labels, indices), undefined, "float32"),
  };
}

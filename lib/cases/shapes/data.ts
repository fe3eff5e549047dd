/**
 * The shapes dataset (`datasets/shapes/README.md`): 24×24 grey images of Gaussian noise (σ 0.25),
 * six bright one-pixel speckles, and one 5×5 shape — a filled square, a plus or a ring — at a random position.
 * The class is the shape; its centre is the ground truth for localization. Pure TS, seeded by mulberry32.
 * `generateShapes` draws a set; `shapesData(config)` draws the case's train and test sets from its config, and
 * `shapesBatch` turns examples into the tensors `fit` trains on.
 */
import * as tf from "@tensorflow/tfjs";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { imageBatch } from "../../models/cnn/classify.js";
import { drawSplits, type SplitSizes, type ValidatedSplitSizes } from "../../random/drawSplits.js";
import { mulberry32, type Rng } from "../../random/prng.js";
import { round4 } from "../../random/round.js";
import { take } from "../../train/batches.js";

/** The three shape classes, in label order. */
export const SHAPES_CLASSES = ["square", "plus", "ring"] as const;

/** The 5×5 masks of the classes (1 = shape pixel), in label order. */
export const SHAPES_MASKS: readonly (readonly (readonly number[])[])[] = [
  [
    [1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1],
  ],
  [
    [0, 0, 1, 0, 0],
    [0, 0, 1, 0, 0],
    [1, 1, 1, 1, 1],
    [0, 0, 1, 0, 0],
    [0, 0, 1, 0, 0],
  ],
  [
    [1, 1, 1, 1, 1],
    [1, 0, 0, 0, 1],
    [1, 0, 0, 0, 1],
    [1, 0, 0, 0, 1],
    [1, 1, 1, 1, 1],
  ],
];

/** Options of {@link generateShapes}. */
export interface ShapesOptions {
  seed: number;
  /** Number of images. */
  size: number;
  /** Side of the square image. Default 24. */
  side?: number;
  /** Standard deviation of the background noise. Default 0.25. */
  noise?: number;
  /** Number of bright one-pixel speckles. Default 6. */
  speckles?: number;
}

/** A set of images with labels and shape centres. */
export interface ShapesSet {
  /** `[N, side, side]` intensities (shape and speckles ≈ 1, background ≈ 0), rounded to 1e-4. */
  images: number[][][];
  /** Class index into {@link SHAPES_CLASSES}. */
  labels: number[];
  /** Centre `[row, col]` of the shape in pixels. */
  centers: [number, number][];
}

/**
 * Generates `size` images from `seed`. Shapes lie fully inside the image; speckles may fall anywhere.
 * @example
 * const s = generateShapes({ seed: 1, size: 2 });
 * [s.images.length, s.images[0].length, s.images[0][0].length, s.labels.length]; // [2, 24, 24, 2]
 */
export function generateShapes(opts: ShapesOptions): ShapesSet {
  const side = opts.side ?? 24;
  const noise = opts.noise ?? 0.25;
  const speckles = opts.speckles ?? 6;
  if (!Number.isInteger(opts.size) || opts.size < 1)
    throw new RangeError(`generateShapes: size must be a positive integer, got ${opts.size}`);
  if (!Number.isInteger(side) || side < 5)
    throw new RangeError(`generateShapes: side must be an integer ≥ 5, got ${side}`);
  const rng = mulberry32(opts.seed);
  const set: ShapesSet = { images: [], labels: [], centers: [] };
  for (let n = 0; n < opts.size; n++) {
    const label = rng.int(0, SHAPES_CLASSES.length - 1);
    const top = rng.int(0, side - 5);
    const left = rng.int(0, side - 5);
    const image = noiseImage(rng, side, noise);
    for (let k = 0; k < speckles; k++) image[rng.int(0, side - 1)]![rng.int(0, side - 1)]! += 1;
    SHAPES_MASKS[label]!.forEach((row, i) =>
      row.forEach((on, j) => {
        if (on) image[top + i]![left + j]! += 1;
      }),
    );
    set.images.push(image.map((r) => r.map(round4)));
    set.labels.push(label);
    set.centers.push([top + 2, left + 2]);
  }
  return set;
}

function noiseImage(rng: Rng, side: number, sd: number): number[][] {
  return Array.from({ length: side }, () => Array.from({ length: side }, () => rng.normal(0, sd)));
}

/**
 * The case's data: train and test sets drawn from the case seed (and the validation set training's stop rule
 * reads, when the config sizes one), and the descriptor its record stores.
 */
export interface ShapesData {
  train: ShapesSet;
  validation?: ShapesSet;
  test: ShapesSet;
  dataset: DatasetInfo;
}

/**
 * The train, validation (with `validationSize`) and test sets of a shapes config, seeded by
 * `childSeed(seed, "data/…")`.
 */
export function shapesData(config: ValidatedSplitSizes): Required<ShapesData>;
export function shapesData(config: SplitSizes): ShapesData;
export function shapesData(config: SplitSizes & { validationSize?: number }): ShapesData {
  const splits: { train: ShapesSet; validation?: ShapesSet; test: ShapesSet } = drawSplits(
    config,
    (seed, size) => generateShapes({ seed, size }),
  );
  return { ...splits, dataset: datasetInfo("shapes", splits, (set) => set.labels.length) };
}

/** One batch of `set` at `indices`: images `x [B, 24, 24, 1]` and labels `y [B]` (int32). */
export function shapesBatch(set: ShapesSet, indices: number[]): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return { x: imageBatch(set.images, indices), y: tf.tensor1d(take(set.labels, indices), "int32") };
}

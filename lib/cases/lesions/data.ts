/**
 * The lesions dataset (`datasets/lesions/README.md`): 32×32 "scans" of smooth correlated noise — white Gaussian
 * noise (σ = 1) blurred by a normalized Gaussian kernel — where half the images carry a faint disc ("lesion") of
 * radius 2–4 px and contrast 0.3–0.6 σ (σ of the white noise before the blur). Pure TS, seeded by mulberry32.
 * `generateLesions` draws a set; `lesionsData(config)` draws the case's train and test sets from its config, and
 * `lesionsBatch` turns scans into the tensors `fit` trains on.
 */
import * as tf from "@tensorflow/tfjs";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { imageBatch } from "../../models/cnn/classify.js";
import { drawSplits, type SplitSizes } from "../../random/drawSplits.js";
import { mulberry32, type Rng } from "../../random/prng.js";
import { round4 } from "../../random/round.js";
import { take } from "../../train/batches.js";

/** The lesion contrast range (in σ) of the case's scans, training and test alike: `generateLesions`'s default. */
export const LESIONS_CONTRAST: readonly [number, number] = [0.3, 0.6];

/** Options of {@link generateLesions}. */
export interface LesionsOptions {
  seed: number;
  /** Number of scans; half (rounded down) are positive, in random order. */
  size: number;
  /** Side of the square scan. Default 32. */
  side?: number;
  /** Standard deviation (px) of the Gaussian blur that makes the noise smooth. Default 2. */
  blur?: number;
  /** Lesion radius range in px. Default [2, 4]. */
  radius?: [number, number];
  /** Lesion contrast range in units of the noise σ. Default [0.3, 0.6]. */
  contrast?: [number, number];
}

/** A set of scans with labels and, for positives, the lesion's centre, radius and contrast. */
export interface LesionsSet {
  /** `[N, side, side]`, smooth zero-mean background plus the lesion, rounded to 1e-4. */
  images: number[][][];
  /** 1 = a lesion is present. */
  labels: number[];
  /** Lesion centre `[row, col]` (`null` for negatives). */
  centers: ([number, number] | null)[];
  /** Lesion radius in px (0 for negatives). */
  radii: number[];
  /** Lesion contrast in σ (0 for negatives). */
  contrasts: number[];
}

/**
 * Generates `size` scans from `seed`.
 * @example
 * const s = generateLesions({ seed: 1, size: 4 });
 * [s.images.length, s.images[0].length, s.labels.reduce((a, b) => a + b, 0)]; // [4, 32, 2]
 */
export function generateLesions(opts: LesionsOptions): LesionsSet {
  const side = opts.side ?? 32;
  const blur = opts.blur ?? 2;
  const [rLo, rHi] = opts.radius ?? [2, 4];
  const [cLo, cHi] = opts.contrast ?? LESIONS_CONTRAST;
  if (!Number.isInteger(opts.size) || opts.size < 1)
    throw new RangeError(`generateLesions: size must be a positive integer, got ${opts.size}`);
  if (!(side > 2 * rHi + 2))
    throw new RangeError(`generateLesions: side ${side} is too small for radius ${rHi}`);
  const rng = mulberry32(opts.seed);
  const positives = rng.shuffle(
    Array.from({ length: opts.size }, (_, i) => (i < Math.floor(opts.size / 2) ? 1 : 0)),
  );
  const set: LesionsSet = { images: [], labels: [], centers: [], radii: [], contrasts: [] };
  for (const label of positives) {
    const image = smoothNoise(rng, side, blur);
    if (label === 1) {
      const radius = rng.uniform(rLo, rHi);
      const contrast = rng.uniform(cLo, cHi);
      const margin = Math.ceil(rHi);
      const center: [number, number] = [
        rng.int(margin, side - 1 - margin),
        rng.int(margin, side - 1 - margin),
      ];
      addDisc(image, center, radius, contrast);
      set.centers.push(center);
      set.radii.push(round4(radius));
      set.contrasts.push(round4(contrast));
    } else {
      set.centers.push(null);
      set.radii.push(0);
      set.contrasts.push(0);
    }
    set.images.push(image.map((r) => r.map(round4)));
    set.labels.push(label);
  }
  return set;
}

/**
 * White noise blurred by a separable Gaussian (σ = `blur` px, kernel cut at 3σ), generated on a padded canvas
 * and cropped so the edges are as smooth as the middle. The kernel sums to 1, so σ (the unit of the lesion
 * contrast) is the white noise's standard deviation and each blurred pixel has standard deviation √Σk² · σ
 * (≈ 0.14 σ at blur 2).
 */
export function smoothNoise(rng: Rng, side: number, blur: number): number[][] {
  const half = Math.max(1, Math.ceil(3 * blur));
  const raw = Array.from({ length: 2 * half + 1 }, (_, i) =>
    Math.exp(-((i - half) ** 2) / (2 * blur * blur)),
  );
  const total = raw.reduce((s, k) => s + k, 0);
  const kernel = raw.map((k) => k / total); // sums to 1: a local average of the white noise
  const n = side + 2 * half;
  const white = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
  // rows: [n][side]
  const rows = white.map((row) =>
    Array.from({ length: side }, (_, j) => kernel.reduce((s, k, t) => s + k * row[j + t]!, 0)),
  );
  return Array.from({ length: side }, (_, i) =>
    Array.from({ length: side }, (_, j) => kernel.reduce((s, k, t) => s + k * rows[i + t]![j]!, 0)),
  );
}

/** Adds a disc of height `contrast` with a one-pixel linear edge (anti-aliased). */
function addDisc(image: number[][], center: [number, number], radius: number, contrast: number): void {
  image.forEach((row, i) =>
    row.forEach((_, j) => {
      const d = Math.hypot(i - center[0], j - center[1]);
      const cover = Math.min(1, Math.max(0, radius + 0.5 - d));
      if (cover > 0) row[j]! += contrast * cover;
    }),
  );
}

/** The case's data: train and test sets drawn from the case seed, and the descriptor its record stores. */
export interface LesionsData {
  train: LesionsSet;
  test: LesionsSet;
  dataset: DatasetInfo;
}

/**
 * The train and test sets of a lesions config (`trainSize`, `testSize`, background `blur`), seeded by
 * `childSeed(seed, "data/train")` and `childSeed(seed, "data/test")`.
 */
export function lesionsData(config: SplitSizes & { blur: number }): LesionsData {
  const { blur } = config;
  const { train, test } = drawSplits(config, (seed, size) => generateLesions({ seed, size, blur }));
  return { train, test, dataset: datasetInfo("lesions", { train, test }, (set) => set.labels.length) };
}

/** One batch of `set` at `indices`: scans `x [B, 32, 32, 1]` and labels `y [B]` (int32, 1 = lesion). */
export function lesionsBatch(set: LesionsSet, indices: number[]): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return { x: imageBatch(set.images, indices), y: tf.tensor1d(take(set.labels, indices), "int32") };
}

/**
 * The channel-attention dataset (`datasets/channel-attention/README.md`): 12×12 images with 8 channels of
 * Gaussian noise (σ 0.35). One 5×5 shape of the shapes case (square, plus, ring) sits at a random position in
 * only 2 of the 8 channels, chosen at random per image; the other 6 channels are pure noise. The label is the
 * shape. A model that could tell, per image, which channels carry signal and down-weight the rest would see
 * less noise: the situation channel attention is meant for. Pure TS, seeded by mulberry32. `generateChannelCue`
 * draws a set; `channelAttentionData(config)` draws the case's train and test sets from its config, and
 * `channelAttentionBatch` turns images into the tensors `fit` trains on.
 */
import * as tf from "@tensorflow/tfjs";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { imageBatch } from "../../models/cnn/classify.js";
import { drawSplits, type SplitSizes } from "../../random/drawSplits.js";
import { mulberry32 } from "../../random/prng.js";
import { round4 } from "../../random/round.js";
import { take } from "../../train/batches.js";
import { SHAPES_CLASSES, SHAPES_MASKS } from "../shapes/data.js";

/** Options of {@link generateChannelCue}. */
export interface ChannelCueOptions {
  seed: number;
  /** Number of images. */
  size: number;
  /** Side of the square image. Default 12. */
  side?: number;
  /** Number of channels. Default 8. */
  channels?: number;
  /** How many channels (chosen at random per image) carry the shape. Default 2. */
  informative?: number;
  /** Noise standard deviation in every channel. Default 0.35. */
  noise?: number;
}

/** A set of multi-channel images with labels and the channels that carry the shape. */
export interface ChannelCueSet {
  /** `[N, side, side, channels]`, rounded to 1e-4. */
  images: number[][][][];
  /** Class index into `SHAPES_CLASSES`. */
  labels: number[];
  /** The channels that carry the shape, ascending. */
  informative: number[][];
  /** Centre `[row, col]` of the shape. */
  centers: [number, number][];
}

/**
 * Generates `size` images from `seed`.
 * @example
 * const s = generateChannelCue({ seed: 1, size: 2 });
 * [s.images[0].length, s.images[0][0].length, s.images[0][0][0].length, s.informative[0].length]; // [12, 12, 8, 2]
 */
export function generateChannelCue(opts: ChannelCueOptions): ChannelCueSet {
  const side = opts.side ?? 12;
  const channels = opts.channels ?? 8;
  const informative = opts.informative ?? 2;
  const noise = opts.noise ?? 0.35;
  if (!Number.isInteger(opts.size) || opts.size < 1)
    throw new RangeError(`generateChannelCue: size must be a positive integer, got ${opts.size}`);
  if (!Number.isInteger(informative) || informative < 1 || informative > channels)
    throw new RangeError(
      `generateChannelCue: informative must be an integer in [1, channels], got ${informative}`,
    );
  const rng = mulberry32(opts.seed);
  const set: ChannelCueSet = { images: [], labels: [], informative: [], centers: [] };
  const all = Array.from({ length: channels }, (_, c) => c);
  for (let n = 0; n < opts.size; n++) {
    const image = Array.from({ length: side }, () =>
      Array.from({ length: side }, () => Array.from({ length: channels }, () => rng.normal(0, noise))),
    );
    const label = rng.int(0, SHAPES_CLASSES.length - 1);
    const top = rng.int(0, side - 5);
    const left = rng.int(0, side - 5);
    const carriers = rng
      .shuffle(all)
      .slice(0, informative)
      .sort((a, b) => a - b);
    SHAPES_MASKS[label]!.forEach((row, i) =>
      row.forEach((on, j) => {
        if (on) for (const c of carriers) image[top + i]![left + j]![c]! += 1;
      }),
    );
    set.images.push(image.map((r) => r.map((px) => px.map(round4))));
    set.labels.push(label);
    set.informative.push(carriers);
    set.centers.push([top + 2, left + 2]);
  }
  return set;
}

/** The case's data: train and test sets drawn from the case seed, and the descriptor its record stores. */
export interface ChannelAttentionData {
  train: ChannelCueSet;
  test: ChannelCueSet;
  dataset: DatasetInfo;
}

/**
 * The train and test sets of a channel-attention config (`trainSize`, `testSize`), seeded by
 * `childSeed(seed, "data/train")` and `childSeed(seed, "data/test")`.
 */
export function channelAttentionData(config: SplitSizes): ChannelAttentionData {
  const { train, test } = drawSplits(config, (seed, size) => generateChannelCue({ seed, size }));
  const dataset = datasetInfo("channel-attention", { train, test }, (set) => set.labels.length);
  return { train, test, dataset };
}

/** One batch of `set` at `indices`: images `x [B, 12, 12, 8]` and labels `y [B]` (int32). */
export function channelAttentionBatch(
  set: ChannelCueSet,
  indices: number[],
): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return { x: imageBatch(set.images, indices), y: tf.tensor1d(take(set.labels, indices), "int32") };
}

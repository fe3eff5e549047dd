/**
 * The video dataset (`datasets/video/README.md`): seeded clips of 8 grey 16×16 frames. A bright Gaussian dot
 * (amplitude 1, σ 0.8 px) moves in a straight line at constant speed and bounces off the walls; in exactly one
 * frame, the event frame, the dot changes its look — it splits into two dots 1.5 px left and right of its centre,
 * grows (σ 1.6 px) or turns into a ring (radius 2 px) — and in every other frame it looks the same. Gaussian noise
 * (σ 0.15 by default) covers every frame.
 * The label is the event type; the event frame is the ground truth for the temporal attention, the dot's
 * position in every frame the ground truth for tracking. Pure TS, seeded by mulberry32.
 * `generateVideo` draws a set; `videoData(config)` draws the case's train and test sets from its config, and
 * `videoBatch` turns clips into the tensors `fit` trains on.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, opt } from "../../check/options.js";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { drawSplits, type ValidatedSplitSizes } from "../../random/drawSplits.js";
import { mulberry32, type Rng } from "../../random/prng.js";
import { round4 } from "../../random/round.js";
import { take } from "../../train/batches.js";

/** The event types, in label order. */
export const VIDEO_EVENTS = ["split", "grow", "ring"] as const;

/** Frames per clip, and the side of a square frame. */
export const VIDEO_FRAMES = 8;
export const VIDEO_SIDE = 16;

/** The dot's look: a Gaussian of this amplitude and σ; the event looks, in label order. */
const DOT = { amplitude: 1, sigma: 0.8 };
/** Split: two dots of the normal look, this far (px) left and right of the centre. */
const SPLIT = { offset: 1.5 };
const GROW = { amplitude: 1, sigma: 1.6 };
const RING = { amplitude: 1, radius: 2, width: 0.6 };
/** The dot's centre stays in [MARGIN, side − 1 − MARGIN] (it bounces there); its speed in px per frame. */
const MARGIN = 1.5;
const SPEED = { min: 0.5, max: 1.5 };

/** Options of {@link generateVideo}. */
export interface VideoOptions {
  seed: number;
  /** Number of clips. */
  size: number;
  /** Standard deviation of the per-pixel noise. Default 0.15. */
  noise?: number;
}

/** A set of clips with their event labels, event frames and dot positions. */
export interface VideoSet {
  /** `[N, 8, 16, 16]` intensities (dot ≈ 1, background ≈ 0), rounded to 1e-4. */
  clips: number[][][][];
  /** Event type, an index into {@link VIDEO_EVENTS}. */
  labels: number[];
  /** The frame (0 … 7) in which the event happens. */
  eventFrames: number[];
  /** `[N, 8, 2]`: the dot's centre `[row, col]` in pixels in every frame (rounded to 1e-4). */
  positions: [number, number][][];
}

const GENERATE_SPEC = {
  seed: opt.integer({ required: true }),
  size: opt.integer({ min: 1, max: 100_000, required: true }),
  noise: opt.number({ min: 0, max: 10 }),
};

/**
 * Generates `size` clips from `seed`.
 * @example
 * const s = generateVideo({ seed: 1, size: 2 });
 * [s.clips.length, s.clips[0].length, s.clips[0][0].length, s.positions[0].length]; // [2, 8, 16, 8]
 */
export function generateVideo(opts: VideoOptions): VideoSet {
  checkOptions("generateVideo", opts, GENERATE_SPEC);
  const noise = opts.noise ?? 0.15;
  const rng = mulberry32(opts.seed);
  const set: VideoSet = { clips: [], labels: [], eventFrames: [], positions: [] };
  for (let n = 0; n < opts.size; n++) {
    const label = rng.int(0, VIDEO_EVENTS.length - 1);
    const eventFrame = rng.int(0, VIDEO_FRAMES - 1);
    const path = dotPath(rng);
    const clip = path.map(([r, c], t) => {
      const frame = noiseFrame(rng, noise);
      drawDot(frame, r, c, t === eventFrame ? label : -1);
      return frame.map((row) => row.map(round4));
    });
    set.clips.push(clip);
    set.labels.push(label);
    set.eventFrames.push(eventFrame);
    set.positions.push(path.map(([r, c]) => [round4(r), round4(c)]));
  }
  return set;
}

/** A straight path at constant speed that bounces off the walls at MARGIN, one `[row, col]` per frame. */
function dotPath(rng: Rng): [number, number][] {
  const hi = VIDEO_SIDE - 1 - MARGIN;
  let r = rng.uniform(MARGIN, hi);
  let c = rng.uniform(MARGIN, hi);
  const speed = rng.uniform(SPEED.min, SPEED.max);
  const angle = rng.uniform(0, 2 * Math.PI);
  let vr = speed * Math.sin(angle);
  let vc = speed * Math.cos(angle);
  const path: [number, number][] = [];
  for (let t = 0; t < VIDEO_FRAMES; t++) {
    path.push([r, c]);
    [r, vr] = bounce(r + vr, vr, hi);
    [c, vc] = bounce(c + vc, vc, hi);
  }
  return path;
}

/** A coordinate past a wall is mirrored back inside and its velocity reversed. */
function bounce(x: number, v: number, hi: number): [number, number] {
  if (x < MARGIN) return [2 * MARGIN - x, -v];
  if (x > hi) return [2 * hi - x, -v];
  return [x, v];
}

function noiseFrame(rng: Rng, sd: number): number[][] {
  return Array.from({ length: VIDEO_SIDE }, () =>
    Array.from({ length: VIDEO_SIDE }, () => (sd === 0 ? 0 : rng.normal(0, sd))),
  );
}

/** Adds the dot centred at (r, c) to `frame`: its normal look (`event` −1) or the look of event `event`. */
function drawDot(frame: number[][], r: number, c: number, event: number): void {
  const gauss = (d2: number, look: { amplitude: number; sigma: number }) =>
    look.amplitude * Math.exp(-d2 / (2 * look.sigma ** 2));
  for (let i = 0; i < VIDEO_SIDE; i++) {
    for (let j = 0; j < VIDEO_SIDE; j++) {
      const d2 = (i - r) ** 2 + (j - c) ** 2;
      let value: number;
      if (event === 0) {
        const di = (i - r) ** 2;
        value = gauss(di + (j - c - SPLIT.offset) ** 2, DOT) + gauss(di + (j - c + SPLIT.offset) ** 2, DOT);
      } else if (event === 1) value = gauss(d2, GROW);
      else if (event === 2)
        value = RING.amplitude * Math.exp(-((Math.sqrt(d2) - RING.radius) ** 2) / (2 * RING.width ** 2));
      else value = gauss(d2, DOT);
      frame[i]![j]! += value;
    }
  }
}

/**
 * The case's data: train, validation (what training's stop rule reads) and test sets drawn from the case seed, and
 * the descriptor its record stores.
 */
export interface VideoData {
  train: VideoSet;
  validation: VideoSet;
  test: VideoSet;
  dataset: DatasetInfo;
}

/** The settings the data reads from a video config. */
export interface VideoDataConfig extends ValidatedSplitSizes {
  /** Standard deviation of the per-pixel noise. */
  noise: number;
}

/**
 * The train, validation and test sets of a video config (`trainSize`, `validationSize`, `testSize`, `noise`,
 * seeded by `childSeed(seed, "data/…")`).
 */
export function videoData(config: VideoDataConfig): VideoData {
  const splits = drawSplits(config, (seed, size) => generateVideo({ seed, size, noise: config.noise }));
  return { ...splits, dataset: datasetInfo("video", splits, (set) => set.labels.length) };
}

/**
 * One batch of `set` at `indices`: clips `x [B, 8, 16, 16]`, event labels `y [B]` (int32) and dot positions
 * `positions [B, 8, 2]` (row, col), event frames `eventFrames [B]` (int32).
 */
export function videoBatch(
  set: VideoSet,
  indices: number[],
): { x: tf.Tensor4D; y: tf.Tensor1D; positions: tf.Tensor3D; eventFrames: tf.Tensor1D } {
  if (indices.length === 0) throw new RangeError("videoBatch: indices is empty; give at least one clip");
  const bad = indices.find((i) => !Number.isInteger(i) || i < 0 || i >= set.labels.length);
  if (bad !== undefined) {
    throw new RangeError(
      `videoBatch: index ${bad} is not a clip of this set (whole numbers 0 … ${set.labels.length - 1})`,
    );
  }
  return {
    x: tf.tensor4d(take(set.clips, indices)),
    y: tf.tensor1d(take(set.labels, indices), "int32"),
    positions: tf.tensor3d(take(set.positions, indices)),
    eventFrames: tf.tensor1d(take(set.eventFrames, indices), "int32"),
  };
}

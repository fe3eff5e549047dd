/**
 * A series with a planted lag (`datasets/time-series/README.md`): a driver s_t and a response
 * r_t = 0.6·s_{t−lag} + 0.4·ε_t, with s and ε standard normal (mulberry32). Windows of the last `window` steps of
 * (r, s) predict r_{t+1}, so the informative input is s_{t+1−lag}: window index `window − lag` (the last index,
 * window − 1, is time t). The best possible R² is 0.6² / (0.6² + 0.4²) ≈ 0.69. `laggedSeries` draws a set;
 * `timeSeriesData(config)` draws the case's train and test sets, and `timeSeriesBatch` turns windows into the
 * tensors `fit` trains on.
 */
import * as tf from "@tensorflow/tfjs";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { drawSplits, type SplitSizes } from "../../random/drawSplits.js";
import { mulberry32 } from "../../random/prng.js";
import { take } from "../../train/batches.js";

/** Settings of the series and its windows. */
export interface LaggedSeriesOptions {
  seed: number;
  /** Number of windows (examples). */
  size: number;
  /** Steps per window. Default 20. */
  window?: number;
  /** The planted lag between s and r. Default 5. */
  lag?: number;
}

/** Windows `x [n][window][2]` of (r, s), targets `y [n]` = r one step after each window. */
export interface LaggedSeries {
  x: number[][][];
  y: number[];
  /** Window index that holds the informative driver value s_{t+1−lag}. */
  lagIndex: number;
}

/**
 * Generates `size` consecutive windows (stride 1) from one seeded series.
 * @example laggedSeries({ seed: 0, size: 3 }).lagIndex; // 15
 */
export function laggedSeries(opts: LaggedSeriesOptions): LaggedSeries {
  const window = opts.window ?? 20;
  const lag = opts.lag ?? 5;
  if (!Number.isInteger(opts.size) || opts.size < 1)
    throw new RangeError(`laggedSeries: size must be a positive integer, got ${opts.size}`);
  if (!Number.isInteger(window) || window < 1)
    throw new RangeError(`laggedSeries: window must be a positive integer, got ${window}`);
  if (!(Number.isInteger(lag) && lag >= 1 && lag <= window))
    throw new RangeError(`laggedSeries: lag ${lag} must be an integer in 1…window (${window})`);
  const rng = mulberry32(opts.seed);
  const length = opts.size + window + lag;
  const s = Array.from({ length }, () => rng.normal());
  const r = s.map((_, t) => (t >= lag ? 0.6 * s[t - lag]! : 0) + 0.4 * rng.normal());
  const x: number[][][] = [];
  const y: number[] = [];
  // the first window ends at t = lag + window − 1, so every r in it has its driver term
  for (let end = lag + window - 1; end + 1 < length && x.length < opts.size; end++) {
    x.push(Array.from({ length: window }, (_, i) => [r[end - window + 1 + i]!, s[end - window + 1 + i]!]));
    y.push(r[end + 1]!);
  }
  return { x, y, lagIndex: window - lag };
}

/** The case's data: train and test windows from independent series, and the descriptor its record stores. */
export interface TimeSeriesData {
  train: LaggedSeries;
  test: LaggedSeries;
  dataset: DatasetInfo;
}

/**
 * The train and test windows of a time-series config, each from its own series seeded by
 * `childSeed(seed, "data/train" | "data/test")`.
 */
export function timeSeriesData(config: SplitSizes & { window: number; lag: number }): TimeSeriesData {
  const { window, lag } = config;
  const { train, test } = drawSplits(config, (seed, size) => laggedSeries({ seed, size, window, lag }));
  return { train, test, dataset: datasetInfo("time-series", { train, test }, (set) => set.y.length) };
}

/** One batch of `set` at `indices`: windows `x [B, window, 2]` and targets `y [B]`. */
export function timeSeriesBatch(set: LaggedSeries, indices: number[]): { x: tf.Tensor3D; y: tf.Tensor1D } {
  return { x: tf.tensor3d(take(set.x, indices)), y: tf.tensor1d(take(set.y, indices)) };
}

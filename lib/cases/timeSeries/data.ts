/**
 * A series with a planted lag (catalog C9): a driver s_t and a response r_t = 0.6·s_{t−lag} + 0.4·ε_t, with s
 * and ε standard normal (mulberry32). Windows of the last `window` steps of (r, s) predict r_{t+1}, so the
 * informative input is s_{t+1−lag}: window index `window − lag` (the last index, window − 1, is time t).
 * The best possible R² is 0.6² / (0.6² + 0.4²) ≈ 0.69.
 */
import { mulberry32 } from "../../random/prng.js";

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
 * Generates `size` consecutive windows from one seeded series.
 * @example laggedSeries({ seed: 0, size: 3 }).lagIndex; // 15
 */
export function laggedSeries(opts: LaggedSeriesOptions): LaggedSeries {
  const window = opts.window ?? 20;
  const lag = opts.lag ?? 5;
  if (!(lag >= 1 && lag <= window))
    throw new RangeError(`laggedSeries: lag ${lag} must be in 1…window (${window})`);
  const rng = mulberry32(opts.seed);
  const length = opts.size + window + lag;
  const s = Array.from({ length }, () => rng.normal());
  const r = s.map((_, t) => (t >= lag ? 0.6 * s[t - lag]! : 0) + 0.4 * rng.normal());
  const x: number[][][] = [];
  const y: number[] = [];
  for (let end = lag + window - 1; end + 1 < length && x.length < opts.size; end++) {
    x.push(Array.from({ length: window }, (_, i) => [r[end - window + 1 + i]!, s[end - window + 1 + i]!]));
    y.push(r[end + 1]!);
  }
  return { x, y, lagIndex: window - lag };
}

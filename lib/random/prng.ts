/**
 * Seeded pseudo-random numbers (mulberry32): the only source of randomness in attnlab.
 * Follows: Tommy Ettinger's mulberry32 (public domain), a 32-bit state generator with full period 2^32.
 */

/** A seeded generator: `next()` returns a float in [0, 1); helpers derive the other distributions. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number;
  /** Uniform integer in [low, high] (both inclusive). */
  int(low: number, high: number): number;
  /** Standard normal (Box–Muller), times `std`, plus `mean`. */
  normal(mean?: number, std?: number): number;
  /** A random element of `items`. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy of `items` (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** A `rows × cols` matrix of uniform floats in [low, high). */
  matrix(rows: number, cols: number, low?: number, high?: number): number[][];
}

/**
 * Creates a seeded generator. The same seed gives the same sequence on every platform.
 * @example
 *   const rng = mulberry32(42);
 *   rng.next(); // 0.6011037519201636
 */
export function mulberry32(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const uniform = (low: number, high: number): number => low + (high - low) * next();
  const rng: Rng = {
    next,
    uniform,
    int: (low, high) => low + Math.floor(next() * (high - low + 1)),
    normal: (mean = 0, std = 1) => {
      const u = 1 - next(); // in (0, 1], so log(u) is finite
      return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    pick: (items) => {
      if (items.length === 0) throw new RangeError("pick: items is empty");
      return items[Math.floor(next() * items.length)]!;
    },
    shuffle: (items) => {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
    matrix: (rows, cols, low = -1, high = 1) =>
      Array.from({ length: rows }, () => Array.from({ length: cols }, () => uniform(low, high))),
  };
  return rng;
}

/**
 * Seeded mini-batch order: each epoch is a fresh permutation of the example indices drawn from one mulberry32
 * stream, cut into batches (the last one may be short). Indices never leave [0, size) — tfjs-wasm does not
 * bounds-check `slice`, so batch helpers must not rely on it.
 */
import { mulberry32 } from "../random/prng.js";

/**
 * The batches of every epoch: `epochs` arrays of index batches.
 * @example epochBatches(5, 2, 2, { seed: 1 })[0].flat().sort(); // [0, 1, 2, 3, 4]
 */
export function epochBatches(
  size: number,
  batchSize: number,
  epochs: number,
  opts: { seed?: number; shuffle?: boolean } = {},
): number[][][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`epochBatches: size must be a positive integer, got ${size}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`epochBatches: batchSize must be a positive integer, got ${batchSize}`);
  }
  const rng = mulberry32(opts.seed ?? 0);
  const all = Array.from({ length: size }, (_, i) => i);
  return Array.from({ length: epochs }, () => {
    const order = opts.shuffle === false ? all : rng.shuffle(all);
    const batches: number[][] = [];
    for (let start = 0; start < size; start += batchSize) batches.push(order.slice(start, start + batchSize));
    return batches;
  });
}

/**
 * Picks `indices` out of an array (rows of a dataset), checking every index.
 * @example take(["a", "b", "c"], [2, 0]); // ["c", "a"]
 */
export function take<T>(items: readonly T[], indices: readonly number[]): T[] {
  return indices.map((i) => {
    if (!Number.isInteger(i) || i < 0 || i >= items.length) {
      throw new RangeError(`take: index ${i} is outside [0, ${items.length})`);
    }
    return items[i]!;
  });
}

/**
 * Seeded mini-batch order: each epoch is a fresh permutation of the example indices drawn from one mulberry32
 * stream, cut into batches (the last one may be short). Indices never leave [0, size) — tfjs-wasm does not
 * bounds-check `slice`, so batch helpers must not rely on it.
 */
import { checkOptions, checkValue, opt } from "../check/options.js";
import { SEED } from "../layers/layerOptions.js";
import { mulberry32 } from "../random/prng.js";

/** Most examples a batch plan takes: each epoch's permutation of the indices is held in memory. */
export const MAX_EXAMPLES = 2 ** 24;

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
  const next = batchOrder(size, batchSize, opts, "epochBatches");
  checkValue("epochBatches", "epochs", epochs, opt.integer({ min: 0, max: 1_000_000, required: true }));
  return Array.from({ length: epochs }, next);
}

/**
 * The same plan one epoch at a time (`fit` draws each epoch when it starts, so a long run holds one epoch):
 * every call returns the next epoch's batches. Messages start with `where`.
 * @example
 *   const next = batchOrder(5, 2, { shuffle: false });
 *   next(); // [[0, 1], [2, 3], [4]]
 */
export function batchOrder(
  size: number,
  batchSize: number,
  opts: { seed?: number; shuffle?: boolean } = {},
  where = "batchOrder",
): () => number[][] {
  checkValue(where, "size", size, opt.integer({ min: 1, max: MAX_EXAMPLES, required: true }));
  checkValue(where, "batchSize", batchSize, opt.integer({ min: 1, required: true }));
  checkOptions(where, opts, { seed: SEED, shuffle: opt.boolean() });
  const rng = mulberry32(opts.seed ?? 0);
  const all = Array.from({ length: size }, (_, i) => i);
  return () => {
    const order = opts.shuffle === false ? all : rng.shuffle(all);
    const batches: number[][] = [];
    for (let start = 0; start < size; start += batchSize) batches.push(order.slice(start, start + batchSize));
    return batches;
  };
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

/**
 * The indices `0 … n−1` (every example, in order: what evaluation runs over).
 * @example allIndices(3); // [0, 1, 2]
 */
export function allIndices(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

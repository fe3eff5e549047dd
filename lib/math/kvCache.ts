/**
 * The key/value cache of autoregressive decoding, on plain arrays: a causal decoder's keys and values for
 * positions 0 … S−1 never change once computed, so a step keeps them (the cache), appends the new position's key
 * and value row, and attends with the new query alone. One step costs O(S·d) instead of re-reading the prefix,
 * O(S²·d); a loop of steps equals full causal attention. Follows: Vaswani et al. 2017 §3.2.3 (causal
 * self-attention, whose rows depend only on earlier keys); Pope et al. 2022, "Efficiently Scaling Transformer
 * Inference" §2 (the KV cache); the bottom-right causal mask (`queryOffset = S − T`) of {@link causalMask}.
 */
import { checkOptions, describeValue, opt } from "../check/options.js";
import { type AttentionTrace, attend } from "./attend.js";
import { type MatrixLike, toMatrix } from "./input.js";
import { formatShape, type Matrix, shapeOf } from "./matrix.js";

/** The keys `[S, d_k]` and values `[S, d_v]` of the positions decoded so far (S = 0: an empty cache). */
export interface KvCache {
  keys: Matrix;
  values: Matrix;
}

/** Options of {@link cachedAttend} and {@link incrementalAttend}: scaled-dot-product attention's scale and τ. */
export interface CachedAttendOptions {
  /** Multiply the scores by this. Default 1/√d_k. */
  scale?: number;
  /** Softmax temperature τ. Default 1. */
  temperature?: number;
}

const CACHED_ATTEND_SPEC = { scale: opt.number({ above: 0 }), temperature: opt.number({ above: 0 }) };

/** One cached step: the grown cache, the mask it used and the attention of the new queries over it. */
export interface CachedStep {
  /** The cache with the new rows appended: S = S_past + T rows. */
  cache: KvCache;
  /** The key position of the first new query, S_past = S − T (the mask's `queryOffset`). */
  queryOffset: number;
  /** `attend(queries, cache.keys, cache.values, { mask: { causal: true, queryOffset } })`: output `[T, d_v]`. */
  trace: AttentionTrace;
}

/**
 * An empty cache (no positions yet).
 * @example emptyKvCache(); // { keys: [], values: [] }
 */
export function emptyKvCache(): KvCache {
  return { keys: [], values: [] };
}

/**
 * The cache with rows appended: keys `[S_past + T, d_k]`, values `[S_past + T, d_v]` (a new object; `cache` is
 * left as it was). Widths must match the cached rows.
 * @example kvCacheAppend(emptyKvCache(), [[1, 0]], [[5]]); // { keys: [[1, 0]], values: [[5]] }
 */
export function kvCacheAppend(cache: KvCache, keys: MatrixLike, values: MatrixLike): KvCache {
  return append("kvCacheAppend", cache, keys, values);
}

/** {@link kvCacheAppend}, its errors naming `where` (the function the learner called). */
function append(where: string, cache: KvCache, keys: MatrixLike, values: MatrixLike): KvCache {
  const c = checkCache(where, cache);
  const k = toMatrix(`${where}: keys`, keys);
  const v = toMatrix(`${where}: values`, values);
  const [[t, dk], [tv, dv]] = [shapeOf(k), shapeOf(v)];
  if (tv !== t) {
    throw new RangeError(
      `${where}: keys ${formatShape([t, dk])} and values ${formatShape([tv, dv])} must have the same number of rows`,
    );
  }
  widthsMatch(where, "keys", c.keys, dk);
  widthsMatch(where, "values", c.values, dv);
  return { keys: [...c.keys, ...k], values: [...c.values, ...v] };
}

/** Queries and keys must have the same width d_k to be scored against each other. */
function sameWidth(where: string, q: Matrix, k: Matrix): void {
  if (q[0]!.length !== k[0]!.length) {
    throw new RangeError(
      `${where}: queries ${formatShape(shapeOf(q))} and keys ${formatShape(shapeOf(k))} must have the same width (${q[0]!.length} != ${k[0]!.length})`,
    );
  }
}

/**
 * One decoding step with a cache: append the T new key and value rows, then attend the T new queries over all
 * S = S_past + T cached rows with the bottom-right causal mask (new query i sees keys j ≤ S_past + i):
 * O = softmax(q Kᵀ·scale + mask) V. With T = 1 the mask keeps every key; the prefix is never recomputed.
 * @example
 *   let cache = emptyKvCache();
 *   // the first position sees only itself
 *   const first = cachedAttend(cache, [[1, 0]], [[1, 0]], [[10]]);
 *   first.trace.output; // [[10]]
 */
export function cachedAttend(
  cache: KvCache,
  queries: MatrixLike,
  keys: MatrixLike,
  values: MatrixLike,
  options: CachedAttendOptions = {},
): CachedStep {
  const o = checkOptions("cachedAttend", options, CACHED_ATTEND_SPEC);
  const q = toMatrix("cachedAttend: queries", queries);
  const k = toMatrix("cachedAttend: keys", keys);
  if (q.length !== k.length) {
    throw new RangeError(
      `cachedAttend: queries ${formatShape(shapeOf(q))} and keys ${formatShape(shapeOf(k))} must have one row per new position`,
    );
  }
  sameWidth("cachedAttend", q, k);
  const grown = append("cachedAttend", cache, k, values);
  const queryOffset = grown.keys.length - q.length; // S_past
  const trace = attend(q, grown.keys, grown.values, {
    ...o,
    mask: { causal: true, queryOffset },
  });
  return { cache: grown, queryOffset, trace };
}

/**
 * Causal self-attention one position at a time: for t = 0 … T−1, `cachedAttend` of row t of queries, keys and
 * values onto the cache of rows 0 … t−1. The outputs `[T, d_v]` equal
 * `attend(queries, keys, values, { mask: { causal: true } }).output`; `weights[t]` has t + 1 entries.
 * @example incrementalAttend([[1], [1]], [[1], [1]], [[2], [4]]).output; // [[2], [3]]
 */
export function incrementalAttend(
  queries: MatrixLike,
  keys: MatrixLike,
  values: MatrixLike,
  options: CachedAttendOptions = {},
): { output: Matrix; weights: number[][]; cache: KvCache } {
  checkOptions("incrementalAttend", options, CACHED_ATTEND_SPEC);
  const q = toMatrix("incrementalAttend: queries", queries);
  const k = toMatrix("incrementalAttend: keys", keys);
  const v = toMatrix("incrementalAttend: values", values);
  if (k.length !== q.length || v.length !== q.length) {
    throw new RangeError(
      `incrementalAttend: queries, keys and values must have one row per position (self-attention), got ${q.length}, ${k.length}, ${v.length} rows`,
    );
  }
  sameWidth("incrementalAttend", q, k);
  let cache = emptyKvCache();
  const output: Matrix = [];
  const weights: number[][] = [];
  for (let t = 0; t < q.length; t++) {
    const step = cachedAttend(cache, [q[t]!], [k[t]!], [v[t]!], options);
    cache = step.cache;
    output.push(step.trace.output[0]!);
    weights.push(step.trace.weights[0]!);
  }
  return { output, weights, cache };
}

function checkCache(where: string, cache: unknown): KvCache {
  const c = cache as Partial<KvCache> | null;
  if (typeof c !== "object" || c === null || !Array.isArray(c.keys) || !Array.isArray(c.values)) {
    throw new TypeError(
      `${where}: cache must be { keys: [S, d_k], values: [S, d_v] } (emptyKvCache() to start), got ${describeValue(cache)}`,
    );
  }
  checkOptions(where, c, { keys: opt.any({ required: true }), values: opt.any({ required: true }) });
  if (c.keys.length !== c.values.length) {
    throw new RangeError(
      `${where}: cache.keys has ${c.keys.length} rows but cache.values ${c.values.length}; they hold the same positions`,
    );
  }
  if (c.keys.length === 0) return { keys: [], values: [] };
  return {
    keys: toMatrix(`${where}: cache.keys`, c.keys),
    values: toMatrix(`${where}: cache.values`, c.values),
  };
}

function widthsMatch(where: string, name: string, cached: Matrix, width: number): void {
  const w = cached[0]?.length;
  if (w !== undefined && w !== width) {
    throw new RangeError(`${where}: new ${name} have width ${width} but the cached ${name} ${w}`);
  }
}

/** The sizes that fix a decoder's key/value cache (see {@link kvCacheSize}). */
export interface KvCacheSizeOptions {
  /** Decoder layers L (each caches its own keys and values). */
  numLayers: number;
  /** Heads N per layer. */
  numHeads: number;
  /** Head size H (N·H = the model width E in the kit's models). */
  headSize: number;
  /** Positions cached, S. */
  length: number;
  /** Sequences decoded at once, B. Default 1. */
  batch?: number;
  /** Bytes per number: 4 for float32 (tfjs), 2 for float16. Default 4. */
  bytesPerNumber?: number;
}

const SIZE_SPEC = {
  numLayers: opt.integer({ min: 1, required: true }),
  numHeads: opt.integer({ min: 1, required: true }),
  headSize: opt.integer({ min: 1, required: true }),
  length: opt.integer({ min: 0, required: true }),
  batch: opt.integer({ min: 1 }),
  bytesPerNumber: opt.number({ above: 0 }),
};

/**
 * The numbers and bytes a key/value cache holds: keys and values (2) per layer, each `[B, N, S, H]`:
 * numbers = 2·L·B·N·S·H, bytes = numbers · bytesPerNumber. Linear in S, where the uncached decoder instead redoes
 * O(S²) work per step.
 * @example kvCacheSize({ numLayers: 12, numHeads: 12, headSize: 64, length: 1024 }).bytes; // 75497472 (GPT-2 small, 72 MiB)
 */
export function kvCacheSize(options: KvCacheSizeOptions): { numbers: number; bytes: number } {
  const o = checkOptions("kvCacheSize", options, SIZE_SPEC);
  const numbers = 2 * o.numLayers * (o.batch ?? 1) * o.numHeads * o.length * o.headSize;
  return { numbers, bytes: numbers * (o.bytesPerNumber ?? 4) };
}

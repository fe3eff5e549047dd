/**
 * Tiled attention: the keys and values are read in blocks of `blockSize`, and each query row keeps only a running
 * max m, a running sum l and an unnormalised output Õ, rescaled by e^{(m_old − m_new)/τ} when the max grows, so
 * the [T, S] score matrix is never held at once. Follows: Dao et al. 2022 (FlashAttention) Algorithm 1 with the
 * FlashAttention-2 forward (Dao 2023, Algorithm 1: Õ is divided by l once, at the end); one row block holds all
 * T queries (rows are independent, so tiling them too changes nothing here). Equal to `attend()` for every
 * block size and mask: the online softmax of Milakov & Gimelshein 2018, fused with the product by V.
 */
import { checkOptions, opt } from "../check/options.js";
import type { AttendOptions } from "./attend.js";
import { type MatrixLike, toMatrix } from "./input.js";
import { type BoolMatrix, resolveMask } from "./mask.js";
import { formatShape, type Matrix, shapeOf } from "./matrix.js";
import { onlineUpdate } from "./onlineSoftmax.js";
import { scaleScores, scoresFor } from "./scores.js";

/** The score functions tiled here: those that are a dot product of one query row with one key row. */
export const TILED_SCORES = ["dot", "scaledDot", "cosine"] as const;

/** Options for {@link tiledAttend}: attend's options (score dot, scaledDot or cosine) and the block size. */
export type TiledAttendOptions = Omit<AttendOptions, "score"> & {
  /** Keys (and values) per block, a positive integer; a block size ≥ S is one block, i.e. plain attention. */
  blockSize: number;
  /** The score function (default "scaledDot"); "additive" and "general" are not tiled here: use `attend`. */
  score?: (typeof TILED_SCORES)[number];
};

/** What one block of keys did to the running statistics. Shapes: T queries, B keys in the block, d_v. */
export interface TiledBlock {
  /** The first key of the block. */
  start: number;
  /** One past the last key of the block. */
  end: number;
  /** The block's logits (scores · scale, −∞ where masked), `[T, B]`: the only scores held at once. */
  logits: Matrix;
  /** The running max m after this block, `[T]` (−∞ for a row that has seen no unmasked key yet). */
  rowMax: number[];
  /** e^{(m_old − m)/τ}, `[T]`: the factor that multiplied the old l and Õ (1 if m did not grow, 0 from −∞). */
  rescale: number[];
  /** The running sum l = Σ_{j < end} e^{(s_ij − m_i)/τ} after this block, `[T]`. */
  rowSum: number[];
  /** The unnormalised output Õ = Σ_{j < end} e^{(s_ij − m_i)/τ} v_j after this block, `[T, d_v]`. */
  partial: Matrix;
  /** Õ / l: attention over the keys read so far, `[T, d_v]` (zero rows where l = 0). */
  output: Matrix;
}

/** How many numbers are held at once (besides Q, K, V): the memory argument of FlashAttention §3.2, counted. */
export interface TiledMemory {
  /** Score entries plain attention holds: the whole `[T, S]` matrix. */
  fullScores: number;
  /** Score entries tiled attention holds: one `[T, B]` block, B = min(blockSize, S). */
  tiledScores: number;
  /** The row statistics m and l: 2T. */
  statistics: number;
  /** The output (Õ while running): T · d_v, held by both. */
  output: number;
  /** fullScores + output. */
  full: number;
  /** tiledScores + statistics + output. */
  tiled: number;
}

/** The result of {@link tiledAttend}. */
export interface TiledAttentionTrace {
  /** The score function, scale, temperature and block size used. */
  score: (typeof TILED_SCORES)[number];
  scale: number;
  temperature: number;
  blockSize: number;
  /** The output O = Õ / l, `[T, d_v]`: equal to `attend(...).output`. */
  output: Matrix;
  /** The final row max m, `[T]`: all the backward pass keeps, with {@link rowSum} and the output. */
  rowMax: number[];
  /** The final row sum l, `[T]` (0 for a fully masked row). */
  rowSum: number[];
  /** Each block in order. */
  blocks: TiledBlock[];
  /** What was held at once. */
  memory: TiledMemory;
}

/** The parts the forward and backward passes share: checked matrices, settings, the mask and the blocks. */
export interface TiledSetup {
  q: Matrix;
  k: Matrix;
  v: Matrix;
  score: (typeof TILED_SCORES)[number];
  scale: number;
  temperature: number;
  blockSize: number;
  /** The resolved `[T, S]` mask (true = attend), or undefined without one. */
  mask: BoolMatrix | undefined;
  /** Key ranges [start, end) of the blocks, in order. */
  ranges: [number, number][];
}

const RULES = {
  blockSize: opt.integer({ min: 1, required: true }),
  score: opt.oneOf(TILED_SCORES),
  scale: opt.number({ above: 0 }),
  temperature: opt.number({ above: 0 }),
  mask: opt.any(),
} as const;

/**
 * Checks the arguments of `where` (tiledAttend or tiledAttendBackward) and returns the shared setup. A score of
 * attend that is not tiled here is an error saying which are; the other keys follow attend's rules (blockSize is required). Shared with the backward
 * pass, not exported from the package.
 */
export function tiledSetup(
  where: string,
  queries: MatrixLike,
  keys: MatrixLike,
  values: MatrixLike,
  options: TiledAttendOptions,
  scores: readonly string[] = TILED_SCORES,
): TiledSetup {
  const raw = options as { score?: unknown } | undefined;
  const s = typeof raw === "object" && raw !== null ? raw.score : undefined;
  if (s === "additive" || s === "general" || (s === "cosine" && !scores.includes(s)))
    throw new TypeError(
      `${where}: options.score "${s}" is not supported here; allowed: ${scores.join(", ")} (a dot product per block of keys); use ${where === "tiledAttend" ? "attend()" : "attendBackward()"} for "${s}"`,
    );
  checkOptions(where, options, { ...RULES, score: opt.oneOf(scores) });
  const [q, k] = [toMatrix(`${where}: queries`, queries), toMatrix(`${where}: keys`, keys)];
  const vals = toMatrix(`${where}: values`, values);
  const [[t, d], [n, dk], [sv, dv]] = [shapeOf(q), shapeOf(k), shapeOf(vals)];
  if (dk !== d)
    throw new RangeError(
      `${where}: queries ${formatShape([t, d])} and keys ${formatShape([n, dk])} must have the same width (${d} != ${dk})`,
    );
  if (sv !== n)
    throw new RangeError(
      `${where}: values ${formatShape([sv, dv])} must have one row per key: keys ${formatShape([n, dk])} (${sv} != ${n})`,
    );
  const score = options.score ?? "scaledDot";
  const scale = options.scale ?? (score === "scaledDot" ? 1 / Math.sqrt(d) : 1);
  const mask =
    options.mask === undefined ? undefined : resolveMask(where, "options.mask", t, n, options.mask);
  const blockSize = Math.min(options.blockSize, n);
  const ranges: [number, number][] = [];
  for (let start = 0; start < n; start += blockSize) ranges.push([start, Math.min(start + blockSize, n)]);
  return { q, k, v: vals, score, scale, temperature: options.temperature ?? 1, blockSize, mask, ranges };
}

/**
 * The logits of keys start … end − 1: scores of the block, times the scale, −∞ where masked, `[T, B]`. Computed
 * from the block of keys alone, as a FlashAttention kernel computes S_ij = Q_i K_jᵀ in fast memory.
 */
export function blockLogits(where: string, setup: TiledSetup, start: number, end: number): Matrix {
  const { q, k, score, scale, mask } = setup;
  const raw = scoresFor(where, score, q, k.slice(start, end), {}); // [T, B]
  const scaled = scale === 1 ? raw : scaleScores(`${where}: scores · scale`, raw, scale);
  if (mask === undefined) return scaled;
  return scaled.map((row, i) => row.map((x, j) => (mask[i]![start + j] ? x : -Infinity)));
}

/**
 * Attention O = softmax(scale · S / τ) V computed block by block over the keys. For each block j of keys
 * (FlashAttention-2 Algorithm 1, lines 8–10): m' = max(m, rowmax S_j), P̃ = e^{(S_j − m')/τ},
 * l' = e^{(m − m')/τ} l + rowsum P̃, Õ' = e^{(m − m')/τ} Õ + P̃ V_j; at the end O = Õ / l (line 12).
 * Fully masked rows (no key allowed) give zero rows, as `attend` gives.
 * @example
 *   const t = tiledAttend([[1, 0]], [[1, 0], [0, 1]], [[10, 0], [0, 10]], { score: "dot", blockSize: 1 });
 *   t.output; // [[7.311, 2.689]] (= attend's output)
 *   t.blocks.map((b) => b.rowMax[0]); // [1, 1]
 *   t.blocks[1].rowSum[0]; // 1.3679 (= 1 + e^{-1})
 *   t.memory.tiledScores; // 1 (one score per query at once, against fullScores = 2)
 */
export function tiledAttend(
  queries: MatrixLike,
  keys: MatrixLike,
  values: MatrixLike,
  options: TiledAttendOptions,
): TiledAttentionTrace {
  const setup = tiledSetup("tiledAttend", queries, keys, values, options);
  const { q, v, temperature, ranges } = setup;
  const [t, dv] = [q.length, v[0]!.length];
  let rowMax = new Array<number>(t).fill(-Infinity);
  let rowSum = new Array<number>(t).fill(0);
  let partial: Matrix = Array.from({ length: t }, () => new Array<number>(dv).fill(0)); // Õ [T, d_v]
  const blocks: TiledBlock[] = [];
  for (const [start, end] of ranges) {
    // 1) scores of this block 2) update m, l 3) rescale Õ and add P̃ V_j
    const logits = blockLogits("tiledAttend", setup, start, end); // [T, B]
    const stats = logits.map((row, i) => onlineUpdate(rowMax[i]!, rowSum[i]!, row, temperature));
    partial = partial.map((o, i) => {
      const { max, rescale } = stats[i]!;
      if (max === -Infinity) return o; // nothing unmasked yet in this row: Õ stays 0
      const p = logits[i]!.map((x) => (x === -Infinity ? 0 : Math.exp((x - max) / temperature))); // P̃ [B]
      return o.map((oc, c) => p.reduce((acc, pj, j) => acc + pj * v[start + j]![c]!, oc * rescale));
    });
    rowMax = stats.map((s) => s.max);
    rowSum = stats.map((s) => s.sum);
    const rescale = stats.map((s) => s.rescale);
    blocks.push({ start, end, logits, rowMax, rescale, rowSum, partial, output: normalise(partial, rowSum) });
  }
  const output = blocks[blocks.length - 1]!.output;
  const { score, scale, blockSize } = setup;
  const memory = tiledAttendMemory(t, setup.k.length, blockSize, dv);
  return { score, scale, temperature, blockSize, output, rowMax, rowSum, blocks, memory };
}

/** Õ / l row by row; a row with l = 0 (fully masked) stays a zero row. */
function normalise(partial: Matrix, rowSum: number[]): Matrix {
  return partial.map((o, i) => (rowSum[i] === 0 ? o.map(() => 0) : o.map((x) => x / rowSum[i]!)));
}

/**
 * The numbers held at once besides Q, K and V, for T queries, S keys, a block size and value width d_v: plain
 * attention holds the [T, S] scores (S and then P, in place); tiled attention one [T, B] block, the row
 * statistics m and l, and the output. Follows: Dao et al. 2022 §3.2 (O(N²) against O(N) extra memory).
 * @example
 *   tiledAttendMemory(1024, 1024, 64, 64).fullScores; // 1048576
 *   tiledAttendMemory(1024, 1024, 64, 64).tiledScores; // 65536
 */
export function tiledAttendMemory(
  queries: number,
  keys: number,
  blockSize: number,
  valueWidth: number,
): TiledMemory {
  const sizes = { queries, keys, blockSize, valueWidth };
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`tiledAttendMemory: ${name} must be a positive integer, got ${value}`);
  }
  const fullScores = queries * keys;
  const tiledScores = queries * Math.min(blockSize, keys);
  const [statistics, output] = [2 * queries, queries * valueWidth];
  return {
    fullScores,
    tiledScores,
    statistics,
    output,
    full: fullScores + output,
    tiled: tiledScores + statistics + output,
  };
}

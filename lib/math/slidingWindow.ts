/**
 * Sliding-window attention with global tokens as a mask: each token attends to the keys within `window`
 * positions of its own, and the global tokens attend to every key and are attended to by every query.
 * Follows: Beltagy et al. 2020 (Longformer) §3.1, "sliding window" and "global attention" (their window size w
 * is the whole band, w = 2·window + 1 keys here); the band is `localMask` of mask.ts (Luong et al. 2015 §3.2).
 */
import { checkOptions, describeValue, opt } from "../check/options.js";
import { assertSize } from "./input.js";
import { type BoolMatrix, causalMask, localMask } from "./mask.js";
import { assertPositiveInt } from "./matrix.js";

/** Options of {@link slidingWindowMask} and {@link slidingWindowPairs}. */
export interface SlidingWindowOptions {
  /** Keys on each side a token sees: query i sees key j when |i − j| ≤ window (an integer ≥ 0). Required. */
  window: number;
  /** Positions (distinct integers in [0, T)) that attend to every key and that every query attends to. Default none. */
  globalTokens?: readonly number[];
  /** Also mask the future (j ≤ i), as a decoder does; a global token then sees keys 0 … i. Default false. */
  causal?: boolean;
}

const RULES = {
  window: opt.integer({ min: 0, required: true }),
  globalTokens: opt.any(),
  causal: opt.boolean(),
} as const;

/** Checks the length and options of `where`; returns the global tokens as a set. */
function checkWindow(where: string, length: number, options: SlidingWindowOptions): Set<number> {
  assertPositiveInt(`${where}: length`, length);
  checkOptions(where, options, RULES);
  const given = options.globalTokens ?? [];
  if (!Array.isArray(given))
    throw new TypeError(
      `${where}: options.globalTokens must be an array of positions (integers in [0, ${length})), got ${describeValue(given)}`,
    );
  const seen = new Set<number>();
  given.forEach((g: unknown, i) => {
    if (typeof g !== "number" || !Number.isInteger(g) || g < 0 || g >= length)
      throw new RangeError(
        `${where}: options.globalTokens[${i}] must be a position, an integer in [0, ${length}), got ${describeValue(g)}`,
      );
    if (seen.has(g)) throw new RangeError(`${where}: options.globalTokens lists position ${g} twice`);
    seen.add(g);
  });
  return seen;
}

/**
 * The `[T, T]` sliding-window mask with global tokens (`true` = attend), for `attend(…, { mask })` and for a
 * tier-2 layer's `attentionMask`: M_ij = (|i − j| ≤ window) ∨ i ∈ G ∨ j ∈ G, AND (j ≤ i) when causal.
 * @example
 *   slidingWindowMask(4, { window: 1, globalTokens: [0] });
 *   // [[T, T, T, T], [T, T, T, F], [T, T, T, T], [T, F, T, T]]: row 0 and column 0 are global, the rest a band
 */
export function slidingWindowMask(length: number, options: SlidingWindowOptions): BoolMatrix {
  const global = checkWindow("slidingWindowMask", length, options);
  assertSize(`slidingWindowMask: the [${length}, ${length}] mask`, length * length);
  const band = localMask(length, length, options.window);
  const past = options.causal ? causalMask(length, length) : undefined;
  return band.map((row, i) =>
    row.map((near, j) => (near || global.has(i) || global.has(j)) && (past === undefined || past[i]![j]!)),
  );
}

/** How many (query, key) pairs a mask scores, against full attention: the cost of {@link slidingWindowMask}. */
export interface SlidingWindowPairs {
  /** Pairs the sliding-window mask keeps (its `true` entries). */
  pairs: number;
  /** Pairs full attention scores: T² (T(T + 1)/2 when causal). */
  fullPairs: number;
  /** pairs / fullPairs. */
  fraction: number;
}

/**
 * The pairs {@link slidingWindowMask} keeps, counted row by row without building it (so for any length):
 * at most T(2·window + 1) + 2·|G|·T, linear in T for a fixed window and number of global tokens
 * (Longformer §3.1: O(n·w) against O(n²)).
 * @example
 *   slidingWindowPairs(4, { window: 1, globalTokens: [0] }); // { pairs: 14, fullPairs: 16, fraction: 0.875 }
 *   slidingWindowPairs(4096, { window: 64 }).fraction; // 0.0312 (each row keeps at most 129 of 4096 keys)
 */
export function slidingWindowPairs(length: number, options: SlidingWindowOptions): SlidingWindowPairs {
  const global = checkWindow("slidingWindowPairs", length, options);
  const { window, causal = false } = options;
  let pairs = 0;
  for (let i = 0; i < length; i++) {
    const last = causal ? i : length - 1; // the last key query i may see
    if (global.has(i)) {
      pairs += last + 1;
      continue;
    }
    const [lo, hi] = [Math.max(0, i - window), Math.min(last, i + window)];
    let outside = 0; // global keys outside the band, still before `last`
    for (const g of global) if (g <= last && (g < lo || g > hi)) outside++;
    pairs += hi - lo + 1 + outside;
  }
  const fullPairs = causal ? (length * (length + 1)) / 2 : length * length;
  return { pairs, fullPairs, fraction: pairs / fullPairs };
}

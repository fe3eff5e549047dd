/**
 * What full, sliding-window and linear attention cost for one head over n tokens, counted by formula: the
 * (query, key) pairs scored, the floating-point operations, and the numbers held at once besides Q, K, V and the
 * output. Follows: Vaswani et al. 2017 Table 1 (O(n²·d) per self-attention layer), Beltagy et al. 2020 §3.1
 * (O(n·w)), Katharopoulos et al. 2020 §3.2 (O(n·d·d_v), a `[d, d_v]` summary instead of `[n, n]` scores).
 *
 * Counting: a multiply-add is 2 operations; the softmax costs 3 per scored pair (e^x, the sum, the division;
 * the max shift is left out); φ = elu + 1 costs 1 per entry; linear attention's division is 1 per output entry.
 */
import { checkOptions, opt } from "../check/options.js";
import { assertPositiveInt } from "./matrix.js";
import { type SlidingWindowOptions, slidingWindowPairs } from "./slidingWindow.js";

/** The three kinds of attention compared. */
export const ATTENTION_KINDS = ["full", "slidingWindow", "linear"] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/** Options of {@link attentionCost}. */
export interface AttentionCostOptions {
  /** Which attention. Required. */
  kind: AttentionKind;
  /** Query/key width d. Required. */
  dim: number;
  /** Value width d_v. Default `dim`. */
  valueDim?: number;
  /** slidingWindow: keys on each side (required for it). */
  window?: number;
  /** slidingWindow: the global tokens (positions). */
  globalTokens?: readonly number[];
  /** Causal attention (full and sliding window score half the pairs; linear the same operations). */
  causal?: boolean;
}

/** The cost of one head over n tokens. */
export interface AttentionCost {
  kind: AttentionKind;
  n: number;
  /** (query, key) pairs scored: n² for full (n(n+1)/2 causal), the mask's for slidingWindow, 0 for linear. */
  pairs: number;
  /** Floating-point operations, counted as in the module header. */
  flops: number;
  /**
   * Numbers held at once besides Q, K, V and the output: the scores (one per pair, for a kernel that stores only
   * the pairs it scores) or, for linear attention, the summaries φ(K)ᵀV `[d, d_v]` and z `[d]` (a causal scan
   * carries the same two).
   */
  held: number;
}

const RULES = {
  kind: opt.oneOf(ATTENTION_KINDS, { required: true }),
  dim: opt.integer({ min: 1, required: true }),
  valueDim: opt.integer({ min: 1 }),
  window: opt.integer({ min: 0 }),
  globalTokens: opt.any(),
  causal: opt.boolean(),
} as const;

/**
 * Pairs, operations and memory of one attention head over `n` tokens.
 * @example
 *   attentionCost(1024, { kind: "full", dim: 64 }).held; // 1048576 (the [n, n] scores)
 *   attentionCost(1024, { kind: "linear", dim: 64 }).held; // 4160 (φ(K)ᵀV [64, 64] and z [64])
 *   attentionCost(4, { kind: "slidingWindow", dim: 2, window: 1, globalTokens: [0] }).pairs; // 14
 */
export function attentionCost(n: number, options: AttentionCostOptions): AttentionCost {
  assertPositiveInt("attentionCost: n", n);
  const o = checkOptions("attentionCost", options, RULES);
  const [d, dv, causal] = [o.dim, o.valueDim ?? o.dim, o.causal ?? false];
  if (o.kind !== "slidingWindow" && (o.window !== undefined || o.globalTokens !== undefined))
    throw new TypeError(
      `attentionCost: options.window and options.globalTokens are for kind "slidingWindow", got kind "${o.kind}"`,
    );
  if (o.kind === "linear") {
    // φ(Q), φ(K); φ(K)ᵀV and z; φ(Q)(φ(K)ᵀV) and φ(Q)z; the division
    const flops = 2 * n * d + 2 * n * d * dv + n * d + 2 * n * d * dv + 2 * n * d + n * dv;
    return { kind: o.kind, n, pairs: 0, flops, held: d * dv + d };
  }
  let pairs: number;
  if (o.kind === "full") pairs = causal ? (n * (n + 1)) / 2 : n * n;
  else {
    if (o.window === undefined)
      throw new TypeError('attentionCost: kind "slidingWindow" needs options.window (keys on each side)');
    const window: SlidingWindowOptions = { window: o.window, causal };
    if (o.globalTokens !== undefined) window.globalTokens = o.globalTokens;
    try {
      pairs = slidingWindowPairs(n, window).pairs;
    } catch (e) {
      // the same checks of options.globalTokens, under this function's name
      if (
        !(e instanceof RangeError || e instanceof TypeError) ||
        !e.message.startsWith("slidingWindowPairs:")
      )
        throw e;
      const Kind = e instanceof RangeError ? RangeError : TypeError;
      throw new Kind(e.message.replace(/^slidingWindowPairs:/, "attentionCost:"), { cause: e });
    }
  }
  // per pair: the score q·k (2d), the softmax (3), its share of α V (2 d_v)
  return { kind: o.kind, n, pairs, flops: pairs * (2 * d + 3 + 2 * dv), held: pairs };
}

/**
 * Rank agreement between two scorings of the same items (e.g. attention weights and erasure importance of the
 * tokens of one input): average ranks, Pearson's r, Spearman's ρ (Pearson's r of the average ranks), Kendall's
 * τ_b (concordant minus discordant pairs, corrected for ties) and top-1 agreement. Follows: Spearman 1904;
 * Kendall 1945 (τ_b); Jain & Wallace 2019 §4.1 (Kendall τ between attention and importance measures).
 */
import { checkFinite, checkPair } from "./check.js";

/**
 * The 1-based rank of every value, ties sharing the mean of the ranks they span (so a tie of two at ranks 2
 * and 3 gets 2.5 each).
 * @example averageRanks([0.3, 0.1, 0.3, 0.9]); // [2.5, 1, 2.5, 4]
 */
export function averageRanks(values: readonly number[]): number[] {
  checkFinite("averageRanks", "values", values);
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end++;
    for (let k = start; k <= end; k++) ranks[order[k]![1]] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/** Checks two scorings of the same ≥ 2 items: equal lengths, finite numbers. */
function checkScores(fn: string, a: readonly number[], b: readonly number[]): void {
  if (!Array.isArray(a) || !Array.isArray(b)) {
    throw new TypeError(`${fn}: a and b must be arrays of numbers, got ${typeof a} and ${typeof b}`);
  }
  checkPair(fn, "a", a.length, "b", b.length);
  if (a.length < 2) throw new RangeError(`${fn}: a and b have 1 entry; a correlation needs at least 2`);
  checkFinite(fn, "a", a);
  checkFinite(fn, "b", b);
}

/**
 * Pearson's r = Σ (a_i − ā)(b_i − b̄) / √(Σ (a_i − ā)² Σ (b_i − b̄)²). When either side is constant r is
 * undefined; it is returned as 0 (no evidence of agreement), never NaN.
 * @example pearson([1, 2, 3], [2, 4, 7]); // 0.9933992677987828
 */
export function pearson(a: readonly number[], b: readonly number[]): number {
  checkScores("pearson", a, b);
  return pearsonOf(a, b);
}

function pearsonOf(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [ab, aa, bb] = [0, 0, 0];
  a.forEach((x, i) => {
    const [da, db] = [x - ma, b[i]! - mb];
    ab += da * db;
    aa += da * da;
    bb += db * db;
  });
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/**
 * Spearman's ρ: Pearson's r of the average ranks, in [−1, 1]; 0 when either side is constant.
 * @example spearman([0.1, 0.5, 0.2, 0.2], [1, 3, 2, 0]); // 0.6324555320336759
 */
export function spearman(a: readonly number[], b: readonly number[]): number {
  checkScores("spearman", a, b);
  return pearsonOf(averageRanks(a), averageRanks(b));
}

/**
 * Kendall's τ_b = (n_c − n_d) / √((n₀ − t_a)(n₀ − t_b)) over the n₀ = n(n−1)/2 pairs: n_c pairs ordered the
 * same way by both, n_d ordered oppositely, t_a and t_b pairs tied in a and in b. In [−1, 1]; 0 when either
 * side is constant.
 * @example kendallTau([1, 2, 3, 4], [1, 3, 2, 4]); // 0.6666666666666666
 */
export function kendallTau(a: readonly number[], b: readonly number[]): number {
  checkScores("kendallTau", a, b);
  let [concordant, discordant, tiedA, tiedB] = [0, 0, 0, 0];
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const s = Math.sign(a[i]! - a[j]!) * Math.sign(b[i]! - b[j]!);
      if (a[i] === a[j]) tiedA++;
      if (b[i] === b[j]) tiedB++;
      if (s > 0) concordant++;
      else if (s < 0) discordant++;
    }
  }
  const pairs = (a.length * (a.length - 1)) / 2;
  const denominator = Math.sqrt((pairs - tiedA) * (pairs - tiedB));
  return denominator === 0 ? 0 : (concordant - discordant) / denominator;
}

/** How far two scorings of the same items agree. */
export interface RankAgreement {
  /** Spearman's ρ of the two scorings. */
  spearman: number;
  /** Kendall's τ_b of the two scorings. */
  kendall: number;
  /** Whether both put their largest score on the same item (the first maximum of each). */
  top1: boolean;
}

/**
 * Spearman's ρ, Kendall's τ_b and top-1 agreement of two scorings of the same items, e.g. a review's attention
 * weights `a` and its erasure importance `b` (Jain & Wallace 2019 report τ; top-1 asks whether the most attended
 * token is the one whose removal changes the prediction most).
 * @example rankAgreement([0.1, 0.6, 0.3], [0.0, 0.2, 0.5]); // { spearman: 0.5, kendall: 0.3333333333333333, top1: false }
 */
export function rankAgreement(a: readonly number[], b: readonly number[]): RankAgreement {
  checkScores("rankAgreement", a, b);
  const first = (v: readonly number[]) => v.indexOf(Math.max(...v));
  return { spearman: spearman(a, b), kendall: kendallTau(a, b), top1: first(a) === first(b) };
}

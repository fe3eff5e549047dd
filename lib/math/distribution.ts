/**
 * Two summaries of an attention distribution: its Shannon entropy (how spread out the weights are) and the
 * soft-argmax, the weight-averaged position (where the attention points on average).
 * Follows: Cover & Thomas, Elements of Information Theory §2.1 (entropy, with 0 · log 0 = 0);
 * Chapelle & Wu 2010 / Luvizon et al. 2017 (soft-argmax as the expectation of positions under the weights).
 */
import { assertMatrix, assertVector, formatShape, type Matrix } from "./matrix.js";

/**
 * Entropy H(p) = −Σ_i p_i ln p_i in nats, with 0 · ln 0 = 0. For a row of n weights it lies in
 * [0, ln n]: 0 when one weight is 1, ln n when all are equal. Entries must be ≥ 0; they are not renormalised.
 * @example
 *   entropy([0.5, 0.5]); // 0.6931 (= ln 2, uniform over two keys)
 *   entropy([1, 0, 0]); // 0 (all weight on one key)
 */
export function entropy(p: number[]): number {
  assertVector("p", p);
  let h = 0;
  p.forEach((x, i) => {
    if (x < 0) throw new RangeError(`p[${i}] must be ≥ 0 (a probability), got ${x}`);
    if (x > 0) h -= x * Math.log(x);
  });
  return h;
}

/**
 * The entropy of each row of a weight matrix `[T, S]`, in nats.
 * @example rowEntropy([[1, 0], [0.5, 0.5]]); // [0, 0.6931]
 */
export function rowEntropy(weights: Matrix): number[] {
  assertMatrix("weights", weights);
  return weights.map((row) => entropy(row));
}

/**
 * Soft-argmax: the expected position Σ_i w_i p_i under the weights `w [n]`, for positions `p [n, k]`
 * (e.g. pixel coordinates `[row, col]`). With weights that sum to 1 it is a convex combination of the positions.
 * @example
 *   softArgmax([0.5, 0.5], [[0, 0], [2, 4]]); // [1, 2]
 *   softArgmax([0, 1, 0], [[0], [1], [2]]); // [1] (a one-hot weight picks its position)
 */
export function softArgmax(weights: number[], positions: Matrix): number[] {
  const n = assertVector("weights", weights);
  const [rows, k] = assertMatrix("positions", positions);
  if (rows !== n) {
    throw new RangeError(
      `positions ${formatShape([rows, k])} must have one row per weight: weights [${n}] (${rows} != ${n})`,
    );
  }
  const out = new Array<number>(k).fill(0);
  weights.forEach((w, i) => {
    for (let c = 0; c < k; c++) out[c]! += w * positions[i]![c]!;
  });
  return out;
}

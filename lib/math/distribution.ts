/**
 * Two summaries of an attention distribution: its Shannon entropy (how spread out the weights are) and the
 * soft-argmax, the weight-averaged position (where the attention points on average).
 * Follows: Cover & Thomas, Elements of Information Theory §2.1 (entropy, with 0 · log 0 = 0);
 * Chapelle & Wu 2010 / Luvizon et al. 2017 (soft-argmax as the expectation of positions under the weights).
 */
import { type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import { formatShape, shapeOf } from "./matrix.js";

/**
 * Entropy H(p) = −Σ_i p_i ln p_i in nats, with 0 · ln 0 = 0. For a row of n weights it lies in
 * [0, ln n]: 0 when one weight is 1, ln n when all are equal. Entries must be ≥ 0; they are not renormalised.
 * @example
 *   entropy([0.5, 0.5]); // 0.6931 (= ln 2, uniform over two keys)
 *   entropy([1, 0, 0]); // 0 (all weight on one key)
 */
export function entropy(p: VectorLike): number {
  return entropyOf("entropy: p", p);
}

function entropyOf(name: string, p: unknown): number {
  const x = toNumberArray(name, p);
  let h = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (xi < 0) throw new RangeError(`${name}[${i}] must be ≥ 0 (a probability), got ${xi}`);
    if (xi > 0) h -= xi * Math.log(xi);
  }
  return h;
}

/**
 * The entropy of each row of a weight matrix `[T, S]`, in nats.
 * @example rowEntropy([[1, 0], [0.5, 0.5]]); // [0, 0.6931]
 */
export function rowEntropy(weights: MatrixLike): number[] {
  return toMatrix("rowEntropy: weights", weights).map((row, i) =>
    entropyOf(`rowEntropy: weights[${i}]`, row),
  );
}

/**
 * Soft-argmax: the expected position Σ_i w_i p_i under the weights `w [n]`, for positions `p [n, k]`
 * (e.g. pixel coordinates `[row, col]`). With weights that sum to 1 it is a convex combination of the positions.
 * @example
 *   softArgmax([0.5, 0.5], [[0, 0], [2, 4]]); // [1, 2]
 *   softArgmax([0, 1, 0], [[0], [1], [2]]); // [1] (a one-hot weight picks its position)
 */
export function softArgmax(weights: VectorLike, positions: MatrixLike): number[] {
  const w = toNumberArray("softArgmax: weights", weights);
  const p = toMatrix("softArgmax: positions", positions);
  const [n, [rows, k]] = [w.length, shapeOf(p)];
  if (rows !== n) {
    throw new RangeError(
      `softArgmax: positions ${formatShape([rows, k])} must have one row per weight: weights [${n}] (${rows} != ${n})`,
    );
  }
  const out = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) out[c]! += w[i]! * p[i]![c]!;
  }
  return out;
}

/**
 * Softmax over a vector or along one axis of a matrix, numerically stable (subtracts the max) and with
 * an optional temperature. Follows: Goodfellow et al., Deep Learning §6.2.2.3 (softmax units); a `-Infinity`
 * entry means "masked" and gets weight exactly 0, and a row with every entry masked gets all zeros.
 */
import { checkOptions, opt } from "../check/options.js";
import { isVectorLike, type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import { type Matrix, transpose } from "./matrix.js";

/** Options for {@link softmax}. */
export interface SoftmaxOptions {
  /** Matrix axis to normalise: `-1` or `1` = along each row (default, as tfjs), `0` = down each column. */
  axis?: -1 | 0 | 1;
  /** Divide the logits by this before exponentiating (default 1): > 1 flattens, < 1 sharpens. */
  temperature?: number;
}

/** The rules for {@link SoftmaxOptions}, shared with masked softmax. */
export const SOFTMAX_RULES = {
  axis: opt.oneOf([-1, 0, 1]),
  temperature: opt.number({ above: 0 }),
} as const;

/**
 * softmax(x)_i = exp((x_i − max x)/τ) / Σ_j exp((x_j − max x)/τ).
 * Entries equal to `-Infinity` are masked out (weight 0); if every entry is masked the result is all zeros.
 * @example
 *   softmax([1, 2, 3]); // [0.0900, 0.2447, 0.6652]
 *   softmax([[0, 0], [0, Math.log(3)]]); // [[0.5, 0.5], [0.25, 0.75]] (rows sum to 1)
 *   softmax([[0, 0], [0, Math.log(3)]], { axis: 0 }); // [[0.5, 0.25], [0.5, 0.75]] (columns sum to 1)
 */
export function softmax(x: VectorLike, options?: SoftmaxOptions): number[];
export function softmax(x: MatrixLike, options?: SoftmaxOptions): Matrix;
export function softmax(x: VectorLike | MatrixLike, options: SoftmaxOptions = {}): number[] | Matrix {
  const { axis = -1, temperature = 1 } = checkOptions("softmax", options, SOFTMAX_RULES);
  if (isVectorLike(x)) {
    if (axis === 1)
      throw new RangeError("softmax: options.axis 1 does not exist for a vector x (use -1 or 0)");
    return softmaxRow("x", toNumberArray("softmax: x", x, { allowInfinity: true }), temperature);
  }
  const m = toMatrix("softmax: x", x, { allowInfinity: true });
  if (axis === 0) return transpose(transpose(m).map((col, j) => softmaxRow(`x[…][${j}]`, col, temperature)));
  return m.map((row, i) => softmaxRow(`x[${i}]`, row, temperature));
}

/**
 * Stable softmax of one row; `+Infinity` is rejected, `-Infinity` means masked. Any temperature τ > 0 is safe:
 * (x_i − max)/τ is ≤ 0, so exp never overflows, and the max entry always contributes exp(0) = 1 to the sum.
 */
function softmaxRow(name: string, row: number[], temperature: number): number[] {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (v === Infinity)
      throw new RangeError(
        `softmax: ${name}[${i}] is +Infinity; input must not contain +Infinity (−Infinity means masked)`,
      );
    if (v > max) max = v;
  }
  if (max === -Infinity) return row.map(() => 0); // fully masked: no key to attend to
  const exps = row.map((v) => (v === -Infinity ? 0 : Math.exp((v - max) / temperature)));
  let sum = 0;
  for (const e of exps) sum += e;
  return exps.map((e) => e / sum);
}

/**
 * Softmax over a vector or along one axis of a matrix, numerically stable (subtracts the max) and with
 * an optional temperature. Follows: Goodfellow et al., Deep Learning §6.2.2.3 (softmax units); a `-Infinity`
 * entry means "masked" and gets weight exactly 0, and a row with every entry masked gets all zeros.
 */
import { assertMatrix, assertPositive, type Matrix, transpose } from "./matrix.js";

/** Options for {@link softmax}. */
export interface SoftmaxOptions {
  /** Matrix axis to normalise: `-1` or `1` = along each row (default, as tfjs), `0` = down each column. */
  axis?: -1 | 0 | 1;
  /** Divide the logits by this before exponentiating (default 1): > 1 flattens, < 1 sharpens. */
  temperature?: number;
}

/**
 * softmax(x)_i = exp((x_i − max x)/τ) / Σ_j exp((x_j − max x)/τ).
 * Entries equal to `-Infinity` are masked out (weight 0); if every entry is masked the result is all zeros.
 * @example
 *   softmax([1, 2, 3]); // [0.0900, 0.2447, 0.6652]
 *   softmax([[0, 0], [0, Math.log(3)]]); // [[0.5, 0.5], [0.25, 0.75]] (rows sum to 1)
 *   softmax([[0, 0], [0, Math.log(3)]], { axis: 0 }); // [[0.5, 0.25], [0.5, 0.75]] (columns sum to 1)
 */
export function softmax(x: number[], options?: SoftmaxOptions): number[];
export function softmax(x: Matrix, options?: SoftmaxOptions): Matrix;
export function softmax(x: number[] | Matrix, options: SoftmaxOptions = {}): number[] | Matrix {
  const temperature = assertPositive("temperature", options.temperature ?? 1);
  const axis = options.axis ?? -1;
  if (axis !== -1 && axis !== 0 && axis !== 1) throw new RangeError(`axis must be -1, 0 or 1, got ${axis}`);
  if (Array.isArray(x) && x.length > 0 && !Array.isArray(x[0])) {
    const m = [x as number[]];
    assertMatrix("x", m, { allowInfinity: true });
    return softmaxRow(m[0]!, temperature);
  }
  assertMatrix("x", x, { allowInfinity: true });
  const m = x as Matrix;
  if (axis === 0) return transpose(transpose(m).map((col) => softmaxRow(col, temperature)));
  return m.map((row) => softmaxRow(row, temperature));
}

/** Stable softmax of one row; `+Infinity` is rejected, `-Infinity` means masked. */
function softmaxRow(row: number[], temperature: number): number[] {
  let max = -Infinity;
  for (const v of row) {
    if (v === Infinity) throw new RangeError("softmax input must not contain +Infinity");
    if (v > max) max = v;
  }
  if (max === -Infinity) return row.map(() => 0); // fully masked: no key to attend to
  const exps = row.map((v) => (v === -Infinity ? 0 : Math.exp((v - max) / temperature)));
  let sum = 0;
  for (const e of exps) sum += e;
  return exps.map((e) => e / sum);
}

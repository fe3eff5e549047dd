/**
 * Masked softmax: masked scores become −∞ before a row-wise softmax, so they get weight exactly 0.
 * Follows: d2l §11.3.2 `masked_softmax`, except that a fully masked row yields all zeros (d2l's −1e6
 * trick yields a uniform row there), never NaN.
 */
import { type BoolMatrix, buildMask, type MaskSpec } from "./mask.js";
import { assertMatrix, type Matrix } from "./matrix.js";
import { type SoftmaxOptions, softmax } from "./softmax.js";

/** The two steps of a masked softmax, for traces: the masked scores (−∞ where masked) and the weights. */
export interface MaskedSoftmaxSteps {
  /** The boolean mask that was applied, `[T, S]`. */
  mask: BoolMatrix;
  /** The scores with masked entries set to `-Infinity`, `[T, S]`. */
  masked: Matrix;
  /** Row-wise softmax of `masked`, `[T, S]`: each row sums to 1, or is all zeros if fully masked. */
  weights: Matrix;
}

/**
 * Replaces masked scores by −∞ (the mask is `true` where attention is allowed).
 * @example applyMask([[1, 2]], [[true, false]]); // [[1, -Infinity]]
 */
export function applyMask(scores: Matrix, mask: MaskSpec | BoolMatrix): Matrix {
  return maskScores(scores, mask).masked;
}

function maskScores(scores: Matrix, mask: MaskSpec | BoolMatrix): { mask: BoolMatrix; masked: Matrix } {
  const [rows, cols] = assertMatrix("scores", scores, { allowInfinity: true });
  const keep = buildMask(rows, cols, mask);
  return { mask: keep, masked: scores.map((row, i) => row.map((s, j) => (keep[i]![j] ? s : -Infinity))) };
}

/**
 * Row-wise softmax over the keys that the mask allows. Rows with no allowed key give all zeros.
 * @example
 *   maskedSoftmax([[1, 1, 1]], { validLens: 2 }); // [[0.5, 0.5, 0]]
 *   maskedSoftmax([[1, 1]], { validLens: 0 }); // [[0, 0]] (fully masked row)
 */
export function maskedSoftmax(
  scores: Matrix,
  mask?: MaskSpec | BoolMatrix,
  options: SoftmaxOptions = {},
): Matrix {
  return maskedSoftmaxSteps(scores, mask ?? {}, options).weights;
}

/** Like {@link maskedSoftmax} but also returns the mask and the masked scores. */
export function maskedSoftmaxSteps(
  scores: Matrix,
  mask: MaskSpec | BoolMatrix,
  options: SoftmaxOptions = {},
): MaskedSoftmaxSteps {
  if (options.axis === 0)
    throw new RangeError("maskedSoftmax normalises over keys (axis -1); axis 0 is not allowed");
  const { mask: keep, masked } = maskScores(scores, mask);
  return { mask: keep, masked, weights: softmax(masked, { temperature: options.temperature ?? 1 }) };
}

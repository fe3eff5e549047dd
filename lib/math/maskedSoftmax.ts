/**
 * Masked softmax: masked scores become −∞ before a row-wise softmax, so they get weight exactly 0.
 * Follows: d2l §11.3.2 `masked_softmax`, except that a fully masked row yields all zeros (d2l's −1e6
 * trick yields a uniform row there), never NaN.
 */
import { checkOptions } from "../check/options.js";
import { type MatrixLike, toMatrix } from "./input.js";
import { type BoolMatrix, type MaskSpec, resolveMask } from "./mask.js";
import type { Matrix } from "./matrix.js";
import { SOFTMAX_RULES, type SoftmaxOptions, softmax } from "./softmax.js";

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
export function applyMask(scores: MatrixLike, mask: MaskSpec | BoolMatrix): Matrix {
  return maskScores("applyMask", "mask", scores, mask).masked;
}

/** Masks `scores` for the function `where`, whose mask argument is called `name` (e.g. "options.mask"). */
function maskScores(
  where: string,
  name: string,
  scores: MatrixLike,
  mask: unknown,
): { mask: BoolMatrix; masked: Matrix } {
  const s = toMatrix(`${where}: scores`, scores, { allowInfinity: true });
  const keep = resolveMask(where, name, s.length, s[0]!.length, mask);
  return { mask: keep, masked: s.map((row, i) => row.map((x, j) => (keep[i]![j] ? x : -Infinity))) };
}

/**
 * Row-wise softmax over the keys that the mask allows. Rows with no allowed key give all zeros.
 * @example
 *   maskedSoftmax([[1, 1, 1]], { validLens: 2 }); // [[0.5, 0.5, 0]]
 *   maskedSoftmax([[1, 1]], { validLens: 0 }); // [[0, 0]] (fully masked row)
 */
export function maskedSoftmax(
  scores: MatrixLike,
  mask?: MaskSpec | BoolMatrix,
  options: SoftmaxOptions = {},
): Matrix {
  return maskedSoftmaxFor("maskedSoftmax", "mask", scores, mask === undefined ? {} : mask, options).weights;
}

/** Like {@link maskedSoftmax} but also returns the mask and the masked scores. */
export function maskedSoftmaxSteps(
  scores: MatrixLike,
  mask: MaskSpec | BoolMatrix,
  options: SoftmaxOptions = {},
): MaskedSoftmaxSteps {
  return maskedSoftmaxFor("maskedSoftmaxSteps", "mask", scores, mask, options);
}

/**
 * {@link maskedSoftmaxSteps} on behalf of the function `where` whose mask argument is called `name`
 * (`attend`, `options.mask`), so errors name what the user wrote; the options are checked strictly.
 */
export function maskedSoftmaxFor(
  where: string,
  name: string,
  scores: MatrixLike,
  mask: unknown,
  options: SoftmaxOptions,
): MaskedSoftmaxSteps {
  const { axis, temperature = 1 } = checkOptions(where, options, SOFTMAX_RULES);
  if (axis === 0) throw new RangeError(`${where} normalises over keys (axis -1); axis 0 is not allowed`);
  const { mask: keep, masked } = maskScores(where, name, scores, mask);
  return { mask: keep, masked, weights: softmax(masked, { temperature }) };
}

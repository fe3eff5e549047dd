/**
 * Online softmax: the normaliser of a softmax in one pass over the logits, keeping a running max m and a running
 * sum l that is rescaled whenever the max grows. Follows: Milakov & Gimelshein 2018, "Online normalizer
 * calculation for softmax", Algorithm 3 (here optionally a block of elements per step, as FlashAttention reads
 * keys); masked (`-Infinity`) entries and fully masked vectors give exactly what `softmax` gives.
 */
import { checkOptions, describeValue, opt } from "../check/options.js";
import { toNumberArray, type VectorLike } from "./input.js";

/** Options for {@link onlineSoftmax}. */
export interface OnlineSoftmaxOptions {
  /** Divide the logits by this before exponentiating (default 1), as `softmax`'s temperature. */
  temperature?: number;
  /** How many elements each step reads (default 1: one element at a time). A block past the end is shorter. */
  blockSize?: number;
}

/** The running statistics after one step (one element, or one block of elements). */
export interface OnlineSoftmaxStep {
  /** The first element this step read. */
  start: number;
  /** One past the last element this step read. */
  end: number;
  /** The max of this step's elements alone, max_{start ≤ j < end} x_j (−∞ if all are masked). */
  blockMax: number;
  /** The running max m after this step: the max of x_0 … x_{end−1}. */
  max: number;
  /** The factor e^{(m_old − m)/τ} that multiplied the old sum (1 when the max did not change, 0 from −∞). */
  rescale: number;
  /** The running sum l after this step: Σ_{j < end} e^{(x_j − m)/τ}. */
  sum: number;
}

/** The result of {@link onlineSoftmax}. */
export interface OnlineSoftmaxTrace {
  /** softmax(x/τ): sums to 1, or all zeros if every entry is masked. */
  probabilities: number[];
  /** The final running max m (the max of x; −∞ if every entry is masked). */
  max: number;
  /** The final running sum l = Σ_j e^{(x_j − m)/τ} (0 if every entry is masked). */
  sum: number;
  /** (m, l) after each step, in order. */
  steps: OnlineSoftmaxStep[];
}

const RULES = {
  temperature: opt.number({ above: 0 }),
  blockSize: opt.integer({ min: 1 }),
} as const;

/**
 * One update of the running statistics by a block of logits (Milakov & Gimelshein eq. for d_j, blockwise):
 * m' = max(m, max_j x_j), l' = l · e^{(m − m')/τ} + Σ_j e^{(x_j − m')/τ}. A block that is all −∞ leaves (m, l)
 * as they were (and never computes −∞ − (−∞)). A NaN or +∞ in the block, m = NaN or +∞, l < 0 or τ ≤ 0 is a
 * RangeError naming the argument; `block` may be a typed array.
 * @example onlineUpdate(2, 1, [3], 1); // { max: 3, rescale: exp(-1), sum: exp(-1) + 1 }
 */
export function onlineUpdate(
  max: number,
  sum: number,
  block: ArrayLike<number>,
  temperature: number,
): { max: number; rescale: number; sum: number } {
  checkRunning(max, sum, temperature);
  let next = max;
  for (let j = 0; j < block.length; j++) {
    const x = block[j]!;
    if (typeof x !== "number" || Number.isNaN(x) || x === Infinity)
      throw new RangeError(
        `onlineUpdate: block[${j}] must be a number < +Infinity (−Infinity means masked), got ${describeValue(x)}`,
      );
    if (x > next) next = x;
  }
  if (next === -Infinity) return { max, rescale: 1, sum }; // nothing seen yet that is not masked
  const rescale = max === -Infinity ? 0 : Math.exp((max - next) / temperature);
  let added = 0;
  for (let j = 0; j < block.length; j++)
    if (block[j] !== -Infinity) added += Math.exp((block[j]! - next) / temperature);
  return { max: next, rescale, sum: sum * rescale + added };
}

/** The running (m, l) and τ that {@link onlineUpdate} continues from: m < +∞ (−∞ before any key), l ≥ 0, τ > 0. */
function checkRunning(max: number, sum: number, temperature: number): void {
  if (typeof max !== "number" || Number.isNaN(max) || max === Infinity)
    throw new RangeError(
      `onlineUpdate: max must be the running max, a number < +Infinity (−Infinity before any key), got ${describeValue(max)}`,
    );
  if (typeof sum !== "number" || !Number.isFinite(sum) || sum < 0)
    throw new RangeError(
      `onlineUpdate: sum must be the running sum, a finite number ≥ 0, got ${describeValue(sum)}`,
    );
  if (typeof temperature !== "number" || !Number.isFinite(temperature) || temperature <= 0)
    throw new RangeError(
      `onlineUpdate: temperature must be a finite number > 0, got ${describeValue(temperature)}`,
    );
}

/**
 * softmax(x/τ) with the normaliser computed online: one pass gives (m, l), a second pass gives
 * p_i = e^{(x_i − m)/τ} / l (the safe softmax needs three: max, sum, divide). Entries equal to `-Infinity` are
 * masked (weight 0); if every entry is masked the result is all zeros, as `softmax` gives.
 * @example
 *   onlineSoftmax([1, 3, 2]).probabilities; // [0.0900, 0.6652, 0.2447]
 *   onlineSoftmax([1, 3, 2]).steps.map((s) => s.max); // [1, 3, 3]
 *   onlineSoftmax([1, 3, 2]).steps[1].sum; // 1.1353 (= e^{1−3} + 1: the old sum rescaled by e^{−2})
 */
export function onlineSoftmax(x: VectorLike, options: OnlineSoftmaxOptions = {}): OnlineSoftmaxTrace {
  const { temperature = 1, blockSize = 1 } = checkOptions("onlineSoftmax", options, RULES);
  const row = toNumberArray("onlineSoftmax: x", x, { allowInfinity: true });
  const plusInf = row.indexOf(Infinity);
  if (plusInf >= 0)
    throw new RangeError(
      `onlineSoftmax: x[${plusInf}] is +Infinity; input must not contain +Infinity (−Infinity means masked)`,
    );
  let [max, sum] = [-Infinity, 0];
  const steps: OnlineSoftmaxStep[] = [];
  for (let start = 0; start < row.length; start += blockSize) {
    // 1) one pass: update (m, l) block by block
    const end = Math.min(start + blockSize, row.length);
    const block = row.slice(start, end);
    const step = onlineUpdate(max, sum, block, temperature);
    steps.push({ start, end, blockMax: block.reduce((a, b) => Math.max(a, b)), ...step });
    ({ max, sum } = step);
  }
  // 2) second pass: normalise with the final (m, l); a fully masked x has l = 0 and gives zeros
  const probabilities = row.map((v) => (v === -Infinity ? 0 : Math.exp((v - max) / temperature) / sum));
  return { probabilities, max, sum, steps };
}

/**
 * Token cross-entropy with label smoothing on plain arrays: log-softmax of each row of logits, the smoothed
 * target distribution, the loss of each token and their mean over the tokens that are not padding.
 * Follows: Szegedy et al. 2016 §7 (label-smoothing regularization, q′ = (1 − ε)·δ + ε·u with u uniform);
 * Vaswani et al. 2017 §5.4 (ε_ls = 0.1); PyTorch `cross_entropy(…, ignore_index, label_smoothing)`, which puts
 * ε/V on every class including the target and averages over the tokens whose target is not `ignore_index`.
 */
import { checkOptions, opt } from "../check/options.js";
import { type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import { dotVectors, type Matrix } from "./matrix.js";

/** Options for {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** Target id of padding: tokens whose target is `padId` count for nothing (default: every token counts). */
  padId?: number;
  /** ε in [0, 1): the target distribution gives 1 − ε + ε/V to the target and ε/V to every other class (default 0). */
  labelSmoothing?: number;
}

/** The rules for {@link CrossEntropyOptions}, shared with the tier-2 `sequenceCrossEntropy` (not in the barrel). */
export const CROSS_ENTROPY_RULES = {
  padId: opt.integer({ min: 0 }),
  labelSmoothing: opt.number({ min: 0, below: 1 }),
} as const;

/** Every intermediate of {@link crossEntropy}, for N tokens over a vocabulary of V classes. */
export interface CrossEntropyTrace {
  /** log p_iv = z_iv − max_u z_iu − ln Σ_u exp(z_iu − max_u z_iu), the log-softmax of each row, `[N, V]`. */
  logProbs: Matrix;
  /** q_iv = (1 − ε)·[v = y_i] + ε/V, the smoothed target distribution, `[N, V]`; a row of zeros at a pad token. */
  smoothedTargets: Matrix;
  /** ℓ_i = −Σ_v q_iv log p_iv, the loss of each token, length N; 0 at a pad token (as PyTorch's `reduction: "none"`). */
  perToken: number[];
  /** Whether token i counts (its target is not `padId`), length N. */
  counted: boolean[];
  /** The number of tokens that count. */
  count: number;
  /** L = Σ_i ℓ_i / count, the mean loss over the tokens that count. */
  loss: number;
}

/**
 * Cross-entropy of `logits [N, V]` (one row per token) against integer `targets` (length N) with label
 * smoothing ε: q_iv = (1 − ε)·[v = y_i] + ε/V, ℓ_i = −Σ_v q_iv log softmax(z_i)_v, and L = mean of ℓ_i over the
 * tokens whose target is not `padId`. Equal to PyTorch's `cross_entropy(logits, targets, ignore_index=padId,
 * label_smoothing=ε)`. A batch `[B, T, V]` is N = B·T rows (`logits.reshape([-1, V]).arraySync()`).
 * @example
 *   crossEntropy([[0, 0]], [1]).loss; // 0.6931 (= ln 2: two equal logits)
 *   crossEntropy([[0, Math.log(3)]], [1], { labelSmoothing: 0.2 }).smoothedTargets; // [[0.1, 0.9]]
 *   crossEntropy([[0, 0], [5, 0]], [1, 0], { padId: 0 }).perToken; // [0.6931, 0] (the second token is padding)
 */
export function crossEntropy(
  logits: MatrixLike,
  targets: VectorLike,
  options?: CrossEntropyOptions,
): CrossEntropyTrace {
  const { padId, labelSmoothing = 0 } = checkOptions("crossEntropy", options, CROSS_ENTROPY_RULES);
  const z = toMatrix("crossEntropy: logits", logits);
  const y = checkTargets(targets, z.length, z[0]!.length, padId);
  const counted = y.map((t) => t !== padId);
  const count = counted.filter(Boolean).length;
  if (count === 0)
    throw new RangeError(
      `crossEntropy: every target is padId ${padId}; at least one token must count for the mean loss`,
    );
  // 1) log-softmax 2) smoothed targets 3) per-token loss 4) mean over the tokens that count
  const logProbs = z.map(logSoftmaxRow);
  const smoothedTargets = y.map((t, i) => smoothedRow(t, z[0]!.length, labelSmoothing, counted[i]!));
  const perToken = smoothedTargets.map((q, i) => (counted[i] ? -dotVectors(q, logProbs[i]!) : 0));
  const loss = perToken.reduce((sum, l) => sum + l, 0) / count;
  return { logProbs, smoothedTargets, perToken, counted, count, loss };
}

/** Checks that the targets are N integers, each a class id in [0, V) or `padId`. */
function checkTargets(targets: unknown, n: number, v: number, padId: number | undefined): number[] {
  const y = toNumberArray("crossEntropy: targets", targets);
  if (y.length !== n)
    throw new RangeError(
      `crossEntropy: targets has ${y.length} entries but logits has ${n} rows (one target per row)`,
    );
  y.forEach((t, i) => {
    if (t !== padId && !(Number.isInteger(t) && t >= 0 && t < v))
      throw new RangeError(
        `crossEntropy: targets[${i}] must be an integer class id in [0, ${v - 1}]${padId === undefined ? "" : ` or padId ${padId}`}, got ${t}`,
      );
  });
  return y;
}

/** log softmax of one row, stable: z − max − ln Σ exp(z − max). */
function logSoftmaxRow(row: number[]): number[] {
  const max = row.reduce((m, x) => Math.max(m, x), -Infinity);
  const logSum = Math.log(row.reduce((sum, x) => sum + Math.exp(x - max), 0));
  return row.map((x) => x - max - logSum);
}

/** (1 − ε)·onehot(t) + ε/V, or zeros when the token does not count. */
function smoothedRow(t: number, v: number, epsilon: number, counts: boolean): number[] {
  if (!counts) return new Array<number>(v).fill(0);
  return Array.from({ length: v }, (_, c) => (c === t ? 1 - epsilon : 0) + epsilon / v);
}

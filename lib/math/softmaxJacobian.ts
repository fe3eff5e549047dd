/**
 * The derivative of the softmax: its Jacobian J = ∂p/∂z = diag(p) − p pᵀ for p = softmax(z), and the
 * vector–Jacobian product that a backward pass uses instead of J. Follows: Goodfellow et al., Deep Learning
 * §6.2.2.3 (softmax units, ∂ softmax_i/∂z_j = p_i(δ_ij − p_j)); with a temperature τ, p = softmax(z/τ) and every
 * entry is divided by τ.
 */
import { checkOptions, opt } from "../check/options.js";
import { isVectorLike, type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import { assertNoOverflow, formatShape, type Matrix, shapeOf } from "./matrix.js";

/** Options for {@link softmaxJacobian} and {@link softmaxBackward}. */
export interface SoftmaxJacobianOptions {
  /** The temperature τ > 0 that p was computed with, p = softmax(z/τ) (default 1): the derivative is divided by τ. */
  temperature?: number;
}

const RULES = { temperature: opt.number({ above: 0 }) } as const;

/** How far a probability vector's sum may be from 1 (softmax output printed to 7 digits still passes). */
const SUM_TOLERANCE = 1e-6;

/**
 * The Jacobian of the softmax at the probability vector `p = softmax(z/τ)`: J_ij = ∂p_i/∂z_j = p_i(δ_ij − p_j)/τ,
 * i.e. (diag(p) − p pᵀ)/τ, `[n, n]`, symmetric, each row and column summing to 0 (adding a constant to every z_j
 * changes nothing). An all-zero p (a fully masked row, whose softmax is defined as zeros) gives J = 0.
 * @example
 *   softmaxJacobian([0.5, 0.5]); // [[0.25, -0.25], [-0.25, 0.25]]
 *   softmaxJacobian([1, 0]); // [[0, 0], [0, 0]] (a saturated softmax has no gradient)
 */
export function softmaxJacobian(p: VectorLike, options: SoftmaxJacobianOptions = {}): Matrix {
  const { temperature = 1 } = checkOptions("softmaxJacobian", options, RULES);
  const q = probabilities("softmaxJacobian", "p", p);
  return q.map((pi, i) =>
    q.map((pj, j) =>
      assertNoOverflow(
        "softmaxJacobian: p(δ − p)/τ",
        ((i === j ? pi : 0) - pi * pj) / temperature,
        `[${i}, ${j}]`,
      ),
    ),
  );
}

/**
 * The vector–Jacobian product of the softmax: given p = softmax(z/τ) and the gradient `dp` = ∂L/∂p, returns
 * ∂L/∂z = Jᵀ dp = p ⊙ (dp − ⟨dp, p⟩)/τ without forming J (O(n) instead of O(n²)). For matrices it works row by
 * row (a row softmax, as attention's weights): `p` and `dp` `[T, S]` → `[T, S]`. Entries where p = 0 (masked
 * keys) get exactly 0.
 * @example
 *   softmaxBackward([0.5, 0.5], [1, 0]); // [0.25, -0.25] (= softmaxJacobian([0.5, 0.5]) · [1, 0])
 *   softmaxBackward([[0.5, 0.5, 0]], [[1, 0, 7]]); // [[0.25, -0.25, 0]]
 */
export function softmaxBackward(p: VectorLike, dp: VectorLike, options?: SoftmaxJacobianOptions): number[];
export function softmaxBackward(p: MatrixLike, dp: MatrixLike, options?: SoftmaxJacobianOptions): Matrix;
export function softmaxBackward(
  p: VectorLike | MatrixLike,
  dp: VectorLike | MatrixLike,
  options: SoftmaxJacobianOptions = {},
): number[] | Matrix {
  const { temperature = 1 } = checkOptions("softmaxBackward", options, RULES);
  if (isVectorLike(p)) {
    const q = probabilities("softmaxBackward", "p", p);
    const g = toNumberArray("softmaxBackward: dp", dp as VectorLike);
    if (g.length !== q.length) {
      throw new RangeError(
        `softmaxBackward: dp has shape [${g.length}] but p has shape [${q.length}]; they must match`,
      );
    }
    return finite(softmaxRowBackward(q, g, temperature), "");
  }
  const pm = toMatrix("softmaxBackward: p", p);
  const gm = toMatrix("softmaxBackward: dp", dp as MatrixLike);
  const [sp, sg] = [shapeOf(pm), shapeOf(gm)];
  if (sp[0] !== sg[0] || sp[1] !== sg[1]) {
    throw new RangeError(
      `softmaxBackward: dp has shape ${formatShape(sg)} but p has shape ${formatShape(sp)}; they must match`,
    );
  }
  return pm.map((row, i) =>
    finite(
      softmaxRowBackward(probabilities("softmaxBackward", `p[${i}]`, row), gm[i]!, temperature),
      `${i}, `,
    ),
  );
}

/** The row, checked finite (a tiny τ can overflow p ⊙ (dp − ⟨dp, p⟩)/τ). */
function finite(row: number[], at: string): number[] {
  return row.map((x, j) => assertNoOverflow("softmaxBackward: p ⊙ (dp − ⟨dp, p⟩)/τ", x, `[${at}${j}]`));
}

/**
 * p ⊙ (dp − ⟨dp, p⟩)/τ for one row, unchecked (the caller knows p is a softmax output): what attention's
 * backward pass applies to every row of its weights. Internal to lib/math (not exported from the package). Each
 * entry is at most max|dp|/2 · 1/τ, but dp − ⟨dp, p⟩ alone can overflow for |dp| near 1e308, so such a dp is
 * scaled by a power of 2 first (exact) and the result scaled back.
 */
export function softmaxRowBackward(p: readonly number[], dp: readonly number[], temperature = 1): number[] {
  const big = dp.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  if (big > 2 ** 1000) {
    const down = dp.map((x) => x * 2 ** -600); // exact (a power of 2), entries now ≤ 2^424
    return softmaxRowBackward(p, down, temperature).map((x) => x * 2 ** 600);
  }
  let inner = 0;
  for (let j = 0; j < p.length; j++) inner += dp[j]! * p[j]!;
  return p.map((pj, j) => (pj === 0 ? 0 : (pj * (dp[j]! - inner)) / temperature));
}

/** Checks that `value` is a probability vector (entries in [0, 1] summing to 1), or all zeros. */
function probabilities(where: string, name: string, value: unknown): number[] {
  const p = toNumberArray(`${where}: ${name}`, value);
  p.forEach((x, j) => {
    if (x < 0 || x > 1) {
      throw new RangeError(
        `${where}: ${name}[${j}] is ${x}; a probability vector (a softmax output) has entries in [0, 1]`,
      );
    }
  });
  const sum = p.reduce((s, x) => s + x, 0);
  if (sum !== 0 && Math.abs(sum - 1) > SUM_TOLERANCE) {
    throw new RangeError(
      `${where}: ${name} sums to ${sum}; a probability vector (a softmax output) sums to 1 (or is all 0 for a fully masked row)`,
    );
  }
  return p;
}

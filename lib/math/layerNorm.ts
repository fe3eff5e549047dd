/**
 * Layer normalisation of each row (one token) on plain arrays, with every intermediate.
 * Follows: Ba et al. 2016 eq. 4, μ_i = (1/E) Σ_j x_ij, σ²_i = (1/E) Σ_j (x_ij − μ_i)², y_ij = γ_j (x_ij − μ_i)/√(σ²_i + ε)
 * + β_j; the biased variance and ε inside the root, as the tier-2 `LayerNorm` and PyTorch compute it.
 */
import { checkOptions, opt } from "../check/options.js";
import { type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import { assertNoOverflow, formatShape, type Matrix, type Shape } from "./matrix.js";
import { type StepRow, shapesOf, stepsFrom, type TraceStep } from "./trace.js";

/** Options of {@link layerNorm}: the gain γ and bias β (`[E]` each) and ε. */
export interface LayerNormOptions {
  /** Gain γ, one per column. Default: ones. */
  gamma?: VectorLike;
  /** Bias β, one per column. Default: zeros. */
  beta?: VectorLike;
  /** ε added to the variance, > 0. Default 1e-5 (the tier-2 `LayerNorm`'s). */
  epsilon?: number;
}

/** The rules of {@link LayerNormOptions} (γ and β are checked as vectors against the width). */
export const LAYER_NORM_RULES = {
  gamma: opt.any(),
  beta: opt.any(),
  epsilon: opt.number({ above: 0 }),
} as const;

/** Every intermediate of a LayerNorm over `x [T, E]`. */
export interface LayerNormTrace {
  /** The ε used. */
  epsilon: number;
  /** Row means μ, `[T, 1]`. */
  mean: Matrix;
  /** Row variances σ² (biased: divided by E), `[T, 1]`. */
  variance: Matrix;
  /** (x − μ)/√(σ² + ε), `[T, E]`: each row has mean 0 and variance σ²/(σ² + ε) ≈ 1. */
  normalized: Matrix;
  /** γ ⊙ normalized + β, `[T, E]`. */
  output: Matrix;
  /** The steps above in order, each with its symbol, equation, shape and value. */
  steps: TraceStep[];
  /** Shape of each step by name. */
  shapes: Record<string, Shape>;
}

/**
 * LayerNorm of each row of `x [T, E]`: y = γ ⊙ (x − μ)/√(σ² + ε) + β, with every intermediate.
 * @example
 *   const t = layerNorm([[1, 3]], { epsilon: 1e-12 });
 *   t.mean; // [[2]]
 *   t.variance; // [[1]]
 *   t.output; // [[-1, 1]]
 *   layerNorm([[1, 3]], { gamma: [2, 2], beta: [0, 1] }).output; // [[-2, 3]] (to 1e-5: ε = 1e-5)
 */
export function layerNorm(x: MatrixLike, options: LayerNormOptions = {}): LayerNormTrace {
  const where = "layerNorm";
  const o = checkOptions(where, options, LAYER_NORM_RULES);
  const m = toMatrix(`${where}: x`, x);
  const e = m[0]!.length;
  const gamma = rowVector(where, "options.gamma", o.gamma, e, 1);
  const beta = rowVector(where, "options.beta", o.beta, e, 0);
  const epsilon = o.epsilon ?? 1e-5;
  // 1) mean 2) variance 3) normalise 4) scale and shift
  const mean = m.map((row) => [row.reduce((s, v) => s + v / e, 0)]); // [T, 1], Σ x/E: no overflow of the sum
  const centred = m.map((row, i) => row.map((v) => v - mean[i]![0]!)); // [T, E]
  const variance = centred.map((row, i) => {
    const v = row.reduce((s, c) => s + (c * c) / e, 0);
    return [assertNoOverflow(`${where}: the variance of x`, v, `row ${i}`)];
  }); // [T, 1]
  const normalized = centred.map((row, i) => row.map((c) => c / Math.sqrt(variance[i]![0]! + epsilon))); // [T, E]
  const output = normalized.map((row) => row.map((v, j) => gamma[j]! * v + beta[j]!)); // [T, E]
  const steps = stepsFrom(LAYER_NORM_STEPS, { mean, variance, normalized, output }, null);
  return { epsilon, mean, variance, normalized, output, steps, shapes: shapesOf(steps) };
}

/** A per-column vector option of length `e`, or `fill` repeated when left out. */
function rowVector(where: string, name: string, value: unknown, e: number, fill: number): number[] {
  if (value === undefined) return new Array<number>(e).fill(fill);
  const v = toNumberArray(`${where}: ${name}`, value);
  if (v.length !== e) {
    throw new RangeError(
      `${where}: ${name} has shape ${formatShape([v.length])} but x has ${e} columns (one entry per column)`,
    );
  }
  return v;
}

/** The steps of a LayerNorm trace, in order. */
const LAYER_NORM_STEPS: readonly StepRow<null>[] = [
  { name: "mean", symbol: "\\mu", equation: "\\mu_i = \\tfrac{1}{E} \\sum_j x_{ij}" },
  {
    name: "variance",
    symbol: "\\sigma^2",
    equation: "\\sigma^2_i = \\tfrac{1}{E} \\sum_j (x_{ij} - \\mu_i)^2",
  },
  {
    name: "normalized",
    symbol: "\\hat x",
    equation: "\\hat x_{ij} = (x_{ij} - \\mu_i) / \\sqrt{\\sigma^2_i + \\varepsilon}",
  },
  { name: "output", symbol: "y", equation: "y_{ij} = \\gamma_j \\hat x_{ij} + \\beta_j" },
];

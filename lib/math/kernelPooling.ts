/**
 * Nadaraya–Watson kernel regression as attention pooling: f(x) = Σ_i α(x, x_i) y_i with
 * α(x, x_i) = K((x − x_i)/h) / Σ_j K((x − x_j)/h), where K is a smoothing kernel (a weight as a function of
 * the scaled distance; see "kernel" in docs/glossary.md). Follows: Nadaraya 1964, Watson 1964; d2l §11.2.
 */
import { checkOptions, opt } from "../check/options.js";
import { assertSize, toNumberArray, type VectorLike } from "./input.js";
import type { Matrix, Shape } from "./matrix.js";
import { softmax } from "./softmax.js";
import { type StepRow, shapesOf, stepsFrom, type TraceStep } from "./trace.js";

/**
 * The four smoothing kernels K(u): gaussian exp(−u²/2), boxcar 1{|u| ≤ 1}, epanechnikov ¾(1 − u²)₊, constant 1.
 */
export type KernelName = "gaussian" | "boxcar" | "epanechnikov" | "constant";

/** Options for {@link kernelPooling}. */
export interface KernelPoolingOptions {
  /** Smoothing kernel K (default "gaussian"). */
  kernel?: KernelName;
  /** Bandwidth h > 0 (default 1): u = (x − x_i)/h. */
  bandwidth?: number;
}

/** Every intermediate of a kernel pooling, T queries and S training points. */
export interface KernelPoolingTrace {
  /** The smoothing kernel used. */
  kernel: KernelName;
  /** The bandwidth h used. */
  bandwidth: number;
  /** u_ij = (x_i − x'_j)/h, `[T, S]`. */
  distances: Matrix;
  /** K(u_ij), `[T, S]`. */
  kernelValues: Matrix;
  /** α_ij = K(u_ij)/Σ_j K(u_ij), `[T, S]`; an all-zero row when no point lies within the kernel's support. */
  weights: Matrix;
  /** ŷ_i = Σ_j α_ij y_j, length T (0 for a row with no support). */
  output: number[];
  steps: TraceStep[];
  shapes: Record<string, Shape>;
}

/** The smoothing kernels K(u), by name. */
export const kernels: Record<KernelName, (u: number) => number> = {
  gaussian: (u) => Math.exp(-(u * u) / 2),
  boxcar: (u) => (Math.abs(u) <= 1 ? 1 : 0),
  epanechnikov: (u) => (Math.abs(u) <= 1 ? 0.75 * (1 - u * u) : 0),
  constant: () => 1,
};

/** The smoothing-kernel names, in the order error messages list them. */
export const KERNEL_NAMES = Object.keys(kernels) as KernelName[];

/**
 * Predicts y at each query x by attention pooling over training pairs (keys x_j, values y_j).
 * The gaussian weights are computed in the log domain as softmax(−(u_j² − u_min²)/2), relative to the nearest
 * point, so huge distances or tiny bandwidths cannot overflow or underflow: the nearest point wins, never NaN.
 * The inputs may be `number[]` or typed arrays.
 * @example
 *   kernelPooling([0], [-1, 1], [0, 2]).output; // [1] (both points equally near)
 *   kernelPooling([0], [5, 9], [1, 2], { kernel: "boxcar" }).output; // [0] (no point within h: zero weights)
 *   kernelPooling([0], [1, 3], [5, 7], { bandwidth: 1e-300 }).output; // [5] (the nearest point wins)
 */
export function kernelPooling(
  queries: VectorLike,
  keys: VectorLike,
  values: VectorLike,
  options: KernelPoolingOptions = {},
): KernelPoolingTrace {
  const { kernel = "gaussian", bandwidth = 1 } = checkOptions("kernelPooling", options, {
    kernel: opt.oneOf(KERNEL_NAMES),
    bandwidth: opt.number({ above: 0 }),
  });
  const xs = toNumberArray("kernelPooling: queries", queries);
  const xk = toNumberArray("kernelPooling: keys", keys);
  const ys = toNumberArray("kernelPooling: values", values);
  if (ys.length !== xk.length)
    throw new RangeError(
      `kernelPooling: values has shape [${ys.length}] but keys has shape [${xk.length}]: one value per key`,
    );
  assertSize(`kernelPooling: the [${xs.length}, ${xk.length}] weights`, xs.length * xk.length);
  // half-distances |x − x_j|/2 never overflow (each term ≤ 0.9e308); u = 2·half/h may be ±Infinity
  const halves = xs.map((x) => xk.map((xj) => x / 2 - xj / 2));
  const distances = halves.map((row) => row.map((a) => (2 * a) / bandwidth));
  const kernelValues = distances.map((row) => row.map(kernels[kernel]));
  const weights =
    kernel === "gaussian"
      ? softmax(halves.map((row) => gaussianLogits(row, bandwidth)))
      : kernelValues.map(normalise);
  const output = weights.map((row) => row.reduce((sum, a, j) => sum + a * ys[j]!, 0));
  const intermediates = { distances, kernelValues, weights, output: output.map((y) => [y]) }; // output [T, 1]
  const steps = stepsFrom(KERNEL_POOLING_STEPS, intermediates, null);
  return { kernel, bandwidth, distances, kernelValues, weights, output, steps, shapes: shapesOf(steps) };
}

/** The steps of a kernel-pooling trace, in order, each named after the field it shows. */
const KERNEL_POOLING_STEPS: readonly StepRow<null>[] = [
  { name: "distances", symbol: "U", equation: "U_{ij} = (x_i - x'_j)/h" },
  { name: "kernelValues", symbol: "K", equation: "K_{ij} = K(U_{ij})" },
  { name: "weights", symbol: "\\alpha", equation: "\\alpha_{ij} = K_{ij} / \\sum_j K_{ij}" },
  { name: "output", symbol: "\\hat y", equation: "\\hat y_i = \\sum_j \\alpha_{ij} y_j" },
];

/**
 * −(u_j² − u_min²)/2 for u_j = 2 a_j / h, written as −2 · ((|a_j| − |a_min|)/h) · ((|a_j| + |a_min|)/h): 0 for
 * the nearest point(s), ≤ 0 (possibly −Infinity, weight 0) for the others; never NaN, never a fully masked row.
 */
function gaussianLogits(halves: number[], bandwidth: number): number[] {
  const abs = halves.map(Math.abs);
  const nearest = abs.reduce((m, a) => Math.min(m, a), Infinity);
  return abs.map((a) => (a === nearest ? 0 : -2 * ((a - nearest) / bandwidth) * ((a + nearest) / bandwidth)));
}

function normalise(row: number[]): number[] {
  const total = row.reduce((a, b) => a + b, 0);
  return total === 0 ? row.map(() => 0) : row.map((k) => k / total);
}

/**
 * Nadaraya–Watson kernel regression as attention pooling: f(x) = Σ_i α(x, x_i) y_i with
 * α(x, x_i) = K((x − x_i)/h) / Σ_j K((x − x_j)/h). Follows: Nadaraya 1964, Watson 1964; d2l §11.2.
 */
import { assertPositive, assertVector, type Matrix } from "./matrix.js";
import { softmax } from "./softmax.js";
import { shapesOf, step, type TraceStep } from "./trace.js";
import type { Shape } from "./matrix.js";

/** The four kernels: gaussian exp(−u²/2), boxcar 1{|u| ≤ 1}, epanechnikov ¾(1 − u²)₊, constant 1. */
export type KernelName = "gaussian" | "boxcar" | "epanechnikov" | "constant";

/** Options for {@link kernelPooling}. */
export interface KernelPoolingOptions {
  /** Kernel (default "gaussian"). */
  kernel?: KernelName;
  /** Bandwidth h > 0 (default 1): u = (x − x_i)/h. */
  bandwidth?: number;
}

/** Every intermediate of a kernel pooling, T queries and S training points. */
export interface KernelPoolingTrace {
  kernel: KernelName;
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

/** The kernel functions K(u). */
export const kernels: Record<KernelName, (u: number) => number> = {
  gaussian: (u) => Math.exp(-(u * u) / 2),
  boxcar: (u) => (Math.abs(u) <= 1 ? 1 : 0),
  epanechnikov: (u) => (Math.abs(u) <= 1 ? 0.75 * (1 - u * u) : 0),
  constant: () => 1,
};

/**
 * Predicts y at each query x by attention pooling over training pairs (keys x_j, values y_j).
 * The gaussian weights are computed as softmax(−u²/2), which equals the ratio of kernels but cannot underflow.
 * @example
 *   kernelPooling([0], [-1, 1], [0, 2]).output; // [1] (both points equally near)
 *   kernelPooling([0], [5, 9], [1, 2], { kernel: "boxcar" }).output; // [0] (no point within h: zero weights)
 */
export function kernelPooling(
  queries: number[],
  keys: number[],
  values: number[],
  options: KernelPoolingOptions = {},
): KernelPoolingTrace {
  assertVector("queries", queries);
  const s = assertVector("keys", keys);
  const sv = assertVector("values", values);
  if (sv !== s) throw new RangeError(`values has shape [${sv}] but keys has shape [${s}]: one value per key`);
  const kernel = options.kernel ?? "gaussian";
  if (!(kernel in kernels))
    throw new RangeError(`kernel must be one of ${Object.keys(kernels).join(", ")}, got "${kernel}"`);
  const bandwidth = assertPositive("bandwidth", options.bandwidth ?? 1);
  const distances = queries.map((x) => keys.map((xi) => (x - xi) / bandwidth));
  const kernelValues = distances.map((row) => row.map(kernels[kernel]));
  const weights =
    kernel === "gaussian"
      ? softmax(distances.map((row) => row.map((u) => -(u * u) / 2)))
      : kernelValues.map(normalise);
  const output = weights.map((row) => row.reduce((sum, a, j) => sum + a * values[j]!, 0));
  const steps = [
    step("distances", "U", "U_{ij} = (x_i - x'_j)/h", distances),
    step("kernelValues", "K", "K_{ij} = K(U_{ij})", kernelValues),
    step("weights", "\\alpha", "\\alpha_{ij} = K_{ij} / \\sum_j K_{ij}", weights),
    step(
      "output",
      "\\hat y",
      "\\hat y_i = \\sum_j \\alpha_{ij} y_j",
      output.map((y) => [y]),
    ),
  ];
  return { kernel, bandwidth, distances, kernelValues, weights, output, steps, shapes: shapesOf(steps) };
}

function normalise(row: number[]): number[] {
  const total = row.reduce((a, b) => a + b, 0);
  return total === 0 ? row.map(() => 0) : row.map((k) => k / total);
}

/**
 * The trace of one attention computation: every intermediate as a named step with its shape and the
 * equation that produced it, so a notebook can print, plot or check any step.
 */
import type { Matrix, Shape } from "./matrix.js";

/** One named intermediate of a computation. */
export interface TraceStep {
  /** Field name in the trace (`scores`, `scaledScores`, `masked`, `weights`, `output`…). */
  name: string;
  /** LaTeX symbol shown in notebooks (`S`, `\alpha`, `O`…). */
  symbol: string;
  /** LaTeX equation that defines it, e.g. `S = Q K^\top`. */
  equation: string;
  /** Shape `[rows, cols]`. */
  shape: Shape;
  /** The values. */
  value: Matrix;
}

/** Makes a step, reading the shape off the value. */
export function step(name: string, symbol: string, equation: string, value: Matrix): TraceStep {
  return { name, symbol, equation, shape: [value.length, value[0]?.length ?? 0], value };
}

/** The shapes of all steps, by name: `{ scores: [T, S], weights: [T, S], output: [T, d_v] }`. */
export function shapesOf(steps: readonly TraceStep[]): Record<string, Shape> {
  return Object.fromEntries(steps.map((s) => [s.name, s.shape]));
}

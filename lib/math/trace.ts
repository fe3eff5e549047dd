/**
 * The trace of one attention computation: every intermediate as a named step with its shape and the
 * equation that produced it, so a notebook can print, plot or check any step. A function computes its
 * intermediates first and then builds the steps from one table ({@link stepsFrom}), so no LaTeX is woven
 * through the math.
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

/**
 * One row of a step table: the intermediate `name` (its field in the trace), its LaTeX symbol, and its
 * equation, either fixed or written from the computation's settings `C` and the symbol of the step before it.
 */
export interface StepRow<C> {
  name: string;
  symbol: string;
  equation: string | ((settings: C, previous: string) => string);
}

/** Makes a step, reading the shape off the value. */
export function step(name: string, symbol: string, equation: string, value: Matrix): TraceStep {
  return { name, symbol, equation, shape: [value.length, value[0]?.length ?? 0], value };
}

/**
 * The steps of a computation from its table: one step per row whose intermediate `values[row.name]` exists,
 * in table order (an intermediate that was not computed, e.g. no mask given, has no step).
 * @example
 *   const x = { name: "x", symbol: "X", equation: "X = 1" };
 *   const y = { name: "y", symbol: "Y", equation: (_, previous) => `Y = 2${previous}` };
 *   stepsFrom([x, y], { x: [[1]], y: [[2]] }, null).map((s) => s.equation); // ["X = 1", "Y = 2X"]
 *   stepsFrom([x, y], { y: [[2]] }, null).map((s) => s.name); // ["y"] (x was not computed: no step)
 */
export function stepsFrom<C>(
  table: readonly StepRow<C>[],
  values: Readonly<Record<string, Matrix | undefined>>,
  settings: C,
): TraceStep[] {
  const steps: TraceStep[] = [];
  for (const row of table) {
    const value = values[row.name];
    if (value === undefined) continue;
    const previous = steps.at(-1)?.symbol ?? "";
    const equation = typeof row.equation === "string" ? row.equation : row.equation(settings, previous);
    steps.push(step(row.name, row.symbol, equation, value));
  }
  return steps;
}

/** The shapes of all steps, by name: `{ scores: [T, S], weights: [T, S], output: [T, d_v] }`. */
export function shapesOf(steps: readonly TraceStep[]): Record<string, Shape> {
  return Object.fromEntries(steps.map((s) => [s.name, s.shape]));
}

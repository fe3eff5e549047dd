/**
 * LaTeX for notebooks: a matrix as a `bmatrix`, a trace step as "equation = matrix", a whole trace as
 * aligned lines. Masked entries (−∞) print as `-\infty`.
 */
import type { Matrix } from "./matrix.js";
import type { TraceStep } from "./trace.js";

/** Formatting options. */
export interface LatexOptions {
  /** Decimal places (default 4); trailing zeros are dropped. */
  digits?: number;
}

/** One number in LaTeX, rounded to `digits` places. */
export function latexNumber(x: number, digits = 4): string {
  if (x === -Infinity) return "-\\infty";
  if (x === Infinity) return "\\infty";
  if (Number.isNaN(x)) return "\\text{NaN}";
  const rounded = Number(x.toFixed(digits));
  return String(rounded === 0 ? 0 : rounded); // no "-0"
}

/**
 * A matrix (or a vector, shown as one row) as a LaTeX `bmatrix`.
 * @example matrixToLatex([[1, 0.5], [-Infinity, 2]]); // "\\begin{bmatrix} 1 & 0.5 \\\\ -\\infty & 2 \\end{bmatrix}"
 */
export function matrixToLatex(m: Matrix | number[], options: LatexOptions = {}): string {
  const rows: Matrix = Array.isArray(m[0]) ? (m as Matrix) : [m as number[]];
  const body = rows.map((row) => row.map((x) => latexNumber(x, options.digits)).join(" & ")).join(" \\\\ ");
  return `\\begin{bmatrix} ${body} \\end{bmatrix}`;
}

/**
 * A trace step as its equation followed by its value, e.g. `\alpha = \operatorname{softmax}(S') = [...]`.
 */
export function stepToLatex(step: TraceStep, options: LatexOptions = {}): string {
  return `${step.equation} = ${matrixToLatex(step.value, options)}`;
}

/**
 * Every step of a trace (or the named ones) as one `aligned` block, ready for `$$ … $$`.
 * @example
 *   traceToLatex(attend([[1]], [[1]], [[2]]), { only: ["output"] }); // "\\begin{aligned} O &= \\alpha V = \\begin{bmatrix} 2 \\end{bmatrix} \\end{aligned}"
 */
export function traceToLatex(
  trace: { steps: readonly TraceStep[] },
  options: LatexOptions & { only?: string[] } = {},
): string {
  const chosen = trace.steps.filter((s) => options.only === undefined || options.only.includes(s.name));
  const unknown = (options.only ?? []).filter((name) => !trace.steps.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new RangeError(
      `only: no step named ${unknown.join(", ")}; steps are ${trace.steps.map((s) => s.name).join(", ")}`,
    );
  }
  const lines = chosen.map((s) => {
    const [lhs, ...rhs] = stepToLatex(s, options).split(" = ");
    return `${lhs} &= ${rhs.join(" = ")}`;
  });
  return `\\begin{aligned} ${lines.join(" \\\\ ")} \\end{aligned}`;
}

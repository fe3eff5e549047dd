/**
 * LaTeX for notebooks: a matrix as a `bmatrix`, a trace step as "equation = matrix", a whole trace as
 * aligned lines. Masked entries (−∞) print as `-\infty`.
 */
import { checkOptions, checkValue, describeValue, opt } from "../check/options.js";
import { isVectorLike, type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import type { TraceStep } from "./trace.js";

/** Decimal places allowed (the range of `Number.prototype.toFixed`). */
const DIGITS_RULE = opt.integer({ min: 0, max: 100 });
const LATEX_RULES = { digits: DIGITS_RULE } as const;

/** Formatting options. */
export interface LatexOptions {
  /** Decimal places (default 4); trailing zeros are dropped. */
  digits?: number;
}

/** One number in LaTeX, rounded to `digits` places. */
export function latexNumber(x: number, digits = 4): string {
  if (typeof x !== "number") throw new TypeError(`latexNumber: x must be a number, got ${describeValue(x)}`);
  checkValue("latexNumber", "digits", digits, DIGITS_RULE);
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
export function matrixToLatex(m: MatrixLike | VectorLike, options: LatexOptions = {}): string {
  return matrixLatex("matrixToLatex: m", m, checkOptions("matrixToLatex", options, LATEX_RULES));
}

/** Any number may be shown (±∞ for masked scores, NaN as text); vectors and typed arrays print as one row. */
function matrixLatex(label: string, m: unknown, options: LatexOptions): string {
  const shown = { allowInfinity: true, allowNaN: true };
  const rows = isVectorLike(m) ? [toNumberArray(label, m, shown)] : toMatrix(label, m, shown);
  const body = rows.map((row) => row.map((x) => latexNumber(x, options.digits)).join(" & ")).join(" \\\\ ");
  return `\\begin{bmatrix} ${body} \\end{bmatrix}`;
}

/**
 * A trace step as its equation followed by its value, e.g. `\alpha = \operatorname{softmax}(S') = [...]`.
 */
export function stepToLatex(step: TraceStep, options: LatexOptions = {}): string {
  return stepLatex("stepToLatex", "step", step, checkOptions("stepToLatex", options, LATEX_RULES));
}

function stepLatex(where: string, name: string, step: unknown, options: LatexOptions): string {
  const s = step as Partial<TraceStep> | null;
  if (typeof s !== "object" || s === null || typeof s.equation !== "string" || s.value === undefined)
    throw new TypeError(
      `${where}: ${name} must be a trace step { name, equation, value, … }, got ${describeValue(step)}`,
    );
  return `${s.equation} = ${matrixLatex(`${where}: ${name}.value`, s.value, options)}`;
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
  const { only, ...format } = checkOptions("traceToLatex", options, { ...LATEX_RULES, only: opt.any() });
  const steps = traceSteps(trace);
  const names = steps.map((s) => s.name);
  if (only !== undefined) checkOnly(only, names);
  const chosen = steps.filter((s) => only === undefined || only.includes(s.name));
  const lines = chosen.map((s, i) => {
    const [lhs, ...rhs] = stepLatex("traceToLatex", `trace.steps[${i}]`, s, format).split(" = ");
    return `${lhs} &= ${rhs.join(" = ")}`;
  });
  return `\\begin{aligned} ${lines.join(" \\\\ ")} \\end{aligned}`;
}

function traceSteps(trace: unknown): readonly TraceStep[] {
  const steps = (trace as { steps?: unknown } | null)?.steps;
  if (typeof trace !== "object" || trace === null || !Array.isArray(steps))
    throw new TypeError(
      `traceToLatex: trace must be a trace with a steps array, got ${describeValue(trace)}`,
    );
  return steps as TraceStep[];
}

function checkOnly(only: unknown, names: string[]): void {
  if (!Array.isArray(only) || only.some((n) => typeof n !== "string"))
    throw new TypeError(
      `traceToLatex: options.only must be an array of step names (${names.join(", ")}), got ${describeValue(only)}`,
    );
  const unknown = only.filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new RangeError(
      `traceToLatex: options.only: no step named ${unknown.join(", ")}; steps are ${names.join(", ")}`,
    );
  }
}

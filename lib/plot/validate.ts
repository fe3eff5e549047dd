// Input checks shared by the plot builders: every message names the argument and both shapes (STYLE.md, mathjs).

import { opt } from "../check/options.js";

/** A label for a row or column: numbers are shown as text. */
export type Label = string | number;

/** Formats a shape as `[a, b]`. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * Checks that `m` is a non-empty rectangular matrix of finite numbers and returns its shape `[rows, cols]`.
 * E.g. `checkMatrix("weights", [[1, 0], [0, 1]], "attentionHeatmap")` gives `[2, 2]`.
 */
export function checkMatrix(name: string, m: unknown, where: string): [number, number] {
  if (!Array.isArray(m) || m.length === 0) {
    throw new TypeError(`${where}: ${name} must be a non-empty number[][], got ${describe(m)}`);
  }
  const first: unknown = m[0];
  if (!Array.isArray(first) || first.length === 0) {
    throw new TypeError(`${where}: ${name}[0] must be a non-empty number[], got ${describe(first)}`);
  }
  const cols = first.length;
  m.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) {
      throw new TypeError(`${where}: ${name}[${i}] must be a number[], got ${describe(row)}`);
    }
    if (row.length !== cols) {
      throw new RangeError(
        `${where}: ${name} is ragged: ${name}[${i}] has shape [${row.length}] but ${name}[0] has shape [${cols}]`,
      );
    }
    row.forEach((v: unknown, j) => checkNumber(`${name}[${i}][${j}]`, v, where, [m.length, cols]));
  });
  return [m.length, cols];
}

/**
 * Checks that `v` is a finite number; `shape` (of the containing array) goes into the message.
 * E.g. `checkNumber("y[0]", NaN, "lineChart", [3])` throws a RangeError.
 */
export function checkNumber(name: string, v: unknown, where: string, shape: readonly number[]): void {
  if (typeof v !== "number") {
    throw new TypeError(
      `${where}: ${name} must be a number, got ${describe(v)} (in an array of shape ${shapeText(shape)})`,
    );
  }
  if (!Number.isFinite(v)) {
    throw new RangeError(
      `${where}: ${name} is ${v} (in an array of shape ${shapeText(shape)}); values must be finite`,
    );
  }
}

/**
 * Checks a finite number vector and returns its length.
 * E.g. `checkVector("values", [1, 2], "barChart")` gives `2`.
 */
export function checkVector(name: string, v: unknown, where: string): number {
  if (!Array.isArray(v)) throw new TypeError(`${where}: ${name} must be a number[], got ${describe(v)}`);
  v.forEach((x: unknown, i) => checkNumber(`${name}[${i}]`, x, where, [v.length]));
  return v.length;
}

/**
 * Returns `labels` as strings after checking there is one per position, or `0..n-1` when absent.
 * `arrayName` and `shape` name the array whose dimension (of size `n`) the labels must match.
 * E.g. `checkLabels("rowLabels", ["a", "b"], 2, "weights", [2, 3], "attentionHeatmap")` gives `["a", "b"]`.
 */
export function checkLabels(
  name: string,
  labels: readonly Label[] | undefined,
  n: number,
  arrayName: string,
  shape: readonly number[],
  where: string,
): string[] {
  if (labels === undefined) return Array.from({ length: n }, (_, i) => String(i));
  if (!Array.isArray(labels))
    throw new TypeError(`${where}: ${name} must be an array, got ${describe(labels)}`);
  if (labels.length !== n) {
    throw new RangeError(
      `${where}: ${name} has shape [${labels.length}] but ${arrayName} has shape ${shapeText(shape)}; expected ${n} labels`,
    );
  }
  return labels.map((l, i) => {
    if (typeof l !== "string" && typeof l !== "number") {
      throw new TypeError(`${where}: ${name}[${i}] must be a string or number, got ${describe(l)}`);
    }
    return String(l);
  });
}

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return "null";
  if (typeof v === "number") return String(v);
  return typeof v === "string" ? JSON.stringify(v.slice(0, 40)) : typeof v;
}

/**
 * A vega expression that maps an index (`datum.value`) to its label, for axes over index fields.
 * Index fields keep repeated labels (two tokens "the") apart and in order.
 * E.g. `labelExpr(["a", "b"])` gives `'["a","b"][datum.value]'`.
 */
export function labelExpr(labels: readonly string[]): string {
  // JSON string literals are vega expression literals, once the two line separators JSON leaves raw are escaped.
  const list = JSON.stringify(labels)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  return `${list}[datum.value]`;
}

/** The option rules every chart builder shares: its title and its two axis titles (strings). */
export const TITLE_RULES = {
  title: opt.string(),
  xTitle: opt.string(),
  yTitle: opt.string(),
};

/**
 * Erasure (leave-one-out) importance: how much the probability of the predicted class drops when one token is
 * left out, Δp_t = p(c | x) − p(c | x without token t), c = argmax p(· | x). A token whose removal changes the
 * prediction matters to the model, whatever its attention weight says. Follows: Li, Monroe & Jurafsky 2016
 * ("Understanding neural networks through representation erasure") §3; Jain & Wallace 2019 §4 (leave-one-out
 * against attention); Serrano & Smith 2019.
 */
import { checkOptions, describeValue, opt } from "../check/options.js";
import { type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import type { Matrix } from "./matrix.js";

/** Options of {@link erasureImportance}. */
export interface ErasureOptions {
  /** The class whose probability is compared; default the predicted one, argmax of `full`. */
  target?: number;
}

/** What {@link erasureImportance} computed. */
export interface ErasureImportance {
  /** The class compared: `target`, or argmax of the full prediction. */
  target: number;
  /** p(target | x), the full input's probability of it. */
  full: number;
  /** `[T]`: p(target | x without token t). */
  leftOut: number[];
  /** `[T]`: Δp_t = p(target | x) − p(target | x without token t); positive = the token supported the class. */
  deltas: number[];
}

const RULES = { target: opt.integer({ min: 0 }) } as const;
const TOLERANCE = 1e-6;

/** Checks that `row` is a probability distribution (entries in [0, 1], sum 1 to 1e-6). */
function checkDistribution(where: string, name: string, row: readonly number[]): void {
  const bad = row.findIndex((p) => p < 0 || p > 1);
  if (bad >= 0) throw new RangeError(`${where}: ${name}[${bad}] is ${row[bad]}; probabilities lie in [0, 1]`);
  const sum = row.reduce((s, p) => s + p, 0);
  if (Math.abs(sum - 1) > TOLERANCE) {
    throw new RangeError(`${where}: ${name} sums to ${sum}; a distribution over the classes sums to 1`);
  }
}

/**
 * Erasure importance from predictions already made: `full [K]`, the class probabilities of the whole input, and
 * `leftOut [T, K]`, row t those of the input with token t left out (K ≥ 2; for a binary model with p(positive) = p
 * pass `[1 − p, p]`). Returns Δp_t of the predicted class (or of `options.target`).
 * @example
 *   const e = erasureImportance([0.2, 0.8], [[0.3, 0.7], [0.9, 0.1], [0.1, 0.9]]);
 *   e.target; // 1
 *   e.deltas.map((d) => +d.toFixed(2)); // [0.1, 0.7, -0.1]
 */
export function erasureImportance(
  full: VectorLike,
  leftOut: MatrixLike,
  options: ErasureOptions = {},
): ErasureImportance {
  const where = "erasureImportance";
  const { target: given } = checkOptions(where, options, RULES);
  const p = toNumberArray(`${where}: full`, full);
  const rows: Matrix = toMatrix(`${where}: leftOut`, leftOut);
  if (p.length < 2)
    throw new RangeError(`${where}: full has ${p.length} class; pass [1 − p, p] for one sigmoid`);
  if (rows[0]!.length !== p.length) {
    throw new RangeError(
      `${where}: leftOut is [${rows.length}, ${rows[0]!.length}] but full has ${p.length} classes`,
    );
  }
  checkDistribution(where, "full", p);
  rows.forEach((row, t) => checkDistribution(where, `leftOut[${t}]`, row));
  if (given !== undefined && given >= p.length) {
    throw new RangeError(
      `${where}: options.target is ${describeValue(given)}; classes are 0 … ${p.length - 1} (full has ${p.length} entries)`,
    );
  }
  const target = given ?? p.indexOf(Math.max(...p));
  const kept = rows.map((row) => row[target]!);
  return { target, full: p[target]!, leftOut: kept, deltas: kept.map((q) => p[target]! - q) };
}

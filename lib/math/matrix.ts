/**
 * Plain-array matrices for tier 1: the `Matrix` type, shape checks with clear errors, and the few
 * products attention needs, written as loops a reader can follow (row convention: one token per row).
 */
import { describeValue } from "../check/options.js";
import {
  assertSize,
  type EntryOptions,
  type MatrixLike,
  toMatrix,
  toNumberArray,
  type VectorLike,
} from "./input.js";

/** A dense row-major matrix: `m[i][j]` is row i, column j. */
export type Matrix = number[][];
/** A matrix shape `[rows, cols]`. */
export type Shape = [number, number];

/** Formats a shape the way error messages print it: `[3, 4]`. */
export function formatShape(shape: VectorLike): string {
  return `[${shape.join(", ")}]`;
}

/** The shape of a matrix, without validation. */
export function shapeOf(m: MatrixLike): Shape {
  return [m.length, m[0]?.length ?? 0];
}

/**
 * Checks that `value` is a non-empty, rectangular matrix of finite numbers and returns its shape.
 * Rows may be typed arrays (see {@link toMatrix}, which also returns the matrix as plain arrays).
 * Throws a TypeError for ragged, sparse or non-numeric input and a RangeError for empty or non-finite input,
 * naming the argument (`name`) in the message.
 * @example
 *   assertMatrix("queries", [[1, 2], [3, 4]]); // [2, 2]
 */
export function assertMatrix(name: string, value: unknown, opts: EntryOptions = {}): Shape {
  return shapeOf(toMatrix(name, value, opts));
}

/** Checks that `value` is a non-empty vector of finite numbers (a `number[]` or a typed array) and returns its length. */
export function assertVector(name: string, value: unknown): number {
  return toNumberArray(name, value).length;
}

/** Throws a RangeError for two arguments whose shapes do not fit, naming both and both shapes. */
export function shapeMismatch(
  what: string,
  a: [string, readonly number[]],
  b: [string, readonly number[]],
): never {
  const [aName, aShape] = a;
  const [bName, bShape] = b;
  throw new RangeError(
    `${what}: ${aName} has shape ${formatShape(aShape)} but ${bName} has shape ${formatShape(bShape)}`,
  );
}

/** Checks a positive integer argument (sizes, counts, heads): a TypeError if not a number, else a RangeError. */
export function assertPositiveInt(name: string, value: unknown): number {
  return assertCount(name, value, 1);
}

/** Checks an integer argument ≥ `min` (a TypeError if it is not a number at all). */
export function assertCount(name: string, value: unknown, min: number): number {
  if (typeof value !== "number")
    throw new TypeError(`${name} must be ${countWords(min)}, got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${name} must be ${countWords(min)}, got ${value}`);
  return value;
}

function countWords(min: number): string {
  return min === 1 ? "a positive integer" : `an integer ≥ ${min}`;
}

/** Checks a finite, strictly positive number (scales, temperatures, bandwidths). */
export function assertPositive(name: string, value: unknown): number {
  if (typeof value !== "number")
    throw new TypeError(`${name} must be a finite number > 0, got ${describeValue(value)}`);
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
  return value;
}

/**
 * Throws a RangeError when a result computed from finite entries is not finite (the product or sum left the
 * range of doubles, ±1.8e308), naming the step, the entry and a remedy: never a silent ±Infinity or NaN.
 */
export function assertNoOverflow(step: string, x: number, where: string): number {
  if (!Number.isFinite(x)) {
    throw new RangeError(
      `${step} overflowed to ${x} at ${where} although every input is finite; scale the inputs down (e.g. divide by their largest |entry|)`,
    );
  }
  return x;
}

/**
 * `a · b` for `a: [n, k]`, `b: [k, m]` → `[n, m]`; names appear in the error on a mismatch or an overflow.
 * @example matmul([[1, 2]], [[3], [4]]); // [[11]]
 */
export function matmul(a: MatrixLike, b: MatrixLike, names: [string, string] = ["a", "b"]): Matrix {
  const x = toMatrix(names[0], a);
  const y = toMatrix(names[1], b);
  const [n, k] = shapeOf(x);
  const [k2, m] = shapeOf(y);
  if (k !== k2) {
    throw new RangeError(
      `matmul: ${names[0]} ${formatShape([n, k])} cannot multiply ${names[1]} ${formatShape([k2, m])} (${k} != ${k2})`,
    );
  }
  assertSize(`matmul: the product ${names[0]} · ${names[1]} ${formatShape([n, m])}`, n * m);
  const out = zeros(n, m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let sum = 0;
      for (let t = 0; t < k; t++) sum += x[i]![t]! * y[t]![j]!;
      out[i]![j] = sum;
      if (!Number.isFinite(sum)) assertNoOverflow(`matmul: ${names[0]} · ${names[1]}`, sum, `[${i}, ${j}]`);
    }
  }
  return out;
}

/**
 * The transpose `mᵀ` (entries may be ±Infinity, e.g. masked scores).
 * @example transpose([[1, 2]]); // [[1], [2]]
 */
export function transpose(m: MatrixLike): Matrix {
  const x = toMatrix("m", m, { allowInfinity: true });
  const [rows, cols] = shapeOf(x);
  return Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => x[i]![j]!));
}

/**
 * A `rows × cols` matrix of zeros (at most {@link MAX_ENTRIES} entries).
 * @example zeros(1, 2); // [[0, 0]]
 */
export function zeros(rows: number, cols: number): Matrix {
  assertCount("zeros: rows", rows, 0);
  assertCount("zeros: cols", cols, 0);
  assertSize(`zeros: the ${formatShape([rows, cols])} matrix`, rows * cols);
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

/**
 * The `n × n` identity (at most {@link MAX_ENTRIES} entries).
 * @example identity(2); // [[1, 0], [0, 1]]
 */
export function identity(n: number): Matrix {
  assertPositiveInt("identity: n", n);
  assertSize(`identity: the ${formatShape([n, n])} matrix`, n * n);
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** Applies `f` to every entry (with its indices). */
export function mapMatrix(m: MatrixLike, f: (x: number, i: number, j: number) => number): Matrix {
  if (typeof f !== "function")
    throw new TypeError(`mapMatrix: f must be a function, got ${describeValue(f)}`);
  return toMatrix("m", m, { allowInfinity: true }).map((row, i) => row.map((x, j) => f(x, i, j)));
}

/** Entry-wise `a + b` of two matrices of the same shape. */
export function addMatrices(a: MatrixLike, b: MatrixLike, names: [string, string] = ["a", "b"]): Matrix {
  const [x, y] = [toMatrix(names[0], a), toMatrix(names[1], b)];
  const [sa, sb] = [shapeOf(x), shapeOf(y)];
  if (sa[0] !== sb[0] || sa[1] !== sb[1]) shapeMismatch("add", [names[0], sa], [names[1], sb]);
  const add = (v: number, w: number, i: number, j: number) => {
    const s = v + w;
    return Number.isFinite(s) ? s : assertNoOverflow(`add: ${names[0]} + ${names[1]}`, s, `[${i}, ${j}]`);
  };
  return x.map((row, i) => row.map((v, j) => add(v, y[i]![j]!, i, j)));
}

/** Adds a bias vector to every row: `m + 1 bᵀ`. */
export function addRowVector(m: MatrixLike, bias: VectorLike, name = "bias"): Matrix {
  const x = toMatrix("m", m);
  const b = toNumberArray(name, bias);
  const cols = shapeOf(x)[1];
  if (b.length !== cols) {
    throw new RangeError(`${name} has shape [${b.length}] but the rows it is added to have ${cols} columns`);
  }
  const add = (v: number, j: number, i: number) => {
    const s = v + b[j]!;
    return Number.isFinite(s) ? s : assertNoOverflow(`add: rows + ${name}`, s, `[${i}, ${j}]`);
  };
  return x.map((row, i) => row.map((v, j) => add(v, j, i)));
}

/**
 * The dot product of two vectors of equal length.
 * @example dotVectors([1, 2], [3, 4]); // 11
 */
export function dotVectors(a: VectorLike, b: VectorLike): number {
  const x = toNumberArray("a", a);
  const y = toNumberArray("b", b);
  if (x.length !== y.length) shapeMismatch("dotVectors", ["a", [x.length]], ["b", [y.length]]);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * y[i]!;
  return assertNoOverflow("dotVectors: a · b", sum, "the sum");
}

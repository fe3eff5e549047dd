/**
 * Plain-array matrices for tier 1: the `Matrix` type, shape checks with clear errors, and the few
 * products attention needs, written as loops a reader can follow (row convention: one token per row).
 */

/** A dense row-major matrix: `m[i][j]` is row i, column j. */
export type Matrix = number[][];
/** A matrix shape `[rows, cols]`. */
export type Shape = [number, number];

/** Formats a shape the way error messages print it: `[3, 4]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** The shape of a matrix, without validation. */
export function shapeOf(m: Matrix): Shape {
  return [m.length, m[0]?.length ?? 0];
}

/**
 * Checks that `value` is a non-empty, rectangular matrix of finite numbers and returns its shape.
 * Throws a TypeError for ragged or non-numeric input and a RangeError for empty or non-finite input,
 * naming the argument (`name`) in the message.
 * @example
 *   assertMatrix("queries", [[1, 2], [3, 4]]); // [2, 2]
 */
export function assertMatrix(name: string, value: unknown, opts: { allowInfinity?: boolean } = {}): Shape {
  if (!Array.isArray(value))
    throw new TypeError(`${name} must be a matrix (number[][]), got ${describe(value)}`);
  if (value.length === 0) throw new RangeError(`${name} must have at least one row, got shape [0, 0]`);
  const cols = Array.isArray(value[0]) ? value[0].length : -1;
  value.forEach((row, i) => {
    if (!Array.isArray(row)) throw new TypeError(`${name}[${i}] must be an array, got ${describe(row)}`);
    if (row.length !== cols) {
      throw new TypeError(`${name} is ragged: row 0 has ${cols} entries but row ${i} has ${row.length}`);
    }
    row.forEach((x, j) => assertEntry(`${name}[${i}][${j}]`, x, opts.allowInfinity ?? false));
  });
  if (cols === 0)
    throw new RangeError(`${name} must have at least one column, got shape [${value.length}, 0]`);
  return [value.length, cols];
}

/** Checks that `value` is a non-empty array of finite numbers and returns its length. */
export function assertVector(name: string, value: unknown): number {
  if (!Array.isArray(value))
    throw new TypeError(`${name} must be a vector (number[]), got ${describe(value)}`);
  if (value.length === 0) throw new RangeError(`${name} must have at least one entry, got shape [0]`);
  value.forEach((x, i) => assertEntry(`${name}[${i}]`, x, false));
  return value.length;
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

/** Checks a positive integer argument (sizes, counts, heads). */
export function assertPositiveInt(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/** Checks a finite, strictly positive number (scales, temperatures, bandwidths). */
export function assertPositive(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${describe(value)}`);
  }
  return value;
}

function assertEntry(where: string, x: unknown, allowInfinity: boolean): void {
  if (typeof x !== "number") throw new TypeError(`${where} must be a number, got ${describe(x)}`);
  if (Number.isNaN(x) || (!allowInfinity && !Number.isFinite(x))) {
    throw new RangeError(`${where} must be finite, got ${x}`);
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return "null";
  if (typeof value === "number") return String(value);
  return typeof value === "string" ? `"${value}"` : typeof value;
}

/** `a · b` for `a: [n, k]`, `b: [k, m]` → `[n, m]`; names appear in the error on a mismatch. */
export function matmul(a: Matrix, b: Matrix, names: [string, string] = ["a", "b"]): Matrix {
  const [n, k] = assertMatrix(names[0], a);
  const [k2, m] = assertMatrix(names[1], b);
  if (k !== k2) {
    throw new RangeError(
      `matmul: ${names[0]} ${formatShape([n, k])} cannot multiply ${names[1]} ${formatShape([k2, m])} (${k} != ${k2})`,
    );
  }
  const out = zeros(n, m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let sum = 0;
      for (let t = 0; t < k; t++) sum += a[i]![t]! * b[t]![j]!;
      out[i]![j] = sum;
    }
  }
  return out;
}

/** The transpose `mᵀ`. */
export function transpose(m: Matrix): Matrix {
  const [rows, cols] = shapeOf(m);
  return Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => m[i]![j]!));
}

/** A `rows × cols` matrix of zeros. */
export function zeros(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

/** The `n × n` identity. */
export function identity(n: number): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** Applies `f` to every entry (with its indices). */
export function mapMatrix(m: Matrix, f: (x: number, i: number, j: number) => number): Matrix {
  return m.map((row, i) => row.map((x, j) => f(x, i, j)));
}

/** Entry-wise `a + b` of two matrices of the same shape. */
export function addMatrices(a: Matrix, b: Matrix, names: [string, string] = ["a", "b"]): Matrix {
  const sa = assertMatrix(names[0], a);
  const sb = assertMatrix(names[1], b);
  if (sa[0] !== sb[0] || sa[1] !== sb[1]) shapeMismatch("add", [names[0], sa], [names[1], sb]);
  return mapMatrix(a, (x, i, j) => x + b[i]![j]!);
}

/** Adds a bias vector to every row: `m + 1 bᵀ`. */
export function addRowVector(m: Matrix, bias: number[], name = "bias"): Matrix {
  const cols = shapeOf(m)[1];
  if (assertVector(name, bias) !== cols) {
    throw new RangeError(
      `${name} has shape [${bias.length}] but the rows it is added to have ${cols} columns`,
    );
  }
  return mapMatrix(m, (x, _i, j) => x + bias[j]!);
}

/** The dot product of two vectors of equal length. */
export function dotVectors(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/**
 * Input normalisation for tier 1: every public function turns its array arguments into plain, dense
 * `number[]` / `number[][]` here (accepting the typed arrays that tfjs `dataSync()` returns, refusing holes),
 * and checks sizes before it allocates, so bad input is an error naming the argument, never NaN or zeros.
 */
import { describeValue } from "../check/options.js";

/**
 * The most entries one tier-1 result may have (2^24 ≈ 16.8 million, about 130 MB of numbers): tier 1 is for
 * examples a reader can follow, and a larger request is almost always a typo (`2e7` for `2e2`).
 */
export const MAX_ENTRIES = 2 ** 24;

/** Which non-finite entries an argument may hold: `-Infinity` marks masked scores; NaN only in display helpers. */
export interface EntryOptions {
  /** Allow ±Infinity (default false). */
  allowInfinity?: boolean;
  /** Allow NaN as well (default false; only for functions that display numbers). */
  allowNaN?: boolean;
}

/** Numeric typed arrays, the kinds `tf.Tensor.dataSync()` returns (BigInt arrays are not numbers). */
export type NumericTypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array;

/** A vector as tier 1 accepts it: a `number[]` or a numeric typed array (tier 1 computes on a plain copy). */
export type VectorLike = readonly number[] | NumericTypedArray;

/** A matrix as tier 1 accepts it: an array of rows, each a `number[]` or a numeric typed array. */
export type MatrixLike = readonly VectorLike[];

/** Whether `value` is a typed array of plain numbers (Float32Array, Int32Array, …; not BigInt64Array). */
export function isNumericTypedArray(value: unknown): value is NumericTypedArray {
  return (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array) &&
    !(value instanceof BigUint64Array)
  );
}

/**
 * Whether `value` should be read as a vector rather than a matrix: a typed array, or an array whose first
 * entry is not a row (so `[1, , 2]` is a vector with a hole, and `[[1, 2]]` a matrix).
 */
export function isVectorLike(value: unknown): boolean {
  if (isNumericTypedArray(value)) return true;
  if (!Array.isArray(value)) return false;
  const first: unknown = 0 in value ? value[0] : undefined;
  return !Array.isArray(first) && !isNumericTypedArray(first);
}

/**
 * Checks that `value` is a non-empty vector of numbers — a `number[]` without holes or a numeric typed array —
 * and returns it as a plain `number[]` (the same array when it already is one). `name` is how errors name it.
 * @example
 *   toNumberArray("validLens", Int32Array.of(1, 2)); // [1, 2]
 *   errorOf(() => toNumberArray("x", [1, , 2])); // "TypeError: x[1] is missing (a hole in a sparse array); every entry must be a number"
 */
export function toNumberArray(name: string, value: unknown, options: EntryOptions = {}): number[] {
  if (isNumericTypedArray(value)) {
    if (value.length === 0) throw new RangeError(`${name} must have at least one entry, got shape [0]`);
    const out = Array.from(value);
    for (let i = 0; i < out.length; i++) checkEntry(`${name}[${i}]`, out[i], options);
    return out;
  }
  if (!Array.isArray(value))
    throw new TypeError(`${name} must be a vector (number[] or a typed array), got ${describeValue(value)}`);
  if (value.length === 0) throw new RangeError(`${name} must have at least one entry, got shape [0]`);
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) throw holeError(`${name}[${i}]`);
    checkEntry(`${name}[${i}]`, value[i], options);
  }
  return value as number[];
}

/**
 * Checks that `value` is a non-empty rectangular matrix of numbers — an array (without holes) of rows, each a
 * `number[]` or a numeric typed array — and returns it as a plain `number[][]` (the same array when it already
 * is one). Ragged or non-numeric input is a TypeError, empty or non-finite input a RangeError, naming `name`.
 * @example
 *   toMatrix("queries", [Float32Array.of(1, 2)]); // [[1, 2]]
 */
export function toMatrix(name: string, value: unknown, options: EntryOptions = {}): number[][] {
  if (!Array.isArray(value))
    throw new TypeError(`${name} must be a matrix (number[][]), got ${describeValue(value)}`);
  if (value.length === 0) throw new RangeError(`${name} must have at least one row, got shape [0, 0]`);
  const cols = rowLength(value[0]);
  let copied: number[][] | undefined;
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) throw holeError(`${name}[${i}]`);
    const row: unknown = value[i];
    if (!Array.isArray(row) && !isNumericTypedArray(row))
      throw new TypeError(`${name}[${i}] must be an array, got ${describeValue(row)}`);
    if (row.length !== cols)
      throw new TypeError(`${name} is ragged: row 0 has ${cols} entries but row ${i} has ${row.length}`);
    if (cols === 0) continue;
    const plain = toNumberArray(`${name}[${i}]`, row, options);
    if (plain !== row && copied === undefined) copied = (value as number[][]).slice(0, i);
    copied?.push(plain);
  }
  if (cols === 0)
    throw new RangeError(`${name} must have at least one column, got shape [${value.length}, 0]`);
  return copied ?? (value as number[][]);
}

function rowLength(row: unknown): number {
  return Array.isArray(row) || isNumericTypedArray(row) ? row.length : -1;
}

/**
 * Throws a RangeError before an allocation of `entries` numbers larger than {@link MAX_ENTRIES}, naming what
 * would be allocated (e.g. `"sinusoidalPositionalEncoding: the [20000000, 512] encoding"`).
 * @example assertSize("zeros: the [3, 4] matrix", 12); // 12
 */
export function assertSize(what: string, entries: number): number {
  if (!(entries <= MAX_ENTRIES)) {
    throw new RangeError(
      `${what} would have ${entries} entries, more than the ${MAX_ENTRIES} (2^24) that tier 1 allocates; use smaller sizes`,
    );
  }
  return entries;
}

function checkEntry(where: string, x: unknown, options: EntryOptions): void {
  if (typeof x !== "number") throw new TypeError(`${where} must be a number, got ${describeValue(x)}`);
  if (Number.isNaN(x)) {
    if (!options.allowNaN) throw new RangeError(`${where} must be finite, got NaN`);
  } else if (!Number.isFinite(x) && !options.allowInfinity) {
    throw new RangeError(`${where} must be finite, got ${x}`);
  }
}

function holeError(where: string): TypeError {
  return new TypeError(`${where} is missing (a hole in a sparse array); every entry must be a number`);
}

/**
 * The row builders of the tier-1 bad-input table: each row calls one public function with one bad input and
 * says what must happen — a TypeError/RangeError whose message matches, the same result as a plain-array call
 * (typed arrays), or a result that passes a check (extreme magnitudes: finite, right answer).
 */
import assert from "node:assert/strict";

/** What a row expects. */
/** The 2 × 2 queries/keys (the identity) and values the bad-input rows attend with. */
export const Q = [
  [1, 0],
  [0, 1],
];
export const V = [
  [1, 2],
  [3, 4],
];

export type Expect =
  | { kind: "error"; message: RegExp }
  | { kind: "same"; reference: () => unknown }
  | { kind: "holds"; check: (result: unknown) => void };

/** One bad input to one exported function. */
export interface Row {
  /** The export of lib/math that the row exercises. */
  fn: string;
  /** The bad input in words, for the test name. */
  input: string;
  run: () => unknown;
  expect: Expect;
}

/** The call must throw a TypeError or RangeError whose message matches `message`. */
export function bad(fn: string, input: string, run: () => unknown, message: RegExp): Row {
  return { fn, input, run, expect: { kind: "error", message } };
}

/** The call must return exactly what `reference` (the same call on plain arrays) returns. */
export function same(fn: string, input: string, run: () => unknown, reference: () => unknown): Row {
  return { fn, input, run, expect: { kind: "same", reference } };
}

/** The call must return a result that passes `check` (e.g. finite and the right answer). */
export function holds<T>(fn: string, input: string, run: () => T, check: (result: T) => void): Row {
  return { fn, input, run, expect: { kind: "holds", check: check as (result: unknown) => void } };
}

/** Runs one row: the error it must throw, or the result it must give. */
export function runRow(row: Row): void {
  const { expect } = row;
  if (expect.kind === "error") {
    assert.throws(row.run, (e: unknown) => {
      assert.ok(
        e instanceof TypeError || e instanceof RangeError,
        `not a TypeError/RangeError: ${String(e)}`,
      );
      assert.match(e.message, expect.message);
      return true;
    });
    return;
  }
  const result = row.run();
  if (expect.kind === "same") assert.deepStrictEqual(result, expect.reference());
  else expect.check(result);
}

/** Every number in a nested result is finite (no NaN, no ±Infinity). */
export function allFinite(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  return true;
}

/** Asserts `actual` is within `tol` of `expected`, entry by entry. */
export function near(actual: unknown, expected: unknown, tol = 1e-9): void {
  if (typeof expected === "number") {
    assert.ok(typeof actual === "number" && Math.abs(actual - expected) <= tol, `${actual} !≈ ${expected}`);
    return;
  }
  assert.ok(Array.isArray(actual) && Array.isArray(expected) && actual.length === expected.length);
  expected.forEach((e, i) => near((actual as unknown[])[i], e, tol));
}

/** A typed-array copy of a matrix: rows as Float64Array (lossless, so results must be identical). */
export function typedRows(m: number[][]): Float64Array[] {
  return m.map((row) => Float64Array.from(row));
}

/** A copy of `xs` with a hole at index `i` (a sparse array, as `[1, , 2]` writes it). */
export function hole<T>(xs: T[], i: number): T[] {
  const out = [...xs];
  delete out[i];
  return out;
}

/** Test helpers: approximate equality of numbers, vectors and matrices with a readable failure message. */
import assert from "node:assert/strict";

type Nested = number | Nested[];

/** Asserts |actual − expected| ≤ tol entry by entry (same nesting and lengths). */
export function assertClose(actual: Nested, expected: Nested, tol = 1e-6, where = "value"): void {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${where}: expected a number, got ${JSON.stringify(actual)}`);
    const ok = Math.abs((actual as number) - expected) <= tol || actual === expected;
    assert.ok(ok, `${where}: ${actual} differs from ${expected} by more than ${tol}`);
    return;
  }
  assert.ok(Array.isArray(actual), `${where}: expected an array, got ${JSON.stringify(actual)}`);
  assert.equal(actual.length, expected.length, `${where}: length ${actual.length} != ${expected.length}`);
  expected.forEach((e, i) => {
    assertClose((actual as Nested[])[i]!, e, tol, `${where}[${i}]`);
  });
}

/**
 * selfCheck: true passes, false fails naming the claim, skipped(reason) is printed with its reason and counted
 * apart; an empty check list and an empty reason are errors.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { selfCheck, skipped } from "../../lib/check/selfCheck.js";

function quiet<T>(f: () => T): { value: T; lines: string[] } {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    return { value: f(), lines };
  } finally {
    console.log = log;
  }
}

test("passing, skipped and failing claims", () => {
  const { value, lines } = quiet(() =>
    selfCheck({ "rows sum to 1": true, "optimum inside the sweep": skipped("default settings only") }),
  );
  assert.equal(value.match, true);
  assert.deepEqual(value.checked, ["rows sum to 1"]);
  assert.deepEqual(value.skippedChecks, ["optimum inside the sweep"]);
  assert.deepEqual(lines, [
    "✓ rows sum to 1",
    "– optimum inside the sweep (skipped: default settings only)",
    "match: true (1 checks, 1 skipped)",
  ]);
  assert.throws(
    () => quiet(() => selfCheck({ a: true, "b holds": false, c: skipped("x") })),
    /self-check failed: b holds$/,
  );
  // only exactly true passes: a truthy non-boolean is a failure, not a pass
  assert.throws(() => quiet(() => selfCheck({ a: 1 as unknown as boolean })), /self-check failed: a/);
});

test("bad input: no checks, an empty reason", () => {
  assert.throws(() => selfCheck({}), /checks is empty/);
  assert.throws(() => skipped(""), /reason must be a non-empty string, got ""/);
  assert.throws(() => skipped(undefined as unknown as string), /reason must be a non-empty string/);
});

/**
 * The self-check that ends every notebook: named checks, each `true`, `false`, or `skipped(reason)` for a claim
 * that holds only under the defaults when a learner has changed a setting. It prints one line per check (a
 * skipped one with its reason) and throws (failing the notebook run) if any is false, naming the failed checks.
 */

/** A check that was not made, and why (e.g. "default settings only: you changed lag"). */
export interface Skipped {
  skipped: string;
}

/** What one named check may be: passed, failed, or skipped with a reason. */
export type CheckValue = boolean | Skipped;

/** The result of a passing self-check: `match` is always true (a failing one throws). */
export interface SelfCheckResult {
  match: true;
  checks: Record<string, CheckValue>;
  /** The names of the checks that were made (not skipped). */
  checked: string[];
  /** The names of the skipped checks. */
  skippedChecks: string[];
}

/**
 * Marks a claim as not checked in this run, with the reason shown beside it.
 * @example selfCheck({ "the optimum is inside the sweep": skipped("default settings only") }).checked; // []
 */
export function skipped(reason: string): Skipped {
  if (typeof reason !== "string" || reason.trim() === "") {
    throw new RangeError(`skipped: reason must be a non-empty string, got ${JSON.stringify(reason)}`);
  }
  return { skipped: reason };
}

const isSkipped = (v: unknown): v is Skipped =>
  typeof v === "object" && v !== null && typeof (v as Skipped).skipped === "string";

/**
 * Asserts that every check is exactly `true` or skipped.
 * @example selfCheck({ "rows sum to 1": true }).match; // true
 */
export function selfCheck(checks: Record<string, CheckValue>): SelfCheckResult {
  const names = Object.keys(checks);
  if (names.length === 0) throw new RangeError("selfCheck: checks is empty; give at least one named check");
  const skippedChecks = names.filter((name) => isSkipped(checks[name]));
  const checked = names.filter((name) => !isSkipped(checks[name]));
  const failed = checked.filter((name) => checks[name] !== true);
  for (const name of names) {
    const v = checks[name];
    console.log(isSkipped(v) ? `– ${name} (skipped: ${v.skipped})` : `${v === true ? "✓" : "✗"} ${name}`);
  }
  if (failed.length > 0) throw new Error(`self-check failed: ${failed.join("; ")}`);
  const skippedNote = skippedChecks.length > 0 ? `, ${skippedChecks.length} skipped` : "";
  console.log(`match: true (${checked.length} checks${skippedNote})`);
  return { match: true, checks, checked, skippedChecks };
}

/**
 * The self-check that ends every notebook: named boolean checks, all of which must hold. It prints one line
 * per check and throws (failing the notebook run) if any is false, naming the failed checks.
 */

/** The result of a passing self-check: `match` is always true (a failing one throws). */
export interface SelfCheckResult {
  match: true;
  checks: Record<string, boolean>;
}

/**
 * Asserts that every check is exactly `true`.
 * @example selfCheck({ "rows sum to 1": true }).match; // true
 */
export function selfCheck(checks: Record<string, boolean>): SelfCheckResult {
  const names = Object.keys(checks);
  if (names.length === 0) throw new RangeError("selfCheck: checks is empty; give at least one named check");
  const failed = names.filter((name) => checks[name] !== true);
  for (const name of names) console.log(`${checks[name] === true ? "✓" : "✗"} ${name}`);
  if (failed.length > 0) throw new Error(`self-check failed: ${failed.join("; ")}`);
  console.log(`match: true (${names.length} checks)`);
  return { match: true, checks };
}

/**
 * Rounding generated data, so a dataset (and its sha256) does not depend on the last bits of `Math.log` or
 * `Math.cos`, which may differ across JavaScript engines.
 */

/**
 * `v` rounded to 4 decimals.
 * @example round4(0.123456); // 0.1235
 */
export function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

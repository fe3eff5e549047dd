/** Regression metrics on plain arrays: coefficient of determination R² and mean absolute error. */
import { checkFinite, checkPair } from "./check.js";

/**
 * R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²: 1 is perfect, 0 is no better than predicting the mean, negative is worse.
 * @example r2([1, 2, 3], [1, 2, 4]); // 0.78571 (1 − 1 / (14/3))
 */
export function r2(predicted: readonly number[], actual: readonly number[]): number {
  checkPair("r2", "predicted", predicted.length, "actual", actual.length);
  checkFinite("r2", "predicted", predicted);
  checkFinite("r2", "actual", actual);
  const mean = actual.reduce((a, b) => a + b, 0) / actual.length;
  const ssRes = actual.reduce((s, y, i) => s + (y - predicted[i]!) ** 2, 0);
  const ssTot = actual.reduce((s, y) => s + (y - mean) ** 2, 0);
  if (ssTot === 0) throw new RangeError("r2: actual is constant, so R² is undefined");
  return 1 - ssRes / ssTot;
}

/**
 * Mean absolute error Σ|y − ŷ| / n.
 * @example mae([1, 2, 3], [1, 2, 5]); // 0.66667
 */
export function mae(predicted: readonly number[], actual: readonly number[]): number {
  checkPair("mae", "predicted", predicted.length, "actual", actual.length);
  checkFinite("mae", "predicted", predicted);
  checkFinite("mae", "actual", actual);
  return actual.reduce((s, y, i) => s + Math.abs(y - predicted[i]!), 0) / actual.length;
}

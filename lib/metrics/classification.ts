/**
 * Classification metrics on plain arrays: accuracy, exact sequence match, macro-F1.
 * Follows: scikit-learn's `accuracy_score` and `f1_score(average="macro")` definitions.
 */
import { checkPair } from "./check.js";

/**
 * Fraction of positions where `predicted[i] === expected[i]`.
 * @example accuracy([1, 0, 1, 1], [1, 0, 0, 1]); // 0.75
 */
export function accuracy(
  predicted: readonly (number | string)[],
  expected: readonly (number | string)[],
): number {
  checkPair("accuracy", "predicted", predicted.length, "expected", expected.length);
  return predicted.filter((p, i) => p === expected[i]).length / expected.length;
}

/**
 * Fraction of sequences predicted exactly (same length, same tokens).
 * @example exactMatch([[3, 4], [5]], [[3, 4], [6]]); // 0.5
 */
export function exactMatch<T>(
  predicted: readonly (readonly T[])[],
  expected: readonly (readonly T[])[],
): number {
  checkPair("exactMatch", "predicted", predicted.length, "expected", expected.length);
  const same = predicted.filter(
    (p, i) => p.length === expected[i]!.length && p.every((t, j) => t === expected[i]![j]),
  );
  return same.length / expected.length;
}

/**
 * Unweighted mean over classes of F1 = 2·precision·recall / (precision + recall); a class never predicted
 * and never expected is skipped, one with no true positive scores 0.
 * @example macroF1([0, 0, 1, 1], [0, 1, 1, 1]); // 0.73333 (the mean of 2/3 and 4/5)
 */
export function macroF1(predicted: readonly number[], expected: readonly number[]): number {
  checkPair("macroF1", "predicted", predicted.length, "expected", expected.length);
  const classes = [...new Set([...predicted, ...expected])].sort((a, b) => a - b);
  const f1s = classes.map((c) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    predicted.forEach((p, i) => {
      const e = expected[i];
      if (p === c && e === c) tp++;
      else if (p === c) fp++;
      else if (e === c) fn++;
    });
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  return f1s.reduce((a, b) => a + b, 0) / f1s.length;
}

/**
 * The index of the largest value of each row (the predicted class of each row of probabilities; first on ties).
 * @example argmaxRows([[0.1, 0.9], [0.7, 0.3]]); // [1, 0]
 */
export function argmaxRows(rows: readonly (readonly number[])[]): number[] {
  return rows.map((row) => {
    let best = 0;
    for (let i = 1; i < row.length; i++) if ((row[i] ?? -Infinity) > (row[best] ?? -Infinity)) best = i;
    return best;
  });
}

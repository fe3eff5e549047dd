/**
 * Area under the ROC curve as the Mann–Whitney statistic: the probability that a random positive scores above a
 * random negative, ties counting one half. Follows: Hanley & McNeil 1982; scikit-learn `roc_auc_score`.
 */
import { checkFinite, checkPair } from "./check.js";
import { averageRanks } from "./rankCorrelation.js";

/**
 * ROC-AUC of `scores` (higher = more positive) against binary `labels` (1 positive, 0 negative).
 * @example rocAuc([0.9, 0.8, 0.3, 0.1], [1, 0, 1, 0]); // 0.75
 */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  checkPair("rocAuc", "scores", scores.length, "labels", labels.length);
  checkFinite("rocAuc", "scores", scores);
  const bad = labels.findIndex((l) => l !== 0 && l !== 1);
  if (bad >= 0) throw new RangeError(`rocAuc: labels[${bad}] is ${labels[bad]}; labels must be 0 or 1`);
  const ranks = averageRanks(scores); // 1-based, tied groups share their mean rank
  const positives = labels.filter((l) => l === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new RangeError(`rocAuc: labels has ${positives} positives and ${negatives} negatives; need both`);
  }
  const rankSum = labels.reduce((s, l, i) => (l === 1 ? s + ranks[i]! : s), 0);
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

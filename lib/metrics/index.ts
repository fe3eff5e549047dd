// The metrics barrel: pure functions on plain arrays, used by the experiments and the notebooks.
export { type BleuOptions, bleu } from "./bleu.js";
export { accuracy, argmaxRows, exactMatch, macroF1 } from "./classification.js";
export { mapArgmax, meanDistance, type Point, pointingGame } from "./localization.js";
export {
  averageRanks,
  kendallTau,
  pearson,
  type RankAgreement,
  rankAgreement,
  spearman,
} from "./rankCorrelation.js";
export { mae, r2 } from "./regression.js";
export { rocAuc } from "./rocAuc.js";
export { rouge1F } from "./rouge.js";
export {
  type BigramBaseline,
  type BigramOptions,
  type BigramSmoothing,
  bigramBaseline,
  type UnigramBaseline,
  unigramBaseline,
} from "./charBaselines.js";

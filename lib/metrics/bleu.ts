/**
 * Corpus BLEU: the geometric mean of clipped n-gram precisions (n = 1…maxN) times a brevity penalty, with
 * counts summed over the corpus before dividing. Follows: Papineni et al. 2002; sacrebleu's corpus BLEU with
 * one reference per sentence; optional add-one smoothing of n > 1 (Lin & Och 2004, "smoothing 2").
 */
import { checkPair } from "./check.js";

/** Options of {@link bleu}. */
export interface BleuOptions {
  /** Longest n-gram. Default 4. */
  maxN?: number;
  /** Add one to the numerator and denominator of the n > 1 precisions (short sentences). Default false. */
  smooth?: boolean;
}

/**
 * BLEU in [0, 1] of tokenized `candidates` against one tokenized reference each.
 * @example bleu([["the", "cat", "sat", "down"]], [["the", "cat", "sat", "down"]]); // 1
 */
export function bleu<T>(
  candidates: readonly (readonly T[])[],
  references: readonly (readonly T[])[],
  options: BleuOptions = {},
): number {
  checkPair("bleu", "candidates", candidates.length, "references", references.length);
  const maxN = options.maxN ?? 4;
  if (!Number.isInteger(maxN) || maxN < 1)
    throw new RangeError(`bleu: options.maxN must be ≥ 1, got ${maxN}`);
  const matches = new Array<number>(maxN).fill(0);
  const totals = new Array<number>(maxN).fill(0);
  let candLen = 0;
  let refLen = 0;
  candidates.forEach((cand, s) => {
    const ref = references[s]!;
    candLen += cand.length;
    refLen += ref.length;
    for (let n = 1; n <= maxN; n++) {
      const refCounts = ngrams(ref, n);
      for (const [gram, count] of ngrams(cand, n)) {
        matches[n - 1]! += Math.min(count, refCounts.get(gram) ?? 0);
        totals[n - 1]! += count;
      }
    }
  });
  if (candLen === 0) return 0;
  let logSum = 0;
  for (let n = 0; n < maxN; n++) {
    const add = options.smooth && n > 0 ? 1 : 0;
    const [m, t] = [matches[n]! + add, totals[n]! + add];
    if (m === 0 || t === 0) return 0;
    logSum += Math.log(m / t);
  }
  const brevity = candLen >= refLen ? 1 : Math.exp(1 - refLen / candLen);
  return brevity * Math.exp(logSum / maxN);
}

function ngrams<T>(tokens: readonly T[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = JSON.stringify(tokens.slice(i, i + n));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * ROUGE-1: unigram overlap between a candidate and a reference text, with clipped counts. Follows: Lin 2004,
 * "ROUGE: A Package for Automatic Evaluation of Summaries" §2 (ROUGE-N with N = 1), reported as the F-measure of
 * unigram recall and precision.
 */
/**
 * ROUGE-1 F1 of `candidate` against `reference` (token arrays): overlap = Σ_w min(count_c(w), count_r(w)),
 * recall = overlap / |reference|, precision = overlap / |candidate|, F = 2PR / (P + R); 0 when either is empty.
 * @example rouge1F(["acme", "cut", "jobs"], ["acme", "cut", "300", "jobs"]); // 0.8571428571428571
 */
export function rouge1F(candidate: readonly string[], reference: readonly string[]): number {
  if (candidate.length === 0 || reference.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const w of reference) counts.set(w, (counts.get(w) ?? 0) + 1);
  let overlap = 0;
  for (const w of candidate) {
    const left = counts.get(w) ?? 0;
    if (left > 0) {
      overlap++;
      counts.set(w, left - 1);
    }
  }
  if (overlap === 0) return 0;
  const recall = overlap / reference.length;
  const precision = overlap / candidate.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * The deterministic sentence-similarity example, S001 §4.3 corrected (docs/errata.md item 8: the seed's formula
 * never reads sentence B): A = 今天|天气|晴朗, B = 今天|的|天气|很|晴朗, control C = 明天|会|下雨, one-hot
 * embeddings over an 8-word vocabulary, identity projections, cross-attention A→B then the mean cosine between
 * each word of A and what it attended to. Computed with tier 1 (`attend`, `cosine`), nothing re-implemented; the
 * reference values are those of the S001 notebook (docs/formula-index.md, S001-F5).
 */
import { attend } from "../../math/attend.js";
import { identity, transpose } from "../../math/matrix.js";
import { cosine } from "../../math/scores.js";

/** The 8-word vocabulary and the shipped segmentation. */
export const SIMILARITY_WORKED = {
  vocab: ["今天", "的", "天气", "很", "晴朗", "明天", "会", "下雨"],
  a: ["今天", "天气", "晴朗"],
  b: ["今天", "的", "天气", "很", "晴朗"],
  control: ["明天", "会", "下雨"],
} as const;

/** Every number of the worked example. */
export interface SimilarityWorkedResult {
  /** α(A→B) at scale 1/√8, `[3, 5]`. */
  weights: number[][];
  /** Weight on the matching word (0.2626) and on each other word (0.1844). */
  match: number;
  other: number;
  /** Mean cosine of a_i and ã_i (0.580). */
  similarity: number;
  /** Logits ×10: weights, match weight (0.8956) and similarity (0.998). */
  sharpWeights: number[][];
  sharpMatch: number;
  sharpSimilarity: number;
  /** A against the control sentence (0.0) and its weights. */
  controlWeights: number[][];
  controlSimilarity: number;
  /** Greedy (BERTScore-style) matching A vs B: recall 1, precision 0.6, F1 0.75. */
  recall: number;
  precision: number;
  f1: number;
  /** The seed's literal self-attention on A: diagonal 0.4159, off-diagonal 0.2920, output 3×8. */
  selfWeights: number[][];
  selfOutputShape: [number, number];
}

/** One-hot rows of `words` over the 8-word vocabulary. */
export function workedEmbed(words: readonly string[]): number[][] {
  const eye = identity(SIMILARITY_WORKED.vocab.length);
  return words.map((w) => eye[SIMILARITY_WORKED.vocab.indexOf(w as never)]!);
}

/** mean_i cos(a_i, ã_i). */
export function meanAlignedCosine(a: number[][], attended: number[][]): number {
  return cosine(a, attended).reduce((s, row, i) => s + row[i]!, 0) / a.length;
}

/**
 * Computes the worked example.
 * @example Math.round(similarityWorkedExample().similarity * 1000) / 1000; // 0.58
 */
export function similarityWorkedExample(): SimilarityWorkedResult {
  const [xa, xb, xc] = [SIMILARITY_WORKED.a, SIMILARITY_WORKED.b, SIMILARITY_WORKED.control].map(workedEmbed);
  const cross = attend(xa!, xb!, xb!); // W_Q = W_K = W_V = I, scale 1/√8
  const sharp = attend(xa!, xb!, xb!, { scale: 10 / Math.sqrt(8) });
  const control = attend(xa!, xc!, xc!);
  const cos = cosine(xa!, xb!);
  const recall = cos.reduce((s, row) => s + Math.max(...row), 0) / xa!.length;
  const precision = transpose(cos).reduce((s, col) => s + Math.max(...col), 0) / xb!.length;
  const self = attend(xa!, xa!, xa!);
  return {
    weights: cross.weights,
    match: cross.weights[0]![0]!,
    other: cross.weights[0]![1]!,
    similarity: meanAlignedCosine(xa!, cross.output),
    sharpWeights: sharp.weights,
    sharpMatch: sharp.weights[0]![0]!,
    sharpSimilarity: meanAlignedCosine(xa!, sharp.output),
    controlWeights: control.weights,
    controlSimilarity: meanAlignedCosine(xa!, control.output),
    recall,
    precision,
    f1: (2 * precision * recall) / (precision + recall),
    selfWeights: self.weights,
    selfOutputShape: [self.output.length, self.output[0]!.length],
  };
}

/**
 * The worked example's headline numbers as record metrics (`worked.similarity`, `worked.sharpSimilarity`,
 * `worked.control`, `worked.greedyF1`): deterministic, so a re-run must reproduce them exactly.
 */
export function similarityWorkedMetrics(r: SimilarityWorkedResult): Record<string, number> {
  return {
    "worked.similarity": r.similarity,
    "worked.sharpSimilarity": r.sharpSimilarity,
    "worked.control": r.controlSimilarity,
    "worked.greedyF1": r.f1,
  };
}

/**
 * The exercises of notebooks/seeds/S000.ipynb: "spot the error" drills on the source's S000-F13 (a softmax
 * summed over the queries), S000-F14/F27 (an output summed over the query index) and S000-F12 (the missing
 * 1/√d_k). Every right answer is computed here from the library (`softmax`, `attend`, `rowEntropy`, seeded
 * `mulberry32` draws), never typed in; a hint says what is off without giving the answer.
 */
import { attend } from "../math/attend.js";
import { rowEntropy } from "../math/distribution.js";
import { maxAbsDiff } from "../math/inspect.js";
import { matmul, transpose } from "../math/matrix.js";
import { dot } from "../math/scores.js";
import { softmax } from "../math/softmax.js";
import { mulberry32 } from "../random/prng.js";
import { defineExercises, type Verdict } from "./exercise.js";
import { asNumberMatrix } from "./matrixAnswer.js";

/** Exercise 1's scores: 2 queries (rows) × 4 keys (columns). */
const SCORES_EX1 = [
  [1, 2, 0, 0],
  [0, 0, 3, 1],
];
/** Exercise 2's inputs: n = 2 queries, m = 3 keys and values, d = 2. */
const Q_EX2 = [
  [1, 0],
  [0, 1],
];
const K_EX2 = [
  [1, 1],
  [1, -1],
  [0, 2],
];
const V_EX2 = [
  [1, 0],
  [0, 1],
  [2, 2],
];

const TOL = 1e-6;
const same = (a: number[][], b: number[][]) => maxAbsDiff(a, b) <= TOL;
const sumsToOne = (rows: number[][]) => rows.every((r) => Math.abs(r.reduce((s, x) => s + x, 0) - 1) <= TOL);

function correctedWeights(answer: unknown): Verdict {
  const m = asNumberMatrix(answer, 2, 4, "the weight matrix (one row per query, one column per key)");
  if (typeof m === "string") return { right: false, hint: m };
  if (same(m, softmax(SCORES_EX1)))
    return { right: true, note: "each query's weights over the 4 keys sum to 1" };
  if (same(m, softmax(SCORES_EX1, { axis: 0 }))) {
    return {
      right: false,
      hint: "these columns sum to 1: that is the seed's sum over the queries (S000-F13)",
    };
  }
  if (!sumsToOne(m)) return { right: false, hint: "each query's weights (a row) should sum to 1" };
  return {
    right: false,
    hint: "the rows sum to 1, but they are not the softmax of the given scores (no scale)",
  };
}

function standardOutput(answer: unknown): Verdict {
  const perKey = asNumberMatrix(answer, 3, 2, "");
  if (typeof perKey !== "string") {
    const literal = matmul(transpose(softmax(dot(Q_EX2, K_EX2), { axis: 0 })), V_EX2.slice(0, 2));
    const hint = same(perKey, literal)
      ? "this is the seed's Σ_i α_ij v_i: one row per key, summed over the query index (S000-F14, F27)"
      : "three rows is one per key; the output has one row per query";
    return { right: false, hint };
  }
  const m = asNumberMatrix(answer, 2, 2, "the output (one row per query, d_v = 2 columns)");
  if (typeof m === "string") return { right: false, hint: m };
  const weights = softmax(dot(Q_EX2, K_EX2));
  if (same(m, matmul(weights, V_EX2))) return { right: true, note: "O = softmax_row(QKᵀ) V, n × d_v" };
  if (same(m, attend(Q_EX2, K_EX2, V_EX2).output)) {
    return {
      right: false,
      hint: "that output is scaled by 1/√d_k; this section's score (S000-F12) is the plain dot",
    };
  }
  if (same(m, matmul(softmax(dot(Q_EX2, K_EX2), { axis: 0 }), V_EX2))) {
    return {
      right: false,
      hint: "the weights are normalised down the columns (over the queries, as S000-F13)",
    };
  }
  return { right: false, hint: "compute the dot scores Q Kᵀ, a row softmax, then multiply by V" };
}

/** Mean row entropy of 8 queries over 8 keys with N(0, 1) entries of width `dk`, scores q·k times `scale`. */
function meanEntropy(dk: number, scale: number): number {
  const rng = mulberry32(12);
  const draw = () => Array.from({ length: 8 }, () => Array.from({ length: dk }, () => rng.normal()));
  const [q, k] = [draw(), draw()];
  const h = rowEntropy(attend(q, k, k, { score: "dot", scale }).weights);
  return h.reduce((a, b) => a + b, 0) / h.length;
}

const TRENDS = ["falls", "stays", "rises"] as const;

/**
 * How the mean entropy moves from d_k = 4 to d_k = 256 when the scores are multiplied by `scale(d_k)`: "rises"
 * when its gap to ln 8 (uniform weights) shrinks to under half, "falls" when the entropy itself halves.
 */
function trend(scale: (dk: number) => number): (typeof TRENDS)[number] {
  const [small, large] = [4, 256].map((dk) => meanEntropy(dk, scale(dk))) as [number, number];
  if (Math.log(8) - large < (Math.log(8) - small) / 2) return "rises";
  return large < small / 2 ? "falls" : "stays";
}

function entropyTrend(answer: unknown): Verdict {
  const word = typeof answer === "string" ? answer.trim().toLowerCase() : undefined;
  if (word === undefined || !(TRENDS as readonly string[]).includes(word)) {
    return { right: false, hint: `the answer is one of the words ${TRENDS.map((t) => `"${t}"`).join(", ")}` };
  }
  if (word === trend((dk) => 1 / dk)) {
    return { right: true, note: "q·k/d_k has variance 1/d_k: the logits shrink, the weights flatten" };
  }
  if (word === trend(() => 1)) {
    return { right: false, hint: "that is what the unscaled score of S000-F12 does; divide by d_k instead" };
  }
  if (word === trend((dk) => 1 / Math.sqrt(dk))) {
    return { right: false, hint: "that is what the Transformer's 1/√d_k does; the exercise divides by d_k" };
  }
  return { right: false, hint: "compute Var(q·k/d_k) for N(0, 1) entries and see how it moves with d_k" };
}

export const S000_EXERCISES = defineExercises("S000", [
  {
    n: 1,
    answer: "weightsEx1",
    title: "S000-F13 corrected: the row-softmax weights of a 2×4 score matrix",
    check: correctedWeights,
  },
  {
    n: 2,
    answer: "outputEx2",
    title: "S000-F14 corrected: the n×d_v output of dot-product attention with n = 2, m = 3",
    check: standardOutput,
  },
  {
    n: 3,
    answer: "entropyTrend",
    title: "S000-F12 with q·k/d_k: does the weights' entropy fall, stay or rise as d_k grows?",
    check: entropyTrend,
  },
]);

/**
 * The exercises of notebooks/seeds/S002.ipynb: "spot the error" drills on S002-F13 (score = q · k), S002-F14
 * (a softmax without an axis) and the cross-attention of the EN→FR worked example (the French decoder asks the
 * English encoder). Tier 1 only: every right answer is computed here from `scaledDot`, `softmax` and `attend`,
 * never typed in; a hint says what is off without giving the answer.
 */
import { attend } from "../math/attend.js";
import { maxAbsDiff } from "../math/inspect.js";
import { transpose } from "../math/matrix.js";
import { dot, scaledDot } from "../math/scores.js";
import { softmax } from "../math/softmax.js";
import { defineExercises, type Verdict } from "./exercise.js";
import { asNumberMatrix } from "./matrixAnswer.js";

/** Exercise 1: N = 3 queries and keys, d_k = 2. */
const Q_EX1 = [
  [1, 0],
  [0, 1],
  [1, 1],
];
const K_EX1 = [
  [2, 0],
  [0, 2],
  [1, -1],
];
/** Exercise 2: scores of 2 queries (rows) × 3 keys (columns). */
const SCORES_EX2 = [
  [1, 0, 2],
  [3, 1, 0],
];
/** Exercise 3: 2 French decoder steps ask 3 English encoder tokens, d = 2. */
const Q_FR = [
  [2, 0],
  [0, 2],
];
const K_EN = [
  [1, 0],
  [0, 1],
  [0.5, 0.5],
];

const TOL = 1e-6;
const same = (a: number[][], b: number[][]) => maxAbsDiff(a, b) <= TOL;
const scaled = (m: number[][], f: number) => m.map((r) => r.map((x) => x * f));

function correctedScore(answer: unknown): Verdict {
  const m = asNumberMatrix(answer, 3, 3, "the score matrix (one row per query, one column per key)");
  if (typeof m === "string") return { right: false, hint: m };
  const right = scaledDot(Q_EX1, K_EX1);
  if (same(m, right)) return { right: true, note: "q kᵀ/√d_k: entry (r, i) compares query r with key i" };
  if (same(m, dot(Q_EX1, K_EX1)))
    return { right: false, hint: "that is q kᵀ without the 1/√d_k §4.2 dropped" };
  if (same(m, scaled(dot(Q_EX1, K_EX1), 1 / 2))) {
    return { right: false, hint: "that divides by d_k; the scale is 1/√d_k" };
  }
  if (same(m, transpose(right)))
    return { right: false, hint: "rows must be queries and columns keys: this is k qᵀ" };
  return {
    right: false,
    hint: "q · k itself is a shape error; compare every query with every key, then scale",
  };
}

function keysAsking(answer: unknown): Verdict {
  const flipped = asNumberMatrix(answer, 3, 2, "");
  const right = softmax(SCORES_EX2, { axis: 0 });
  if (typeof flipped !== "string") {
    const hint = same(flipped, transpose(right))
      ? "the numbers are right, but keep the [query, key] layout of the scores (2 rows)"
      : "keep the [query, key] layout of the scores: 2 rows of 3";
    return { right: false, hint };
  }
  const m = asNumberMatrix(answer, 2, 3, "the weights (one row per query, one column per key)");
  if (typeof m === "string") return { right: false, hint: m };
  if (same(m, right)) return { right: true, note: "each key's weights over the queries (a column) sum to 1" };
  if (same(m, softmax(SCORES_EX2))) {
    return { right: false, hint: "these rows sum to 1: that is the queries asking (the standard reading)" };
  }
  return { right: false, hint: "a softmax of the given scores, with each column summing to 1" };
}

function crossWeights(answer: unknown): Verdict {
  const swapped = asNumberMatrix(answer, 3, 2, "");
  if (typeof swapped !== "string") {
    return {
      right: false,
      hint: "one row per English token is the encoder asking; the French decoder's steps are the queries",
    };
  }
  const m = asNumberMatrix(
    answer,
    2,
    3,
    "the weights (one row per French step, one column per English token)",
  );
  if (typeof m === "string") return { right: false, hint: m };
  if (same(m, attend(Q_FR, K_EN, K_EN).weights)) {
    return { right: true, note: "each French step's weights over the English tokens sum to 1" };
  }
  if (same(m, softmax(dot(Q_FR, K_EN)))) return { right: false, hint: "the scores need the 1/√d_k scale" };
  if (same(m, softmax(scaledDot(Q_FR, K_EN), { axis: 0 }))) {
    return { right: false, hint: "these columns sum to 1; each French step's row should" };
  }
  return { right: false, hint: "attend(French queries, English keys, English values).weights" };
}

export const S002_EXERCISES = defineExercises("S002", [
  {
    n: 1,
    answer: "scoreEx1",
    title: "S002-F13 corrected: the scaled 3×3 score matrix",
    check: correctedScore,
  },
  {
    n: 2,
    answer: "keyWeights",
    title: "S002-F14 read the other way: weights with the keys asking",
    check: keysAsking,
  },
  {
    n: 3,
    answer: "crossWeights",
    title: "cross-attention weights of 2 French steps over 3 English tokens",
    check: crossWeights,
  },
]);

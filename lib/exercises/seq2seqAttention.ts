/**
 * The exercises of notebooks/07-seq2seq-attention.ipynb, checked in tier 1. Every right answer is computed
 * here from the library (`additive`, `general`, `dot`, `maskedSoftmax`, `matmul`), never typed in; a hint says
 * what is off without giving the answer.
 */

import { maskedSoftmax } from "../math/maskedSoftmax.js";
import { type Matrix, matmul, transpose } from "../math/matrix.js";
import { additive, dot, general } from "../math/scores.js";
import { softmax } from "../math/softmax.js";
import { mulberry32 } from "../random/prng.js";
import { defineExercises, type Verdict } from "./exercise.js";

/** The small Bahdanau step of exercises 1 and 2, as the notebook states it: s_{t−1}, h_1 … h_4, W_q, W_k, v. */
const STEP = {
  query: [0.5, -1],
  memory: [
    [1, 0],
    [0, 1],
    [1, 1],
    [-1, 0.5],
  ],
  wq: [
    [1, 0.5],
    [-0.5, 1],
  ],
  wk: [
    [0.5, 0],
    [0, -0.5],
  ],
  v: [1, -1],
  validLens: 3,
};
const S = STEP.memory.length;

const close = (a: readonly number[], b: readonly number[], tol = 1e-6) =>
  a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= tol);

/** A finite number vector of length `n`, or a hint. */
function asVector(answer: unknown, n: number, what: string): number[] | string {
  if (!Array.isArray(answer) || !answer.every((x) => typeof x === "number" && Number.isFinite(x))) {
    return `the answer should be ${what}: an array of finite numbers`;
  }
  if (answer.length !== n) return `${what} should have ${n} entries, the answer has ${answer.length}`;
  return answer as number[];
}

/** The example's additive scores e_j = vᵀ tanh(s W_q + h_j W_k), `[S]`. */
function scores(): number[] {
  return additive([STEP.query], STEP.memory, { wq: STEP.wq, wk: STEP.wk, v: STEP.v })[0]!;
}

function bahdanauWeights(answer: unknown): Verdict {
  const a = asVector(answer, S, "the weights α_1 … α_4");
  if (typeof a === "string") return { right: false, hint: a };
  const e = scores();
  if (close(a, softmax(e))) {
    return {
      right: true,
      note: "e_j = vᵀ tanh(s W_q + h_j W_k), then a softmax over the four encoder states",
    };
  }
  if (close(a, e)) return { right: false, hint: "these are the scores e_j; the weights are their softmax" };
  if (close(a, softmax(dot([STEP.query], STEP.memory)[0]!))) {
    return {
      right: false,
      hint: "that is the dot-product score s · h_j; Bahdanau scores with vᵀ tanh(s W_q + h_j W_k)",
    };
  }
  const sum = a.reduce((s, x) => s + x, 0);
  if (Math.abs(sum - 1) > 1e-6) return { right: false, hint: `the weights sum to ${sum.toFixed(4)}, not 1` };
  return {
    right: false,
    hint: "a distribution, but not this step's: check W_q multiplies s and W_k multiplies each h_j (row times matrix)",
  };
}

function paddedStep(answer: unknown): Verdict {
  if (typeof answer !== "object" || answer === null) {
    return { right: false, hint: "the answer should be { weights, context }: weights [4] and context [2]" };
  }
  const { weights: w, context: c } = answer as { weights?: unknown; context?: unknown };
  const weights = asVector(w, S, "weights");
  if (typeof weights === "string") return { right: false, hint: weights };
  const context = asVector(c, 2, "context");
  if (typeof context === "string") return { right: false, hint: context };
  const e = scores();
  const right = maskedSoftmax([e], { validLens: STEP.validLens })[0]!;
  const contextOf = (alpha: number[]) => matmul([alpha], STEP.memory)[0]!;
  if (close(weights, softmax(e))) {
    return { right: false, hint: "these weights still give the padded position h_4 a share: mask it first" };
  }
  if (
    close(
      weights,
      softmax(e).map((x, j) => (j < STEP.validLens ? x : 0)),
    )
  ) {
    return {
      right: false,
      hint: "the padded weight is 0 but the others no longer sum to 1: mask before the softmax",
    };
  }
  if (!close(weights, right)) {
    return {
      right: false,
      hint: "the weights are off: softmax over e_1 … e_3 only, and 0 for the padded position",
    };
  }
  if (close(context, contextOf(softmax(e)))) {
    return {
      right: false,
      hint: "the weights are right, but the context was computed with the unpadded weights",
    };
  }
  if (!close(context, contextOf(right))) {
    return { right: false, hint: "the weights are right; the context is c = Σ_j α_j h_j with them" };
  }
  return {
    right: true,
    note: "padding is −∞ before the softmax: h_4 gets weight exactly 0 and adds nothing to c",
  };
}

/** Random cases for the learner's function: a query `[d_q]`, states `[S, d_k]`, W `[d_q, d_k]` (square and not). */
function generalCases(): { s: number[]; H: Matrix; W: Matrix }[] {
  const rng = mulberry32(707);
  return [
    [3, 3, 5],
    [2, 4, 3],
    [4, 2, 1],
  ].map(([dq, dk, n]) => ({
    s: rng.matrix(1, dq!, -1, 1)[0]!,
    H: rng.matrix(n!, dk!, -1, 1),
    W: rng.matrix(dq!, dk!, -1, 1),
  }));
}

function luongGeneralScores(answer: unknown): Verdict {
  if (typeof answer !== "function") {
    return { right: false, hint: "the answer is a function (s, H, W) => number[]" };
  }
  const f = answer as (s: number[], H: Matrix, W: Matrix) => unknown;
  for (const { s, H, W } of generalCases()) {
    const copies = { s: [...s], H: H.map((r) => [...r]), W: W.map((r) => [...r]) };
    const got = asVector(f(copies.s, copies.H, copies.W), H.length, "one score per row of H");
    if (typeof got === "string") return { right: false, hint: got };
    const want = general([s], H, { w: W })[0]!;
    if (close(got, want, 1e-9)) continue;
    const shape = `s [${s.length}], H [${H.length}, ${H[0]!.length}], W [${W.length}, ${W[0]!.length}]`;
    if (s.length === H[0]!.length && close(got, dot([s], H)[0]!, 1e-9)) {
      return { right: false, hint: `for ${shape} this is s · h_j: W is missing between them` };
    }
    if (W.length === W[0]!.length && close(got, general([s], H, { w: transpose(W) })[0]!, 1e-9)) {
      return {
        right: false,
        hint: `for ${shape} this uses Wᵀ: the score is s W h_jᵀ, with s multiplying W from the left`,
      };
    }
    if (close(got, softmax(want), 1e-9)) {
      return {
        right: false,
        hint: "these are the softmax weights; the function should return the raw scores",
      };
    }
    return { right: false, hint: `for ${shape} the scores differ from s W h_jᵀ` };
  }
  return { right: true, note: "general is dot with a learned metric W; W = I gives Luong's dot score back" };
}

export const SEQ2SEQ_ATTENTION_EXERCISES = defineExercises("07-seq2seq-attention", [
  {
    n: 1,
    answer: "bahdanauWeights",
    title: "the attention weights of one Bahdanau step for the given small numbers",
    check: bahdanauWeights,
  },
  {
    n: 2,
    answer: "paddedStep",
    title: "the weights and the context of the same step when the source has 3 valid positions",
    check: paddedStep,
  },
  {
    n: 3,
    answer: "luongGeneralScores",
    title: "a function computing Luong's general scores s W h_jᵀ",
    check: luongGeneralScores,
  },
]);

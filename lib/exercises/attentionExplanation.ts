/**
 * The exercises of notebooks/17-attention-and-explanation.ipynb. Every right answer is computed here from the
 * library (`attentionRollout`, `erasureImportance`, `spearman`), never typed in; a hint says what is off without
 * giving the answer. Follows: Abnar & Zuidema 2020 §3 (rollout); Li, Monroe & Jurafsky 2016 §3 (erasure);
 * Jain & Wallace 2019 §4 (rank agreement of attention and importance).
 */
import { attentionRollout } from "../math/attentionRollout.js";
import { erasureImportance } from "../math/erasure.js";
import { type Matrix, matmul } from "../math/matrix.js";
import { averageRanks, kendallTau, pearson, spearman } from "../metrics/rankCorrelation.js";
import { defineExercises, type Verdict } from "./exercise.js";
import { asFiniteNumber, asNumberMatrix } from "./matrixAnswer.js";

/** Exercise 1: two causal self-attention layers (heads already averaged) over three tokens, first layer first. */
export const ROLLOUT_LAYERS: readonly Matrix[] = [
  [
    [1, 0, 0],
    [0.6, 0.4, 0],
    [0.2, 0.2, 0.6],
  ],
  [
    [1, 0, 0],
    [0.5, 0.5, 0],
    [0.7, 0.1, 0.2],
  ],
];

/** Exercise 2: a binary model's class probabilities [p(negative), p(positive)], whole review and leave-one-out. */
export const ERASURE_FULL = [0.8, 0.2] as const;
export const ERASURE_LEFT_OUT: Matrix = [
  [0.85, 0.15],
  [0.3, 0.7],
  [0.75, 0.25],
  [0.8, 0.2],
];

/** Exercise 3: one review's attention weights and erasure importance, with ties on both sides. */
export const RHO_ATTENTION = [0.05, 0.6, 0.05, 0.25, 0.05] as const;
export const RHO_DELTAS = [0.01, 0.3, 0, 0.45, 0] as const;

const close = (a: readonly (readonly number[])[], b: readonly (readonly number[])[], tol = 1e-9) =>
  a.length === b.length && a.every((row, i) => row.every((v, j) => Math.abs(v - b[i]![j]!) <= tol));

const mixed = (a: Matrix) => attentionRollout([a]); // Ã = norm(½ A + ½ I)

function rollout(answer: unknown): Verdict {
  const m = asNumberMatrix(answer, 3, 3, "the rollout R [3, 3]");
  if (typeof m === "string") return { right: false, hint: m };
  const [a1, a2] = ROLLOUT_LAYERS as [Matrix, Matrix];
  if (close(m, attentionRollout(ROLLOUT_LAYERS)))
    return {
      right: true,
      note: "row i: how much output token i draws on each input, residual path included",
    };
  const slips: [Matrix, string][] = [
    [matmul(mixed(a1), mixed(a2)), "the product runs from the last layer on the left: R = Ã₂ Ã₁"],
    [matmul(a2, a1), "mix in the residual first: Ã = ½ A + ½ I per layer, then multiply"],
    [mixed(a2), "that is the last layer alone; multiply it by the first layer's Ã"],
    [matmul(mixed(a2), a1), "the first layer has a residual too: use Ã₁, not A₁"],
  ];
  const slip = slips.find(([s]) => close(m, s));
  return { right: false, hint: slip?.[1] ?? "per layer Ã = ½ A + ½ I (rows sum to 1), then R = Ã₂ Ã₁" };
}

function deltas(answer: unknown): Verdict {
  const n = ERASURE_LEFT_OUT.length;
  if (!Array.isArray(answer) || answer.length !== n || !answer.every((v) => Number.isFinite(v)))
    return { right: false, hint: `the answer is Δp: an array of ${n} finite numbers, one per token` };
  const got = [answer as number[]];
  const right = erasureImportance(ERASURE_FULL, ERASURE_LEFT_OUT).deltas;
  if (close(got, [right])) return { right: true, note: "token 1 carries the prediction; token 3 none of it" };
  const positive = erasureImportance(ERASURE_FULL, ERASURE_LEFT_OUT, { target: 1 }).deltas;
  const slips: [number[], string][] = [
    // with two classes, the positive class's Δp is the predicted class's with the sign flipped: one slip, one hint
    [
      positive,
      "Δp is of the predicted class c = argmax p(· | x), here not the positive one, full input first",
    ],
    [ERASURE_LEFT_OUT.map((row) => row[0]!), "that is p(c | x without t); subtract it from p(c | x)"],
  ];
  const slip = slips.find(([s]) => close(got, [s]));
  return {
    right: false,
    hint: slip?.[1] ?? "for each token t: p(c | x) − p(c | x without t), c the predicted class",
  };
}

/** Ranks 1 … n by order of appearance among ties (no averaging): the usual slip. */
function ordinalRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const ranks = new Array<number>(values.length);
  order.forEach(([, i], r) => {
    ranks[i] = r + 1;
  });
  return ranks;
}

function rho(answer: unknown): Verdict {
  const x = asFiniteNumber(answer, "Spearman's ρ: one finite number in [−1, 1]");
  if (typeof x === "string") return { right: false, hint: x };
  const [a, b] = [[...RHO_ATTENTION], [...RHO_DELTAS]];
  const right = spearman(a, b);
  const near = (v: number) => Math.abs(x - v) <= 1e-9;
  if (near(right)) return { right: true, note: "the ranks agree on the top two tokens but not their order" };
  const slips: [number, string][] = [
    [pearson(a, b), "that is Pearson's r of the raw values; Spearman's ρ correlates their ranks"],
    [pearson(ordinalRanks(a), ordinalRanks(b)), "tied values share the mean of the ranks they span"],
    [kendallTau(a, b), "that is Kendall's τ (pairs); ρ is Pearson's r of the average ranks"],
    [
      1 - (6 * sumSquaredRankGaps(a, b)) / (a.length * (a.length ** 2 - 1)),
      "1 − 6Σd²/(n(n²−1)) holds only without ties",
    ],
  ];
  const slip = slips.find(([v]) => near(v));
  return {
    right: false,
    hint: slip?.[1] ?? "rank each list (ties get the mean rank), then take Pearson's r of the ranks",
  };
}

function sumSquaredRankGaps(a: readonly number[], b: readonly number[]): number {
  const [ra, rb] = [averageRanks(a), averageRanks(b)];
  return ra.reduce((s, r, i) => s + (r - rb[i]!) ** 2, 0);
}

export const ATTENTION_EXPLANATION_EXERCISES = defineExercises("17-attention-and-explanation", [
  { n: 1, answer: "rollout", title: "the attention rollout of two layers by hand", check: rollout },
  { n: 2, answer: "deltas", title: "erasure importance Δp of the predicted class", check: deltas },
  { n: 3, answer: "rho", title: "Spearman's ρ between attention and erasure, with ties", check: rho },
]);

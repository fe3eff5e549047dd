/**
 * The exercises of notebooks/11-attention-gradients.ipynb. Every right answer is computed here from the library
 * (`softmaxBackward`, `attendBackward`, `softmaxJacobian`), never typed in; a hint says what is off without
 * giving the answer. Follows: the softmax derivative (Goodfellow et al. §6.2.2.3) and the attention backward pass
 * (Vaswani et al. 2017 eq. 1 by the chain rule; Dao et al. 2022 App. B.2).
 */
import { attendBackward } from "../math/attendBackward.js";
import { maxAbsDiff } from "../math/inspect.js";
import { type Matrix, matmul, transpose } from "../math/matrix.js";
import { softmax } from "../math/softmax.js";
import { softmaxBackward, softmaxJacobian } from "../math/softmaxJacobian.js";
import { isFiniteNumber } from "./answerGuards.js";
import { defineExercises, type Verdict } from "./exercise.js";
import { asNumberMatrix } from "./matrixAnswer.js";

/** A softmax backward of one row as a learner writes it: (p, dp) → ∂L/∂z. */
type RowBackward = (p: number[], dp: number[]) => unknown;

/** The rows exercise 1 is checked on: a spread row, a row with masked keys (p = 0) and a saturated row. */
const ROWS: { p: number[]; dp: number[] }[] = [
  { p: softmax([0.5, -1, 2, 0.1]), dp: [1, -2, 0.5, 3] },
  { p: softmax([1, 0.2, -Infinity, 0.7, -Infinity]), dp: [0.3, 1, 5, -1, 2] },
  { p: softmax([0, 1, 3]), dp: [2, -1, 0.5] },
  { p: [1, 0, 0], dp: [4, -3, 1] },
];

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

/** The usual slips, each as a function of one row, to name in the hint. */
const ROW_SLIPS: { hint: string; f: (p: number[], dp: number[]) => number[] }[] = [
  {
    hint: "p ⊙ dp alone: subtract ⟨dp, p⟩ from dp first (the weights sum to 1, so raising one lowers the others)",
    f: (p, dp) => p.map((x, j) => x * dp[j]!),
  },
  {
    hint: "subtract the weighted mean ⟨dp, p⟩ = Σ_j dp_j p_j, not the plain mean of dp",
    f: (p, dp) => p.map((x, j) => x * (dp[j]! - dp.reduce((s, v) => s + v, 0) / dp.length)),
  },
  {
    hint: "dp − ⟨dp, p⟩ must still be multiplied by p, entry by entry",
    f: (p, dp) => dp.map((v) => v - dot(dp, p)),
  },
  {
    hint: "that keeps only the diagonal p_j(1 − p_j) of the Jacobian; the off-diagonal entries −p_i p_j couple the keys",
    f: (p, dp) => p.map((x, j) => x * (1 - x) * dp[j]!),
  },
  { hint: "the sign is flipped", f: (p, dp) => softmaxBackward(p, dp).map((v) => -v) },
];

const closeRow = (a: unknown, b: readonly number[], tol: number) =>
  Array.isArray(a) &&
  a.length === b.length &&
  a.every((v, j) => typeof v === "number" && Math.abs(v - b[j]!) <= tol);

function softmaxRowGrad(answer: unknown): Verdict {
  if (typeof answer !== "function") {
    return { right: false, hint: "the answer is a function softmaxRowGrad(p, dp) returning ∂L/∂z, a row" };
  }
  const f = answer as RowBackward;
  for (const { p, dp } of ROWS) {
    const [pc, dc] = [[...p], [...dp]];
    const got = f(pc, dc);
    if (pc.some((v, j) => v !== p[j]) || dc.some((v, j) => v !== dp[j]))
      return { right: false, hint: "the function changed its input p or dp" };
    if (!Array.isArray(got) || got.length !== p.length || !got.every((v) => typeof v === "number"))
      return { right: false, hint: `for a row of ${p.length} weights it should return ${p.length} numbers` };
    if (closeRow(got, softmaxBackward(p, dp), 1e-9)) continue;
    const known = ROW_SLIPS.find((s) => closeRow(got, s.f(p, dp), 1e-9));
    const where = `for p = [${p.map((v) => +v.toFixed(3)).join(", ")}]`;
    return { right: false, hint: `${where}: ${known?.hint ?? "compare with ∂L/∂z_j = Σ_i dp_i ∂p_i/∂z_j"}` };
  }
  return {
    right: true,
    note: "it equals softmaxBackward on every row tried, masked and saturated ones included",
  };
}

/** Exercise 2's numbers: scaled dot-product attention with a causal mask, T = S = 3, d = 4, d_v = 2. */
export const GRAD_Q: Matrix = [
  [1, 0, 2, -1],
  [0, 1, -1, 1],
  [2, 1, 0, 0],
];
export const GRAD_K: Matrix = [
  [1, 1, 0, 0],
  [0, 2, 1, -1],
  [1, 0, -1, 2],
];
export const GRAD_V: Matrix = [
  [1, 0],
  [0, 1],
  [2, -1],
];
export const GRAD_DO: Matrix = [
  [1, 0],
  [0, 1],
  [1, 1],
];
const CAUSAL = { score: "scaledDot", mask: { causal: true } } as const;

function dQueries(answer: unknown): Verdict {
  const m = asNumberMatrix(answer, 3, 4, "dQ, a [3, 4] matrix shaped like the queries,");
  if (typeof m === "string") return { right: false, hint: m };
  const g = attendBackward(GRAD_Q, GRAD_K, GRAD_V, GRAD_DO, CAUSAL);
  const close = (x: Matrix) => maxAbsDiff(m, x) <= 1e-6;
  if (close(g.dQueries))
    return {
      right: true,
      note: "query 0 sees one key only: its weight is 1 whatever the score, so dq_0 = 0",
    };
  const unmasked = attendBackward(GRAD_Q, GRAD_K, GRAD_V, GRAD_DO, { score: "scaledDot" });
  const scale = g.trace.scale;
  const slips: [Matrix, string][] = [
    [
      g.dQueries.map((r) => r.map((v) => v / scale)),
      "the scores were multiplied by 1/√d before the softmax: so is their gradient",
    ],
    [g.dQueries.map((r) => r.map((v) => v * scale)), "the factor 1/√d enters once, not twice"],
    [unmasked.dQueries, "the causal mask is missing: query i sees keys j ≤ i only"],
    [
      matmul(g.dWeights, GRAD_K).map((r) => r.map((v) => v * scale)),
      "that skips the softmax: dS = α ⊙ (dα − ⟨dα, α⟩) row by row, not dα",
    ],
    [g.dKeys, "that is dK = dSᵀ Q; dQ = dS K"],
    [matmul(transpose(g.dScores), GRAD_K), "dS is transposed: dQ = dS K (row i of dS belongs to query i)"],
    [g.dQueries.map((r) => r.map((v) => -v)), "the sign is flipped"],
  ];
  const known = slips.find(([x]) => close(x));
  return {
    right: false,
    hint: known?.[1] ?? "go step by step: dα = dO Vᵀ, dS = α ⊙ (dα − rowsum(dα ⊙ α)) /√d, dQ = dS K",
  };
}

/** Exercise 3's logits. */
export const SATURATION_LOGITS = [2, 1, 0, -1];

/** ‖∂ softmax(z/τ)/∂z‖_F at the exercise's logits. */
function jacobianNorm(tau: number): number {
  const J = softmaxJacobian(softmax(SATURATION_LOGITS, { temperature: tau }), { temperature: tau });
  return Math.sqrt(J.flat().reduce((s, x) => s + x * x, 0));
}

/** The τ that maximises {@link jacobianNorm}: a grid, then golden-section refinement (the norm is unimodal in τ). */
export function steepestTemperature(): number {
  let [lo, hi] = [0.05, 10];
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let step = 0; step < 80; step++) {
    const [a, b] = [hi - phi * (hi - lo), lo + phi * (hi - lo)];
    if (jacobianNorm(a) > jacobianNorm(b)) hi = b;
    else lo = a;
  }
  return (lo + hi) / 2;
}

function steepestTau(answer: unknown): Verdict {
  if (!isFiniteNumber(answer) || answer <= 0)
    return { right: false, hint: "the answer is a temperature τ > 0" };
  const right = steepestTemperature();
  if (Math.abs(answer - right) <= 0.02 * right)
    return {
      right: true,
      note: "below it the softmax saturates, above it the 1/τ factor shrinks every entry",
    };
  if (answer > 5 * right)
    return {
      right: false,
      hint: `at τ = ${answer} the norm is still falling like 1/τ: did the Jacobian lose its 1/τ?`,
    };
  const direction = answer < right ? "larger" : "smaller";
  return { right: false, hint: `at τ = ${answer} the norm still grows towards ${direction} τ` };
}

export const ATTENTION_GRADIENTS_EXERCISES = defineExercises("11-attention-gradients", [
  {
    n: 1,
    answer: "softmaxRowGrad",
    title: "the softmax backward of one row, p ⊙ (dp − ⟨dp, p⟩), as a function",
    check: softmaxRowGrad,
  },
  {
    n: 2,
    answer: "dQueries",
    title: "dQ of causal scaled dot-product attention on small given numbers, step by step",
    check: dQueries,
  },
  {
    n: 3,
    answer: "steepestTau",
    title: "the temperature at which the softmax Jacobian of [2, 1, 0, −1] is largest",
    check: steepestTau,
  },
]);

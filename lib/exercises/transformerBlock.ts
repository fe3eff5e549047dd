/**
 * The exercises of notebooks/08-transformer-block.ipynb. Every right answer is computed here from the library
 * (`blockParameterCount`, `layerNorm`, `residualSublayer`, `mulberry32`), never typed in; a hint says what is off
 * without giving the answer. Follows: Vaswani et al. 2017 §3.1–3.3; Ba et al. 2016 eq. 4; Xiong et al. 2020.
 */
import { blockParameterCount } from "../math/blockWeights.js";
import { layerNorm } from "../math/layerNorm.js";
import { type Matrix, matmul } from "../math/matrix.js";
import { residualSublayer } from "../math/residual.js";
import { mulberry32 } from "../random/prng.js";
import { isFiniteNumber, isRecord } from "./answerGuards.js";
import { defineExercises, type Verdict } from "./exercise.js";
import { asNumberMatrix } from "./matrixAnswer.js";

/** Exercise 1's block: width 64, 4 heads, feed-forward width 256. */
export const COUNT_SIZES = { dModel: 64, numHeads: 4, dFF: 256 } as const;

/** What a count with one part mis-counted gives, for each part a learner typically gets wrong. */
function countVariants(kind: "encoder" | "decoder"): { total: number; hint: string }[] {
  const { dModel: e, numHeads: n, dFF: f } = COUNT_SIZES;
  const c = blockParameterCount(kind, e, n, f);
  const attentions = kind === "decoder" ? 2 : 1;
  const norms = c.norms / (2 * e);
  return [
    {
      total: c.total - 4 * e * attentions - f - e,
      hint: "the biases are missing (b_q, b_k, b_v, b_o, b_1, b_2)",
    },
    { total: c.total - c.norms, hint: "each LayerNorm has parameters too" },
    { total: c.total - c.norms / 2, hint: "each LayerNorm has two vectors, a gain γ and a bias β" },
    { total: c.total - 2 * e, hint: `a ${kind} block has ${norms} LayerNorms, one per sublayer` },
    { total: c.total + 2 * e, hint: `a ${kind} block has ${norms} LayerNorms, one per sublayer` },
    {
      total: c.total - c.crossAttention,
      hint: "a decoder block has two attentions: causal self-attention and cross-attention",
    },
    {
      total: c.total + (n - 1) * (c.selfAttention + c.crossAttention),
      hint: "the heads share W_q, W_k, W_v and W_o (each owns E/N of their columns): the count does not grow with N",
    },
    { total: c.total - f - e, hint: "the feed-forward network has two biases, b_1 [dFF] and b_2 [E]" },
  ];
}

function countOne(kind: "encoder" | "decoder", answer: unknown): string | undefined {
  if (!isFiniteNumber(answer) || !Number.isInteger(answer) || answer <= 0) {
    return `${kind} should be a positive whole number of parameters`;
  }
  const { dModel, numHeads, dFF } = COUNT_SIZES;
  if (answer === blockParameterCount(kind, dModel, numHeads, dFF).total) return undefined;
  const other = kind === "encoder" ? "decoder" : "encoder";
  if (answer === blockParameterCount(other, dModel, numHeads, dFF).total)
    return `${kind} is the count of the ${other} block`;
  const known = countVariants(kind).find((v) => v.total === answer);
  const parts = "attention 4 matrices + 4 biases each, FFN 2 matrices + 2 biases, γ and β per LayerNorm";
  return `${kind}: ${known?.hint ?? `count each part (${parts})`}`;
}

function parameterCounts(answer: unknown): Verdict {
  if (!isRecord(answer) || !("encoder" in answer) || !("decoder" in answer)) {
    return { right: false, hint: "the answer is { encoder, decoder }: one parameter count per block" };
  }
  const wrong = countOne("encoder", answer.encoder) ?? countOne("decoder", answer.decoder);
  if (wrong !== undefined) return { right: false, hint: wrong };
  return { right: true, note: "pre-LN and post-LN blocks have the same parameters: only the order differs" };
}

/** A LayerNorm of one row, as a learner writes it. */
type RowNorm = (x: number[], gamma: number[], beta: number[], eps: number) => unknown;

/** The rows exercise 2 is checked on: seeded rows, one constant row (variance 0), one row of large numbers. */
function normRows(): { x: number[]; gamma: number[]; beta: number[]; eps: number }[] {
  const rng = mulberry32(8);
  const rows = [rng.matrix(1, 6)[0]!, rng.matrix(1, 4, -3, 5)[0]!, [2, 2, 2, 2], LARGE_ROW];
  return rows.map((x, i) => ({
    x,
    gamma: rng.matrix(1, x.length, 0.5, 2)[0]!,
    beta: rng.matrix(1, x.length)[0]!,
    eps: i === 1 ? 1e-3 : 1e-5,
  }));
}

/** A row far from 0: E[x²] − μ² loses its digits here, (1/E) Σ (x − μ)² does not. */
const LARGE_ROW = [1e6, 1e6 + 1, 1e6 + 3];

/** The usual slips, each written as a function of one row, to name in the hint. */
const NORM_SLIPS: { hint: string; f: RowNorm }[] = [
  {
    hint: "the variance divides by E − 1 (the sample variance); LayerNorm divides by E",
    f: (x, g, b, eps) => slip(x, g, b, (c) => Math.sqrt(sum(c.map((v) => v * v)) / (x.length - 1) + eps)),
  },
  {
    hint: "ε goes inside the square root: √(σ² + ε), not √σ² + ε",
    f: (x, g, b, eps) => slip(x, g, b, (c) => Math.sqrt(sum(c.map((v) => v * v)) / x.length) + eps),
  },
  {
    hint: "ε is missing: divide by √(σ² + ε), which also keeps a constant row (σ² = 0) finite",
    f: (x, g, b) => slip(x, g, b, (c) => Math.sqrt(sum(c.map((v) => v * v)) / x.length)),
  },
  {
    hint: "the result divides by the standard deviation √(σ² + ε), not by the variance",
    f: (x, g, b, eps) => slip(x, g, b, (c) => sum(c.map((v) => v * v)) / x.length + eps),
  },
  {
    hint: "γ and β are swapped: y = γ ⊙ x̂ + β",
    f: (x, g, b, eps) => layerNorm([x], { gamma: b, beta: g, epsilon: eps }).output[0],
  },
  {
    hint: "the gain γ and the bias β are not applied: y = γ ⊙ x̂ + β",
    f: (x, _g, _b, eps) => layerNorm([x], { epsilon: eps }).output[0],
  },
];

const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);

/** γ ⊙ (x − μ)/d + β with d = `denominator(x − μ)`: the shape every slip above shares. */
function slip(x: number[], g: number[], b: number[], denominator: (centred: number[]) => number): number[] {
  const mu = sum(x) / x.length;
  const centred = x.map((v) => v - mu);
  const d = denominator(centred);
  return centred.map((v, j) => (g[j]! * v) / d + b[j]!);
}

const closeRow = (a: unknown, b: readonly number[], tol: number) =>
  Array.isArray(a) &&
  a.length === b.length &&
  a.every((v, j) => typeof v === "number" && Math.abs(v - b[j]!) <= tol * Math.max(1, Math.abs(b[j]!)));

function layerNormRow(answer: unknown): Verdict {
  if (typeof answer !== "function") {
    return {
      right: false,
      hint: "the answer is a function layerNormRow(x, gamma, beta, eps) returning a row",
    };
  }
  const f = answer as RowNorm;
  for (const { x, gamma, beta, eps } of normRows()) {
    const copy = [...x];
    const got = f(copy, [...gamma], [...beta], eps);
    if (copy.some((v, j) => v !== x[j])) return { right: false, hint: "the function changed its input x" };
    const want = layerNorm([x], { gamma, beta, epsilon: eps }).output[0]!;
    if (!Array.isArray(got) || got.length !== x.length || !got.every((v) => typeof v === "number")) {
      return { right: false, hint: `for a row of ${x.length} numbers it should return ${x.length} numbers` };
    }
    if (got.some((v) => !Number.isFinite(v))) {
      const constant = x.every((v) => v === x[0]);
      const why = constant ? "for a constant row (σ² = 0) ε keeps the division finite" : "check the division";
      return { right: false, hint: `it returned a non-finite number: ${why}` };
    }
    const large = x === LARGE_ROW;
    if (closeRow(got, want, large ? 1e-7 : 1e-9)) continue;
    if (large) {
      const why = "subtract μ before squaring: E[x²] − μ² cancels";
      return { right: false, hint: `on a row of large numbers (about 1e6) it loses precision; ${why}` };
    }
    const known = NORM_SLIPS.find((s) => closeRow(got, s.f(x, gamma, beta, eps) as number[], 1e-9));
    const note = known?.hint ?? "compare with y = γ ⊙ (x − μ)/√(σ² + ε) + β, μ and σ² over the row";
    return { right: false, hint: `for x = [${x.map((v) => +v.toFixed(3)).join(", ")}]: ${note}` };
  }
  return { right: true, note: "it equals layerNorm on every row tried, a constant one included" };
}

/** Exercise 3's numbers: two tokens of width 4 and the sublayer f(h) = h·W (W swaps columns 0↔1 and 2↔3). */
export const SUBLAYER_X: Matrix = [
  [1, 2, 3, 6],
  [0, -2, 4, 2],
];
export const SUBLAYER_W: Matrix = [
  [0, 1, 0, 0],
  [1, 0, 0, 0],
  [0, 0, 0, 1],
  [0, 0, 1, 0],
];

function preLnSublayer(answer: unknown): Verdict {
  const m = asNumberMatrix(answer, 2, 4, "the output, a [2, 4] matrix,");
  if (typeof m === "string") return { right: false, hint: m };
  const f = (h: Matrix) => ({ output: matmul(h, SUBLAYER_W) });
  const right = residualSublayer(SUBLAYER_X, f, { normFirst: true }).output;
  const close = (a: Matrix) => m.every((r, i) => r.every((v, j) => Math.abs(v - a[i]![j]!) <= 1e-6));
  if (close(right)) return { right: true, note: "x + f(LN(x)): the input x reaches the output unchanged" };
  const ln = layerNorm(SUBLAYER_X).output;
  const slips: [Matrix, string][] = [
    [residualSublayer(SUBLAYER_X, f).output, "that is post-LN, LN(x + f(x)); pre-LN normalises f's input"],
    [f(ln).output, "the residual is missing: add x itself to f(LN(x))"],
    [residualSublayer(SUBLAYER_X, f).sum, "f reads LN(x), not x, in a pre-LN block"],
    [layerNorm(right).output, "pre-LN has no LayerNorm after the sum: the output is x + f(LN(x))"],
    [ln.map((r, i) => r.map((v, j) => v + f(ln).output[i]![j]!)), "the residual adds x, not LN(x)"],
  ];
  const known = slips.find(([s]) => close(s));
  return { right: false, hint: known?.[1] ?? "compute LN(x) row by row, then f of it, then add x" };
}

export const TRANSFORMER_BLOCK_EXERCISES = defineExercises("08-transformer-block", [
  {
    n: 1,
    answer: "blockParams",
    title: "the parameters of an encoder and a decoder block with E = 64, 4 heads, dFF = 256",
    check: parameterCounts,
  },
  {
    n: 2,
    answer: "layerNormRow",
    title: "a LayerNorm of one row, γ ⊙ (x − μ)/√(σ² + ε) + β",
    check: layerNormRow,
  },
  {
    n: 3,
    answer: "preLnOutput",
    title: "the output of a pre-LN residual sublayer x + f(LN(x)) for small given numbers",
    check: preLnSublayer,
  },
]);

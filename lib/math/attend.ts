/**
 * Single-head attention, step by step: scores → scale → mask → softmax weights → weighted sum of values.
 * Follows: Vaswani et al. 2017 eq. 1, O = softmax(Q Kᵀ/√d_k) V, generalised to the other score
 * functions of `scores.ts` (d2l §11.3 "attention scoring functions").
 */
import type { BoolMatrix, MaskSpec } from "./mask.js";
import { maskedSoftmaxSteps } from "./maskedSoftmax.js";
import { assertMatrix, assertPositive, formatShape, type Matrix, matmul, type Shape } from "./matrix.js";
import {
  type AdditiveParams,
  additive,
  cosine,
  dot,
  type GeneralParams,
  general,
  type ScoreName,
} from "./scores.js";
import { softmax } from "./softmax.js";
import { shapesOf, step, type TraceStep } from "./trace.js";

/** Which score function to use, with its parameters. */
export type ScoreOptions =
  | { score?: "dot" | "scaledDot" | "cosine" }
  | ({ score: "additive" } & AdditiveParams)
  | ({ score: "general" } & GeneralParams);

/** Options for {@link attend}. */
export type AttendOptions = ScoreOptions & {
  /** Multiply the scores by this. Default: 1/√d for `scaledDot`, 1 for the others. */
  scale?: number;
  /** Softmax temperature τ (default 1): weights = softmax(scores/τ). */
  temperature?: number;
  /** Padding, causal, local or explicit mask (or several); masked keys get weight exactly 0. */
  mask?: MaskSpec | BoolMatrix;
};

/** Every intermediate of one attention computation. Shapes: T queries, S keys, d_v value width. */
export interface AttentionTrace {
  /** The score function used. */
  score: ScoreName;
  /** The scale that multiplied the raw scores. */
  scale: number;
  /** The softmax temperature. */
  temperature: number;
  /** Raw scores a(q_i, k_j), `[T, S]`. */
  scores: Matrix;
  /** `scores · scale`, `[T, S]`; present when the scale is not 1. */
  scaledScores?: Matrix;
  /** The mask applied (`true` = attend), `[T, S]`; present when a mask was given. */
  mask?: BoolMatrix;
  /** Scores with masked entries set to −∞, `[T, S]`; present when a mask was given. */
  masked?: Matrix;
  /** Attention weights α, `[T, S]`: each row sums to 1 (all zeros for a fully masked row). */
  weights: Matrix;
  /** Output α V, `[T, d_v]`: each row is a convex combination of value rows (zero if fully masked). */
  output: Matrix;
  /** The steps above in order, each with its symbol, equation, shape and value. */
  steps: TraceStep[];
  /** Shape of each step by name. */
  shapes: Record<string, Shape>;
}

/**
 * Computes attention and returns every intermediate.
 * @example
 *   const t = attend([[1, 0]], [[1, 0], [0, 1]], [[10, 0], [0, 10]], { score: "dot" });
 *   t.weights; // [[0.7311, 0.2689]]
 *   t.output; // [[7.311, 2.689]]
 */
export function attend(
  queries: Matrix,
  keys: Matrix,
  values: Matrix,
  options: AttendOptions = {},
): AttentionTrace {
  const [, d] = assertMatrix("queries", queries);
  const [s, dk] = assertMatrix("keys", keys);
  const [sv, dv] = assertMatrix("values", values);
  if (sv !== s) {
    throw new RangeError(
      `values ${formatShape([sv, dv])} must have one row per key: keys ${formatShape([s, dk])} (${sv} != ${s})`,
    );
  }
  const temperature = assertPositive("temperature", options.temperature ?? 1);
  const score = options.score ?? "scaledDot";
  const scale = assertPositive("scale", options.scale ?? (score === "scaledDot" ? 1 / Math.sqrt(d) : 1));
  // 1) score
  const scores = rawScores(queries, keys, options);
  const steps = [step("scores", "S", scoreEquation(score), scores)];
  // 2) scale
  let logits = scores;
  let scaledScores: Matrix | undefined;
  if (scale !== 1) {
    scaledScores = scores.map((row) => row.map((x) => x * scale));
    logits = scaledScores;
    steps.push(
      step(
        "scaledScores",
        "S'",
        scaleEquation(score === "scaledDot" && options.scale === undefined, scale),
        scaledScores,
      ),
    );
  }
  // 3) mask 4) softmax
  let weights: Matrix;
  let mask: BoolMatrix | undefined;
  let masked: Matrix | undefined;
  if (options.mask !== undefined) {
    ({ mask, masked, weights } = maskedSoftmaxSteps(logits, options.mask, { temperature }));
    steps.push(
      step(
        "masked",
        "\\tilde S",
        `\\tilde S_{ij} = ${steps.at(-1)!.symbol}_{ij} \\text{ if } M_{ij} \\text{ else } -\\infty`,
        masked,
      ),
    );
  } else {
    weights = softmax(logits, { temperature });
  }
  const last = steps.at(-1)!.symbol;
  const tau = temperature === 1 ? "" : `/${temperature}`;
  steps.push(
    step("weights", "\\alpha", `\\alpha = \\operatorname{softmax}_{\\text{row}}(${last}${tau})`, weights),
  );
  // 5) weight the values
  const output = matmul(weights, values, ["weights", "values"]);
  steps.push(step("output", "O", "O = \\alpha V", output));
  return {
    score,
    scale,
    temperature,
    scores,
    scaledScores,
    mask,
    masked,
    weights,
    output,
    steps,
    shapes: shapesOf(steps),
  };
}

function rawScores(queries: Matrix, keys: Matrix, options: ScoreOptions): Matrix {
  switch (options.score) {
    case "additive":
      return additive(queries, keys, options);
    case "general":
      return general(queries, keys, options);
    case "cosine":
      return cosine(queries, keys);
    default:
      return dot(queries, keys); // dot and scaledDot share the raw product; the scale is step 2
  }
}

function scoreEquation(score: ScoreName): string {
  switch (score) {
    case "additive":
      return "S_{ij} = v^\\top \\tanh(q_i W_q + k_j W_k)";
    case "general":
      return "S = Q W K^\\top";
    case "cosine":
      return "S_{ij} = \\frac{q_i \\cdot k_j}{\\lVert q_i \\rVert \\lVert k_j \\rVert}";
    default:
      return "S = Q K^\\top";
  }
}

function scaleEquation(bySqrtD: boolean, scale: number): string {
  return bySqrtD ? "S' = S / \\sqrt{d_k}" : `S' = ${scale} \\cdot S`;
}

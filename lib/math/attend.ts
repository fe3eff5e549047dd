/**
 * Single-head attention, step by step: scores → scale → mask → softmax weights → weighted sum of values.
 * Follows: Vaswani et al. 2017 eq. 1, O = softmax(Q Kᵀ/√d_k) V, generalised to the other score
 * functions of `scores.ts` (d2l §11.3 "attention scoring functions").
 */
import { checkOptions, checkValue, type OptionRule, opt } from "../check/options.js";
import { type MatrixLike, toMatrix } from "./input.js";
import { type BoolMatrix, MASK_SPEC_RULES, type MaskSpec } from "./mask.js";
import { maskedSoftmaxFor } from "./maskedSoftmax.js";
import { formatShape, type Matrix, matmul, type Shape, shapeOf } from "./matrix.js";
import {
  type AdditiveParams,
  type GeneralParams,
  SCORE_PARAMS,
  type ScoreName,
  scaleScores,
  scoresFor,
} from "./scores.js";
import { softmax } from "./softmax.js";
import { type StepRow, shapesOf, stepsFrom, type TraceStep } from "./trace.js";

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
  queries: MatrixLike,
  keys: MatrixLike,
  values: MatrixLike,
  options: AttendOptions = {},
): AttentionTrace {
  checkAttendOptions(options);
  const q = toMatrix("attend: queries", queries);
  const k = toMatrix("attend: keys", keys);
  const vals = toMatrix("attend: values", values);
  const [[, d], [s, dk], [sv, dv]] = [shapeOf(q), shapeOf(k), shapeOf(vals)];
  if (sv !== s) {
    throw new RangeError(
      `attend: values ${formatShape([sv, dv])} must have one row per key: keys ${formatShape([s, dk])} (${sv} != ${s})`,
    );
  }
  const temperature = options.temperature ?? 1;
  const score = options.score ?? "scaledDot";
  const scale = options.scale ?? (score === "scaledDot" ? 1 / Math.sqrt(d) : 1);
  // 1) score 2) scale 3) mask 4) softmax 5) weight the values
  const scores = scoresFor("attend", score, q, k, options as Partial<AdditiveParams & GeneralParams>);
  const scaledScores = scale === 1 ? undefined : scaleScores("attend: scores · scale", scores, scale);
  const logits = scaledScores ?? scores; // [T, S]
  const { mask, masked, weights } =
    options.mask === undefined
      ? { mask: undefined, masked: undefined, weights: softmax(logits, { temperature }) }
      : maskedSoftmaxFor("attend", "options.mask", logits, options.mask, { temperature });
  const output = matmul(weights, vals, ["weights", "values"]); // [T, d_v]
  // the steps, from the table
  const bySqrtD = score === "scaledDot" && options.scale === undefined;
  const steps = stepsFrom(
    ATTEND_STEPS,
    { scores, scaledScores, masked, weights, output },
    { score, scale, temperature, bySqrtD },
  );
  const trace = { score, scale, temperature, scores, scaledScores, mask, masked, weights, output };
  return { ...trace, steps, shapes: shapesOf(steps) };
}

/** What the equations of {@link ATTEND_STEPS} depend on. */
interface AttendSettings {
  score: ScoreName;
  scale: number;
  temperature: number;
  /** The scale is scaledDot's default 1/√d_k (written as such), not a number the caller gave. */
  bySqrtD: boolean;
}

/**
 * The steps of an attention trace, in order, each named after the field of {@link AttentionTrace} it shows.
 * A step whose intermediate was not computed (scale 1, no mask) is left out; equations name the step before.
 */
const ATTEND_STEPS: readonly StepRow<AttendSettings>[] = [
  { name: "scores", symbol: "S", equation: (s) => scoreEquation(s.score) },
  {
    name: "scaledScores",
    symbol: "S'",
    equation: (s) => (s.bySqrtD ? "S' = S / \\sqrt{d_k}" : `S' = ${s.scale} \\cdot S`),
  },
  {
    name: "masked",
    symbol: "\\tilde S",
    equation: (_, prev) => `\\tilde S_{ij} = ${prev}_{ij} \\text{ if } M_{ij} \\text{ else } -\\infty`,
  },
  {
    name: "weights",
    symbol: "\\alpha",
    equation: (s, prev) => {
      const tau = s.temperature === 1 ? "" : `/${s.temperature}`;
      return `\\alpha = \\operatorname{softmax}_{\\text{row}}(${prev}${tau})`;
    },
  },
  { name: "output", symbol: "O", equation: "O = \\alpha V" },
];

/** The LaTeX definition of the raw scores of `score`. */
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

/** The score names {@link attend} accepts. */
export const SCORE_NAMES: readonly ScoreName[] = ["dot", "scaledDot", "additive", "general", "cosine"];

const COMMON_RULES: Record<string, OptionRule> = {
  score: opt.oneOf(SCORE_NAMES),
  scale: opt.number({ above: 0 }),
  temperature: opt.number({ above: 0 }),
  mask: opt.any(),
};

/**
 * Checks attend's options per score (the {@link ScoreOptions} union): additive needs wq, wk and v, general
 * needs w, and the other scores take neither; unknown keys and bad values are errors naming the key.
 */
function checkAttendOptions(options: AttendOptions): void {
  const raw = options as Record<string, unknown> | undefined;
  const score = typeof raw === "object" && raw !== null ? raw.score : undefined;
  checkValue("attend", "options.score", score, COMMON_RULES.score!);
  const name = (score ?? "scaledDot") as ScoreName;
  const own: readonly string[] = name === "additive" || name === "general" ? SCORE_PARAMS[name] : [];
  if (typeof raw === "object" && raw !== null) {
    for (const [other, params] of Object.entries(SCORE_PARAMS)) {
      const stray = (params as readonly string[]).find((p) => Object.hasOwn(raw, p) && !own.includes(p));
      if (other !== name && stray !== undefined)
        throw new TypeError(
          `attend: options.${stray} is a parameter of score "${other}", but options.score is "${name}"; allowed options: ${[...Object.keys(COMMON_RULES), ...own].join(", ")}`,
        );
    }
  }
  if (typeof raw === "object" && raw !== null) checkMaskKeysMisplaced(raw);
  checkOptions("attend", options, { ...COMMON_RULES, ...Object.fromEntries(own.map((p) => [p, opt.any()])) });
  const missing = own.filter((p) => raw?.[p] === undefined);
  if (missing.length > 0)
    throw new TypeError(
      `attend: score "${name}" needs options.${own.join(", options.")}; missing ${missing.map((p) => `options.${p}`).join(", ")}`,
    );
}

/** `{ causal: true }` (or `{ casual: true }`) at the top level belongs inside `options.mask`: say so. */
function checkMaskKeysMisplaced(raw: Record<string, unknown>): void {
  const letters = (k: string) => [...k.toLowerCase()].sort().join("");
  for (const key of Object.keys(raw)) {
    if (Object.hasOwn(COMMON_RULES, key)) continue;
    const maskKey = Object.keys(MASK_SPEC_RULES).find((m) => letters(m) === letters(key));
    if (maskKey !== undefined)
      throw new TypeError(
        `attend: unknown option "${key}" (did you mean options.mask: { ${maskKey}: … }?); allowed options: ${Object.keys(COMMON_RULES).join(", ")}`,
      );
  }
}

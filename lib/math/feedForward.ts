/**
 * The position-wise feed-forward network of a Transformer layer on plain arrays: the same two affine maps with
 * an activation between, applied to every row (position) alike.
 * Follows: Vaswani et al. 2017 §3.3 eq. 2, FFN(x) = max(0, x W_1 + b_1) W_2 + b_2; GELU (tanh form, Hendrycks &
 * Gimpel 2016) as the tier-2 `PositionwiseFeedForward` offers it.
 */
import { checkOptions, opt } from "../check/options.js";
import { type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import { addRowVector, type Matrix, matmul, type Shape } from "./matrix.js";
import { type StepRow, shapesOf, stepsFrom, type TraceStep } from "./trace.js";

/** The activations of the hidden layer. */
export type FeedForwardActivation = "relu" | "gelu";

/** Weights and activation of {@link feedForward}: `W_1 [E, dFF]`, `b_1 [dFF]`, `W_2 [dFF, E_out]`, `b_2 [E_out]`. */
export interface FeedForwardOptions {
  w1: MatrixLike;
  b1?: VectorLike;
  w2: MatrixLike;
  b2?: VectorLike;
  /** Hidden activation. Default "relu". */
  activation?: FeedForwardActivation;
}

/** The rules of {@link FeedForwardOptions} (the weights are checked as matrices and vectors by shape). */
const FEED_FORWARD_RULES = {
  w1: opt.any({ required: true }),
  b1: opt.any(),
  w2: opt.any({ required: true }),
  b2: opt.any(),
  activation: opt.oneOf(["relu", "gelu"]),
} as const;

/** Every intermediate of a feed-forward block over `x [T, E]`. */
export interface FeedForwardTrace {
  /** The activation used. */
  activation: FeedForwardActivation;
  /** x W_1 + b_1, `[T, dFF]`. */
  preActivation: Matrix;
  /** act(preActivation), `[T, dFF]` (ReLU: the negative entries set to 0). */
  hidden: Matrix;
  /** hidden W_2 + b_2, `[T, E_out]`. */
  output: Matrix;
  /** The steps above in order, each with its symbol, equation, shape and value. */
  steps: TraceStep[];
  /** Shape of each step by name. */
  shapes: Record<string, Shape>;
}

/**
 * FFN(x) = act(x W_1 + b_1) W_2 + b_2 on every row of `x [T, E]`, with every intermediate.
 * @example
 *   const t = feedForward([[1, -2]], { w1: [[1, 0], [0, 1]], w2: [[1], [1]], b2: [0.5] });
 *   t.preActivation; // [[1, -2]]
 *   t.hidden; // [[1, 0]] (ReLU)
 *   t.output; // [[1.5]]
 */
export function feedForward(x: MatrixLike, options: FeedForwardOptions): FeedForwardTrace {
  const where = "feedForward";
  const o = checkOptions(where, options, FEED_FORWARD_RULES);
  const m = toMatrix(`${where}: x`, x);
  const [w1, w2] = [toMatrix(`${where}: options.w1`, o.w1), toMatrix(`${where}: options.w2`, o.w2)];
  const [b1, b2] = [o.b1, o.b2].map((b, i) =>
    b === undefined ? undefined : toNumberArray(`${where}: options.b${i + 1}`, b),
  );
  const activation = o.activation ?? "relu";
  // 1) first affine map 2) activation 3) second affine map
  const first = matmul(m, w1, ["x", "options.w1"]); // [T, dFF]
  const preActivation = b1 === undefined ? first : addRowVector(first, b1, `${where}: options.b1`);
  const act = activation === "gelu" ? gelu : relu;
  const hidden = preActivation.map((row) => row.map(act)); // [T, dFF]
  const second = matmul(hidden, w2, ["hidden", "options.w2"]); // [T, E_out]
  const output = b2 === undefined ? second : addRowVector(second, b2, `${where}: options.b2`);
  const steps = stepsFrom(FEED_FORWARD_STEPS, { preActivation, hidden, output }, activation);
  return { activation, preActivation, hidden, output, steps, shapes: shapesOf(steps) };
}

/** ReLU: max(0, v). */
function relu(v: number): number {
  return v > 0 ? v : 0;
}

/** GELU, tanh form: 0.5 v (1 + tanh(√(2/π)(v + 0.044715 v³))); the tier-2 block uses the same formula. */
function gelu(v: number): number {
  return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
}

/** The steps of a feed-forward trace, in order. */
const FEED_FORWARD_STEPS: readonly StepRow<FeedForwardActivation>[] = [
  { name: "preActivation", symbol: "Z", equation: "Z = X W_1 + b_1" },
  {
    name: "hidden",
    symbol: "H",
    equation: (a) => (a === "relu" ? "H = \\max(0, Z)" : "H = \\operatorname{GELU}(Z)"),
  },
  { name: "output", symbol: "F", equation: "F = H W_2 + b_2" },
];

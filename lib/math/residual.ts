/**
 * One residual sublayer of a Transformer on plain arrays, in either place of the LayerNorm: post-LN
 * y = LN(x + f(x)) (Vaswani et al. 2017 §3.1, "LayerNorm(x + Sublayer(x))") or pre-LN y = x + f(LN(x))
 * (Xiong et al. 2020, "On Layer Normalization in the Transformer Architecture": the identity path from input to
 * output has no LayerNorm on it, so gradients reach deep stacks without warm-up). No dropout (inference).
 */
import { checkOptions, describeValue, opt } from "../check/options.js";
import { type MatrixLike, toMatrix } from "./input.js";
import { LAYER_NORM_RULES, type LayerNormOptions, type LayerNormTrace, layerNorm } from "./layerNorm.js";
import { addMatrices, type Matrix } from "./matrix.js";

/** Options of {@link residualSublayer}: where the LayerNorm goes and its γ, β, ε. */
export interface ResidualOptions extends LayerNormOptions {
  /** Pre-LN `x + f(LN(x))` instead of post-LN `LN(x + f(x))`. Default `false`. */
  normFirst?: boolean;
}

/** The rules of {@link ResidualOptions}. */
const RESIDUAL_RULES = { ...LAYER_NORM_RULES, normFirst: opt.boolean() } as const;

/** Every intermediate of one residual sublayer; `S` is the trace type of the sublayer f. */
export interface ResidualTrace<S extends { output: Matrix }> {
  /** Whether the LayerNorm came first (pre-LN). */
  normFirst: boolean;
  /** The LayerNorm: of `x` (pre-LN) or of `sum` (post-LN). */
  norm: LayerNormTrace;
  /** The sublayer's trace: f applied to `norm.output` (pre-LN) or to `x` (post-LN). */
  sublayer: S;
  /** x + f(·), `[T, E]`: the residual sum. */
  sum: Matrix;
  /** `sum` (pre-LN) or `norm.output` (post-LN), `[T, E]`. */
  output: Matrix;
}

/**
 * A residual sublayer around `f`: post-LN LN(x + f(x)) or pre-LN x + f(LN(x)). `f` takes a `[T, E]` matrix and
 * returns a trace whose `output` is `[T, E]` too (e.g. a {@link multiHeadAttend} or {@link feedForward} call).
 * @example
 *   const double = (h) => ({ output: h.map((r) => r.map((v) => 2 * v)) });
 *   residualSublayer([[1, 3]], double).sum; // [[3, 9]]
 *   residualSublayer([[1, 3]], double).output; // [[-1, 1]] (LN(x + 2x))
 *   residualSublayer([[1, 3]], double, { normFirst: true }).output; // [[-1, 5]] (x + 2·LN(x))
 */
export function residualSublayer<S extends { output: Matrix }>(
  x: MatrixLike,
  f: (h: Matrix) => S,
  options: ResidualOptions = {},
): ResidualTrace<S> {
  const where = "residualSublayer";
  const { normFirst = false, ...norm } = checkOptions(where, options, RESIDUAL_RULES);
  const m = toMatrix(`${where}: x`, x);
  if (typeof f !== "function") throw new TypeError(`${where}: f must be a function, got ${describeValue(f)}`);
  const run = (h: Matrix): S => {
    const s = f(h);
    if (typeof s !== "object" || s === null || !Array.isArray(s.output))
      throw new TypeError(`${where}: f must return a trace with an output matrix, got ${describeValue(s)}`);
    return s;
  };
  if (normFirst) {
    const ln = layerNorm(m, norm); // [T, E]
    const sublayer = run(ln.output);
    const sum = addMatrices(m, sublayer.output, ["x", "f(LN(x))"]); // [T, E]
    return { normFirst, norm: ln, sublayer, sum, output: sum };
  }
  const sublayer = run(m);
  const sum = addMatrices(m, sublayer.output, ["x", "f(x)"]); // [T, E]
  const ln = layerNorm(sum, norm); // [T, E]
  return { normFirst, norm: ln, sublayer, sum, output: ln.output };
}

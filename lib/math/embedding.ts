/**
 * The input of a Transformer stack on plain arrays: look each token up in the embedding table, multiply by √E,
 * add the sinusoidal positional encoding. Follows: Vaswani et al. 2017 §3.4 ("in the embedding layers, we
 * multiply those weights by √d_model") and §3.5; the tier-2 `Transformer`'s `embed`.
 */
import { checkOptions, describeValue, opt } from "../check/options.js";
import { isNumericTypedArray, type MatrixLike, toMatrix } from "./input.js";
import { addMatrices, assertNoOverflow, type Matrix, type Shape } from "./matrix.js";
import { sinusoidalPositionalEncoding } from "./positional.js";
import { type StepRow, shapesOf, stepsFrom, type TraceStep } from "./trace.js";

/** Options of {@link embedTokens}. */
export interface EmbedTokensOptions {
  /** The factor on the looked-up rows, > 0. Default √E (E the table's width). */
  scale?: number;
  /** Base of the positional frequencies ω_i = base^{−2i/E}. Default 10000. */
  base?: number;
}

/** The rules of {@link EmbedTokensOptions}. */
const EMBED_TOKENS_RULES = { scale: opt.number({ above: 0 }), base: opt.number({ above: 0 }) } as const;

/** Every intermediate of embedding T tokens with a `[V, E]` table. */
export interface EmbeddingTrace {
  /** The token ids, as given. */
  tokens: number[];
  /** The factor on the looked-up rows. */
  scale: number;
  /** Row `tokens[i]` of the table for each position i, `[T, E]`. */
  lookedUp: Matrix;
  /** lookedUp · scale, `[T, E]`. */
  scaled: Matrix;
  /** The sinusoidal encoding PE of positions 0 … T − 1, `[T, E]`. */
  positions: Matrix;
  /** scaled + positions, `[T, E]`: what the first layer reads. */
  output: Matrix;
  /** The steps above in order, each with its symbol, equation, shape and value. */
  steps: TraceStep[];
  /** Shape of each step by name. */
  shapes: Record<string, Shape>;
}

/**
 * Embeds token ids: X = √E · table[tokens] + PE, with every intermediate.
 * @example
 *   const t = embedTokens([1, 0], [[0, 0], [1, 1]]);
 *   t.lookedUp; // [[1, 1], [0, 0]]
 *   t.scaled; // [[1.4142, 1.4142], [0, 0]] (× √2)
 *   t.output; // [[1.4142, 2.4142], [0.8415, 0.5403]] (+ PE rows 0 and 1)
 */
export function embedTokens(
  tokens: readonly number[],
  table: MatrixLike,
  options: EmbedTokensOptions = {},
): EmbeddingTrace {
  const where = "embedTokens";
  const o = checkOptions(where, options, EMBED_TOKENS_RULES);
  const t = toMatrix(`${where}: table`, table);
  const ids = tokenIds(where, tokens, t.length);
  const e = t[0]!.length;
  const scale = o.scale ?? Math.sqrt(e);
  // 1) look up 2) scale 3) add the positions
  const lookedUp = ids.map((id) => [...t[id]!]); // [T, E]
  const finite = (step: string, v: number, i: number, j: number) =>
    Number.isFinite(v) ? v : assertNoOverflow(`${where}: ${step}`, v, `[${i}, ${j}]`);
  const scaled = lookedUp.map((row, i) => row.map((v, j) => finite("table rows · scale", v * scale, i, j))); // [T, E]
  const positions = sinusoidalPositionalEncoding(ids.length, e, o.base ?? 10000); // [T, E]
  const output = addMatrices(scaled, positions, ["scaled", "positions"]); // [T, E]
  const settings = { scale, bySqrtE: o.scale === undefined, base: o.base ?? 10000 };
  const steps = stepsFrom(EMBED_STEPS, { lookedUp, scaled, positions, output }, settings);
  return { tokens: ids, scale, lookedUp, scaled, positions, output, steps, shapes: shapesOf(steps) };
}

/** The token ids as a plain array: a non-empty array of integers in [0, vocab). */
function tokenIds(where: string, tokens: unknown, vocab: number): number[] {
  if (!Array.isArray(tokens) && !isNumericTypedArray(tokens))
    throw new TypeError(`${where}: tokens must be an array of token ids, got ${describeValue(tokens)}`);
  if (tokens.length === 0)
    throw new RangeError(`${where}: tokens must have at least one entry, got shape [0]`);
  const ids = Array.from(tokens as ArrayLike<unknown>);
  ids.forEach((id, i) => {
    if (!(i in tokens))
      throw new TypeError(
        `${where}: tokens[${i}] is missing (a hole in a sparse array); every entry must be a number`,
      );
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= vocab) {
      throw new RangeError(
        `${where}: tokens[${i}] must be an integer in [0, ${vocab - 1}] (a row of the [${vocab}, ·] table), got ${describeValue(id)}`,
      );
    }
  });
  return ids as number[];
}

/** The steps of an embedding trace, in order. */
const EMBED_STEPS: readonly StepRow<{ scale: number; bySqrtE: boolean; base: number }>[] = [
  { name: "lookedUp", symbol: "X_0", equation: "(X_0)_i = W_{\\text{emb}}[t_i]" },
  {
    name: "scaled",
    symbol: "X_1",
    equation: (s) => (s.bySqrtE ? "X_1 = \\sqrt{E} \\cdot X_0" : `X_1 = ${s.scale} \\cdot X_0`),
  },
  {
    name: "positions",
    symbol: "P",
    equation: (s) => `P_{p,2i} = \\sin(p / ${s.base}^{2i/E}),\\ P_{p,2i+1} = \\cos(p / ${s.base}^{2i/E})`,
  },
  { name: "output", symbol: "X", equation: "X = X_1 + P" },
];

/**
 * Rotary position embedding (RoPE) on plain arrays: each pair of a query's or key's features is rotated by an
 * angle proportional to its position, so that the score of a query at m and a key at n depends on m − n only.
 * Follows: Su et al. 2021 (RoFormer) eq. 13–15, θ_i = base^{−2i/D}, pairs (2i, 2i+1) ("interleaved");
 * GPT-NeoX and LLaMA (Hugging Face `rotate_half`) pair feature i with i + D/2 instead ("half"). Both rotate
 * (a, b) at position p by p·θ_i: (a cos − b sin, a sin + b cos).
 */
import { checkOptions, opt } from "../check/options.js";
import { type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import type { Matrix, Shape } from "./matrix.js";
import { type StepRow, shapesOf, stepsFrom, type TraceStep } from "./trace.js";

/** Which features form a rotated pair. */
export type RopeLayout = "interleaved" | "half";

/** Options of {@link applyRope}. */
export interface RopeOptions {
  /** The base of the frequencies θ_i = base^{−2i/D}, a finite number > 1. Default 10000. */
  base?: number;
  /** The position of each row, finite numbers (one per row). Default 0, 1, …, T − 1. */
  positions?: VectorLike;
  /** "interleaved": pairs (2i, 2i + 1), as RoFormer; "half": pairs (i, i + D/2), as GPT-NeoX and LLaMA. Default "interleaved". */
  layout?: RopeLayout;
}

/** The rules of {@link RopeOptions} (positions are checked against the rows). */
export const ROPE_RULES = {
  base: opt.number({ above: 1 }),
  positions: opt.any(),
  layout: opt.oneOf(["interleaved", "half"]),
} as const;

/** Every intermediate of {@link applyRope} over `x [T, D]`. */
export interface RopeTrace {
  layout: RopeLayout;
  base: number;
  /** The position of each row, `[T]`. */
  positions: number[];
  /** θ_i = base^{−2i/D}, `[D/2]`: pair 0 turns fastest (one radian a position), the last slowest. */
  frequencies: number[];
  /** For each row and pair, the feature indices rotated together, `[D/2][2]`. */
  pairs: [number, number][];
  /** The angles p_t · θ_i, `[T, D/2]`. */
  angles: Matrix;
  /** x with every pair rotated by its angle, `[T, D]`. */
  output: Matrix;
  /** The steps above in order, each with its symbol, equation, shape and value. */
  steps: TraceStep[];
  /** Shape of each step by name. */
  shapes: Record<string, Shape>;
}

/**
 * Rotates the feature pairs of every row of `x [T, D]` (D even) by position × frequency.
 * @example
 *   applyRope([[1, 0]], { positions: [Math.PI / 2], base: 10000 }).output; // [[0, 1]] (to 1e-15: a quarter turn)
 *   applyRope([[1, 0, 0, 0], [1, 0, 0, 0]]).angles; // [[0, 0], [1, 0.01]]
 */
export function applyRope(x: MatrixLike, options: RopeOptions = {}): RopeTrace {
  const where = "applyRope";
  const o = checkOptions(where, options, ROPE_RULES);
  const m = toMatrix(`${where}: x`, x);
  const [t, d] = [m.length, m[0]!.length];
  if (d % 2 !== 0)
    throw new RangeError(`${where}: x has ${d} columns; RoPE rotates pairs of features, so D must be even`);
  const base = o.base ?? 10000;
  const layout: RopeLayout = o.layout ?? "interleaved";
  const positions = ropePositions(where, o.positions, t);
  const half = d / 2;
  // 1) frequencies 2) which features pair up 3) angles 4) rotate each pair
  const frequencies = Array.from({ length: half }, (_, i) => base ** (-(2 * i) / d));
  const pairs = Array.from({ length: half }, (_, i): [number, number] =>
    layout === "interleaved" ? [2 * i, 2 * i + 1] : [i, i + half],
  );
  const angles = positions.map((p) => frequencies.map((f) => p * f)); // [T, D/2]
  const far = positions.find((p) => !Number.isFinite(p * frequencies[0]!) || Math.abs(p) > 2 ** 53);
  if (far !== undefined)
    throw new RangeError(`${where}: position ${far} is too large for its angle to be computed (|p| ≤ 2^53)`);
  const output = m.map((row, r) => {
    const out = row.slice();
    pairs.forEach(([a, b], i) => {
      const [c, s] = [Math.cos(angles[r]![i]!), Math.sin(angles[r]![i]!)];
      out[a] = row[a]! * c - row[b]! * s;
      out[b] = row[a]! * s + row[b]! * c;
    });
    return out;
  });
  const steps = stepsFrom(ROPE_STEPS, { angles, output }, layout);
  return { layout, base, positions, frequencies, pairs, angles, output, steps, shapes: shapesOf(steps) };
}

/** The rows' positions: 0 … T − 1 by default, else `T` finite numbers. */
function ropePositions(where: string, value: unknown, t: number): number[] {
  if (value === undefined) return Array.from({ length: t }, (_, i) => i);
  const p = toNumberArray(`${where}: options.positions`, value);
  if (p.length !== t)
    throw new RangeError(
      `${where}: options.positions has ${p.length} entries but x has ${t} rows (one per row)`,
    );
  return p;
}

/** The steps of a RoPE trace, in order. */
const ROPE_STEPS: readonly StepRow<RopeLayout>[] = [
  { name: "angles", symbol: "\\phi", equation: "\\phi_{t,i} = p_t\\,\\theta_i,\\ \\theta_i = b^{-2i/D}" },
  {
    name: "output",
    symbol: "\\tilde x",
    equation: (layout) =>
      layout === "interleaved"
        ? "(\\tilde x_{2i}, \\tilde x_{2i+1}) = R(\\phi_{t,i})\\,(x_{2i}, x_{2i+1})"
        : "(\\tilde x_{i}, \\tilde x_{i+D/2}) = R(\\phi_{t,i})\\,(x_{i}, x_{i+D/2})",
  },
];

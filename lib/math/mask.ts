/**
 * Attention masks as boolean matrices (`true` = the query may attend to that key): padding by valid
 * lengths, causal, local windows, explicit matrices, and any combination of them (logical AND).
 * Follows: d2l §11.3.2 (masked softmax by valid lengths); Vaswani et al. §3.2.3 (causal decoder mask);
 * Luong et al. 2015 §3.2 (local attention window); cached decoding (the bottom-right causal mask of PyTorch's
 * `scaled_dot_product_attention` `CausalVariant.LOWER_RIGHT`, `torch.tril(ones(T, S), diagonal=S − T)`).
 */
import { checkValue, describeValue, opt } from "../check/options.js";
import { assertSize, isNumericTypedArray, toNumberArray, type VectorLike } from "./input.js";
import { assertPositiveInt, formatShape, type Shape } from "./matrix.js";

/** A boolean mask `[T, S]`: `mask[i][j]` is true when query i may attend to key j. */
export type BoolMatrix = boolean[][];

/**
 * What to mask. Every field that is given applies, and they combine with AND.
 * A plain `BoolMatrix` is also accepted wherever a `MaskSpec` is.
 */
export interface MaskSpec {
  /** Padding: query i sees keys `0 … validLens[i] − 1`; one number applies to every query. */
  validLens?: number | VectorLike;
  /** Causal (decoder) mask: query i sees keys `j ≤ i + queryOffset`. */
  causal?: boolean;
  /** Local attention: query i sees keys with `|i + queryOffset − j| ≤ window`. */
  window?: number;
  /**
   * The key position of query 0, for `causal` and `window` (an integer; only with one of them): query i stands
   * at key position i + queryOffset. Default 0, the top-left alignment (query i is key i), right when queries
   * and keys are the same sequence (T = S). With a key/value cache the T new queries are the last T of S
   * positions: use `S − T`, the bottom-right alignment (the last query sees every key).
   */
  queryOffset?: number;
  /** An explicit `[T, S]` boolean matrix. */
  matrix?: BoolMatrix;
}

/** The keys of a {@link MaskSpec} and their rules (validLens and matrix are checked against the shape). */
export const MASK_SPEC_RULES = {
  validLens: opt.any(),
  causal: opt.boolean(),
  window: opt.integer({ min: 0 }),
  matrix: opt.any(),
  queryOffset: opt.integer(),
} as const;

/**
 * Padding mask from valid lengths: row i keeps its first `validLens[i]` keys (`validLens` a number, a
 * `number[]` or a typed array such as tfjs `dataSync()` returns).
 * @example
 *   paddingMask(2, 3, [1, 3]); // [[true, false, false], [true, true, true]]
 *   paddingMask(2, 2, Int32Array.of(1, 2)); // [[true, false], [true, true]]
 */
export function paddingMask(queries: number, keys: number, validLens: number | VectorLike): BoolMatrix {
  checkSize("paddingMask", queries, keys);
  return padding("paddingMask", "validLens", queries, keys, validLens);
}

function padding(where: string, name: string, queries: number, keys: number, validLens: unknown): BoolMatrix {
  if (typeof validLens !== "number" && !Array.isArray(validLens) && !isNumericTypedArray(validLens)) {
    throw new TypeError(
      `${where}: ${name} must be an integer in [0, ${keys}] or one per query row (number[] or a typed array), got ${describeValue(validLens)}`,
    );
  }
  const lens =
    typeof validLens === "number"
      ? new Array<number>(queries).fill(validLens)
      : toNumberArray(`${where}: ${name}`, validLens);
  if (lens.length !== queries) {
    throw new RangeError(
      `${where}: ${name} has shape [${lens.length}] but the scores have ${queries} query rows`,
    );
  }
  lens.forEach((len, i) => {
    if (!Number.isInteger(len) || len < 0 || len > keys) {
      throw new RangeError(
        `${where}: ${name}[${i}] must be an integer in [0, ${keys}] (the number of keys), got ${len}`,
      );
    }
  });
  return lens.map((len) => Array.from({ length: keys }, (_, j) => j < len));
}

/**
 * Causal mask: query i sees keys j ≤ i + queryOffset, i.e. M = tril(ones(T, S), queryOffset). With the
 * default 0 (top-left) query i is key i, and when S > T the extra keys are the future of the last query; a
 * cached decoder's T new queries are the last T of S positions, which is `queryOffset = S − T` (bottom-right).
 * @example
 *   causalMask(3, 3); // [[true, false, false], [true, true, false], [true, true, true]]
 *   causalMask(1, 3, 2); // [[true, true, true]] (one new query after two cached keys sees all three)
 */
export function causalMask(queries: number, keys: number, queryOffset = 0): BoolMatrix {
  checkSize("causalMask", queries, keys);
  checkValue("causalMask", "queryOffset", queryOffset, MASK_SPEC_RULES.queryOffset);
  return Array.from({ length: queries }, (_, i) =>
    Array.from({ length: keys }, (_, j) => j <= i + queryOffset),
  );
}

/**
 * Local (windowed) mask: query i (at key position i + queryOffset) sees the keys within `window` positions.
 * @example localMask(3, 3, 1); // [[true, true, false], [true, true, true], [false, true, true]]
 */
export function localMask(queries: number, keys: number, window: number, queryOffset = 0): BoolMatrix {
  checkSize("localMask", queries, keys);
  checkValue("localMask", "window", window, MASK_SPEC_RULES.window);
  checkValue("localMask", "queryOffset", queryOffset, MASK_SPEC_RULES.queryOffset);
  return Array.from({ length: queries }, (_, i) =>
    Array.from({ length: keys }, (_, j) => Math.abs(i + queryOffset - j) <= window),
  );
}

/**
 * Builds the `[T, S]` boolean mask that a spec describes (AND of every part given). Unknown keys
 * (`{ casual: true }`) and anything that is neither a spec object nor a boolean matrix are errors.
 * @example buildMask(2, 3, { validLens: [3, 3], causal: true }); // [[true, false, false], [true, true, false]]
 */
export function buildMask(queries: number, keys: number, spec: MaskSpec | BoolMatrix): BoolMatrix {
  return resolveMask("buildMask", "spec", queries, keys, spec);
}

/**
 * {@link buildMask} for a function `where` whose argument `name` is the mask (e.g. `"attend"`, `"options.mask"`),
 * so errors name the function and argument the user wrote.
 */
export function resolveMask(
  where: string,
  name: string,
  queries: number,
  keys: number,
  spec: unknown,
): BoolMatrix {
  checkSize(where, queries, keys);
  if (Array.isArray(spec)) return checkBoolMatrix(where, name, spec, [queries, keys]);
  if (typeof spec !== "object" || spec === null || isNumericTypedArray(spec)) {
    throw new TypeError(
      `${where}: ${name} must be a mask spec { validLens?, causal?, window?, matrix?, queryOffset? } or a boolean matrix [${queries}, ${keys}], got ${describeValue(spec)}`,
    );
  }
  checkValue(where, name, spec, opt.object(MASK_SPEC_RULES));
  const s = spec as MaskSpec;
  let mask: BoolMatrix = Array.from({ length: queries }, () => new Array<boolean>(keys).fill(true));
  const and = (other: BoolMatrix) => {
    mask = mask.map((row, i) => row.map((keep, j) => keep && other[i]![j]!));
  };
  if (s.validLens !== undefined) and(padding(where, `${name}.validLens`, queries, keys, s.validLens));
  const offset = s.queryOffset ?? 0;
  if (s.queryOffset !== undefined && !s.causal && s.window === undefined) {
    throw new RangeError(
      `${where}: ${name}.queryOffset (${s.queryOffset}) places the queries for a causal or window mask; give causal: true or a window with it`,
    );
  }
  if (s.causal) and(causalMask(queries, keys, offset));
  if (s.window !== undefined) and(localMask(queries, keys, s.window, offset));
  if (s.matrix !== undefined) and(checkBoolMatrix(where, `${name}.matrix`, s.matrix, [queries, keys]));
  return mask;
}

function checkSize(where: string, queries: unknown, keys: unknown): void {
  assertPositiveInt(`${where}: queries (rows of the scores)`, queries);
  assertPositiveInt(`${where}: keys (columns of the scores)`, keys);
  assertSize(`${where}: the [${queries}, ${keys}] mask`, (queries as number) * (keys as number));
}

function checkBoolMatrix(where: string, name: string, m: unknown, shape: Shape): BoolMatrix {
  if (!Array.isArray(m))
    throw new TypeError(`${where}: ${name} must be a boolean matrix, got ${describeValue(m)}`);
  const cols = Array.isArray(m[0]) ? m[0].length : 0;
  let ragged = false;
  for (let i = 0; i < m.length; i++) ragged ||= !(i in m) || !Array.isArray(m[i]) || m[i].length !== cols;
  if (ragged || m.length !== shape[0] || cols !== shape[1]) {
    throw new RangeError(
      `${where}: ${name} has shape ${ragged ? "(ragged)" : formatShape([m.length, cols])} but the scores have shape ${formatShape(shape)}`,
    );
  }
  for (let i = 0; i < m.length; i++) {
    for (let j = 0; j < cols; j++) {
      if (!(j in m[i]))
        throw new TypeError(`${where}: ${name}[${i}][${j}] is missing (a hole in a sparse array)`);
      const v: unknown = m[i][j];
      if (typeof v !== "boolean")
        throw new TypeError(`${where}: ${name}[${i}][${j}] must be a boolean, got ${describeValue(v)}`);
    }
  }
  return m as BoolMatrix;
}

/**
 * Attention masks as boolean matrices (`true` = the query may attend to that key): padding by valid
 * lengths, causal, local windows, explicit matrices, and any combination of them (logical AND).
 * Follows: d2l §11.3.2 (masked softmax by valid lengths); Vaswani et al. §3.2.3 (causal decoder mask);
 * Luong et al. 2015 §3.2 (local attention window).
 */
import { assertPositiveInt, formatShape, type Shape } from "./matrix.js";

/** A boolean mask `[T, S]`: `mask[i][j]` is true when query i may attend to key j. */
export type BoolMatrix = boolean[][];

/**
 * What to mask. Every field that is given applies, and they combine with AND.
 * A plain `BoolMatrix` is also accepted wherever a `MaskSpec` is.
 */
export interface MaskSpec {
  /** Padding: query i sees keys `0 … validLens[i] − 1`; one number applies to every query. */
  validLens?: number | number[];
  /** Causal (decoder) mask: query i sees keys `j ≤ i`. */
  causal?: boolean;
  /** Local attention: query i sees keys with `|i − j| ≤ window`. */
  window?: number;
  /** An explicit `[T, S]` boolean matrix. */
  matrix?: BoolMatrix;
}

/**
 * Padding mask from valid lengths: row i keeps its first `validLens[i]` keys.
 * @example paddingMask(2, 3, [1, 3]); // [[true, false, false], [true, true, true]]
 */
export function paddingMask(queries: number, keys: number, validLens: number | number[]): BoolMatrix {
  const lens = typeof validLens === "number" ? new Array<number>(queries).fill(validLens) : validLens;
  if (lens.length !== queries) {
    throw new RangeError(`validLens has shape [${lens.length}] but the scores have ${queries} query rows`);
  }
  lens.forEach((len, i) => {
    if (!Number.isInteger(len) || len < 0 || len > keys) {
      throw new RangeError(
        `validLens[${i}] must be an integer in [0, ${keys}] (the number of keys), got ${len}`,
      );
    }
  });
  return lens.map((len) => Array.from({ length: keys }, (_, j) => j < len));
}

/**
 * Causal mask: query i sees keys 0 … i (when S > T, the extra keys are the future of the last query).
 * @example causalMask(3, 3); // [[true, false, false], [true, true, false], [true, true, true]]
 */
export function causalMask(queries: number, keys: number): BoolMatrix {
  return Array.from({ length: queries }, (_, i) => Array.from({ length: keys }, (_, j) => j <= i));
}

/**
 * Local (windowed) mask: query i sees the keys within `window` positions of i.
 * @example localMask(3, 3, 1); // [[true, true, false], [true, true, true], [false, true, true]]
 */
export function localMask(queries: number, keys: number, window: number): BoolMatrix {
  if (!Number.isInteger(window) || window < 0)
    throw new RangeError(`window must be an integer ≥ 0, got ${window}`);
  return Array.from({ length: queries }, (_, i) =>
    Array.from({ length: keys }, (_, j) => Math.abs(i - j) <= window),
  );
}

/**
 * Builds the `[T, S]` boolean mask that a spec describes (AND of every part given).
 * @example buildMask(2, 3, { validLens: [3, 3], causal: true }); // [[true, false, false], [true, true, false]]
 */
export function buildMask(queries: number, keys: number, spec: MaskSpec | BoolMatrix): BoolMatrix {
  assertPositiveInt("queries (rows of the scores)", queries);
  assertPositiveInt("keys (columns of the scores)", keys);
  if (Array.isArray(spec)) return checkBoolMatrix(spec, [queries, keys]);
  let mask: BoolMatrix = Array.from({ length: queries }, () => new Array<boolean>(keys).fill(true));
  const and = (other: BoolMatrix) => {
    mask = mask.map((row, i) => row.map((keep, j) => keep && other[i]![j]!));
  };
  if (spec.validLens !== undefined) and(paddingMask(queries, keys, spec.validLens));
  if (spec.causal) and(causalMask(queries, keys));
  if (spec.window !== undefined) and(localMask(queries, keys, spec.window));
  if (spec.matrix !== undefined) and(checkBoolMatrix(spec.matrix, [queries, keys]));
  return mask;
}

function checkBoolMatrix(m: BoolMatrix, shape: Shape): BoolMatrix {
  const got: Shape = [m.length, Array.isArray(m[0]) ? m[0].length : 0];
  const ragged = m.some((row) => !Array.isArray(row) || row.length !== got[1]);
  if (ragged || got[0] !== shape[0] || got[1] !== shape[1]) {
    throw new RangeError(
      `mask has shape ${ragged ? "(ragged)" : formatShape(got)} but the scores have shape ${formatShape(shape)}`,
    );
  }
  m.forEach((row, i) => {
    row.forEach((v, j) => {
      if (typeof v !== "boolean") throw new TypeError(`mask[${i}][${j}] must be a boolean, got ${typeof v}`);
    });
  });
  return m;
}

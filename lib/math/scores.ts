/**
 * The five attention scoring functions a(q, k), each mapping queries `[T, d_q]` and keys `[S, d_k]` to
 * scores `[T, S]`. Follows: Luong et al. 2015 §3.1 (dot, general), Bahdanau et al. 2015 App. A.1.2
 * (additive, here v·tanh(q W_q + k W_k) in the row convention), Vaswani et al. 2017 eq. 1 (scaled dot),
 * Graves et al. 2014 §3.3.1 (cosine, content addressing).
 */
import { checkOptions, checkValue, opt } from "../check/options.js";
import { type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import { assertNoOverflow, formatShape, type Matrix, matmul, shapeOf, transpose } from "./matrix.js";

/** Names of the scoring functions. */
export type ScoreName = "dot" | "scaledDot" | "additive" | "general" | "cosine";

/** Parameters of additive (Bahdanau) scoring: `W_q [d_q, h]`, `W_k [d_k, h]`, `v [h]`. */
export interface AdditiveParams {
  wq: MatrixLike;
  wk: MatrixLike;
  v: VectorLike;
}

/** Parameters of general (Luong bilinear) scoring: `W [d_q, d_k]`. */
export interface GeneralParams {
  w: MatrixLike;
}

/** Checks queries and keys (plain arrays or typed rows) and that their widths agree; returns them as plain arrays. */
function sameWidth(where: string, queries: MatrixLike, keys: MatrixLike): [Matrix, Matrix] {
  const [q, k] = [toMatrix(`${where}: queries`, queries), toMatrix(`${where}: keys`, keys)];
  const [[t, dq], [s, dk]] = [shapeOf(q), shapeOf(k)];
  if (dq !== dk) {
    throw new RangeError(
      `${where}: queries ${formatShape([t, dq])} and keys ${formatShape([s, dk])} must have the same width (${dq} != ${dk})`,
    );
  }
  return [q, k];
}

/** `scores · factor`, refusing an overflow (a finite score times a finite scale can exceed ±1.8e308). */
export function scaleScores(step: string, scores: Matrix, factor: number): Matrix {
  return scores.map((row, i) =>
    row.map((x, j) => {
      const y = x * factor;
      return Number.isFinite(y) ? y : assertNoOverflow(step, y, `[${i}, ${j}]`);
    }),
  );
}

/**
 * Dot-product scores `Q Kᵀ`: s_ij = q_i · k_j.
 * @example dot([[1, 0]], [[1, 0], [0, 1]]); // [[1, 0]]
 */
export function dot(queries: MatrixLike, keys: MatrixLike): Matrix {
  return dotScores("dot", queries, keys);
}

function dotScores(where: string, queries: MatrixLike, keys: MatrixLike): Matrix {
  const [q, k] = sameWidth(where, queries, keys);
  return matmul(q, transpose(k), ["queries", "keysᵀ"]);
}

/**
 * Scaled dot-product scores `Q Kᵀ · scale`, scale = 1/√d by default (Vaswani et al. eq. 1).
 * @example scaledDot([[1, 1]], [[1, 1]]); // [[1.4142]] (= 2/√2)
 */
export function scaledDot(queries: MatrixLike, keys: MatrixLike, scale?: number): Matrix {
  const [q, k] = sameWidth("scaledDot", queries, keys);
  checkValue("scaledDot", "scale", scale, opt.number({ above: 0 }));
  return scaleScores("scaledDot: scores · scale", dot(q, k), scale ?? 1 / Math.sqrt(shapeOf(q)[1]));
}

/**
 * The raw scores of `score` on behalf of the function `where` (e.g. `attend`), so errors name it; `scaledDot`
 * gives the unscaled `Q Kᵀ` here (its scale is a separate step of the trace).
 */
export function scoresFor(
  where: string,
  score: ScoreName,
  queries: MatrixLike,
  keys: MatrixLike,
  params: Partial<AdditiveParams & GeneralParams>,
): Matrix {
  switch (score) {
    case "additive":
      return additiveScores(where, queries, keys, { wq: params.wq!, wk: params.wk!, v: params.v! });
    case "general":
      return generalScores(where, queries, keys, { w: params.w! });
    case "cosine":
      return cosineScores(where, queries, keys);
    default:
      return dotScores(where, queries, keys);
  }
}

/** The parameter names of each parametrised score, for {@link attend}'s per-score option check. */
export const SCORE_PARAMS = { additive: ["wq", "wk", "v"], general: ["w"] } as const;

/** Checks a parameter object: exactly the given keys, each present. */
function checkParams(where: string, params: unknown, names: readonly string[]): Record<string, unknown> {
  if (params === undefined) throw new TypeError(`${where}: params { ${names.join(", ")} } are required`);
  const checked = checkOptions<Record<string, unknown>>(
    where,
    params as Record<string, unknown>,
    Object.fromEntries(names.map((n) => [n, opt.any()])),
  );
  for (const n of names)
    if (checked[n] === undefined) throw new TypeError(`${where}: params.${n} is required`);
  return checked;
}

/**
 * Additive (Bahdanau) scores: s_ij = vᵀ tanh(q_i W_q + k_j W_k). Queries and keys may differ in width.
 * @example additive([[1]], [[1], [-1]], { wq: [[1]], wk: [[1]], v: [1] }); // [[tanh(2), 0]]
 */
export function additive(queries: MatrixLike, keys: MatrixLike, params: AdditiveParams): Matrix {
  return additiveScores("additive", queries, keys, params);
}

function additiveScores(
  where: string,
  queries: MatrixLike,
  keys: MatrixLike,
  params: AdditiveParams,
): Matrix {
  const p = checkParams(where, params, SCORE_PARAMS.additive);
  const [q, k] = [toMatrix(`${where}: queries`, queries), toMatrix(`${where}: keys`, keys)];
  const [wq, wk, v] = [
    toMatrix(`${where}: wq`, p.wq),
    toMatrix(`${where}: wk`, p.wk),
    toNumberArray(`${where}: v`, p.v),
  ];
  const [[t, dq], [s, dk], [wqRows, h], [wkRows, h2], hv] = [
    shapeOf(q),
    shapeOf(k),
    shapeOf(wq),
    shapeOf(wk),
    v.length,
  ];
  if (wqRows !== dq)
    throw new RangeError(
      `${where}: wq ${formatShape([wqRows, h])} must have ${dq} rows to project queries ${formatShape([t, dq])}`,
    );
  if (wkRows !== dk)
    throw new RangeError(
      `${where}: wk ${formatShape([wkRows, h2])} must have ${dk} rows to project keys ${formatShape([s, dk])}`,
    );
  if (h2 !== h || hv !== h) {
    throw new RangeError(
      `${where}: wq ${formatShape([wqRows, h])}, wk ${formatShape([wkRows, h2])} and v [${hv}] must share the hidden size`,
    );
  }
  const qh = matmul(q, wq, ["queries", "wq"]); // [T, h]
  const kh = matmul(k, wk, ["keys", "wk"]); // [S, h]
  return qh.map((qi, i) =>
    kh.map((kj, j) => {
      let sum = 0;
      for (let u = 0; u < h; u++) sum += v[u]! * Math.tanh(qi[u]! + kj[u]!); // |tanh| ≤ 1, even at ±Infinity
      return Number.isFinite(sum) ? sum : assertNoOverflow(`${where}: vᵀ tanh(…)`, sum, `[${i}, ${j}]`);
    }),
  );
}

/**
 * General (Luong bilinear) scores `Q W Kᵀ`: s_ij = q_iᵀ W k_j.
 * @example general([[1, 0]], [[0, 1]], { w: [[0, 2], [0, 0]] }); // [[2]]
 */
export function general(queries: MatrixLike, keys: MatrixLike, params: GeneralParams): Matrix {
  return generalScores("general", queries, keys, params);
}

function generalScores(where: string, queries: MatrixLike, keys: MatrixLike, params: GeneralParams): Matrix {
  const p = checkParams(where, params, SCORE_PARAMS.general);
  const [q, k] = [toMatrix(`${where}: queries`, queries), toMatrix(`${where}: keys`, keys)];
  const w = toMatrix(`${where}: w`, p.w);
  const [[t, dq], [s, dk], [wr, wc]] = [shapeOf(q), shapeOf(k), shapeOf(w)];
  if (wr !== dq || wc !== dk) {
    throw new RangeError(
      `${where}: w has shape ${formatShape([wr, wc])} but queries ${formatShape([t, dq])} and keys ${formatShape([s, dk])} need [${dq}, ${dk}]`,
    );
  }
  return matmul(matmul(q, w, ["queries", "w"]), transpose(k), ["queries·w", "keysᵀ"]);
}

/**
 * Cosine scores: s_ij = q_i · k_j / (‖q_i‖ ‖k_j‖), in [−1, 1]. A zero vector has no direction:
 * its cosine with anything is defined as 0 (never NaN). Each vector is first divided by its largest |entry|,
 * so neither huge (1e200) nor tiny (1e-200) entries overflow or underflow the norms.
 * @example
 *   cosine([[1, 0]], [[2, 0], [0, 3]]); // [[1, 0]]
 *   cosine([[1e200, 1e200]], [[3e200, 3e200]]); // [[1]]
 */
export function cosine(queries: MatrixLike, keys: MatrixLike): Matrix {
  return cosineScores("cosine", queries, keys);
}

function cosineScores(where: string, queries: MatrixLike, keys: MatrixLike): Matrix {
  const [q, k] = sameWidth(where, queries, keys);
  const units = k.map(direction);
  return q.map((qi) => {
    const u = direction(qi);
    return units.map((kj) => (u === undefined || kj === undefined ? 0 : clamp(dotProduct(u, kj))));
  });
}

/** v/‖v‖ computed as (v/m)/‖v/m‖ with m = max |v_i| (no overflow); undefined for the zero vector. */
function direction(v: number[]): number[] | undefined {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  if (m === 0) return undefined;
  const scaled = v.map((x) => x / m);
  const norm = Math.sqrt(dotProduct(scaled, scaled)); // in [1, √d]
  return scaled.map((x) => x / norm);
}

function dotProduct(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Rounding can push |cos| a hair above 1. */
function clamp(x: number): number {
  return Math.max(-1, Math.min(1, x));
}

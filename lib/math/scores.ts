/**
 * The five attention scoring functions a(q, k), each mapping queries `[T, d_q]` and keys `[S, d_k]` to
 * scores `[T, S]`. Follows: Luong et al. 2015 §3.1 (dot, general), Bahdanau et al. 2015 App. A.1.2
 * (additive, here v·tanh(q W_q + k W_k) in the row convention), Vaswani et al. 2017 eq. 1 (scaled dot),
 * Graves et al. 2014 §3.3.1 (cosine, content addressing).
 */
import {
  assertMatrix,
  assertVector,
  dotVectors,
  formatShape,
  type Matrix,
  matmul,
  transpose,
} from "./matrix.js";

/** Names of the scoring functions. */
export type ScoreName = "dot" | "scaledDot" | "additive" | "general" | "cosine";

/** Parameters of additive (Bahdanau) scoring: `W_q [d_q, h]`, `W_k [d_k, h]`, `v [h]`. */
export interface AdditiveParams {
  wq: Matrix;
  wk: Matrix;
  v: number[];
}

/** Parameters of general (Luong bilinear) scoring: `W [d_q, d_k]`. */
export interface GeneralParams {
  w: Matrix;
}

/** Checks queries and keys and that their widths agree; returns `[T, S, d]`. */
function checkSameWidth(queries: Matrix, keys: Matrix): [number, number, number] {
  const [t, dq] = assertMatrix("queries", queries);
  const [s, dk] = assertMatrix("keys", keys);
  if (dq !== dk) {
    throw new RangeError(
      `queries ${formatShape([t, dq])} and keys ${formatShape([s, dk])} must have the same width (${dq} != ${dk})`,
    );
  }
  return [t, s, dq];
}

/**
 * Dot-product scores `Q Kᵀ`: s_ij = q_i · k_j.
 * @example dot([[1, 0]], [[1, 0], [0, 1]]); // [[1, 0]]
 */
export function dot(queries: Matrix, keys: Matrix): Matrix {
  checkSameWidth(queries, keys);
  return matmul(queries, transpose(keys), ["queries", "keysᵀ"]);
}

/**
 * Scaled dot-product scores `Q Kᵀ · scale`, scale = 1/√d by default (Vaswani et al. eq. 1).
 * @example scaledDot([[1, 1]], [[1, 1]]); // [[1.4142]] (= 2/√2)
 */
export function scaledDot(queries: Matrix, keys: Matrix, scale?: number): Matrix {
  const [, , d] = checkSameWidth(queries, keys);
  const factor = scale ?? 1 / Math.sqrt(d);
  return dot(queries, keys).map((row) => row.map((x) => x * factor));
}

/**
 * Additive (Bahdanau) scores: s_ij = vᵀ tanh(q_i W_q + k_j W_k). Queries and keys may differ in width.
 * @example additive([[1]], [[1], [-1]], { wq: [[1]], wk: [[1]], v: [1] }); // [[tanh(2), 0]]
 */
export function additive(queries: Matrix, keys: Matrix, params: AdditiveParams): Matrix {
  const [t, dq] = assertMatrix("queries", queries);
  const [s, dk] = assertMatrix("keys", keys);
  const [wqRows, h] = assertMatrix("wq", params.wq);
  const [wkRows, h2] = assertMatrix("wk", params.wk);
  const hv = assertVector("v", params.v);
  if (wqRows !== dq)
    throw new RangeError(
      `wq ${formatShape([wqRows, h])} must have ${dq} rows to project queries ${formatShape([t, dq])}`,
    );
  if (wkRows !== dk)
    throw new RangeError(
      `wk ${formatShape([wkRows, h2])} must have ${dk} rows to project keys ${formatShape([s, dk])}`,
    );
  if (h2 !== h || hv !== h) {
    throw new RangeError(
      `wq ${formatShape([wqRows, h])}, wk ${formatShape([wkRows, h2])} and v [${hv}] must share the hidden size`,
    );
  }
  const qh = matmul(queries, params.wq, ["queries", "wq"]); // [T, h]
  const kh = matmul(keys, params.wk, ["keys", "wk"]); // [S, h]
  return qh.map((qi) =>
    kh.map((kj) =>
      dotVectors(
        params.v,
        qi.map((x, u) => Math.tanh(x + kj[u]!)),
      ),
    ),
  );
}

/**
 * General (Luong bilinear) scores `Q W Kᵀ`: s_ij = q_iᵀ W k_j.
 * @example general([[1, 0]], [[0, 1]], { w: [[0, 2], [0, 0]] }); // [[2]]
 */
export function general(queries: Matrix, keys: Matrix, params: GeneralParams): Matrix {
  const [t, dq] = assertMatrix("queries", queries);
  const [s, dk] = assertMatrix("keys", keys);
  const [wr, wc] = assertMatrix("w", params.w);
  if (wr !== dq || wc !== dk) {
    throw new RangeError(
      `w has shape ${formatShape([wr, wc])} but queries ${formatShape([t, dq])} and keys ${formatShape([s, dk])} need [${dq}, ${dk}]`,
    );
  }
  return matmul(matmul(queries, params.w, ["queries", "w"]), transpose(keys), ["queries·w", "keysᵀ"]);
}

/**
 * Cosine scores: s_ij = q_i · k_j / (‖q_i‖ ‖k_j‖), in [−1, 1]. A zero vector has no direction:
 * its cosine with anything is defined as 0 (never NaN).
 * @example cosine([[1, 0]], [[2, 0], [0, 3]]); // [[1, 0]]
 */
export function cosine(queries: Matrix, keys: Matrix): Matrix {
  checkSameWidth(queries, keys);
  const norm = (v: number[]) => Math.hypot(...v);
  const kNorms = keys.map(norm);
  return queries.map((q) => {
    const qn = norm(q);
    return keys.map((k, j) =>
      qn === 0 || kNorms[j] === 0 ? 0 : clamp(dotVectors(q, k) / (qn * kNorms[j]!)),
    );
  });
}

/** Rounding can push |cos| a hair above 1. */
function clamp(x: number): number {
  return Math.max(-1, Math.min(1, x));
}

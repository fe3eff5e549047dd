/**
 * Multi-head attention on plain arrays: project, split into heads, attend per head, concatenate, project.
 * Follows: Vaswani et al. 2017 §3.2.2, MultiHead(Q, K, V) = Concat(head_1 … head_h) W^O with
 * head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V); W^Q's columns i·H … (i+1)·H − 1 belong to head i.
 */
import { type AttendOptions, type AttentionTrace, attend } from "./attend.js";
import type { BoolMatrix, MaskSpec } from "./mask.js";
import { addRowVector, assertMatrix, assertPositiveInt, formatShape, type Matrix, matmul } from "./matrix.js";

/** Weights of one multi-head attention: `W_q, W_k [E_in, E]`, `W_v [E_v, E]`, `W_o [E, E_out]`, optional biases. */
export interface MultiHeadOptions {
  /** Number of heads N; the projected width E must be divisible by it (head size H = E / N). */
  numHeads: number;
  wq: Matrix;
  wk: Matrix;
  wv: Matrix;
  wo: Matrix;
  bq?: number[];
  bk?: number[];
  bv?: number[];
  bo?: number[];
  /** Mask applied in every head. */
  mask?: MaskSpec | BoolMatrix;
  /** Softmax temperature in every head. */
  temperature?: number;
}

/** Every intermediate of a multi-head attention. */
export interface MultiHeadTrace {
  /** Projected inputs Q W_q, K W_k, V W_v: `[T, E]`, `[S, E]`, `[S, E]`. */
  projected: { queries: Matrix; keys: Matrix; values: Matrix };
  /** One scaled-dot-product trace per head (queries `[T, H]`, keys and values `[S, H]`). */
  heads: AttentionTrace[];
  /** Head outputs side by side, `[T, E]`. */
  concat: Matrix;
  /** `concat · W_o`, `[T, E_out]`. */
  output: Matrix;
}

/**
 * Splits `[T, E]` into N matrices `[T, E/N]` (head i takes columns i·H … (i+1)·H − 1).
 * @example splitHeads([[1, 2, 3, 4]], 2); // [[[1, 2]], [[3, 4]]]
 */
export function splitHeads(x: Matrix, numHeads: number): Matrix[] {
  const [t, e] = assertMatrix("x", x);
  assertPositiveInt("numHeads", numHeads);
  if (e % numHeads !== 0) {
    throw new RangeError(`x ${formatShape([t, e])}: width ${e} is not divisible by numHeads ${numHeads}`);
  }
  const h = e / numHeads;
  return Array.from({ length: numHeads }, (_, n) => x.map((row) => row.slice(n * h, (n + 1) * h)));
}

/**
 * Concatenates head outputs `[T, H]` × N side by side into `[T, N·H]` (inverse of {@link splitHeads}).
 * @example concatHeads([[[1, 2]], [[3, 4]]]); // [[1, 2, 3, 4]]
 */
export function concatHeads(heads: Matrix[]): Matrix {
  if (!Array.isArray(heads) || heads.length === 0)
    throw new RangeError("heads must be a non-empty array of matrices");
  const [t] = assertMatrix("heads[0]", heads[0]);
  heads.forEach((h, i) => {
    const [ti] = assertMatrix(`heads[${i}]`, h);
    if (ti !== t) throw new RangeError(`heads[${i}] has ${ti} rows but heads[0] has ${t}`);
  });
  return Array.from({ length: t }, (_, i) => heads.flatMap((h) => h[i]!));
}

/**
 * Multi-head scaled-dot-product attention with every intermediate.
 * @example
 *   const I = [[1, 0], [0, 1]];
 *   const t = multiHeadAttend([[1, 0]], [[1, 0]], [[3, 4]], { numHeads: 2, wq: I, wk: I, wv: I, wo: I });
 *   t.output; // [[3, 4]] (one key: every head puts weight 1 on it)
 */
export function multiHeadAttend(
  queries: Matrix,
  keys: Matrix,
  values: Matrix,
  options: MultiHeadOptions,
): MultiHeadTrace {
  const { numHeads } = options;
  assertPositiveInt("numHeads", numHeads);
  // 1) project
  const project = (x: Matrix, w: Matrix, b: number[] | undefined, names: [string, string], bName: string) => {
    const y = matmul(x, w, names);
    return b === undefined ? y : addRowVector(y, b, bName);
  };
  const q = project(queries, options.wq, options.bq, ["queries", "wq"], "bq"); // [T, E]
  const k = project(keys, options.wk, options.bk, ["keys", "wk"], "bk"); // [S, E]
  const v = project(values, options.wv, options.bv, ["values", "wv"], "bv"); // [S, E]
  // 2) split 3) attend per head
  const [qs, ks, vs] = [splitHeads(q, numHeads), splitHeads(k, numHeads), splitHeads(v, numHeads)];
  const headOptions: AttendOptions = {
    score: "scaledDot",
    mask: options.mask,
    temperature: options.temperature,
  };
  const heads = qs.map((qh, n) => attend(qh, ks[n]!, vs[n]!, headOptions)); // N × [T, H]
  // 4) concat 5) output projection
  const concat = concatHeads(heads.map((h) => h.output)); // [T, E]
  const output = project(concat, options.wo, options.bo, ["concat", "wo"], "bo"); // [T, E_out]
  return { projected: { queries: q, keys: k, values: v }, heads, concat, output };
}

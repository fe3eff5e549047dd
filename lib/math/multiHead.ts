/**
 * Multi-head attention on plain arrays: project, split into heads, attend per head, concatenate, project.
 * Follows: Vaswani et al. 2017 §3.2.2, MultiHead(Q, K, V) = Concat(head_1 … head_h) W^O with
 * head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V); W^Q's columns i·H … (i+1)·H − 1 belong to head i.
 */
import { checkOptions, opt } from "../check/options.js";
import { type AttendOptions, type AttentionTrace, attend } from "./attend.js";
import { type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import { type BoolMatrix, type MaskSpec, resolveMask } from "./mask.js";
import { addRowVector, assertPositiveInt, formatShape, type Matrix, matmul, shapeOf } from "./matrix.js";

/** Weights of one multi-head attention: `W_q, W_k [E_in, E]`, `W_v [E_v, E]`, `W_o [E, E_out]`, optional biases. */
export interface MultiHeadOptions {
  /** Number of heads N; the projected width E must be divisible by it (head size H = E / N). */
  numHeads: number;
  wq: MatrixLike;
  wk: MatrixLike;
  wv: MatrixLike;
  wo: MatrixLike;
  bq?: VectorLike;
  bk?: VectorLike;
  bv?: VectorLike;
  bo?: VectorLike;
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
export function splitHeads(x: MatrixLike, numHeads: number): Matrix[] {
  const m = toMatrix("splitHeads: x", x);
  const [t, e] = shapeOf(m);
  assertPositiveInt("splitHeads: numHeads", numHeads);
  if (e % numHeads !== 0) {
    throw new RangeError(
      `splitHeads: x ${formatShape([t, e])}: width ${e} is not divisible by numHeads ${numHeads}`,
    );
  }
  const h = e / numHeads;
  return Array.from({ length: numHeads }, (_, n) => m.map((row) => row.slice(n * h, (n + 1) * h)));
}

/**
 * Concatenates head outputs `[T, H]` × N side by side into `[T, N·H]` (inverse of {@link splitHeads}).
 * @example concatHeads([[[1, 2]], [[3, 4]]]); // [[1, 2, 3, 4]]
 */
export function concatHeads(heads: readonly MatrixLike[]): Matrix {
  if (!Array.isArray(heads)) throw new TypeError("concatHeads: heads must be an array of matrices");
  if (heads.length === 0) throw new RangeError("concatHeads: heads must be a non-empty array of matrices");
  const plain: Matrix[] = [];
  for (let i = 0; i < heads.length; i++) {
    if (!(i in heads)) throw new TypeError(`concatHeads: heads[${i}] is missing (a hole in a sparse array)`);
    plain.push(toMatrix(`concatHeads: heads[${i}]`, heads[i]));
    const [ti, t] = [plain[i]!.length, plain[0]!.length];
    if (ti !== t) throw new RangeError(`concatHeads: heads[${i}] has ${ti} rows but heads[0] has ${t}`);
  }
  return Array.from({ length: plain[0]!.length }, (_, i) => plain.flatMap((h) => h[i]!));
}

/** The options of {@link multiHeadAttend}: weights and biases are checked as matrices and vectors by shape. */
const MULTI_HEAD_RULES = {
  numHeads: opt.integer({ min: 1, required: true }),
  wq: opt.any({ required: true }),
  wk: opt.any({ required: true }),
  wv: opt.any({ required: true }),
  wo: opt.any({ required: true }),
  bq: opt.any(),
  bk: opt.any(),
  bv: opt.any(),
  bo: opt.any(),
  mask: opt.any(),
  temperature: opt.number({ above: 0 }),
} as const;

/**
 * Multi-head scaled-dot-product attention with every intermediate.
 * @example
 *   const I = [[1, 0], [0, 1]];
 *   const t = multiHeadAttend([[1, 0]], [[1, 0]], [[3, 4]], { numHeads: 2, wq: I, wk: I, wv: I, wo: I });
 *   t.output; // [[3, 4]] (one key: every head puts weight 1 on it)
 */
export function multiHeadAttend(
  queries: MatrixLike,
  keys: MatrixLike,
  values: MatrixLike,
  options: MultiHeadOptions,
): MultiHeadTrace {
  const where = "multiHeadAttend";
  assertPositiveInt(
    `${where}: options.numHeads`,
    (options as Partial<MultiHeadOptions> | undefined)?.numHeads,
  );
  const o = checkOptions(where, options, MULTI_HEAD_RULES);
  const { numHeads } = o;
  const [x, xk, xv] = [queries, keys, values].map((m, i) => toMatrix(`${where}: ${NAMES[i]}`, m));
  const [wq, wk, wv, wo] = [o.wq, o.wk, o.wv, o.wo].map((m, i) =>
    toMatrix(`${where}: options.w${"qkvo"[i]}`, m),
  );
  const [bq, bk, bv, bo] = [o.bq, o.bk, o.bv, o.bo].map((b, i) =>
    b === undefined ? undefined : toNumberArray(`${where}: options.b${"qkvo"[i]}`, b),
  );
  checkHeadWidths(numHeads, wq!, wk!, wv!);
  // 1) project
  const project = (m: Matrix, w: Matrix, b: number[] | undefined, names: [string, string], bName: string) => {
    const y = matmul(m, w, names);
    return b === undefined ? y : addRowVector(y, b, bName);
  };
  const q = project(x!, wq!, bq, ["queries", "wq"], "bq"); // [T, E]
  const k = project(xk!, wk!, bk, ["keys", "wk"], "bk"); // [S, E]
  const v = project(xv!, wv!, bv, ["values", "wv"], "bv"); // [S, E]
  // 2) split 3) attend per head (the mask is resolved once, so its errors name options.mask)
  const mask =
    o.mask === undefined ? undefined : resolveMask(where, "options.mask", q.length, k.length, o.mask);
  const [qs, ks, vs] = [splitHeads(q, numHeads), splitHeads(k, numHeads), splitHeads(v, numHeads)];
  const headOptions: AttendOptions = { score: "scaledDot", mask, temperature: o.temperature };
  const heads = qs.map((qh, n) => attend(qh, ks[n]!, vs[n]!, headOptions)); // N × [T, H]
  // 4) concat 5) output projection
  const concat = concatHeads(heads.map((h) => h.output)); // [T, E]
  const output = project(concat, wo!, bo, ["concat", "wo"], "bo"); // [T, E_out]
  return { projected: { queries: q, keys: k, values: v }, heads, concat, output };
}

const NAMES = ["queries", "keys", "values"];

/** numHeads must divide the projected widths, and queries and keys must be projected to the same width. */
function checkHeadWidths(numHeads: number, wq: MatrixLike, wk: MatrixLike, wv: MatrixLike): void {
  const [[, e], [, ek], [, ev]] = [shapeOf(wq), shapeOf(wk), shapeOf(wv)];
  if (ek !== e)
    throw new RangeError(
      `multiHeadAttend: options.wq ${formatShape(shapeOf(wq))} and options.wk ${formatShape(shapeOf(wk))} must have the same number of columns (${e} != ${ek})`,
    );
  for (const [name, width] of [
    ["wq", e],
    ["wv", ev],
  ] as const) {
    if (width % numHeads !== 0)
      throw new RangeError(
        `multiHeadAttend: options.numHeads ${numHeads} must divide the projected width ${width} (the columns of options.${name})`,
      );
  }
}

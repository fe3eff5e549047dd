/**
 * Linear attention: the softmax's e^{q·k} replaced by a kernel φ(q)·φ(k) with φ(x) = elu(x) + 1, so that the
 * product can be regrouped, φ(Q) (φ(K)ᵀ V), and costs O(n·d·d_v) instead of O(n²·d): nothing of size n² is ever
 * formed. Causal attention keeps running prefix sums S_i = Σ_{j ≤ i} φ(k_j) v_jᵀ and z_i = Σ_{j ≤ i} φ(k_j).
 * Follows: Katharopoulos et al. 2020, "Transformers are RNNs", eq. 4–6 (the regrouping), §3.2.1 (φ = elu + 1)
 * and eq. 9–12 (causal masking by cumulative sums).
 */
import { checkOptions, opt } from "../check/options.js";
import { type MatrixLike, toMatrix } from "./input.js";
import { assertNoOverflow, formatShape, type Matrix, matmul, shapeOf, transpose } from "./matrix.js";
import { type StepRow, shapesOf, stepsFrom, type TraceStep } from "./trace.js";

/** Options of {@link linearAttend} and {@link linearAttentionWeights}. */
export interface LinearAttendOptions {
  /** Query i sees keys j ≤ i only (top-left, as `causalMask(T, S)`), by prefix sums. Default false. */
  causal?: boolean;
}

/** Every intermediate of linear attention. Shapes: T queries, S keys, d key width, d_v value width. */
export interface LinearAttentionTrace {
  causal: boolean;
  /** φ(Q) = elu(Q) + 1, `[T, d]`: every entry > 0. */
  phiQueries: Matrix;
  /** φ(K) = elu(K) + 1, `[S, d]`. */
  phiKeys: Matrix;
  /**
   * The key/value summary φ(K)ᵀ V = Σ_j φ(k_j) v_jᵀ, `[d, d_v]`: all that is kept of the keys and values, its
   * size independent of S. Causal: the sum over every key (the last prefix).
   */
  kv: Matrix;
  /** The normaliser summary z = Σ_j φ(k_j), `[d]` (causal: over every key). */
  z: number[];
  /** Causal only: S_i = Σ_{j ≤ i} φ(k_j) v_jᵀ for each query i, `T × [d, d_v]` (what a decoder carries). */
  kvPrefix?: Matrix[];
  /** Causal only: z_i = Σ_{j ≤ i} φ(k_j), `[T, d]`. */
  zPrefix?: Matrix;
  /** φ(q_i)ᵀ S (or S_i), `[T, d_v]`. */
  numerator: Matrix;
  /** φ(q_i)·z (or z_i), `[T]`: > 0 (a sum of positive terms). */
  normaliser: number[];
  /** numerator_i / normaliser_i, `[T, d_v]`: a convex combination of value rows, as softmax attention's. */
  output: Matrix;
  /** The steps above in order, each with its symbol, equation, shape and value. */
  steps: TraceStep[];
  /** Shape of each step by name. */
  shapes: Record<string, ReturnType<typeof shapeOf>>;
}

const RULES = { causal: opt.boolean() } as const;

/**
 * φ(x) = elu(x) + 1: x + 1 for x > 0, e^x otherwise; positive everywhere, so φ(q)·φ(k) > 0 can weigh keys as
 * e^{q·k} does (Katharopoulos et al. 2020 §3.2.1).
 * @example eluFeatureMap([[1, 0, -1]]); // [[2, 1, 0.3679]]
 */
export function eluFeatureMap(x: MatrixLike): Matrix {
  return toMatrix("eluFeatureMap: x", x).map((row) => row.map((v) => (v > 0 ? v + 1 : Math.exp(v))));
}

/** Checked inputs of linear attention: φ(Q), φ(K), V and the options. */
function setup(where: string, queries: MatrixLike, keys: MatrixLike, values: MatrixLike, options: unknown) {
  const o = checkOptions(where, options as LinearAttendOptions | undefined, RULES);
  const [q, k, v] = [
    toMatrix(`${where}: queries`, queries),
    toMatrix(`${where}: keys`, keys),
    toMatrix(`${where}: values`, values),
  ];
  const [[t, d], [s, dk], [sv, dv]] = [shapeOf(q), shapeOf(k), shapeOf(v)];
  if (dk !== d)
    throw new RangeError(
      `${where}: queries ${formatShape([t, d])} and keys ${formatShape([s, dk])} must have the same width (${d} != ${dk})`,
    );
  if (sv !== s)
    throw new RangeError(
      `${where}: values ${formatShape([sv, dv])} must have one row per key: keys ${formatShape([s, dk])} (${sv} != ${s})`,
    );
  return { phiQ: eluFeatureMap(q), phiK: eluFeatureMap(k), v, causal: o.causal ?? false };
}

/**
 * The normaliser φ(q_i)·z of query i must be finite and > 0 to divide by: it is 0 only when every φ(k_j) = e^{k_j}
 * underflowed (keys ≤ −745) and Infinity when φ(q)·φ(k) overflowed; either way the weights are undefined.
 */
function checkNormaliser(where: string, d: number, i: number): void {
  if (d > 0 && Number.isFinite(d)) return;
  throw new RangeError(
    `${where}: the normaliser φ(q_${i})·Σ_j φ(k_j) of query ${i} is ${d} (${d === 0 ? "every φ(k) = e^k underflowed to 0" : "φ(q)·φ(k) overflowed"}), so the weights are undefined; scale the queries and keys down (e.g. divide by their largest |entry|)`,
  );
}

/** Σ over the rows of a matrix: `[n, d]` → `[d]`. */
const columnSums = (m: Matrix): number[] => m[0]!.map((_, c) => m.reduce((acc, row) => acc + row[c]!, 0));

/** a bᵀ for vectors a `[d]`, b `[d_v]`: `[d, d_v]`. */
const outer = (a: number[], b: number[]): Matrix => a.map((x) => b.map((y) => x * y));

/** x · y for two vectors of equal length. */
const dot = (x: number[], y: number[]): number => x.reduce((acc, xi, c) => acc + xi * y[c]!, 0);

/**
 * Linear attention with every intermediate (Katharopoulos et al. 2020 eq. 6):
 * O_i = φ(q_i)ᵀ (Σ_j φ(k_j) v_jᵀ) / φ(q_i)ᵀ (Σ_j φ(k_j)), computed right to left: the summaries φ(K)ᵀV `[d, d_v]`
 * and z = φ(K)ᵀ1 `[d]` first (O(S·d·d_v)), then each query against them (O(T·d·d_v)). Causal (eq. 9–12): query i
 * uses the prefix sums S_i and z_i over keys j ≤ i (j ≤ min(i, S − 1)). Equal to the quadratic form
 * {@link linearAttentionWeights}(Q, K) · V, which forms the `[T, S]` weights.
 * @example
 *   const t = linearAttend([[0, 0]], [[1, 0], [0, 1]], [[1, 0], [0, 1]]);
 *   t.phiKeys; // [[2, 1], [1, 2]]
 *   t.kv; // [[2, 1], [1, 2]] (= φ(K)ᵀ V)
 *   t.normaliser; // [6] (φ(q) = [1, 1], z = [3, 3])
 *   t.output; // [[0.5, 0.5]]
 */
export function linearAttend(
  queries: MatrixLike,
  keys: MatrixLike,
  values: MatrixLike,
  options: LinearAttendOptions = {},
): LinearAttentionTrace {
  const { phiQ, phiK, v, causal } = setup("linearAttend", queries, keys, values, options);
  // 1) feature maps (done) 2) summaries φ(K)ᵀV and φ(K)ᵀ1 3) each query against them 4) divide
  const kv = matmul(transpose(phiK), v, ["φ(K)ᵀ", "values"]); // [d, d_v]
  const z = columnSums(phiK); // [d]
  let numerator: Matrix;
  let normaliser: number[];
  let kvPrefix: Matrix[] | undefined;
  let zPrefix: Matrix | undefined;
  if (!causal) {
    numerator = matmul(phiQ, kv, ["φ(Q)", "φ(K)ᵀV"]); // [T, d_v]
    normaliser = phiQ.map((row) => dot(row, z)); // [T]
  } else {
    // running sums over the keys, read at each query's last visible key min(i, S − 1)
    const [runKv, runZ]: [Matrix[], Matrix] = [[], []];
    phiK.forEach((fk, j) => {
      const step = outer(fk, v[j]!);
      runKv.push(j === 0 ? step : runKv[j - 1]!.map((r, a) => r.map((x, c) => x + step[a]![c]!)));
      runZ.push(j === 0 ? [...fk] : runZ[j - 1]!.map((x, a) => x + fk[a]!));
    });
    const last = (i: number) => Math.min(i, phiK.length - 1);
    kvPrefix = phiQ.map((_, i) => runKv[last(i)]!);
    zPrefix = phiQ.map((_, i) => runZ[last(i)]!);
    numerator = phiQ.map((fq, i) =>
      kvPrefix![i]![0]!.map((_, c) => fq.reduce((a, x, r) => a + x * kvPrefix![i]![r]![c]!, 0)),
    );
    normaliser = phiQ.map((fq, i) => dot(fq, zPrefix![i]!));
  }
  normaliser.forEach((d, i) => checkNormaliser("linearAttend", d, i));
  const output = numerator.map((row, i) =>
    row.map((x, c) =>
      assertNoOverflow("linearAttend: numerator / normaliser", x / normaliser[i]!, `[${i}, ${c}]`),
    ),
  );
  const steps = stepsFrom(
    LINEAR_STEPS,
    {
      phiQueries: phiQ,
      phiKeys: phiK,
      kv,
      z: [z],
      numerator,
      normaliser: normaliser.map((x) => [x]),
      output,
    },
    causal,
  );
  const trace = { causal, phiQueries: phiQ, phiKeys: phiK, kv, z, numerator, normaliser, output };
  return { ...trace, ...(causal ? { kvPrefix, zPrefix } : {}), steps, shapes: shapesOf(steps) };
}

/** The steps of a linear attention trace (`causal` changes the sums to prefixes). */
const LINEAR_STEPS: readonly StepRow<boolean>[] = [
  { name: "phiQueries", symbol: "\\phi(Q)", equation: "\\phi(Q) = \\operatorname{elu}(Q) + 1" },
  { name: "phiKeys", symbol: "\\phi(K)", equation: "\\phi(K) = \\operatorname{elu}(K) + 1" },
  { name: "kv", symbol: "KV", equation: "KV = \\phi(K)^\\top V = \\sum_j \\phi(k_j) v_j^\\top" },
  { name: "z", symbol: "z", equation: "z = \\phi(K)^\\top \\mathbf{1} = \\sum_j \\phi(k_j)" },
  {
    name: "numerator",
    symbol: "N",
    equation: (causal) =>
      causal ? "N_i = \\phi(q_i)^\\top \\sum_{j \\le i} \\phi(k_j) v_j^\\top" : "N = \\phi(Q)\\,(KV)",
  },
  {
    name: "normaliser",
    symbol: "D",
    equation: (causal) =>
      causal ? "D_i = \\phi(q_i)^\\top \\sum_{j \\le i} \\phi(k_j)" : "D_i = \\phi(q_i)^\\top z",
  },
  { name: "output", symbol: "O", equation: "O_i = N_i / D_i" },
];

/**
 * The `[T, S]` weights that linear attention applies without forming them: w_ij = φ(q_i)·φ(k_j) /
 * Σ_{j'} φ(q_i)·φ(k_j') (j, j' ≤ i when causal; 0 beyond), the quadratic form of Katharopoulos et al. eq. 4.
 * `linearAttentionWeights(Q, K) · V` equals `linearAttend(Q, K, V).output`, at O(T·S·d) cost instead.
 * @example linearAttentionWeights([[0, 0]], [[1, 0], [0, 1]]); // [[0.5, 0.5]] (φ(q)·φ(k) = 3 for both keys)
 */
export function linearAttentionWeights(
  queries: MatrixLike,
  keys: MatrixLike,
  options: LinearAttendOptions = {},
): Matrix {
  const k = toMatrix("linearAttentionWeights: keys", keys);
  const { phiQ, phiK, causal } = setup("linearAttentionWeights", queries, k, k, options);
  return phiQ.map((fq, i) => {
    const kernel = phiK.map((fk, j) => (causal && j > i ? 0 : dot(fq, fk))); // φ(q_i)·φ(k_j), [S]
    const sum = kernel.reduce((a, x) => a + x, 0);
    checkNormaliser("linearAttentionWeights", sum, i);
    return kernel.map((x) => x / sum);
  });
}

/**
 * The backward pass of single-head attention: given ∂L/∂O for the output of {@link attend}, the gradients of the
 * loss with respect to the queries, keys, values, the weights, the scores and the score function's parameters.
 * Follows: the chain rule through Vaswani et al. 2017 eq. 1 step by step (dV = αᵀ dO, dα = dO Vᵀ, the softmax
 * vector–Jacobian product, then the score function), as FlashAttention's backward pass writes it out
 * (Dao et al. 2022, Algorithm 2 / Appendix B.2), generalised to attend's other score functions.
 */
import { type AttendOptions, type AttentionTrace, attend } from "./attend.js";
import { type MatrixLike, toMatrix, toNumberArray } from "./input.js";
import { assertNoOverflow, formatShape, type Matrix, matmul, shapeOf, transpose, zeros } from "./matrix.js";
import { softmaxRowBackward } from "./softmaxJacobian.js";

/** Gradients of the score function's own parameters: additive's `{ wq, wk, v }` or general's `{ w }`. */
export type ScoreParamGradients = { wq: Matrix; wk: Matrix; v: number[] } | { w: Matrix };

/** Every gradient of one attention computation, each shaped like what it is the gradient of. */
export interface AttentionGradients {
  /** ∂L/∂Q, `[T, d_q]`. */
  dQueries: Matrix;
  /** ∂L/∂K, `[S, d_k]`. */
  dKeys: Matrix;
  /** ∂L/∂V = αᵀ dO, `[S, d_v]`. */
  dValues: Matrix;
  /** ∂L/∂α = dO Vᵀ, `[T, S]`: the gradient reaching the weights (also where the mask holds them at 0). */
  dWeights: Matrix;
  /** ∂L/∂z for the softmax's input z = scale·S/τ, `[T, S]`: row by row α ⊙ (dα − ⟨dα, α⟩); 0 where masked. */
  dLogits: Matrix;
  /** ∂L/∂S for the raw scores S of the trace, `[T, S]`: (scale/τ)·dLogits; 0 where masked. */
  dScores: Matrix;
  /** The score parameters' gradients, for `additive` (`{ wq, wk, v }`) and `general` (`{ w }`); absent otherwise. */
  dScoreParams?: ScoreParamGradients;
  /** The forward pass these gradients belong to (as {@link attend} returns it). */
  trace: AttentionTrace;
}

/**
 * Runs attention forward with `options` (exactly {@link attend}'s: score function, scale, temperature, mask) and
 * back-propagates `dOutput` = ∂L/∂O `[T, d_v]` through it:
 *   dV = αᵀ dO,  dα = dO Vᵀ,  dz_i = α_i ⊙ (dα_i − ⟨dα_i, α_i⟩),  dS = (scale/τ) dz,
 * then through the score function: dot/scaledDot dQ = dS K, dK = dSᵀ Q; general dQ = dS K Wᵀ, dK = dSᵀ Q W,
 * dW = Qᵀ dS K; additive and cosine by their own chain rule. Masked entries of dz and dS are exactly 0, and a fully
 * masked row (weights all 0, output 0, as attend defines it) passes no gradient to Q, K or V. Cosine treats a
 * zero vector's scores as the constant 0 it is defined as (gradient 0).
 * @example
 *   const g = attendBackward([[1, 0]], [[1, 0], [0, 1]], [[10, 0], [0, 10]], [[1, 0]], { score: "dot" });
 *   g.dValues; // [[0.7311, 0], [0.2689, 0]]
 *   g.dScores; // [[1.9661, -1.9661]] (= 0.7311 · 0.2689 · (10 − 0))
 */
export function attendBackward(
  queries: MatrixLike,
  keys: MatrixLike,
  values: MatrixLike,
  dOutput: MatrixLike,
  options: AttendOptions = {},
): AttentionGradients {
  const trace = forward(queries, keys, values, options);
  const [q, k, v] = [queries, keys, values].map((m) => toMatrix("attendBackward", m));
  const dO = toMatrix("attendBackward: dOutput", dOutput);
  const want = shapeOf(trace.output);
  if (dO.length !== want[0] || dO[0]!.length !== want[1]) {
    throw new RangeError(
      `attendBackward: dOutput has shape ${formatShape(shapeOf(dO))} but the output has shape ${formatShape(want)}; they must match`,
    );
  }
  // 1) values 2) weights 3) softmax 4) scale and temperature 5) score function
  const alpha = trace.weights; // [T, S]
  const dValues = matmul(transpose(alpha), dO, ["weightsᵀ", "dOutput"]); // [S, d_v]
  const dWeights = matmul(dO, transpose(v!), ["dOutput", "valuesᵀ"]); // [T, S]
  const dLogits = alpha.map((row, i) => softmaxRowBackward(row, dWeights[i]!)); // [T, S]
  const factor = trace.scale / trace.temperature;
  const dScores = dLogits.map((row, i) =>
    row.map((x, j) => assertNoOverflow("attendBackward: dScores", x * factor, `[${i}, ${j}]`)),
  );
  const score = scoreBackward(trace.score, q!, k!, dScores, options);
  return { ...score, dValues, dWeights, dLogits, dScores, trace };
}

/** attend(), with its errors renamed to attendBackward (they are the same checks on the same arguments). */
function forward(q: MatrixLike, k: MatrixLike, v: MatrixLike, options: AttendOptions): AttentionTrace {
  try {
    return attend(q, k, v, options);
  } catch (e) {
    if (!(e instanceof Error) || !/^attend\b/.test(e.message)) throw e;
    const Kind = e instanceof RangeError ? RangeError : TypeError;
    throw new Kind(e.message.replace(/^attend\b/, "attendBackward"), { cause: e });
  }
}

type ScoreGradients = Pick<AttentionGradients, "dQueries" | "dKeys" | "dScoreParams">;

/** dQ, dK (and the parameters' gradients) from dS through the score function `score`. */
function scoreBackward(
  score: AttentionTrace["score"],
  q: Matrix,
  k: Matrix,
  dS: Matrix,
  options: AttendOptions,
): ScoreGradients {
  const params = options as Record<string, unknown>;
  switch (score) {
    case "general":
      return generalBackward(q, k, toMatrix("attendBackward: w", params.w), dS);
    case "additive":
      return additiveBackward(q, k, dS, params);
    case "cosine":
      return cosineBackward(q, k, dS);
    default: // S = Q Kᵀ
      return {
        dQueries: matmul(dS, k, ["dScores", "keys"]),
        dKeys: matmul(transpose(dS), q, ["dScoresᵀ", "queries"]),
      };
  }
}

/** S = Q W Kᵀ: dQ = dS K Wᵀ, dK = dSᵀ Q W, dW = Qᵀ dS K. */
function generalBackward(q: Matrix, k: Matrix, w: Matrix, dS: Matrix): ScoreGradients {
  const dSK = matmul(dS, k, ["dScores", "keys"]); // [T, d_k]
  return {
    dQueries: matmul(dSK, transpose(w), ["dScores·keys", "wᵀ"]), // [T, d_q]
    dKeys: matmul(transpose(dS), matmul(q, w, ["queries", "w"]), ["dScoresᵀ", "queries·w"]), // [S, d_k]
    dScoreParams: { w: matmul(transpose(q), dSK, ["queriesᵀ", "dScores·keys"]) }, // [d_q, d_k]
  };
}

/**
 * S_ij = Σ_u v_u tanh(a_iu + b_ju) with a = Q W_q, b = K W_k: each (i, j, u) passes g = dS_ij v_u (1 − tanh²) to
 * a_iu and b_ju, and dS_ij tanh to v_u; then dQ = da W_qᵀ, dW_q = Qᵀ da (and the same for keys).
 */
function additiveBackward(q: Matrix, k: Matrix, dS: Matrix, params: Record<string, unknown>): ScoreGradients {
  const wq = toMatrix("attendBackward: wq", params.wq);
  const wk = toMatrix("attendBackward: wk", params.wk);
  const v = toNumberArray("attendBackward: v", params.v);
  const [a, b] = [matmul(q, wq, ["queries", "wq"]), matmul(k, wk, ["keys", "wk"])]; // [T, h], [S, h]
  const h = v.length;
  const [da, db, dv] = [zeros(a.length, h), zeros(b.length, h), new Array<number>(h).fill(0)];
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      const d = dS[i]![j]!;
      if (d === 0) continue;
      for (let u = 0; u < h; u++) {
        const t = Math.tanh(a[i]![u]! + b[j]![u]!);
        const g = d * v[u]! * (1 - t * t);
        da[i]![u]! += g;
        db[j]![u]! += g;
        dv[u]! += d * t;
      }
    }
  }
  return {
    dQueries: matmul(da, transpose(wq), ["d(queries·wq)", "wqᵀ"]),
    dKeys: matmul(db, transpose(wk), ["d(keys·wk)", "wkᵀ"]),
    dScoreParams: {
      wq: matmul(transpose(q), da, ["queriesᵀ", "d(queries·wq)"]),
      wk: matmul(transpose(k), db, ["keysᵀ", "d(keys·wk)"]),
      v: dv,
    },
  };
}

/**
 * S_ij = q̂_i · k̂_j with x̂ = x/‖x‖: dq̂_i = Σ_j dS_ij k̂_j, then through the normalisation
 * dq_i = (dq̂_i − ⟨dq̂_i, q̂_i⟩ q̂_i)/‖q_i‖ (the part along q_i does not change a direction); keys alike.
 */
function cosineBackward(q: Matrix, k: Matrix, dS: Matrix): ScoreGradients {
  const [qs, ks] = [q.map(unitAndNorm), k.map(unitAndNorm)];
  const width = q[0]!.length; // queries and keys share it (cosine needs equal widths)
  const through = (units: Unit[], others: Unit[], d: (i: number, j: number) => number) =>
    units.map((x, i) => {
      if (x === undefined) return new Array<number>(width).fill(0);
      const du = x.unit.map((_, c) =>
        others.reduce((s, y, j) => (y === undefined ? s : s + d(i, j) * y.unit[c]!), 0),
      );
      const along = du.reduce((s, g, c) => s + g * x.unit[c]!, 0);
      return du.map((g, c) =>
        assertNoOverflow(
          "attendBackward: cosine gradient",
          (g - along * x.unit[c]!) / x.norm,
          `[${i}, ${c}]`,
        ),
      );
    });
  return {
    dQueries: through(qs, ks, (i, j) => dS[i]![j]!),
    dKeys: through(ks, qs, (j, i) => dS[i]![j]!),
  };
}

/** A vector's direction and length, or undefined for the zero vector (cosine's defined-as-0 case). */
type Unit = { unit: number[]; norm: number } | undefined;

/** x/‖x‖ and ‖x‖, computed through x/max|x| so that neither 1e200 nor 1e-200 overflows or underflows. */
function unitAndNorm(x: number[]): Unit {
  const m = x.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
  if (m === 0) return undefined;
  const scaled = x.map((v) => v / m);
  const n = Math.sqrt(scaled.reduce((s, v) => s + v * v, 0));
  return { unit: scaled.map((v) => v / n), norm: m * n };
}

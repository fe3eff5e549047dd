/**
 * The backward pass of tiled attention by recomputation: the forward keeps only the output O and the row
 * statistics (m, l); the backward recomputes each block of weights P_j = e^{(S_j − m)/τ}/l from Q, K_j and them,
 * so it too never holds a [T, S] matrix. Follows: Dao 2023 (FlashAttention-2) §3.1.2 and Algorithm 2 (Dao et al.
 * 2022 Algorithm 4), with one row block of all T queries: D = rowsum(dO ⊙ O), then per key block dV_j = P_jᵀ dO,
 * dP_j = dO V_jᵀ, dS_j = P_j ⊙ (dP_j − D) · scale/τ, dQ += dS_j K_j, dK_j = dS_jᵀ Q.
 */
import { type MatrixLike, toMatrix } from "./input.js";
import { formatShape, type Matrix, matmul, shapeOf, transpose } from "./matrix.js";
import { blockLogits, type TiledAttendOptions, tiledAttend, tiledSetup } from "./tiledAttend.js";

/** The score functions whose backward is tiled here (the gradient of S = Q Kᵀ · scale). */
export const TILED_BACKWARD_SCORES = ["dot", "scaledDot"] as const;

/** One key block of the backward pass. Shapes: T queries, B keys in the block. */
export interface TiledBackwardBlock {
  /** The first key of the block. */
  start: number;
  /** One past the last key of the block. */
  end: number;
  /** P_j recomputed from Q, K_j, m and l, `[T, B]` (0 where masked): equal to the forward's weights there. */
  weights: Matrix;
  /** dP_j = dO V_jᵀ, `[T, B]`. */
  dWeights: Matrix;
  /** dS_j = ∂L/∂S for the raw scores S = Q K_jᵀ, `[T, B]`: P_j ⊙ (dP_j − D) · scale/τ (0 where masked). */
  dScores: Matrix;
}

/** The result of {@link tiledAttendBackward}. */
export interface TiledAttentionGradients {
  /** ∂L/∂Q, `[T, d]`. */
  dQueries: Matrix;
  /** ∂L/∂K, `[S, d]`. */
  dKeys: Matrix;
  /** ∂L/∂V, `[S, d_v]`. */
  dValues: Matrix;
  /** What the forward kept: the output `[T, d_v]` and the row statistics m, l `[T]`. */
  output: Matrix;
  rowMax: number[];
  rowSum: number[];
  /** D_i = Σ_c dO_ic O_ic = Σ_j P_ij dP_ij, `[T]`: the softmax backward's row term, from O instead of P. */
  delta: number[];
  /** Each key block in order. */
  blocks: TiledBackwardBlock[];
}

/**
 * Gradients of a loss L with respect to queries, keys and values, given dOutput = ∂L/∂O `[T, d_v]`, computed
 * block by block from the saved O, m and l (FlashAttention-2 Algorithm 2). Options as {@link tiledAttend}
 * (score "dot" or "scaledDot", scale, temperature, mask, blockSize). Masked entries pass no gradient, and a fully
 * masked row (output 0) passes none at all.
 * @example
 *   const g = tiledAttendBackward([[1, 0]], [[1, 0], [0, 1]], [[10, 0], [0, 10]], [[1, 0]], { score: "dot", blockSize: 1 });
 *   g.dValues; // [[0.7311, 0], [0.2689, 0]]
 *   g.blocks.map((b) => b.dScores[0][0]); // [1.9661, -1.9661] (= ±0.7311 · 0.2689 · (10 − 0))
 */
export function tiledAttendBackward(
  queries: MatrixLike,
  keys: MatrixLike,
  values: MatrixLike,
  dOutput: MatrixLike,
  options: TiledAttendOptions,
): TiledAttentionGradients {
  const where = "tiledAttendBackward";
  const setup = tiledSetup(where, queries, keys, values, options, TILED_BACKWARD_SCORES);
  const { q, k, v, scale, temperature, ranges } = setup;
  const dO = toMatrix(`${where}: dOutput`, dOutput); // [T, d_v]
  const want = [q.length, v[0]!.length];
  if (dO.length !== want[0] || dO[0]!.length !== want[1])
    throw new RangeError(
      `${where}: dOutput has shape ${formatShape(shapeOf(dO))} but the output has shape ${formatShape(want)}; they must match`,
    );
  // 0) the forward, of which only O, m and l are kept
  const { output, rowMax, rowSum } = tiledAttend(q, k, v, options);
  const delta = dO.map((row, i) => row.reduce((s, g, c) => s + g * output[i]![c]!, 0)); // D [T]
  const dQueries: Matrix = q.map((row) => row.map(() => 0)); // [T, d]
  const [dKeys, dValues]: [Matrix, Matrix] = [[], []];
  const blocks: TiledBackwardBlock[] = [];
  for (const [start, end] of ranges) {
    // 1) recompute P_j 2) dV_j 3) dP_j 4) dS_j 5) dQ and dK_j
    const logits = blockLogits(where, setup, start, end); // [T, B]
    const weights = logits.map((row, i) =>
      row.map((x) => (x === -Infinity ? 0 : Math.exp((x - rowMax[i]!) / temperature) / rowSum[i]!)),
    );
    const [kj, vj] = [k.slice(start, end), v.slice(start, end)];
    dValues.push(...matmul(transpose(weights), dO, ["weightsᵀ", "dOutput"])); // [B, d_v]
    const dWeights = matmul(dO, transpose(vj), ["dOutput", "valuesᵀ"]); // [T, B]
    const factor = scale / temperature;
    const dScores = weights.map((row, i) => row.map((p, j) => p * (dWeights[i]![j]! - delta[i]!) * factor));
    const dq = matmul(dScores, kj, ["dScores", "keys"]); // [T, d]
    for (let i = 0; i < dq.length; i++)
      for (let c = 0; c < dq[i]!.length; c++) dQueries[i]![c]! += dq[i]![c]!;
    dKeys.push(...matmul(transpose(dScores), q, ["dScoresᵀ", "queries"])); // [B, d]
    blocks.push({ start, end, weights, dWeights, dScores });
  }
  return { dQueries, dKeys, dValues, output, rowMax, rowSum, delta, blocks };
}

/**
 * Attention rollout: how much each input token reaches each output token through a stack of self-attention
 * layers, following the residual connection too. Per layer the heads are averaged, the identity is mixed in for
 * the residual path and the rows renormalised, Ã_l = norm(½ A_l + ½ I); the rollout is Ã_L ⋯ Ã_1.
 * Follows: Abnar & Zuidema 2020 ("Quantifying attention flow in transformers") §3, eq. for rollout
 * (Ã(l_i) = Ã(l_i)·Ã(l_{i−1}) with A = 0.5 W_att + 0.5 I); Dosovitskiy et al. 2021 Appendix D.8 (used for ViT).
 */
import { checkOptions, describeValue, opt } from "../check/options.js";
import { type MatrixLike, toMatrix } from "./input.js";
import { type Matrix, matmul } from "./matrix.js";

/**
 * The mean over heads of one layer's maps `[N][T][S]` → `[T, S]`.
 * @example averageHeads([[[1, 0]], [[0, 1]]]); // [[0.5, 0.5]]
 */
export function averageHeads(heads: readonly MatrixLike[]): Matrix {
  if (!Array.isArray(heads) || heads.length === 0) {
    throw new TypeError(
      `averageHeads: heads must be a non-empty list of [T, S] maps, got ${describeValue(heads)}`,
    );
  }
  const maps = heads.map((m, n) => toMatrix(`averageHeads: heads[${n}]`, m));
  const [t, s] = [maps[0]!.length, maps[0]![0]!.length];
  maps.forEach((m, n) => {
    if (m.length !== t || m[0]!.length !== s) {
      throw new RangeError(
        `averageHeads: heads[${n}] is [${m.length}, ${m[0]!.length}] but heads[0] is [${t}, ${s}]`,
      );
    }
  });
  return maps[0]!.map((row, i) =>
    row.map((_, j) => maps.reduce((sum, m) => sum + m[i]![j]!, 0) / maps.length),
  );
}

/** Options of {@link attentionRollout}. */
export interface AttentionRolloutOptions {
  /** Weight of the residual identity, in [0, 1): Ã = norm((1 − r) A + r I). Default 0.5 (Abnar & Zuidema). */
  residual?: number;
}

const ROLLOUT_RULES = { residual: opt.number({ min: 0, below: 1 }) } as const;

/**
 * The rollout of square self-attention maps `layers[l] [T, T]` (first layer first; heads already averaged, e.g.
 * with {@link averageHeads}): Ã_L ⋯ Ã_1 with Ã_l = norm((1 − r) A_l + r I), rows summing to 1. Row i says how much
 * output token i draws on each input token.
 * @example
 *   attentionRollout([[[0, 1], [0, 1]]]); // [[0.5, 0.5], [0, 1]]
 *   attentionRollout([[[0, 1], [0, 1]], [[1, 0], [1, 0]]]); // [[0.5, 0.5], [0.25, 0.75]]
 */
export function attentionRollout(
  layers: readonly MatrixLike[],
  options: AttentionRolloutOptions = {},
): Matrix {
  const where = "attentionRollout";
  const r = checkOptions(where, options, ROLLOUT_RULES).residual ?? 0.5;
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new TypeError(
      `${where}: layers must be a non-empty list of [T, T] maps, got ${describeValue(layers)}`,
    );
  }
  let rollout: Matrix | null = null;
  layers.forEach((layer, l) => {
    const a = toMatrix(`${where}: layers[${l}]`, layer);
    const t = rollout?.length ?? a.length;
    if (a.length !== t || a[0]!.length !== t) {
      throw new RangeError(
        `${where}: layers[${l}] must be a square [${t}, ${t}] map, got [${a.length}, ${a[0]!.length}]`,
      );
    }
    a.forEach((row, i) => {
      const j = row.findIndex((w) => w < 0);
      if (j >= 0)
        throw new RangeError(
          `${where}: layers[${l}][${i}][${j}] is ${row[j]}; attention weights are ≥ 0 (rows of a softmax)`,
        );
    });
    const mixed = a.map((row, i) => normalise(row.map((w, j) => (1 - r) * w + (i === j ? r : 0)))); // Ã_l [T, T]
    rollout = rollout === null ? mixed : matmul(mixed, rollout, [`Ã_${l}`, "rollout"]); // Ã_l · (Ã_{l−1} ⋯ Ã_1)
  });
  return rollout!;
}

/** The row divided by its sum (a row of zeros stays zeros). */
function normalise(row: number[]): number[] {
  const sum = row.reduce((s, w) => s + w, 0);
  return sum > 0 ? row.map((w) => w / sum) : row;
}

/**
 * The trace of an attention rollout through a stack of self-attention layers, every head's map given: per layer
 * the heads are averaged first (Ā_l = 1/N Σ_n A_l⁽ⁿ⁾ — the rollout has no per-head version), the residual is
 * mixed in (Ã_l = norm((1 − r) Ā_l + r I), rows renormalised) and the product so far is taken,
 * R_l = Ã_l R_{l−1}, R_1 = Ã_1. R_L equals {@link attentionRollout}. Follows: Abnar & Zuidema 2020 ("Quantifying
 * attention flow in transformers") §3, the rollout equation with A = 0.5 W_att + 0.5 I.
 */
import { checkOptions, describeValue, opt } from "../check/options.js";
import { attentionRollout, averageHeads } from "./attentionRollout.js";
import { type MatrixLike, toMatrix } from "./input.js";
import { type Matrix, matmul } from "./matrix.js";
import { step, type TraceStep } from "./trace.js";

/** One layer of a rollout trace. */
export interface RolloutLayer {
  /** `[T, T]` Ā_l: the mean of the layer's heads. */
  mean: Matrix;
  /** `[T, T]` Ã_l = norm((1 − r) Ā_l + r I). */
  mixed: Matrix;
  /** `[T, T]` R_l = Ã_l ⋯ Ã_1: how much each position after layer l draws on each input token. */
  rollout: Matrix;
}

/** What {@link traceAttentionRollout} computed. */
export interface AttentionRolloutTrace {
  /** `[T, T]` R_L, the rollout through every layer (row i: output position i over the input tokens). */
  rollout: Matrix;
  /** The weight r of the residual identity. */
  residual: number;
  /** Per layer, first layer first. */
  layers: RolloutLayer[];
  /** `mean_l`, `mixed_l`, `rollout_l` for l = 1 … L, each with its symbol and equation. */
  steps: TraceStep[];
}

/**
 * Traces the rollout of `heads [L][N][T][T]` (layer l's N head maps, rows are queries, first layer first) with
 * the residual weight `options.residual` (default 0.5, in [0, 1)). The example: one layer of two heads.
 * @example
 *   const t = traceAttentionRollout([[[[0, 1], [0, 1]], [[1, 0], [1, 0]]]]);
 *   t.layers[0].mean; // [[0.5, 0.5], [0.5, 0.5]]
 *   t.rollout; // [[0.75, 0.25], [0.25, 0.75]]
 */
export function traceAttentionRollout(
  heads: readonly (readonly MatrixLike[])[],
  options: { residual?: number } = {},
): AttentionRolloutTrace {
  if (!Array.isArray(heads) || heads.length === 0) {
    throw new TypeError(
      `traceAttentionRollout: heads must be a non-empty list of layers, each a list of [T, T] head maps, got ${describeValue(heads)}`,
    );
  }
  checkOptions("traceAttentionRollout", options, { residual: opt.number({ min: 0, below: 1 }) });
  checkHeads(heads);
  const means = heads.map((layer) => averageHeads(layer)); // [L][T, T]
  const final = attentionRollout(means, options); // checks the options and the shapes
  const r = options.residual ?? 0.5;
  const layers: RolloutLayer[] = [];
  means.forEach((mean, l) => {
    const mixed = attentionRollout([mean], options); // Ã_l alone
    const before = layers[l - 1]?.rollout;
    layers.push({ mean, mixed, rollout: before ? matmul(mixed, before, [`Ã_${l + 1}`, `R_${l}`]) : mixed });
  });
  const steps = layers.flatMap((layer, i) => {
    const l = i + 1;
    return [
      step(
        `mean_${l}`,
        `\\bar A_{${l}}`,
        `\\bar A_{${l}} = \\tfrac{1}{N} \\sum_n A_{${l}}^{(n)}`,
        layer.mean,
      ),
      step(
        `mixed_${l}`,
        `\\tilde A_{${l}}`,
        `\\tilde A_{${l}} = \\operatorname{norm}(${1 - r}\\,\\bar A_{${l}} + ${r}\\,I)`,
        layer.mixed,
      ),
      step(
        `rollout_${l}`,
        `R_{${l}}`,
        l === 1 ? `R_{1} = \\tilde A_{1}` : `R_{${l}} = \\tilde A_{${l}} R_{${l - 1}}`,
        layer.rollout,
      ),
    ];
  });
  return { rollout: final, residual: r, layers, steps };
}

/** Every layer a non-empty list of square `[T, T]` maps (one T throughout) with weights ≥ 0, named heads[l][n]. */
function checkHeads(heads: readonly (readonly MatrixLike[])[]): void {
  const where = "traceAttentionRollout";
  let t: number | undefined;
  heads.forEach((layer, l) => {
    if (!Array.isArray(layer) || layer.length === 0) {
      throw new TypeError(
        `${where}: heads[${l}] must be a non-empty list of layer ${l + 1}'s [T, T] head maps, got ${describeValue(layer)}`,
      );
    }
    layer.forEach((map, n) => {
      const a = toMatrix(`${where}: heads[${l}][${n}]`, map);
      const [rows, cols] = [a.length, a[0]!.length];
      if (rows !== cols) {
        throw new RangeError(
          `${where}: heads[${l}][${n}] must be a square [T, T] map (self-attention), got [${rows}, ${cols}]`,
        );
      }
      t ??= rows;
      if (rows !== t) {
        throw new RangeError(
          `${where}: heads[${l}][${n}] is [${rows}, ${rows}] but heads[0][0] is [${t}, ${t}]; every map has the same T`,
        );
      }
      a.forEach((row, i) => {
        const j = row.findIndex((w) => w < 0);
        if (j >= 0)
          throw new RangeError(
            `${where}: heads[${l}][${n}][${i}][${j}] is ${row[j]}; attention weights are ≥ 0 (rows of a softmax)`,
          );
      });
    });
  });
}

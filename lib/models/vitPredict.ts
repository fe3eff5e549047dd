/**
 * Running a {@link Vit} over plain-array images: class probabilities and where the class token looks, as plain
 * arrays — its last block's attention over the patches (heads averaged) and its attention rollout through every
 * block (Abnar & Zuidema 2020 §3, as Dosovitskiy et al. 2021 Appendix D.8 use it), each on the patch grid.
 */
import * as tf from "@tensorflow/tfjs";
import { attentionRollout, averageHeads } from "../math/attentionRollout.js";
import type { Matrix } from "../math/matrix.js";
import { patchCenter } from "../math/patchEmbedding.js";
import { mapArgmax } from "../metrics/localization.js";
import { type Images, imageBatch } from "./cnn/classify.js";
import type { Vit } from "./vit.js";

/** What {@link vitPredict} returns, one entry per image. */
export interface VitPrediction {
  /** `[N, K]` class probabilities (softmax of the logits). */
  probs: number[][];
  /**
   * `[N][rows][cols]`: the class token's weights on the patches in the last block, heads averaged (row 0 of the
   * map without its first entry, the class token's weight on itself, laid out on the patch grid).
   */
  lastLayer: number[][][];
  /** `[N][rows][cols]`: row 0 of the attention rollout through every block, on the patch grid. */
  rollout: number[][][];
}

/**
 * Runs `vit` over `indices` of `images` in batches (default 128); no tensor survives the call.
 * @example
 *   const p = vitPredict(new Vit({ height: 8, width: 8 }), [Array.from({ length: 8 }, () => Array(8).fill(0))], [0]);
 *   [p.probs[0].length, p.lastLayer[0].length, p.lastLayer[0][0].length]; // [3, 2, 2]
 */
export function vitPredict(
  vit: Vit,
  images: Images,
  indices: readonly number[],
  opts: { batchSize?: number } = {},
): VitPrediction {
  const batchSize = opts.batchSize ?? 128;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`vitPredict: opts.batchSize must be an integer ≥ 1, got ${batchSize}`);
  }
  const out: VitPrediction = { probs: [], lastLayer: [], rollout: [] };
  for (let start = 0; start < indices.length; start += batchSize) {
    const ix = indices.slice(start, start + batchSize);
    const { probs, maps } = tf.tidy(() => {
      const r = vit.applyWithAttention(imageBatch(images, ix));
      const layers = r.attention.map((a) => a.arraySync() as number[][][][]); // [L][B][heads][T][T]
      return { probs: tf.softmax(r.output).arraySync() as number[][], maps: layers };
    });
    out.probs.push(...probs);
    probs.forEach((_, k) => {
      const averaged = maps.map((layer) => averageHeads(layer[k]!)); // [L][T][T]
      out.lastLayer.push(onGrid(averaged.at(-1)![0]!, vit.grid.cols));
      out.rollout.push(onGrid(attentionRollout(averaged)[0]!, vit.grid.cols));
    });
  }
  return out;
}

/** The class token's row without its own entry, `[1 + rows·cols]` → `[rows][cols]`. */
function onGrid(row: readonly number[], cols: number): Matrix {
  const patches = row.slice(1);
  return Array.from({ length: patches.length / cols }, (_, r) => patches.slice(r * cols, (r + 1) * cols));
}

/**
 * The pixel centre `[row, col]` of each map's most-attended patch (the first on ties): the point a ViT "points"
 * at, to score with the shapes case's `pointingGame` as the CNN's argmax pixel is. With 4×4 patches and a
 * tolerance of 3 px a hit means exactly that the patch overlaps the 5×5 shape.
 * @example attendedPatchCenters([[[0, 0.2], [0.7, 0.1]]], 4); // [[5.5, 1.5]]
 */
export function attendedPatchCenters(
  maps: readonly (readonly (readonly number[])[])[],
  patchSize: number,
): [number, number][] {
  return maps.map((map) => {
    const [r, c] = mapArgmax(map);
    return patchCenter(r * map[0]!.length + c, [map.length, map[0]!.length], patchSize);
  });
}

/**
 * Helpers shared by the CNN case studies (shapes, lesions, channel attention): the images as a tensor, the
 * classifier's loss, and batched inference that returns probabilities and attention maps as plain arrays.
 * The model itself is the kit's `attentionCnn` (lib/models/cnn/attentionCnn.ts).
 */
import * as tf from "@tensorflow/tfjs";
import type { AttentionCnn } from "../../models/cnn/attentionCnn.js";
import { take } from "../../train/batches.js";

/** Grey `[N, H, W]` or multi-channel `[N, H, W, C]` images. */
export type Images = number[][][] | number[][][][];

/**
 * The images at `indices` as a `[B, H, W, C]` tensor (grey images get C = 1).
 * @example imageBatch([[[1, 2], [3, 4]]], [0]).shape; // [1, 2, 2, 1]
 */
export function imageBatch(images: Images, indices: readonly number[]): tf.Tensor4D {
  const rows = take(images as unknown[], indices) as number[][][] | number[][][][];
  const first = rows[0]![0]![0]!;
  if (Array.isArray(first)) return tf.tensor4d(rows as number[][][][]);
  return tf.tidy(() => tf.expandDims(tf.tensor3d(rows as number[][][]), 3) as tf.Tensor4D);
}

/** Mean cross-entropy of softmax outputs `probs [B, K]` against integer labels `[B]` (int32). */
export function cnnCrossEntropy(probs: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const k = probs.shape[1]!;
    const picked = tf.sum(tf.mul(probs, tf.oneHot(labels, k)), 1);
    return tf.neg(tf.mean(tf.log(tf.add(picked, 1e-7)))) as tf.Scalar;
  });
}

/** What {@link cnnPredict} returns, as plain arrays. */
export interface CnnPrediction {
  /** `[N, K]` class probabilities. */
  probs: number[][];
  /** Every attention map of the inspector, by its name (`poolingMap [N, H, W]`, `block0Channel [N, C]`, …). */
  maps: Record<string, unknown[]>;
}

/**
 * Runs the classifier (and its inspector, if `withMaps`) over `indices` of `images` in batches; no tensor
 * survives the call.
 */
export function cnnPredict(
  cnn: AttentionCnn,
  images: Images,
  indices: readonly number[],
  opts: { batchSize?: number; withMaps?: boolean } = {},
): CnnPrediction {
  const batchSize = opts.batchSize ?? 256;
  const out: CnnPrediction = { probs: [], maps: {} };
  const names = opts.withMaps && cnn.inspector ? cnn.mapNames : [];
  for (const name of names) out.maps[name] = [];
  for (let start = 0; start < indices.length; start += batchSize) {
    const ix = indices.slice(start, start + batchSize);
    tf.tidy(() => {
      const x = imageBatch(images, ix);
      out.probs.push(...((cnn.model.predict(x) as tf.Tensor).arraySync() as number[][]));
      if (names.length > 0) {
        const maps = cnn.inspector!.predict(x);
        const list = Array.isArray(maps) ? maps : [maps];
        names.forEach((name, k) => out.maps[name]!.push(...(list[k]!.arraySync() as unknown[])));
      }
    });
  }
  return out;
}

/**
 * Row and column of the largest value of a `[H, W]` map (the "pointing game" guess).
 * @example mapArgmax([[0, 1], [3, 2]]); // [1, 0]
 */
export function mapArgmax(map: readonly (readonly number[])[]): [number, number] {
  let best: [number, number] = [0, 0];
  let value = -Infinity;
  map.forEach((row, i) =>
    row.forEach((v, j) => {
      if (v > value) {
        value = v;
        best = [i, j];
      }
    }),
  );
  return best;
}

/** Index of the largest probability of each row. */
export function argmaxRows(probs: readonly (readonly number[])[]): number[] {
  return probs.map((p) => p.indexOf(Math.max(...p)));
}

/** The indices `0 … n−1`. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

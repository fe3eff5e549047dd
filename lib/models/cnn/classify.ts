/**
 * Running an image classifier (`attentionCnn`) over plain-array images: images as a batch tensor, the loss of
 * its softmax output, and batched inference that returns probabilities and attention maps as plain arrays. Shared
 * by the CNN case studies (shapes, lesions, channel attention).
 */
import * as tf from "@tensorflow/tfjs";
import { take } from "../../train/batches.js";
import type { AttentionCnn } from "./attentionCnn.js";

/** Grey `[N, H, W]` or multi-channel `[N, H, W, C]` images. */
export type Images = number[][][] | number[][][][];

/**
 * The images at `indices` as a `[B, H, W, C]` tensor (grey images get C = 1).
 * @example imageBatch([[[1, 2], [3, 4]]], [0]).shape; // [1, 2, 2, 1]
 */
export function imageBatch(images: Images, indices: readonly number[]): tf.Tensor4D {
  const rows = take(images as unknown[], indices) as number[][][] | number[][][][];
  const first = rows[0]?.[0]?.[0];
  if (first === undefined) throw new RangeError("imageBatch: no images at these indices");
  if (Array.isArray(first)) return tf.tensor4d(rows as number[][][][]);
  return tf.tidy(() => tf.expandDims(tf.tensor3d(rows as number[][][]), 3) as tf.Tensor4D);
}

/**
 * Mean cross-entropy of softmax outputs `probs [B, K]` against integer labels `[B]` (int32):
 * −mean log p(label), with p clipped at 1e-7 so a confident mistake costs log(1e7), not ∞.
 */
export function classCrossEntropy(probs: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const k = probs.shape[1];
    if (probs.rank !== 2 || k === undefined) {
      throw new RangeError(`classCrossEntropy: probs must be [B, K], got shape [${probs.shape}]`);
    }
    const picked = tf.sum(tf.mul(probs, tf.oneHot(labels, k)), 1);
    return tf.neg(tf.mean(tf.log(tf.add(picked, 1e-7)))) as tf.Scalar;
  });
}

/** What {@link predictImages} returns, as plain arrays. */
export interface ImagePrediction {
  /** `[N, K]` class probabilities. */
  probs: number[][];
  /** Every attention map of the inspector, by its name (`poolingMap [N, H, W]`, `block0Channel [N, C]`, …). */
  maps: Record<string, unknown[]>;
}

/**
 * Runs the classifier (and its inspector, if `withMaps`) over `indices` of `images` in batches; no tensor
 * survives the call.
 */
export function predictImages(
  cnn: AttentionCnn,
  images: Images,
  indices: readonly number[],
  opts: { batchSize?: number; withMaps?: boolean } = {},
): ImagePrediction {
  const batchSize = opts.batchSize ?? 256;
  const out: ImagePrediction = { probs: [], maps: {} };
  const inspector = opts.withMaps ? cnn.inspector : null;
  const names = inspector ? cnn.mapNames : [];
  const maps = names.map((name) => {
    const list: unknown[] = [];
    out.maps[name] = list;
    return list;
  });
  for (let start = 0; start < indices.length; start += batchSize) {
    const ix = indices.slice(start, start + batchSize);
    tf.tidy(() => {
      const x = imageBatch(images, ix);
      out.probs.push(...((cnn.model.predict(x) as tf.Tensor).arraySync() as number[][]));
      if (inspector) {
        const result = inspector.predict(x);
        const list = Array.isArray(result) ? result : [result];
        list.forEach((t, k) => maps[k]?.push(...(t.arraySync() as unknown[])));
      }
    });
  }
  return out;
}

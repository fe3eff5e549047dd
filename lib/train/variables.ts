/**
 * The variables `fit` trains, read off a layer or model: what every case study passes as `variables`.
 */
import type * as tf from "@tensorflow/tfjs";

/** Anything with tfjs trainable weights: a layer, a `tf.LayersModel`, or one of the kit's composite models. */
export interface HasTrainableWeights {
  trainableWeights: readonly tf.LayerVariable[];
}

/**
 * The trainable `tf.Variable`s of `model`, in its weight order (the order `fit` updates them in).
 * @example
 *   const dense = tf.layers.dense({ units: 2, inputShape: [3] });
 *   dense.apply(tf.zeros([1, 3]));
 *   trainableVariables(dense).map((v) => v.shape); // [[3, 2], [2]]
 */
export function trainableVariables(model: HasTrainableWeights): tf.Variable[] {
  const weights = (model as Partial<HasTrainableWeights> | null)?.trainableWeights;
  if (!Array.isArray(weights)) {
    throw new TypeError(
      "trainableVariables: model must have trainableWeights (a layer or model that has been built)",
    );
  }
  return weights.map((w) => w.read() as tf.Variable);
}

/** The number of trainable parameters of `model` (sum of its trainable weights' sizes). */
export function countParameters(model: HasTrainableWeights): number {
  return trainableVariables(model).reduce((n, v) => n + v.size, 0);
}

/**
 * Do `a` and `b` hold the same trainable weights — same count, shapes and values, in order? A notebook that
 * builds its model in a cell checks it against the case's own `model(config)` before training, so the record it
 * writes re-runs what it ran.
 */
export function sameWeights(a: HasTrainableWeights, b: HasTrainableWeights): boolean {
  const va = trainableVariables(a);
  const vb = trainableVariables(b);
  if (va.length !== vb.length) return false;
  return va.every((v, i) => {
    const w = vb[i];
    if (w === undefined || v.shape.join() !== w.shape.join()) return false;
    const x = v.dataSync();
    const y = w.dataSync();
    return x.every((value, k) => Object.is(value, y[k]));
  });
}

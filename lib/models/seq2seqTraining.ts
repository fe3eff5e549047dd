/**
 * Teacher-forced training of an encoder–decoder (`Transformer`, `Seq2seqRnn`): token cross-entropy over the
 * target (ignoring padding) and one optimizer step that disposes everything it makes. Follows: Vaswani et al.
 * 2017 §5 (teacher forcing, Adam with warm-up); tfjs `Optimizer.minimize`.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, checkValue, opt } from "../check/options.js";
import { applyOptimizerStep } from "../train/adamStep.js";

/** A teacher-forcing batch: sources `[B, S]`, decoder inputs `[B, T]` (start + target), targets `[B, T]` (target + end). */
export interface Seq2seqBatch {
  src: tf.Tensor;
  tgtIn: tf.Tensor;
  tgtOut: tf.Tensor;
  srcValidLens?: tf.Tensor;
}

/**
 * Mean cross-entropy of `logits [B, T, V]` against `targets [B, T]` over the positions whose target is not
 * `padId` (all positions when `padId` is undefined): −mean log softmax(logits)[target].
 */
export function sequenceCrossEntropy(logits: tf.Tensor, targets: tf.Tensor, padId?: number): tf.Scalar {
  checkValue("sequenceCrossEntropy", "padId", padId, PAD_ID);
  return tf.tidy(() => {
    const v = logits.shape[2]!;
    const logProbs = tf.logSoftmax(logits); // [B, T, V]
    const picked = tf.sum(tf.mul(logProbs, tf.oneHot(targets.toInt(), v)), -1); // [B, T]
    if (padId === undefined) return tf.neg(tf.mean(picked)) as tf.Scalar;
    const keep = tf.notEqual(targets, padId).toFloat(); // [B, T]
    return tf.div(tf.neg(tf.sum(tf.mul(picked, keep))), tf.maximum(tf.sum(keep), 1)) as tf.Scalar;
  });
}

/** A padding token id: an integer ≥ 0 (or left out). */
const PAD_ID = opt.integer({ min: 0 });

/** The keys of a {@link Seq2seqBatch}. */
const BATCH_SPEC = {
  src: opt.any({ required: true }),
  tgtIn: opt.any({ required: true }),
  tgtOut: opt.any({ required: true }),
  srcValidLens: opt.any(),
};

/** A model trained by {@link trainStep}: `apply([src, tgtIn], { training, srcValidLens })` gives logits. */
export interface TrainableSeq2seq extends tf.layers.Layer {
  ensureBuilt(): this;
}

/** One teacher-forced step with `optimizer` on every trainable weight; returns the loss before the update. */
export function trainStep(
  model: TrainableSeq2seq,
  optimizer: tf.Optimizer,
  batch: Seq2seqBatch,
  padId?: number,
): number {
  checkOptions("trainStep", batch, BATCH_SPEC);
  checkValue("trainStep", "padId", padId, PAD_ID);
  model.ensureBuilt();
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = () => {
    const logits = model.apply([batch.src, batch.tgtIn], {
      training: true,
      srcValidLens: batch.srcValidLens,
    });
    return sequenceCrossEntropy(logits as tf.Tensor, batch.tgtOut, padId);
  };
  const { value: cost, grads } = tf.tidy(() => optimizer.computeGradients(loss, vars)); // frees its own on errors
  applyOptimizerStep(optimizer, grads); // fused on wasm for Adam, else applyGradients: the same numbers
  const value = cost.dataSync()[0]!;
  tf.dispose([cost, ...Object.values(grads)]);
  return value;
}

/** Learning rate with linear warm-up: `peak · min(1, step / warmup)` (step counts from 1). */
export function warmupRate(step: number, peak: number, warmup: number): number {
  return warmup <= 0 ? peak : peak * Math.min(1, step / warmup);
}

/**
 * Teacher-forced training of an encoder–decoder (`Transformer`, `Seq2seqRnn`): token cross-entropy over the
 * target (ignoring padding, with optional label smoothing) and one optimizer step that disposes everything it
 * makes. Follows: Vaswani et al. 2017 §5 (teacher forcing, Adam with warm-up, §5.4 label smoothing);
 * Szegedy et al. 2016 §7; tfjs `Optimizer.minimize`.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, checkValue, opt } from "../check/options.js";
import { CROSS_ENTROPY_RULES, type CrossEntropyOptions } from "../math/crossEntropy.js";
import { applyOptimizerStep } from "../train/adamStep.js";

/** A teacher-forcing batch: sources `[B, S]`, decoder inputs `[B, T]` (start + target), targets `[B, T]` (target + end). */
export interface Seq2seqBatch {
  src: tf.Tensor;
  tgtIn: tf.Tensor;
  tgtOut: tf.Tensor;
  srcValidLens?: tf.Tensor;
}

/** Options for {@link sequenceCrossEntropy}: the same as tier 1's {@link CrossEntropyOptions}. */
export type SequenceCrossEntropyOptions = CrossEntropyOptions;

/**
 * Mean token cross-entropy of `logits [B, T, V]` against integer `targets [B, T]` with label smoothing ε:
 * q = (1 − ε)·onehot(target) + ε/V, ℓ_bt = −Σ_v q_v log softmax(logits_bt)_v, averaged over the positions whose
 * target is not `options.padId` (all positions when it is undefined). Equal to PyTorch's
 * `cross_entropy(logits, targets, ignore_index=padId, label_smoothing=ε)` (test/models/labelSmoothing.test.ts
 * checks it against stored PyTorch values) and to tier 1's `crossEntropy` row by row. A batch whose every
 * target is `padId` gives 0 with zero gradient (PyTorch gives NaN): nothing in it to learn from.
 * Target ids must lie in [0, V) except at padding (checked: the targets are read back).
 * @example
 *   const logits = tf.tensor3d([[[0, Math.log(3)], [5, 0]]]); // B 1, T 2, V 2
 *   const targets = tf.tensor2d([[1, 0]], undefined, "int32"); // the second token is padding
 *   sequenceCrossEntropy(logits, targets, { padId: 0, labelSmoothing: 0.2 }).dataSync()[0]; // 0.3975
 */
export function sequenceCrossEntropy(
  logits: tf.Tensor,
  targets: tf.Tensor,
  options?: SequenceCrossEntropyOptions,
): tf.Scalar {
  const { padId, labelSmoothing = 0 } = checkOptions("sequenceCrossEntropy", options, CROSS_ENTROPY_RULES);
  const v = checkLossShapes(logits, targets);
  checkTargetIds(targets, v, padId);
  return tf.tidy(() => {
    // 1) log-softmax 2) smoothed targets 3) per-token loss 4) mean over the tokens that count
    const logProbs = tf.logSoftmax(logits); // [B, T, V]
    const onehot = tf.oneHot(targets.toInt(), v); // [B, T, V]
    const q = labelSmoothing === 0 ? onehot : tf.add(tf.mul(onehot, 1 - labelSmoothing), labelSmoothing / v);
    const perToken = tf.neg(tf.sum(tf.mul(logProbs, q), -1)); // [B, T]
    if (padId === undefined) return tf.mean(perToken) as tf.Scalar;
    const keep = tf.notEqual(targets, padId).toFloat(); // [B, T]
    return tf.div(tf.sum(tf.mul(perToken, keep)), tf.maximum(tf.sum(keep), 1)) as tf.Scalar;
  });
}

/** Checks `logits [B, T, V]` against `targets [B, T]` and returns V. */
function checkLossShapes(logits: tf.Tensor, targets: tf.Tensor): number {
  if (!(logits instanceof tf.Tensor) || !(targets instanceof tf.Tensor))
    throw new TypeError("sequenceCrossEntropy: logits and targets must be tensors");
  const [b, t, v] = logits.shape;
  if (logits.rank !== 3 || targets.rank !== 2 || targets.shape[0] !== b || targets.shape[1] !== t || !v)
    throw new RangeError(
      `sequenceCrossEntropy: logits must be [B, T, V] with V ≥ 1 and targets [B, T], got logits [${logits.shape}] and targets [${targets.shape}]`,
    );
  return v;
}

/** Every target is an integer class id in [0, V) or `padId` (oneHot would make an unknown id a silent zero row). */
function checkTargetIds(targets: tf.Tensor, v: number, padId: number | undefined): void {
  const ids = targets.dataSync();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id !== padId && !(Number.isInteger(id) && id >= 0 && id < v))
      throw new RangeError(
        `sequenceCrossEntropy: targets must be integer class ids in [0, ${v - 1}]${padId === undefined ? "" : ` or padId ${padId}`}, got ${id} at flat index ${i}`,
      );
  }
}

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
  checkValue("trainStep", "padId", padId, CROSS_ENTROPY_RULES.padId);
  model.ensureBuilt();
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = () => {
    const logits = model.apply([batch.src, batch.tgtIn], {
      training: true,
      srcValidLens: batch.srcValidLens,
    });
    return sequenceCrossEntropy(logits as tf.Tensor, batch.tgtOut, { padId });
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

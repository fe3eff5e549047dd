/**
 * One step of `fit`: build the batch, compute the loss and its gradients, check both for non-finite values
 * (one fused read), apply the optimizer, and check the updated variables the same way. Every tensor it makes is
 * disposed, on errors too. A NaN/Infinity is an error naming the epoch, the step and the variable, and saying
 * whether the weights were updated. Follows: tfjs `Optimizer.minimize` (computeGradients + applyGradients).
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue } from "../check/options.js";
import { applyOptimizerStep } from "./adamStep.js";

/** Where a step is, for messages: epoch, step within it (both from 1) and step over the whole run. */
export interface StepPosition {
  epoch: number;
  step: number;
  overall: number;
}

/** What a step needs of `fit`'s options. */
export interface StepOptions<B extends tf.TensorContainer> {
  batch: (indices: number[]) => B;
  loss: (batch: B) => tf.Scalar;
  optimizer: tf.Optimizer;
  variables?: tf.Variable[];
}

const at = (p: StepPosition) => `at epoch ${p.epoch}, step ${p.step} (step ${p.overall} overall)`;

/** Runs one step on the examples `indices` and returns its (finite) loss. */
export function fitStep<B extends tf.TensorContainer>(
  o: StepOptions<B>,
  indices: number[],
  p: StepPosition,
): number {
  const batch = tf.tidy(() => o.batch(indices)); // a batch() that throws leaves no tensors behind
  let computed: { value: tf.Scalar; grads: tf.NamedTensorMap } | undefined;
  const fault: { error?: unknown } = {};
  try {
    try {
      const f = guardedLoss(o, batch, p, fault);
      computed = tf.tidy(() => o.optimizer.computeGradients(f, o.variables));
    } catch (e) {
      throw fault.error ?? e;
    }
    if (fault.error !== undefined) throw fault.error;
    const loss = checkLossAndGradients(computed.value, computed.grads, p);
    applyOptimizerStep(o.optimizer, computed.grads);
    checkUpdated(Object.keys(computed.grads), loss, p);
    return loss;
  } finally {
    tf.dispose([batch, computed?.value ?? [], computed?.grads ?? {}] as tf.TensorContainer);
  }
}

/**
 * The loss of `batch` for the gradient tape. A loss that throws or returns anything but a scalar tensor would
 * leave the tape's saved tensors behind (tfjs frees them only when the tape completes), so the tape completes
 * on a stand-in scalar and the problem goes to `fault`, thrown once the tape is done.
 */
function guardedLoss<B extends tf.TensorContainer>(
  o: StepOptions<B>,
  batch: B,
  p: StepPosition,
  fault: { error?: unknown },
): () => tf.Scalar {
  return () => {
    try {
      const value = o.loss(batch) as unknown;
      if (value instanceof tf.Tensor && value.rank === 0) return value as tf.Scalar;
      const got =
        value instanceof tf.Tensor ? `a tensor of shape [${value.shape.join(", ")}]` : describeValue(value);
      fault.error = new TypeError(
        `fit: options.loss must return a scalar tensor (rank 0, e.g. tf.mean(...)), got ${got} ${at(p)}`,
      );
      if (value instanceof tf.Tensor) return tf.sum(value) as tf.Scalar;
    } catch (e) {
      fault.error = e;
    }
    return standIn(o.variables);
  };
}

/** A zero scalar connected to a trained variable, so that the tape completes (and frees what it saved). */
function standIn(variables: tf.Variable[] | undefined): tf.Scalar {
  const v = variables?.[0] ?? Object.values(tf.engine().registeredVariables).find((x) => x.trainable);
  return (v === undefined ? tf.scalar(0) : tf.mul(tf.sum(v), 0)) as tf.Scalar;
}

/** Reads the loss and whether each gradient is finite in one go. Throws on a non-finite one. */
function checkLossAndGradients(cost: tf.Scalar, grads: tf.NamedTensorMap, p: StepPosition): number {
  const names = Object.keys(grads);
  const read = tf.tidy(() =>
    tf.concat([tf.reshape(cost, [1]), ...names.map((n) => finiteFlag(grads[n]!))]).dataSync(),
  );
  const loss = read[0]!;
  if (!Number.isFinite(loss)) {
    throw new Error(`fit: the loss is ${loss} ${at(p)}; the weights were not updated`);
  }
  const bad = names.filter((_, i) => read[i + 1] !== 1);
  if (bad.length > 0) {
    throw new Error(
      `fit: the gradient of variable "${bad[0]}"${more(bad)} has non-finite values (NaN or ±Infinity) ${at(p)}, although the loss ${loss} is finite; the weights were not updated`,
    );
  }
  return loss;
}

/** After the update: throws naming the first variable that holds a NaN or ±Infinity now. */
function checkUpdated(names: string[], loss: number, p: StepPosition): void {
  const vars = names
    .map((n) => tf.engine().registeredVariables[n])
    .filter((v): v is tf.Variable => v !== undefined && v.dtype === "float32");
  if (vars.length === 0) return;
  const flags = tf.tidy(() => tf.concat(vars.map(finiteFlag)).dataSync());
  const bad = vars.filter((_, i) => flags[i] !== 1).map((v) => v.name);
  if (bad.length > 0) {
    throw new Error(
      `fit: variable "${bad[0]}"${more(bad)} has non-finite values (NaN or ±Infinity) after the update ${at(p)}: the weights WERE updated (the loss ${loss} and the gradients were finite; the step was too large — lower the learning rate), so the model must be re-initialised or reloaded`,
    );
  }
}

/** `[1]`: 1 when every entry of `x` is finite, else 0. */
function finiteFlag(x: tf.Tensor): tf.Tensor {
  return tf.reshape(tf.cast(tf.all(tf.isFinite(x)), "float32"), [1]);
}

function more(names: string[]): string {
  return names.length > 1 ? ` (and ${names.length - 1} more)` : "";
}

/**
 * One optimizer step with the gradients of a batch. For tfjs's AdamOptimizer on tfjs-wasm with attnlab's speed
 * kernels on, each variable is updated by the fused "AttnlabAdamUpdate" kernel (one call instead of about a
 * dozen), with the optimizer's own state (moments, β powers, iterations), so the numbers equal
 * `optimizer.applyGradients` bit for bit and the optimizer can go on either way. Any other optimizer or backend
 * takes `applyGradients`. Follows tfjs-core 4.22 `optimizers/adam_optimizer.ts`.
 */
import * as tf from "@tensorflow/tfjs";
import { ADAM_UPDATE, type AdamUpdateAttrs, adamUpdateAvailable } from "../tfjs/kernels/adamUpdate.js";
import { wasmSpeedKernelsOn } from "../tfjs/wasmKernels.js";

/** The fields of tfjs's AdamOptimizer that a step reads and updates. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}

/** Applies `grads` (by variable name) with `optimizer`. */
export function applyOptimizerStep(optimizer: tf.Optimizer, grads: tf.NamedTensorMap): void {
  const fused =
    optimizer.getClassName() === "Adam" && // not instanceof: tfjs's Optimizer duck-types `instanceof`
    (optimizer as unknown as Partial<AdamState>).accBeta1 !== undefined &&
    tf.getBackend() === "wasm" &&
    wasmSpeedKernelsOn() &&
    tf.getKernel(ADAM_UPDATE, "wasm") !== undefined &&
    adamUpdateAvailable(tf.backend()) &&
    Object.values(grads).every((g) => g.dtype === "float32");
  if (!fused) {
    optimizer.applyGradients(grads);
    return;
  }
  const adam = optimizer as unknown as AdamState;
  const f32 = Math.fround;
  tf.tidy(() => {
    // tfjs: sub(1, accBeta1) in float32; the scalars below are float32 tensors there too
    const [accBeta1, accBeta2] = [adam.accBeta1.dataSync()[0]!, adam.accBeta2.dataSync()[0]!];
    const attrs: AdamUpdateAttrs = {
      beta1: f32(adam.beta1),
      oneMinusBeta1: f32(1 - adam.beta1),
      beta2: f32(adam.beta2),
      oneMinusBeta2: f32(1 - adam.beta2),
      oneMinusAccBeta1: f32(1 - accBeta1),
      oneMinusAccBeta2: f32(1 - accBeta2),
      negLearningRate: f32(-adam.learningRate),
      epsilon: f32(adam.epsilon),
    };
    Object.keys(grads).forEach((name, i) => {
      const value = tf.engine().registeredVariables[name]!;
      const moment = (suffix: string) => ({
        originalName: `${name}/${suffix}`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      });
      adam.accumulatedFirstMoment[i] ??= moment("m");
      adam.accumulatedSecondMoment[i] ??= moment("v");
      const gradient = grads[name];
      if (gradient == null) return;
      const m = adam.accumulatedFirstMoment[i]!.variable;
      const v = adam.accumulatedSecondMoment[i]!.variable;
      const inputs = { x: value, m, v, g: gradient } as unknown as tf.NamedTensorMap;
      const [x2, m2, v2] = tf.engine().runKernel(ADAM_UPDATE, inputs, attrs as never) as tf.Tensor[];
      m.assign(m2!);
      v.assign(v2!);
      value.assign(x2!);
    });
    adam.accBeta1.assign(tf.mul(adam.accBeta1, adam.beta1));
    adam.accBeta2.assign(tf.mul(adam.accBeta2, adam.beta2));
  });
  adam.incrementIterations();
}

/**
 * `fitAdam`: `fit` with an Adam optimizer it creates and always disposes — the training run of every case study
 * (`lib/cases/<case>/experiment.ts`), so no case repeats the optimizer's lifecycle. A notebook that trains in view
 * writes the same two steps out: `tf.train.adam(…)`, then `fit({ … optimizer … })`.
 */
import * as tf from "@tensorflow/tfjs";
import { checkValue, opt } from "../check/options.js";
import { type FitOptions, type FitResult, fit } from "./fit.js";

/** Adam's settings; the betas and epsilon default to tfjs's (0.9, 0.999, 1e-7). */
export interface AdamSettings {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Options of {@link fitAdam}: those of `fit`, with `adam` in place of `optimizer`. */
export type FitAdamOptions<B extends tf.TensorContainer> = Omit<FitOptions<B>, "optimizer"> & {
  adam: AdamSettings;
};

const ADAM_SPEC = {
  learningRate: opt.number({ above: 0, required: true }),
  beta1: opt.number({ min: 0, below: 1 }),
  beta2: opt.number({ min: 0, below: 1 }),
  epsilon: opt.number({ above: 0 }),
};

/** The Adam optimizer of `settings` (checked: a learning rate > 0, betas in [0, 1), epsilon > 0). */
export function adamOptimizer(settings: AdamSettings, where = "adamOptimizer"): tf.AdamOptimizer {
  checkValue(where, "adam", settings, opt.object(ADAM_SPEC, { required: true }));
  return tf.train.adam(settings.learningRate, settings.beta1, settings.beta2, settings.epsilon);
}

/** Trains with a fresh Adam optimizer (disposed on success and on error) and returns `fit`'s result. */
export async function fitAdam<B extends tf.TensorContainer>(options: FitAdamOptions<B>): Promise<FitResult> {
  const { adam, ...rest } = options;
  const optimizer = adamOptimizer(adam, "fitAdam");
  try {
    return await fit({ ...rest, optimizer });
  } finally {
    optimizer.dispose();
  }
}

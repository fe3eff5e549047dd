/**
 * The Transformer's learning-rate schedule ("Noam"): a linear warm-up, then decay with the inverse square root of
 * the step. Follows: Vaswani et al. 2017 §5.3, eq. 3, "lrate = d_model^−0.5 · min(step_num^−0.5,
 * step_num · warmup_steps^−1.5)", with the Annotated Transformer's extra `factor` in front.
 */
import { checkOptions, checkValue, opt } from "../check/options.js";

/** Settings of {@link noamRate}. */
export interface NoamOptions {
  /** The model width d_model (an integer ≥ 1): wider models get a smaller rate, d_model^−0.5. */
  dModel: number;
  /** The warm-up length in steps (an integer ≥ 1): the rate rises until this step and falls after it. */
  warmup: number;
  /** A constant multiplier in front (> 0, default 1: the paper's schedule). */
  factor?: number;
}

const NOAM_RULES = {
  dModel: opt.integer({ min: 1, required: true }),
  warmup: opt.integer({ min: 1, required: true }),
  factor: opt.number({ above: 0 }),
} as const;

/**
 * The learning rate at training step `step` (counted from 1):
 * factor · d_model^−0.5 · min(step^−0.5, step · warmup^−1.5). It grows linearly up to its peak
 * factor · (d_model · warmup)^−0.5 at step = warmup, then decays as step^−0.5 (four times the steps, half the rate).
 * @example
 *   noamRate(4000, { dModel: 512, warmup: 4000 }); // 0.00069877 (the peak, 1/√(512 · 4000))
 *   noamRate(16000, { dModel: 512, warmup: 4000 }); // 0.00034939 (four times the peak's step: half the rate)
 *   noamRate(1, { dModel: 512, warmup: 4000, factor: 2 }); // 3.4939e-7 (first step: 2 · 512^−0.5 · 4000^−1.5)
 */
export function noamRate(step: number, options: NoamOptions): number {
  checkValue("noamRate", "step", step, opt.integer({ min: 1, required: true }));
  const { dModel, warmup, factor = 1 } = checkOptions("noamRate", options, NOAM_RULES);
  return factor * dModel ** -0.5 * Math.min(step ** -0.5, step * warmup ** -1.5);
}

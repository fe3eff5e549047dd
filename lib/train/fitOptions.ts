/**
 * The strict checks of `fit`'s options: every key known, sizes integers in range, functions functions, early
 * stopping complete (metric, mode "max"/"min", patience ≥ 1, minDelta ≥ 0), a real optimizer and variables, a
 * known progress mode; and the values the callbacks return (learning rates > 0, metrics numbers, stopWhen a
 * boolean). Follows: the "strict options everywhere" decision (ARCHITECTURE.md).
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, checkValue, describeValue, type OptionSpec, opt } from "../check/options.js";
import { SEED } from "../layers/layerOptions.js";
import { MAX_EXAMPLES } from "./batches.js";

const PROGRESS_MODES = ["auto", "terminal", "notebook", "none"] as const;

/** The rules of every `FitOptions` key (`optimizer`, `variables` and `progress` are checked below). */
export const FIT_SPEC: OptionSpec = {
  size: opt.integer({ min: 1, max: MAX_EXAMPLES, required: true }),
  epochs: opt.integer({ min: 1, required: true }),
  batchSize: opt.integer({ min: 1, required: true }),
  batch: opt.function({ required: true }),
  loss: opt.function({ required: true }),
  optimizer: opt.any({ required: true }),
  variables: opt.any(),
  seed: SEED,
  shuffle: opt.boolean(),
  learningRate: opt.function(),
  evaluate: opt.function(),
  earlyStopping: opt.object({
    metric: opt.string({ required: true, nonEmpty: true }),
    mode: opt.oneOf(["max", "min"], { required: true }),
    patience: opt.integer({ min: 1, required: true }),
    minDelta: opt.number({ min: 0 }),
  }),
  stopWhen: opt.function(),
  progress: opt.any(),
  title: opt.string(),
  onEpoch: opt.function(),
};

/** What {@link checkFitOptions} reads of the options (the full type lives in fit.ts). */
interface Checked {
  optimizer?: unknown;
  variables?: unknown;
  progress?: unknown;
}

/** Throws a TypeError/RangeError starting "fit:" and naming the option when `options` breaks a rule. */
export function checkFitOptions(options: unknown): void {
  checkOptions("fit", (options ?? {}) as object, FIT_SPEC); // no options at all: every required key is missing
  const o = options as Checked;
  const optimizer = o.optimizer as Partial<tf.Optimizer> | null;
  if (typeof optimizer?.computeGradients !== "function" || typeof optimizer.applyGradients !== "function") {
    throw new TypeError(
      `fit: options.optimizer must be a tf.Optimizer (e.g. tf.train.adam(1e-3)), got ${describeValue(o.optimizer)}`,
    );
  }
  if (o.variables !== undefined) checkVariables(o.variables);
  if (o.progress !== undefined) checkProgress(o.progress);
}

function checkVariables(variables: unknown): void {
  if (!Array.isArray(variables) || variables.length === 0) {
    throw new TypeError(
      `fit: options.variables must be a non-empty array of tf.Variable, got ${describeValue(variables)}`,
    );
  }
  for (let i = 0; i < variables.length; i++) {
    const v = variables[i] as unknown;
    if (!(v instanceof tf.Variable) || v.isDisposed) {
      const got = v instanceof tf.Variable ? "a disposed variable" : describeValue(v);
      throw new TypeError(`fit: options.variables[${i}] must be a live tf.Variable, got ${got}`);
    }
  }
}

function checkProgress(progress: unknown): void {
  if (typeof progress === "string") {
    checkValue("fit", "options.progress", progress, opt.oneOf(PROGRESS_MODES));
    return;
  }
  const methods = ["start", "step", "epoch", "end"] as const;
  const r = progress as Record<string, unknown> | null;
  if (typeof r !== "object" || r === null || methods.some((m) => typeof r[m] !== "function")) {
    throw new TypeError(
      `fit: options.progress must be one of ${PROGRESS_MODES.map((m) => `"${m}"`).join(", ")} or a ProgressReporter (an object with start, step, epoch and end methods), got ${describeValue(progress)}`,
    );
  }
}

/** The learning rate `options.learningRate(step, epoch)` returned, checked: a finite number > 0. */
export function checkedRate(rate: unknown, step: number, epoch: number): number {
  checkValue(
    "fit",
    `options.learningRate(${step}, ${epoch})`,
    rate,
    opt.number({ above: 0, required: true }),
  );
  return rate as number;
}

/** The metrics `options.evaluate(epoch)` returned, checked: a plain object of numbers. */
export function checkedMetrics(metrics: unknown, epoch: number): Record<string, number> {
  const where = `options.evaluate(${epoch})`;
  const proto = metrics !== null && typeof metrics === "object" ? Object.getPrototypeOf(metrics) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(
      `fit: ${where} must return an object of metrics, e.g. { accuracy: 0.9 }, got ${describeValue(metrics)}`,
    );
  }
  for (const [name, value] of Object.entries(metrics as object)) {
    if (typeof value !== "number") {
      throw new TypeError(
        `fit: ${where} returned ${name} = ${describeValue(value)}; every metric must be a number`,
      );
    }
  }
  return metrics as Record<string, number>;
}

/** What `options.stopWhen(metrics)` returned, checked: a boolean. */
export function checkedStop(stop: unknown, epoch: number): boolean {
  checkValue(
    "fit",
    `options.stopWhen(metrics of epoch ${epoch})'s result`,
    stop,
    opt.boolean({ required: true }),
  );
  return stop as boolean;
}

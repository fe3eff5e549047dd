/**
 * `fit`: the training loop every case study uses. Seeded shuffling, one optimizer step per mini-batch (all
 * tensors disposed), evaluation metrics per epoch, early stopping on a monitored metric, a stop once a target
 * holds, and progress (terminal bar or an in-place notebook display with a live chart). Follows: Keras
 * `Model.fit` (callbacks, `EarlyStopping(monitor, patience, min_delta)`); tfjs `Optimizer.minimize`.
 */
import type * as tf from "@tensorflow/tfjs";
import { batchOrder } from "./batches.js";
import { checkedMetrics, checkedRate, checkedStop, checkFitOptions } from "./fitOptions.js";
import { fitStep } from "./fitStep.js";
import { interruptionPoint, throwIfInterrupted } from "./interrupt.js";
import { type EpochLog, type ProgressMode, progressReporter } from "./progress.js";

/** Stop when `metric` has not improved by more than `minDelta` for `patience` epochs. */
export interface EarlyStopping {
  metric: string;
  mode: "max" | "min";
  patience: number;
  minDelta?: number;
}

/** Options of {@link fit}; `B` is whatever `batch` builds (tensors, disposed by fit after the step). */
export interface FitOptions<B extends tf.TensorContainer> {
  /** Number of training examples; batches are lists of indices into them. */
  size: number;
  epochs: number;
  batchSize: number;
  /** Builds the tensors of one batch from example indices. */
  batch: (indices: number[]) => B;
  /** The scalar loss of one batch, computed inside `optimizer.minimize` (so it is differentiated). */
  loss: (batch: B) => tf.Scalar;
  optimizer: tf.Optimizer;
  /** Trained variables; default every trainable variable. */
  variables?: tf.Variable[];
  /** Shuffling seed. Default 0. */
  seed?: number;
  /** Default true. */
  shuffle?: boolean;
  /** Learning rate before each step (step counts from 1 over the whole run). */
  learningRate?: (step: number, epoch: number) => number;
  /** Metrics after each epoch (held-out data), e.g. `{ accuracy: 0.97 }`. */
  evaluate?: (epoch: number) => Record<string, number> | Promise<Record<string, number>>;
  earlyStopping?: EarlyStopping;
  /** Stop once this holds for an epoch's metrics (a target reached). */
  stopWhen?: (metrics: Record<string, number>) => boolean;
  /** Default "auto": a live display in a notebook, a bar on a terminal. */
  progress?: ProgressMode;
  /** Title shown by the progress display. Default "fit". */
  title?: string;
  /** Called after each epoch, after evaluation. */
  onEpoch?: (log: EpochLog) => void | Promise<void>;
}

/** Why training ended. */
export type StopReason = "epochs" | "early stopping" | "target reached";

/** Per-epoch history, why it stopped, the best epoch of the monitored metric, steps and wall time. */
export interface FitResult {
  history: EpochLog[];
  reason: StopReason;
  bestEpoch: number | undefined;
  steps: number;
  seconds: number;
}

/**
 * Trains for up to `epochs` epochs and returns the history. The loss and the gradients of every step are
 * checked before the update and the weights after it, so a NaN or ±Infinity stops training with an error
 * naming the epoch, the step and the variable instead of training on garbage; options are checked strictly, and
 * no tensor is left behind when a callback throws.
 * @example
 * const w = tf.variable(tf.scalar(0));
 * const batch = (ix) => tf.fill([ix.length], 3);
 * const loss = (x) => tf.mean(tf.square(tf.sub(x, w)));
 * const r = await fit({ size: 8, epochs: 10, batchSize: 4, batch, loss, optimizer: tf.train.sgd(0.2), progress: "none" });
 * [r.history.length, r.steps, Math.round(w.dataSync()[0] * 100) / 100]; // [10, 20, 3]
 */
export async function fit<B extends tf.TensorContainer>(options: FitOptions<B>): Promise<FitResult> {
  checkFitOptions(options);
  const { size, epochs, batchSize, optimizer } = options;
  const nextEpoch = batchOrder(size, batchSize, { seed: options.seed ?? 0, shuffle: options.shuffle }, "fit");
  const progress = progressReporter(options.progress);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const history: EpochLog[] = [];
  let reason: StopReason = "epochs";
  let best: { epoch: number; value: number } | undefined;
  let step = 0;
  await progress.start({ title: options.title ?? "fit", epochs, stepsPerEpoch: Math.ceil(size / batchSize) });
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let lossSum = 0;
    let seen = 0;
    for (const [i, indices] of nextEpoch().entries()) {
      await interruptionPoint(); // Kernel → Interrupt stops here, between steps
      step++;
      if (options.learningRate) {
        setLearningRate(optimizer, checkedRate(options.learningRate(step, epoch), step, epoch));
      }
      // computeGradients + applyGradients is `minimize`, with the loss and gradients checked before the update
      // (a NaN never reaches the weights) and the weights after it
      const value = fitStep(options, indices, { epoch, step: i + 1, overall: step });
      lossSum += value * indices.length;
      seen += indices.length;
      await progress.step({ epoch, step: i + 1, loss: lossSum / seen, seconds: seconds() });
    }
    const metrics = options.evaluate ? checkedMetrics(await options.evaluate(epoch), epoch) : {};
    // Yield before onEpoch, so an interrupt that came during the epoch's last steps or its evaluation is seen and
    // an interrupted run leaves no trace of this epoch.
    await interruptionPoint(true);
    const log: EpochLog = { epoch, loss: lossSum / seen, metrics, seconds: seconds() };
    history.push(log);
    await progress.epoch(log, history);
    await options.onEpoch?.(log);
    const es = options.earlyStopping;
    if (es) {
      const value = metrics[es.metric];
      if (value === undefined) {
        throw new RangeError(
          `fit: earlyStopping.metric "${es.metric}" is not among the evaluated metrics [${Object.keys(metrics).join(", ")}]`,
        );
      }
      if (Number.isNaN(value)) {
        throw new RangeError(
          `fit: earlyStopping.metric "${es.metric}" is NaN at epoch ${epoch}; it cannot be compared`,
        );
      }
      const better =
        es.mode === "max"
          ? value > (best?.value ?? -Infinity) + (es.minDelta ?? 0)
          : value < (best?.value ?? Infinity) - (es.minDelta ?? 0);
      if (better) best = { epoch, value };
      else if (epoch - best!.epoch >= es.patience) reason = "early stopping";
    }
    if (options.stopWhen && checkedStop(options.stopWhen(metrics), epoch)) reason = "target reached";
    // Let queued kernel messages (progress updates) go out between epochs.
    await new Promise((resolve) => setImmediate(resolve));
    throwIfInterrupted();
    if (reason !== "epochs") break;
  }
  const total = seconds();
  await progress.end({ reason, seconds: total });
  return { history, reason, bestEpoch: best?.epoch, steps: step, seconds: total };
}

/** Sets the learning rate of a tfjs optimizer in place, for the next step. */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  if (!(rate > 0) || !Number.isFinite(rate))
    throw new RangeError(`setLearningRate: rate is ${rate}; it must be a positive finite number`);
  // SGD and momentum cache the rate in a kept scalar and expose a setter; Adam, RMSProp and the rest read the field.
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (rate: number) => void };
  if (typeof o.setLearningRate === "function") o.setLearningRate(rate);
  else o.learningRate = rate;
}

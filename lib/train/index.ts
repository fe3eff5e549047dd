// Training: the fit loop, seeded batches and progress reporting.
export { applyOptimizerStep } from "./adamStep.js";
export { batchOrder, epochBatches, take } from "./batches.js";
export {
  type EarlyStopping,
  type FitOptions,
  type FitResult,
  fit,
  setLearningRate,
  type StopReason,
} from "./fit.js";
export {
  InterruptedError,
  type InterruptState,
  interrupted,
  interruptionPoint,
  throwIfInterrupted,
  YIELD_EVERY_MS,
} from "./interrupt.js";
export {
  type EpochLog,
  NotebookProgress,
  type ProgressMode,
  type ProgressReporter,
  progressLine,
  progressReporter,
  TerminalProgress,
} from "./progress.js";

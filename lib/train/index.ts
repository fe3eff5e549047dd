// Training: the fit loop, seeded batches and progress reporting.
export { applyOptimizerStep } from "./adamStep.js";
export { allIndices, batchOrder, epochBatches, take } from "./batches.js";
export { type ClippedGradients, clipByGlobalNorm } from "./clipGradients.js";
export {
  type EarlyStopping,
  type FitOptions,
  type FitResult,
  fit,
  type StopReason,
  setLearningRate,
} from "./fit.js";
export { type AdamSettings, adamOptimizer, type FitAdamOptions, fitAdam } from "./fitAdam.js";
export { type NoamOptions, noamRate } from "./schedule.js";
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
export { countParameters, type HasTrainableWeights, sameWeights, trainableVariables } from "./variables.js";

/**
 * attnlab/experiments — case studies (Node only): each case's data generator, model and experiment, the
 * registry, running with records, and verifying and comparing records. Loads tfjs.
 */

export * from "./cases/channelAttention/index.js";
export * from "./cases/charGpt/index.js";
// case exports (one line per case)
export * from "./cases/copyTask/index.js";
export * from "./cases/customerService/index.js";
export * from "./cases/dates/index.js";
export * from "./cases/enfr/index.js";
export { CASE_EXERCISE_SETS } from "./cases/exercises.js";
export * from "./cases/focus/index.js";
export * from "./cases/lesions/index.js";
export * from "./cases/opinionMonitoring/index.js";
export * from "./cases/qa/index.js";
export * from "./cases/recommendation/index.js";
export { EXPERIMENTS, findExperiment } from "./cases/registry.js";
export * from "./cases/segmentation/index.js";
export * from "./cases/sentiment/index.js";
export * from "./cases/shapes/index.js";
export * from "./cases/similarity/index.js";
export * from "./cases/speech/index.js";
export * from "./cases/stocks/index.js";
export * from "./cases/summarization/index.js";
export * from "./cases/timeSeries/index.js";
export * from "./cases/video/index.js";
export { caseOutput, disposeOnError, type Own } from "./experiments/caseRun.js";
export { type Comparison, compareRecords } from "./experiments/compareRecords.js";
export {
  checkExperimentConfig,
  experimentConfigSpec,
  isFullConfig,
  ruleFromDefault,
} from "./experiments/configSpec.js";
export { gitState, versions } from "./experiments/environment.js";
export {
  type AnyExperiment,
  type DatasetInfo,
  datasetInfo,
  defineExperiment,
  type Experiment,
  type ExperimentConfig,
  type ExperimentContext,
  type ExperimentOutput,
} from "./experiments/experiment.js";
export {
  type ExperimentRun,
  type ExperimentSession,
  experimentConfig,
  finishExperiment,
  type RunExperimentOptions,
  runExperiment,
  type SessionOutput,
  startExperiment,
  summaryLine,
  targetResults,
} from "./experiments/run.js";
export { changedSettings, targetClaim } from "./experiments/targetClaim.js";
export {
  formatVerifyReport,
  VERIFY_OPTIONS,
  type VerifyOptions,
  type VerifyReport,
  type VerifyRow,
  verifyRecord,
} from "./experiments/verify.js";
export { packageRoot } from "./io/packageRoot.js";
export * from "./records/index.js";

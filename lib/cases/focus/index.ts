// Case study: the focus toy — temporal attention over simulated per-minute interaction logs.
export {
  FOCUS_BURST_MIN,
  FOCUS_FEATURE_SCALES,
  FOCUS_FEATURES,
  FOCUS_NOTIFICATIONS,
  type FocusData,
  type FocusDistractor,
  type FocusLogOptions,
  type FocusSet,
  focusBatch,
  focusData,
  focusLabel,
  focusScaled,
  focusTriggerMinutes,
  generateFocusLogs,
} from "./data.js";
export {
  FOCUS_DEFAULTS,
  FOCUS_TARGETS,
  type FocusArtifacts,
  type FocusConfig,
  type FocusEvaluation,
  focusEvaluate,
  focusExperiment,
  focusLoss,
  focusScores,
} from "./experiment.js";
export { type FocusModelConfig, focusModel } from "./model.js";

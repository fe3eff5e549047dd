// Case study: the copy task.
export { type CopyTaskData, copyTaskData } from "./data.js";
export { type CopyTaskArtifacts, type CopyTaskConfig, copyTaskExperiment } from "./experiment.js";

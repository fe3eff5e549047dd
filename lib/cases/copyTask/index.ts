// Case study: the copy task.
export { type CopyTaskData, copyTaskBatch, copyTaskData, reverseCopyTargets } from "./data.js";
export {
  COPY_TASK_DEFAULTS,
  COPY_TASK_TARGETS,
  type CopyTaskArtifacts,
  type CopyTaskConfig,
  type CopyTaskEvaluation,
  copyTaskAdam,
  copyTaskEvaluate,
  copyTaskExperiment,
} from "./experiment.js";
export { type CopyTaskModelConfig, copyTaskModel } from "./model.js";

// Case study: scene understanding with one attention map per class query (multi-label, weak segmentation).
export {
  generateScenes,
  type SceneObject,
  type ScenesOptions,
  type ScenesSet,
  SEGMENTATION_CLASSES,
  type SegmentationData,
  segmentationBatch,
  segmentationData,
} from "./data.js";
export {
  SEGMENTATION_DEFAULTS,
  SEGMENTATION_TARGETS,
  type SegmentationArtifacts,
  type SegmentationConfig,
  type SegmentationEvaluation,
  segmentationEvaluate,
  segmentationExperiment,
  segmentationLoss,
  segmentationPredict,
  segmentationTopKIoU,
} from "./experiment.js";
export {
  ClassQueryAttention,
  type ClassQueryAttentionArgs,
  type ClassQueryAttentionResult,
  type SegmentationModel,
  type SegmentationModelConfig,
  segmentationModel,
} from "./model.js";
export { receptiveFieldMap } from "./receptiveField.js";

// Case study: temporal attention over video frames, with a spatial soft-argmax tracker.
export {
  generateVideo,
  VIDEO_EVENTS,
  VIDEO_FRAMES,
  VIDEO_SIDE,
  type VideoData,
  type VideoDataConfig,
  type VideoOptions,
  type VideoSet,
  videoBatch,
  videoData,
} from "./data.js";
export {
  VIDEO_DEFAULTS,
  VIDEO_TARGETS,
  type VideoArtifacts,
  type VideoConfig,
  type VideoEvaluation,
  videoEvaluate,
  videoExperiment,
  videoLoss,
  videoPredict,
} from "./experiment.js";
export { type VideoForward, VideoModel, type VideoModelConfig, videoModel } from "./model.js";

// Case study: lesion detection, attention pooling vs global average pooling.
export { type LesionsOptions, type LesionsSet, lesionsData, smoothNoise } from "./data.js";
export { type LesionsArtifacts, type LesionsConfig, lesionsExperiment } from "./experiment.js";

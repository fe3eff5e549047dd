/**
 * attnlab/tf — tier 2: TensorFlow.js backends, attention layers and models. A separate entry point so that
 * `import … from "attnlab"` (tier 1, plots, display) never loads tfjs or type-checks its declarations.
 */
export * from "./tfjs/index.js";
export * from "./layers/index.js";
export * from "./models/index.js";
export * from "./layers/cnn/index.js";
export * from "./layers/pooling/index.js";
export * from "./models/cnn/index.js";
export * from "./train/index.js";
export { type ModelFilesOptions, modelFiles } from "./io/modelFiles.js";

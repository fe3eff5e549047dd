/**
 * attnlab/tf — tier 2: TensorFlow.js backends, attention layers and models. A separate entry point so that
 * `import … from "attnlab"` (tier 1, plots, display) never loads tfjs or type-checks its declarations.
 */
export * from "./tfjs/index.js";

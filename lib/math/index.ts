/** Tier 1: attention step by step on plain arrays. */
export * from "./attend.js";
export * from "./distribution.js";
export * from "./input.js";
export * from "./inspect.js";
export * from "./kernelPooling.js";
export * from "./latex.js";
export * from "./mask.js";
export * from "./maskedSoftmax.js";
export * from "./matrix.js";
export * from "./multiHead.js";
export * from "./positional.js";
export * from "./scores.js";
export * from "./softmax.js";
export * from "./trace.js";

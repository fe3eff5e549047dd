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
export {
  LinearAttention,
  type LinearAttentionArgs,
  type LinearAttentionCallArgs,
  type LinearAttentionMaskArgs,
} from "./layers/linearAttention.js";
export { slidingWindowAttentionMask } from "./layers/slidingWindowMask.js";
export { PatchEmbedding, type PatchEmbeddingArgs } from "./layers/patchEmbedding.js";
export { Vit, type VitCallArgs, type VitModelCallArgs } from "./models/vit.js";
export {
  DEFAULTS as VIT_DEFAULTS,
  PRESETS as VIT_PRESETS,
  type VitConfig,
  vitConfig,
  vitParameterCount,
  vitPatchGrid,
} from "./models/vitConfig.js";
export { attendedPatchCenters, type VitPrediction, vitPredict } from "./models/vitPredict.js";
export * from "./train/index.js";
export { type ModelFilesOptions, modelFiles } from "./io/modelFiles.js";

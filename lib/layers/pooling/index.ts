/** Attention pooling layers: over time for sequence classifiers, over pixels for images (with soft-argmax). */
export {
  AttentionPooling,
  type AttentionPoolingArgs,
  type AttentionPoolingCallArgs,
  type AttentionPoolingResult,
} from "./attentionPooling.js";
export {
  SoftSpatialAttentionPooling,
  type SoftSpatialAttentionPoolingArgs,
  type SoftSpatialAttentionPoolingResult,
} from "./softSpatialAttentionPooling.js";

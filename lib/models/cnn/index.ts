/** CNN models with attention: an image classifier with SE/CBAM blocks and soft spatial attention pooling. */
export {
  ATTENTION_CNN_DEFAULTS,
  ATTENTION_CNN_PRESETS,
  type AttentionCnn,
  type AttentionCnnConfig,
  attentionCnn,
} from "./attentionCnn.js";
export {
  classCrossEntropy,
  type ImagePrediction,
  type Images,
  imageBatch,
  predictImages,
} from "./classify.js";

/** Tier 2 layers: attention as tfjs layers that return their weights, and the Transformer building blocks. */
export { AdditiveAttention, type AdditiveAttentionArgs } from "./additiveAttention.js";
export {
  type AttentionCallArgs,
  type AttentionMaskArgs,
  attentionMask,
  maskedSoftmax,
  validLensMask,
} from "./attentionMask.js";
export {
  AttentionRnnDecoder,
  type AttentionRnnDecoderArgs,
  type DecoderRun,
  type RnnDecoderAttentionArgs,
  type RnnDecoderCallArgs,
  recurrentArgs,
} from "./attentionRnnDecoder.js";
export { CompositeLayer } from "./compositeLayer.js";
export { PositionwiseFeedForward, type PositionwiseFeedForwardArgs } from "./feedForward.js";
export { GeneralAttention, type GeneralAttentionArgs } from "./generalAttention.js";
export { LayerNorm, type LayerNormArgs } from "./layerNorm.js";
export { linear } from "./linear.js";
export {
  type KeyValueHeads,
  MultiHeadAttention,
  type MultiHeadAttentionArgs,
  type MultiHeadAttentionCallArgs,
} from "./multiHeadAttention.js";
export {
  LearnedPositionalEncoding,
  type LearnedPositionalEncodingArgs,
  SinusoidalPositionalEncoding,
  type SinusoidalPositionalEncodingArgs,
} from "./positionalEncoding.js";
export { type RopeSetting, ropeRotate } from "./rope.js";
export { ScoreAttention, type ScoreAttentionArgs, type ScoreAttentionCallArgs } from "./scoreAttention.js";
export {
  type DecoderLayerAttention,
  type DecoderLayerAttentionArgs,
  type DecoderLayerCallArgs,
  TransformerDecoderLayer,
} from "./transformerDecoderLayer.js";
export {
  type EncoderLayerCallArgs,
  TransformerEncoderLayer,
  type TransformerLayerArgs,
} from "./transformerEncoderLayer.js";
export type { WithAttention } from "./withAttention.js";

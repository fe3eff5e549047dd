/** Tier 1: attention step by step on plain arrays. */
export * from "./attend.js";
export * from "./attendBackward.js";
export * from "./attentionDecoderStep.js";
export * from "./attentionDecoderWeights.js";
export * from "./attentionCost.js";
export * from "./attentionRollout.js";
export * from "./attentionRolloutTrace.js";
export { type BeamCandidate, type BeamStepTrace, beamStep } from "./beamStep.js";
export {
  type AttentionWeights,
  type BlockKind,
  type BlockParameterCount,
  blockParameterCount,
  blockWeightsFromList,
  type DecoderBlockWeights,
  type EncoderBlockWeights,
  type FeedForwardWeights,
  type NormWeights,
} from "./blockWeights.js";
export type { CellStepOptions, CellWeights, GateActivation } from "./cellWeights.js";
export { type CrossEntropyOptions, type CrossEntropyTrace, crossEntropy } from "./crossEntropy.js";
export * from "./distribution.js";
export * from "./embedding.js";
export * from "./erasure.js";
export * from "./feedForward.js";
export * from "./gruCell.js";
export * from "./input.js";
export * from "./inspect.js";
export * from "./kernelPooling.js";
export * from "./kvCache.js";
export * from "./latex.js";
export * from "./layerNorm.js";
export * from "./linearAttend.js";
export * from "./lstmCell.js";
export * from "./mask.js";
export * from "./maskedSoftmax.js";
export * from "./matrix.js";
export * from "./multiHead.js";
export * from "./onlineSoftmax.js";
export * from "./patchEmbedding.js";
export * from "./positional.js";
export * from "./rope.js";
export * from "./residual.js";
export * from "./sampling.js";
export * from "./slidingWindow.js";
export * from "./scores.js";
export * from "./softmax.js";
export { type SoftmaxJacobianOptions, softmaxBackward, softmaxJacobian } from "./softmaxJacobian.js";
export {
  TILED_SCORES,
  type TiledAttendOptions,
  type TiledAttentionTrace,
  type TiledBlock,
  type TiledMemory,
  tiledAttend,
  tiledAttendMemory,
} from "./tiledAttend.js";
export * from "./tiledAttendBackward.js";
export * from "./trace.js";
export * from "./transformerBlock.js";

// Case study: channel attention (SE, CBAM) vs a plain CNN.
export {
  type ChannelAttentionData,
  type ChannelCueOptions,
  type ChannelCueSet,
  channelAttentionBatch,
  channelAttentionData,
  generateChannelCue,
} from "./data.js";
export {
  CHANNEL_ATTENTION_DEFAULTS,
  CHANNEL_ATTENTION_TARGETS,
  type ChannelAttentionArtifacts,
  type ChannelAttentionComparison,
  type ChannelAttentionConfig,
  type ChannelAttentionEvaluation,
  type ChannelAttentionRun,
  type ChannelAttentionVerdict,
  channelAttentionEvaluate,
  channelAttentionExperiment,
  channelAttentionFit,
  channelAttentionMetrics,
  channelAttentionRuns,
  channelAttentionVerdict,
} from "./experiment.js";
export {
  CHANNEL_ATTENTION_VARIANTS,
  type ChannelAttentionModelConfig,
  type ChannelAttentionVariant,
  channelAttentionModel,
} from "./model.js";

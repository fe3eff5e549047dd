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
  type ChannelAttentionConfig,
  type ChannelAttentionEvaluation,
  type ChannelAttentionRun,
  channelAttentionEvaluate,
  channelAttentionExperiment,
  channelAttentionMetrics,
  channelAttentionRuns,
} from "./experiment.js";
export {
  CHANNEL_ATTENTION_VARIANTS,
  type ChannelAttentionModelConfig,
  type ChannelAttentionVariant,
  channelAttentionModel,
} from "./model.js";

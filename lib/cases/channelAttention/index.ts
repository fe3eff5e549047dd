// Case study: channel attention (SE, CBAM) vs a plain CNN.
export { type ChannelCueOptions, type ChannelCueSet, channelCueData } from "./data.js";
export {
  CHANNEL_ATTENTION_TARGET,
  CHANNEL_ATTENTION_VARIANTS,
  type ChannelAttentionArtifacts,
  type ChannelAttentionConfig,
  type ChannelAttentionVariant,
  channelAttentionExperiment,
} from "./experiment.js";

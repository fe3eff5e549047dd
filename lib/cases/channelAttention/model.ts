/**
 * The channel-attention models: the kit's `attentionCnn` with 3×3 conv blocks on 12×12×8 images, each block
 * followed by squeeze-excitation (the case's model), CBAM, or nothing ("plain"), then global average pooling
 * and a softmax head over the three shapes. The three differ only in the module after each conv.
 */
import { checkValue, opt } from "../../check/options.js";
import { type AttentionCnn, attentionCnn } from "../../models/cnn/attentionCnn.js";
import { childSeed } from "../../random/childSeed.js";
import { SHAPES_CLASSES } from "../shapes/data.js";

/** The three models compared: no attention, squeeze-excitation, CBAM. */
export const CHANNEL_ATTENTION_VARIANTS = ["plain", "se", "cbam"] as const;
export type ChannelAttentionVariant = (typeof CHANNEL_ATTENTION_VARIANTS)[number];

/** The settings the models read from a channel-attention config. */
export interface ChannelAttentionModelConfig {
  seed: number;
  /** Channels of the conv blocks. */
  filters: number[];
  /** Reduction ratio of the SE/CBAM channel MLP. */
  ratio: number;
}

/**
 * The classifier for 12×12×8 images, seeded by `childSeed(seed, "model")` whatever the variant: with one seed the
 * three variants start from the same conv and head weights (`attentionCnn` seeds each part by name), so a
 * comparison at one seed differs only in the attention module.
 */
export function channelAttentionModel(
  config: ChannelAttentionModelConfig,
  variant: ChannelAttentionVariant = "se",
): AttentionCnn {
  checkValue("channelAttentionModel", "variant", variant, opt.oneOf(CHANNEL_ATTENTION_VARIANTS));
  return attentionCnn({
    height: 12,
    width: 12,
    channels: 8,
    classes: SHAPES_CLASSES.length,
    filters: config.filters,
    attention: variant === "plain" ? "none" : variant,
    ratio: config.ratio,
    pooling: "average",
    seed: childSeed(config.seed, "model"),
  });
}

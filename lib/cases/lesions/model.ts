/**
 * The lesions models: the kit's `attentionCnn` with 3×3 conv blocks, no channel attention and a two-class
 * softmax head, pooled either by soft spatial attention (the case's model) or by global average pooling (the
 * ablation, "gap"). The two differ only in the pooling layer.
 */
import { checkValue, opt } from "../../check/options.js";
import { type AttentionCnn, attentionCnn } from "../../models/cnn/attentionCnn.js";
import { childSeed } from "../../random/childSeed.js";

/** The settings the models read from a lesions config. */
export interface LesionsModelConfig {
  seed: number;
  /** Channels of the conv blocks. */
  filters: number[];
  /** Softmax temperature of the spatial attention (unused by global average pooling). */
  temperature: number;
}

/** How the last feature map becomes one vector: the case's model, or the ablation. */
export type LesionsPooling = "softSpatial" | "average";

const POOLINGS: readonly LesionsPooling[] = ["softSpatial", "average"];

/**
 * The classifier for 32×32 scans (class 1 = lesion). The attention model is seeded by `childSeed(seed, "model")`,
 * the average-pooling ablation by `childSeed(seed, "gap/model")`.
 */
export function lesionsModel(
  config: LesionsModelConfig,
  pooling: LesionsPooling = "softSpatial",
): AttentionCnn {
  checkValue("lesionsModel", "pooling", pooling, opt.oneOf(POOLINGS));
  return attentionCnn({
    height: 32,
    width: 32,
    channels: 1,
    classes: 2,
    filters: config.filters,
    attention: "none",
    pooling,
    temperature: config.temperature,
    seed: childSeed(config.seed, pooling === "softSpatial" ? "model" : "gap/model"),
  });
}

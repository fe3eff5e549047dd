/**
 * The shapes model: the kit's `attentionCnn` with two 3×3 conv blocks, no channel attention, soft spatial
 * attention pooling (one softmax over all 24·24 locations) and a softmax head — the corrected S000 §3.2.1 recipe.
 */
import { type AttentionCnn, attentionCnn } from "../../models/cnn/attentionCnn.js";
import { childSeed } from "../../random/childSeed.js";
import { SHAPES_CLASSES } from "./data.js";

/** The settings the model reads from a shapes config. */
export interface ShapesModelConfig {
  seed: number;
  /** Channels of the conv blocks. */
  filters: number[];
  /** Softmax temperature of the spatial attention. */
  temperature: number;
}

/** The classifier for 24×24 grey images, seeded by `childSeed(seed, "model")`. */
export function shapesModel(config: ShapesModelConfig): AttentionCnn {
  return attentionCnn({
    height: 24,
    width: 24,
    channels: 1,
    classes: SHAPES_CLASSES.length,
    filters: config.filters,
    attention: "none",
    pooling: "softSpatial",
    temperature: config.temperature,
    seed: childSeed(config.seed, "model"),
  });
}

/**
 * The focus model: the kit's `TemporalAttentionForecaster` (lib/models/temporalForecaster.ts) over windows of 30
 * minutes × 4 features — each minute embedded with a learned position, h_i = tanh(x_i W_e + b_e + p_i); additive
 * attention pooling with a learned query vector v scores the minutes, α = softmax_i(vᵀ tanh(h_i U + b)), and pools
 * them, c = Σ_i α_i h_i; the linear head's output is the logit of "distracted in the next 5 minutes" (the sigmoid
 * turns it into a probability). α says which minutes the prediction reads. The encoder is per minute (no mixing
 * between minutes), so α_i is the weight of minute i itself; the planted rule needs no more, since it reads each
 * minute's own notification count.
 */
import { TemporalAttentionForecaster } from "../../models/temporalForecaster.js";
import { childSeed } from "../../random/childSeed.js";
import { FOCUS_FEATURES } from "./data.js";

/** The settings the model reads from a focus config. */
export interface FocusModelConfig {
  seed: number;
  /** Minutes per window. */
  window: number;
  /** Width of the minute embedding and of the attention scorer. */
  dModel: number;
}

/** The model for windows `[B, window, 4]`, built, seeded by `childSeed(seed, "model")`; it outputs logits `[B]`. */
export function focusModel(config: FocusModelConfig): TemporalAttentionForecaster {
  return new TemporalAttentionForecaster({
    window: config.window,
    features: FOCUS_FEATURES.length,
    dModel: config.dModel,
    seed: childSeed(config.seed, "model"),
  }).ensureBuilt();
}

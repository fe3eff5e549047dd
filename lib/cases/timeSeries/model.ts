/**
 * The time-series model: the kit's `TemporalAttentionForecaster` (lib/models/temporalForecaster.ts) over windows
 * of (r, s) — a dense step embedding with learned positions, additive attention pooling over the steps and a
 * linear head — so its attention α says which past step the forecast of r_{t+1} reads.
 */
import { TemporalAttentionForecaster } from "../../models/temporalForecaster.js";
import { childSeed } from "../../random/childSeed.js";

/** The settings the model reads from a time-series config. */
export interface TimeSeriesModelConfig {
  seed: number;
  /** Steps per window. */
  window: number;
  /** Width of the step embedding and of the attention scorer. */
  dModel: number;
}

/** The forecaster for windows `[B, window, 2]` of (r, s), built, seeded by `childSeed(seed, "model")`. */
export function timeSeriesModel(config: TimeSeriesModelConfig): TemporalAttentionForecaster {
  return new TemporalAttentionForecaster({
    window: config.window,
    features: 2, // (r_i, s_i)
    dModel: config.dModel,
    seed: childSeed(config.seed, "model"),
  }).ensureBuilt();
}

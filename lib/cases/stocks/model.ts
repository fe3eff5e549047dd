/**
 * The stocks model: the kit's `TemporalAttentionForecaster` (lib/models/temporalForecaster.ts), the same model
 * as the time-series case, over windows of monthly (own, market) log returns; its attention α says which past
 * months the forecast of next month's return reads.
 */
import { TemporalAttentionForecaster } from "../../models/temporalForecaster.js";
import { childSeed } from "../../random/childSeed.js";

/** The settings the model reads from a stocks config. */
export interface StocksModelConfig {
  seed: number;
  /** Months per window. */
  window: number;
  /** Width of the step embedding and of the attention scorer. */
  dModel: number;
}

/** The forecaster for windows `[B, window, 2]` of (own, market) returns, built, seeded by `childSeed(seed, "model")`. */
export function stocksModel(config: StocksModelConfig): TemporalAttentionForecaster {
  return new TemporalAttentionForecaster({
    window: config.window,
    features: 2, // (own return, market return)
    dModel: config.dModel,
    seed: childSeed(config.seed, "model"),
  }).ensureBuilt();
}

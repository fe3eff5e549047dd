// Case study: a time series with a planted lag.
export { type LaggedSeries, type LaggedSeriesOptions, laggedSeries } from "./data.js";
export { type TimeSeriesArtifacts, type TimeSeriesConfig, timeSeriesExperiment } from "./experiment.js";
export { TemporalAttentionForecaster } from "./model.js";

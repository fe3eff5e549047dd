// Case study: a time series with a planted lag.
export {
  type LaggedSeries,
  type LaggedSeriesOptions,
  laggedSeries,
  type TimeSeriesData,
  timeSeriesBatch,
  timeSeriesData,
} from "./data.js";
export {
  TIME_SERIES_DEFAULTS,
  TIME_SERIES_TARGETS,
  type TimeSeriesArtifacts,
  type TimeSeriesConfig,
  type TimeSeriesEvaluation,
  timeSeriesEvaluate,
  timeSeriesExperiment,
} from "./experiment.js";
export { type TimeSeriesModelConfig, timeSeriesModel } from "./model.js";

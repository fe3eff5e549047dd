// Case study: real monthly stock prices (vega-datasets) with the temporal attention forecaster.
export {
  loadStockPrices,
  parseStocksCsv,
  type StockPrice,
  type StockSplitOptions,
  type StockSplits,
  type StocksData,
  type StockWindows,
  scaledWindows,
  stockMonthLabel,
  stockSplits,
  stocksBatch,
  stocksCsvPath,
  stocksData,
} from "./data.js";
export {
  STOCKS_DEFAULTS,
  STOCKS_TARGETS,
  type StocksArtifacts,
  type StocksConfig,
  type StocksEvaluation,
  stocksEvaluate,
  stocksExperiment,
  stocksValidation,
} from "./experiment.js";
export { type StocksModelConfig, stocksModel } from "./model.js";

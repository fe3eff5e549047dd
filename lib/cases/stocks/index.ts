// Case study: real monthly stock prices (vega-datasets) with the time-series attention forecaster.
export {
  loadStockPrices,
  stockMonthLabel,
  parseStocksCsv,
  type StockPrice,
  type StockSplitOptions,
  type StockSplits,
  type StockWindows,
  stockSplits,
  stocksCsvPath,
} from "./data.js";
export { type StocksArtifacts, type StocksConfig, stocksExperiment } from "./experiment.js";

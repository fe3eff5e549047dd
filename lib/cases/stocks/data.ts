/**
 * Real monthly stock prices (the application S004 actually names): the `stocks.csv` table of the
 * `vega-datasets` package (BSD-3-Clause; AAPL, AMZN, GOOG, IBM, MSFT, Jan 2000 – Mar 2010), read from
 * node_modules, never downloaded. Each example is a window of `window` monthly log returns of one symbol plus
 * the equal-weight market return of the same months; the target is the symbol's log return of the next month.
 * Splits are chronological by the target's month: training, a validation year, and a held-out test period.
 * `stockSplits` cuts the windows; `stocksData(config)` loads and splits the case's data with the scale the model
 * sees it in, and `stocksBatch` turns windows into the tensors `fit` trains on. Nothing here is random.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { packageRoot } from "../../io/packageRoot.js";
import { take } from "../../train/batches.js";

/** One month's closing price of one symbol. */
export interface StockPrice {
  symbol: string;
  /** Months since January 2000 (0 = Jan 2000). */
  month: number;
  price: number;
}

/** Windows `x [n][window][2]` = (own log return, market log return), targets `y [n]` and who/when. */
export interface StockWindows {
  x: number[][][];
  y: number[];
  symbol: string[];
  /** Month index of each target (months since January 2000). */
  month: number[];
}

/** The three chronological splits. */
export interface StockSplits {
  train: StockWindows;
  valid: StockWindows;
  test: StockWindows;
  symbols: string[];
}

/** Settings of {@link stockSplits}. */
export interface StockSplitOptions {
  /** Months of history per window. Default 12. */
  window?: number;
  /** Targets in this year go to validation; earlier ones to training. Default 2007. */
  validYear?: number;
  /** Targets from January of this year on are the test set. Default 2008. */
  testYear?: number;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `"YYYY-MM"` for a month index. @example stockMonthLabel(97); // "2008-02" */
export function stockMonthLabel(month: number): string {
  return `${2000 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}`;
}

/** Path of `stocks.csv` inside the installed `vega-datasets` package (its `exports` hide `data/`). */
export function stocksCsvPath(): string {
  const require = createRequire(join(packageRoot(), "package.json"));
  return join(dirname(require.resolve("vega-datasets")), "..", "data", "stocks.csv");
}

/**
 * Parses `symbol,date,price` rows (dates like `Jan 1 2000`).
 * @example parseStocksCsv("symbol,date,price\nMSFT,Feb 1 2000,36.35")[0]; // { symbol: "MSFT", month: 1, price: 36.35 }
 */
export function parseStocksCsv(text: string): StockPrice[] {
  const lines = text.trim().split(/\r?\n/);
  if (lines[0]!.trim() !== "symbol,date,price")
    throw new Error(`stocks.csv: unexpected header "${lines[0]}"`);
  return lines.slice(1).map((line, i) => {
    const [symbol, date, price] = line.split(",");
    const [mon, , year] = (date ?? "").split(" ");
    const m = MONTHS.indexOf(mon ?? "");
    const value = Number(price);
    if (!symbol || m < 0 || !Number.isInteger(Number(year)) || !(value > 0))
      throw new Error(`stocks.csv line ${i + 2}: cannot parse "${line}"`);
    return { symbol, month: (Number(year) - 2000) * 12 + m, price: value };
  });
}

/** The prices shipped with `vega-datasets` (560 rows). */
export function loadStockPrices(): StockPrice[] {
  return parseStocksCsv(readFileSync(stocksCsvPath(), "utf8"));
}

/**
 * Cuts the prices into windows of log returns and splits them by the target's month.
 * @example
 * const s = stockSplits([{ symbol: "A", month: 0, price: 1 }, { symbol: "A", month: 1, price: 2 }, { symbol: "A", month: 2, price: 4 }], { window: 1, validYear: 2001, testYear: 2002 });
 * s.train.y; // [0.6931471805599453]  (ln 4/2, predicted from the window [ln 2/1])
 */
export function stockSplits(prices: readonly StockPrice[], opts: StockSplitOptions = {}): StockSplits {
  const window = opts.window ?? 12;
  const validFrom = ((opts.validYear ?? 2007) - 2000) * 12;
  const testFrom = ((opts.testYear ?? 2008) - 2000) * 12;
  if (!(Number.isInteger(window) && window >= 1)) throw new RangeError(`stockSplits: window ${window} < 1`);
  if (!(testFrom > validFrom)) throw new RangeError("stockSplits: testYear must come after validYear");
  const symbols = [...new Set(prices.map((p) => p.symbol))].sort();
  // log return of each symbol per month: ln(p_m / p_{m−1}), where both months exist
  const price = new Map(prices.map((p) => [`${p.symbol}@${p.month}`, p.price]));
  const ret = (symbol: string, month: number): number | undefined => {
    const now = price.get(`${symbol}@${month}`);
    const before = price.get(`${symbol}@${month - 1}`);
    return now === undefined || before === undefined ? undefined : Math.log(now / before);
  };
  const last = Math.max(...prices.map((p) => p.month));
  // equal-weight market return: the mean over the symbols that have a return that month
  const market: (number | undefined)[] = Array.from({ length: last + 1 }, (_, m) => {
    const rs = symbols.map((s) => ret(s, m)).filter((r): r is number => r !== undefined);
    return rs.length === 0 ? undefined : rs.reduce((a, b) => a + b, 0) / rs.length;
  });
  const empty = (): StockWindows => ({ x: [], y: [], symbol: [], month: [] });
  const splits = { train: empty(), valid: empty(), test: empty() };
  for (const symbol of symbols) {
    for (let target = window + 1; target <= last; target++) {
      const y = ret(symbol, target);
      const steps = Array.from({ length: window }, (_, i) => target - window + i);
      const x = steps.map((m) => [ret(symbol, m), market[m]]);
      if (y === undefined || x.some(([r, mk]) => r === undefined || mk === undefined)) continue;
      const split = target >= testFrom ? splits.test : target >= validFrom ? splits.valid : splits.train;
      split.x.push(x as number[][]);
      split.y.push(y);
      split.symbol.push(symbol);
      split.month.push(target);
    }
  }
  return { ...splits, symbols };
}

/** The case's data: the three splits, the scale the model reads them in, and the record's descriptor. */
export interface StocksData extends StockSplits {
  /**
   * The standard deviation of the training targets: inputs and targets are divided by it for the model (so
   * its weights see unit-scale numbers) and its forecasts multiplied back. From the training split only.
   */
  scale: number;
  dataset: DatasetInfo;
}

/** The stock windows of a config (`window`, `validYear`, `testYear`), split chronologically, and their scale. */
export function stocksData(config: { window: number; validYear: number; testYear: number }): StocksData {
  const { window, validYear, testYear } = config;
  const splits = stockSplits(loadStockPrices(), { window, validYear, testYear });
  const ys = splits.train.y;
  if (ys.length < 2)
    throw new RangeError(`stocksData: the training split has ${ys.length} windows, need ≥ 2`);
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  const scale = Math.sqrt(ys.reduce((a, y) => a + (y - mean) ** 2, 0) / ys.length);
  const { train, valid, test } = splits;
  return { ...splits, scale, dataset: datasetInfo("stocks", { train, valid, test }, (w) => w.y.length) };
}

/** Windows `[n][window][2]` divided by `scale`: what the model reads. */
export function scaledWindows(windows: readonly number[][][], scale: number): number[][][] {
  return windows.map((win) => win.map((step) => step.map((v) => v / scale)));
}

/** One batch of `split` at `indices`, divided by `scale`: windows `x [B, window, 2]` and targets `y [B]`. */
export function stocksBatch(
  split: StockWindows,
  indices: number[],
  scale: number,
): { x: tf.Tensor3D; y: tf.Tensor1D } {
  const x = scaledWindows(take(split.x, indices), scale);
  return { x: tf.tensor3d(x), y: tf.tensor1d(take(split.y, indices).map((y) => y / scale)) };
}

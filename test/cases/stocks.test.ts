/**
 * The stock-price case: the CSV parses into chronological, non-overlapping splits, the default data hash matches
 * the dataset README, and a tiny run of the experiment is finite, leak-free and bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  loadStockPrices,
  parseStocksCsv,
  stockSplits,
  stocksBatch,
  stocksData,
} from "../../lib/cases/stocks/data.js";
import { stocksEvaluate, stocksExperiment } from "../../lib/cases/stocks/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { hashValue } from "../../lib/records/record.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

test("parseStocksCsv reads months since Jan 2000 and rejects a broken row", () => {
  assert.deepEqual(parseStocksCsv("symbol,date,price\nIBM,Mar 1 2001,12.5"), [
    { symbol: "IBM", month: 14, price: 12.5 },
  ]);
  assert.throws(() => parseStocksCsv("symbol,date,price\nIBM,Foo 1 2001,1"), /line 2: cannot parse/);
});

test("stockSplits: windows of log returns, split by target month, and deterministic", () => {
  const prices = loadStockPrices();
  assert.equal(prices.length, 560);
  const s = stockSplits(prices);
  assert.deepEqual([s.train.y.length, s.valid.y.length, s.test.y.length], [300, 60, 135]);
  assert.ok(Math.max(...s.train.month) < 84 && s.valid.month.every((m) => m >= 84 && m < 96));
  assert.ok(s.test.month.every((m) => m >= 96));
  // the last step of a window is the month before the target: its own return is that month's log return
  const msft = prices.filter((p) => p.symbol === "MSFT");
  const k = s.test.symbol.indexOf("MSFT");
  const m = s.test.month[k]!;
  const price = (month: number) => msft.find((p) => p.month === month)!.price;
  assert.ok(Math.abs(s.test.x[k]!.at(-1)![0]! - Math.log(price(m - 1) / price(m - 2))) < 1e-12);
  assert.ok(Math.abs(s.test.y[k]! - Math.log(price(m) / price(m - 1))) < 1e-12);
  assert.deepEqual(stockSplits(prices), s);
});

test("stocksData: the splits of the config, scaled by the training targets' standard deviation", async () => {
  await initBackend();
  const data = stocksData(stocksExperiment.defaults);
  assert.deepEqual(data.dataset.sizes, { train: 300, valid: 60, test: 135 });
  const ys = data.train.y;
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sd = Math.sqrt(ys.reduce((a, y) => a + (y - mean) ** 2, 0) / ys.length);
  assert.equal(data.scale, sd);
  assert.ok(data.scale > 0.05 && data.scale < 0.2, `monthly return sd ${data.scale}`);
  const b = stocksBatch(data.train, [5], data.scale);
  assert.deepEqual([b.x.shape, b.y.shape], [[1, 12, 2], [1]]);
  assert.ok(Math.abs(b.y.dataSync()[0]! - data.train.y[5]! / data.scale) < 1e-6);
  assert.ok(Math.abs(b.x.arraySync()[0]![11]![1]! - data.train.x[5]![11]![1]! / data.scale) < 1e-6);
  tf.dispose([b.x, b.y]);
});

test("the default dataset hash is the one in datasets/stocks/README.md", () => {
  const { train, valid, test: test_ } = stockSplits(loadStockPrices(), stocksExperiment.defaults);
  const { dataset } = stocksData(stocksExperiment.defaults);
  assert.equal(dataset.hash, hashValue({ train, valid, test: test_ }));
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "stocks", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("a tiny run is finite, leaves no tensors behind and repeats exactly", async () => {
  const config = { epochs: 2 };
  const opts = { quick: true, config, record: false, progress: "none", log: false } as const;
  await initBackend();
  const before = tf.memory().numTensors;
  const a = await runExperiment(stocksExperiment, opts);
  const { model, data, final } = a.artifacts;
  assert.deepEqual(stocksEvaluate(model, data.test, data).metrics, final.metrics);
  assert.equal(final.predictions.length, data.test.y.length);
  // the no-change forecast's MAE is the mean absolute return of the test period
  const meanAbs = data.test.y.reduce((s, y) => s + Math.abs(y), 0) / data.test.y.length;
  assert.ok(Math.abs(a.metrics["zero.mae"]! - meanAbs) < 1e-12);
  model.dispose();
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(stocksExperiment, opts);
  b.artifacts.model.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.equal(afterFirst, before, "disposing the model frees every tensor of the run");
});

/**
 * The stock-price case: the CSV parses into chronological, non-overlapping splits, the default data hash matches
 * the dataset README, and a tiny run of the experiment is finite, leak-free and bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { loadStockPrices, parseStocksCsv, stockSplits } from "../../lib/cases/stocks/data.js";
import { stocksExperiment } from "../../lib/cases/stocks/experiment.js";
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

test("the default dataset hash is the one in datasets/stocks/README.md", () => {
  const { train, valid, test: test_ } = stockSplits(loadStockPrices(), stocksExperiment.defaults);
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "stocks", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${hashValue({ train, valid, test: test_ })}`));
});

test("a tiny run is finite, leaves no tensors behind and repeats exactly", async () => {
  const config = { epochs: 2 };
  const opts = { quick: true, config, record: false, progress: "none", log: false } as const;
  await initBackend();
  const before = tf.memory().numTensors;
  const a = await runExperiment(stocksExperiment, opts);
  a.artifacts.model.dispose();
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(stocksExperiment, opts);
  b.artifacts.model.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.ok(afterFirst - before <= 8, `${afterFirst - before} tensors left by tfjs-layers after dispose`);
});

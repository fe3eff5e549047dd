/**
 * The time-series case: the generator plants the lag where the docs say, the splits come from independent
 * seeded series, the default data hash matches the dataset README, and a tiny run of the experiment is finite,
 * leak-free and bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { laggedSeries, timeSeriesBatch, timeSeriesData } from "../../lib/cases/timeSeries/data.js";
import { timeSeriesEvaluate, timeSeriesExperiment } from "../../lib/cases/timeSeries/experiment.js";
import { timeSeriesModel } from "../../lib/cases/timeSeries/model.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { sameWeights } from "../../lib/train/variables.js";

test("laggedSeries: the target is 0.6·s at window index 15 plus 0.4·noise, and generation is seeded", () => {
  const data = laggedSeries({ seed: 3, size: 2000 });
  assert.equal(data.lagIndex, 15);
  // The residual r(t+1) − 0.6·s[15] is the noise 0.4·ε: its variance is near 0.16 and it is uncorrelated with s.
  const resid = data.y.map((y, k) => y - 0.6 * data.x[k]![15]![1]!);
  const variance = resid.reduce((a, r) => a + r * r, 0) / resid.length;
  assert.ok(Math.abs(variance - 0.16) < 0.02, `residual variance ${variance}`);
  const corr = resid.reduce((a, r, k) => a + r * data.x[k]![15]![1]!, 0) / resid.length;
  assert.ok(Math.abs(corr) < 0.03, `residual·s[15] ${corr}`);
  assert.deepEqual(laggedSeries({ seed: 3, size: 5 }), laggedSeries({ seed: 3, size: 5 }));
  assert.equal(laggedSeries({ seed: 3, size: 7, window: 8, lag: 3 }).x.length, 7);
  assert.throws(
    () => laggedSeries({ seed: 0, size: 3, lag: 30 }),
    /lag 30 must be an integer in 1…window \(20\)/,
  );
  assert.throws(() => laggedSeries({ seed: 0, size: 0 }), /size must be a positive integer, got 0/);
});

test("timeSeriesData: train and test from different seeds, batches of the right shapes", async () => {
  await initBackend();
  const config = { ...timeSeriesExperiment.defaults, trainSize: 50, testSize: 20 };
  const data = timeSeriesData(config);
  assert.deepEqual(data.dataset.sizes, { train: 50, test: 20 });
  assert.notDeepEqual(data.train.x.slice(0, 20), data.test.x, "the splits are different series");
  assert.deepEqual(timeSeriesData(config), data);
  assert.notEqual(timeSeriesData({ ...config, seed: 1 }).dataset.hash, data.dataset.hash);
  const b = timeSeriesBatch(data.train, [3, 0]);
  assert.deepEqual([b.x.shape, b.y.shape], [[2, 20, 2], [2]]);
  assert.deepEqual(b.y.arraySync(), [data.train.y[3]!, data.train.y[0]!].map(Math.fround));
  tf.dispose([b.x, b.y]);
});

test("the default dataset hash is the one in datasets/time-series/README.md", () => {
  const { dataset } = timeSeriesData(timeSeriesExperiment.defaults);
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "time-series", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("a tiny run is finite, leaves no tensors behind and repeats exactly", async () => {
  const config = { trainSize: 256, testSize: 64, epochs: 2 };
  const opts = { quick: true, config, record: false, progress: "none", log: false } as const;
  await initBackend();
  const before = tf.memory().numTensors;
  const a = await runExperiment(timeSeriesExperiment, opts);
  // the trained model is the case's model, trained: it starts where timeSeriesModel(config) starts
  const fresh = timeSeriesModel(a.config);
  assert.equal(sameWeights(fresh, a.artifacts.model), false, "training moved the weights");
  assert.deepEqual(
    timeSeriesEvaluate(a.artifacts.model, a.artifacts.data.test).metrics,
    a.artifacts.final.metrics,
  );
  fresh.dispose();
  a.artifacts.model.dispose();
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(timeSeriesExperiment, opts);
  b.artifacts.model.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.deepEqual(
    a.history,
    b.history.map((h, i) => ({ ...h, seconds: a.history[i]!.seconds })),
  );
  const sum = a.artifacts.final.meanAttention.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - 1) < 1e-5, `mean attention sums to ${sum}`);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.equal(afterFirst, before, "disposing the model frees every tensor of the run");
});

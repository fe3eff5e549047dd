/**
 * The time-series case: the generator plants the lag where the docs say, its default data hash matches the
 * dataset README, and a tiny run of the experiment is finite, leak-free and bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { laggedSeries } from "../../lib/cases/timeSeries/data.js";
import { timeSeriesExperiment } from "../../lib/cases/timeSeries/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { hashValue } from "../../lib/records/record.js";

test("laggedSeries: the target is 0.6·s at window index 15 plus 0.4·noise, and generation is seeded", () => {
  const data = laggedSeries({ seed: 3, size: 2000 });
  assert.equal(data.lagIndex, 15);
  // The residual r(t+1) − 0.6·s[15] is the noise 0.4·ε: its variance is near 0.16 and it is uncorrelated with s.
  const resid = data.y.map((y, k) => y - 0.6 * data.x[k]![15]![1]!);
  const variance = resid.reduce((a, r) => a + r * r, 0) / resid.length;
  assert.ok(Math.abs(variance - 0.16) < 0.02, `residual variance ${variance}`);
  assert.deepEqual(laggedSeries({ seed: 3, size: 5 }), laggedSeries({ seed: 3, size: 5 }));
  assert.throws(() => laggedSeries({ seed: 0, size: 3, lag: 30 }), /lag 30 must be in 1…window \(20\)/);
});

test("the default dataset hash is the one in datasets/time-series/README.md", () => {
  const { trainSize, testSize } = timeSeriesExperiment.defaults;
  const train = laggedSeries({ seed: 1, size: trainSize });
  const test_ = laggedSeries({ seed: 2, size: testSize });
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "time-series", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${hashValue({ train, test: test_ })}`));
});

test("a tiny run is finite, leaves no tensors behind and repeats exactly", async () => {
  const config = { trainSize: 256, testSize: 64, epochs: 2 };
  const opts = { quick: true, config, record: false, progress: "none", log: false } as const;
  await initBackend();
  const before = tf.memory().numTensors;
  const a = await runExperiment(timeSeriesExperiment, opts);
  a.artifacts.model.dispose();
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(timeSeriesExperiment, opts);
  b.artifacts.model.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.ok(afterFirst - before <= 8, `${afterFirst - before} tensors left by tfjs-layers after dispose`);
});

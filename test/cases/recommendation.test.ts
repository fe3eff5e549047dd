/**
 * The recommendation case: labels follow the recency rule, the default data hash matches the dataset README, and
 * a tiny run of the experiment is finite, leak-free and bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { recommendationData } from "../../lib/cases/recommendation/data.js";
import { recommendationExperiment } from "../../lib/cases/recommendation/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { hashValue } from "../../lib/records/record.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

test("recommendationData: the label is 'category among the last 3 clicks', and generation is seeded", () => {
  const d = recommendationData({ seed: 5, size: 500 });
  d.label.forEach((label, n) => {
    const cats = d.historyCategory[n]!;
    const c = d.candidateCategory[n]!;
    assert.equal(label, cats.slice(-3).includes(c) ? 1 : 0);
    assert.equal(Math.floor(d.candidate[n]! / 4), c);
    d.history[n]!.forEach((item, j) => assert.equal(Math.floor(item / 4), cats[j]));
    if (d.kind[n] === "earlier") assert.ok(cats.includes(c));
    if (d.kind[n] === "other") assert.ok(!cats.includes(c));
    assert.equal(new Set(cats).size <= 6, true);
  });
  assert.ok(d.kind.includes("earlier") && d.kind.includes("other"));
  assert.deepEqual(recommendationData({ seed: 5, size: 3 }), recommendationData({ seed: 5, size: 3 }));
});

test("the default dataset hash is the one in datasets/recommendation/README.md", () => {
  const { trainSize, testSize } = recommendationExperiment.defaults;
  const train = recommendationData({ seed: 1, size: trainSize });
  const test_ = recommendationData({ seed: 2, size: testSize });
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "recommendation", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${hashValue({ train, test: test_ })}`));
});

test("a tiny run is finite, leaves no tensors behind and repeats exactly", async () => {
  const config = { trainSize: 256, testSize: 64, epochs: 2 };
  const opts = { quick: true, config, record: false, progress: "none", log: false } as const;
  await initBackend();
  const before = tf.memory().numTensors;
  const a = await runExperiment(recommendationExperiment, opts);
  a.artifacts.attention.dispose();
  a.artifacts.mean.dispose();
  const b = await runExperiment(recommendationExperiment, opts);
  b.artifacts.attention.dispose();
  b.artifacts.mean.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(tf.memory().numTensors, before, "every tensor of both runs is disposed");
});

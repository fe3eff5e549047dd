/**
 * The lesions case: the generator is seeded, balanced, and plants the disc it reports; its default data hash
 * matches the dataset README; a tiny run of the experiment is finite, leak-free and bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { lesionsData } from "../../lib/cases/lesions/data.js";
import { lesionsExperiment } from "../../lib/cases/lesions/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { hashValue } from "../../lib/records/record.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

test("lesionsData: seeded, half positive, lesions inside the scan with the stated radius and contrast", () => {
  const a = lesionsData({ seed: 3, size: 40 });
  assert.deepEqual(lesionsData({ seed: 3, size: 40 }), a);
  assert.equal(
    a.labels.reduce((s, l) => s + l, 0),
    20,
  );
  a.labels.forEach((l, k) => {
    if (l === 0) return assert.equal(a.centers[k], null);
    const [i, j] = a.centers[k]!;
    assert.ok(i >= 4 && i <= 27 && j >= 4 && j <= 27);
    assert.ok(a.radii[k]! >= 2 && a.radii[k]! <= 4 && a.contrasts[k]! >= 0.3 && a.contrasts[k]! <= 0.6);
  });
  // The background is smooth: neighbouring pixels are strongly correlated.
  const im = lesionsData({ seed: 9, size: 2 }).images[0]!;
  let num = 0;
  let den = 0;
  for (let i = 0; i < 32; i++)
    for (let j = 0; j < 31; j++) {
      num += im[i]![j]! * im[i]![j + 1]!;
      den += im[i]![j]! ** 2;
    }
  assert.ok(num / den > 0.8, `lag-1 correlation ${num / den}`);
});

test("the default dataset hash is the one in datasets/lesions/README.md", () => {
  const { seed, trainSize, testSize, blur } = lesionsExperiment.defaults;
  const train = lesionsData({ seed: seed * 2 + 1, size: trainSize, blur });
  const test_ = lesionsData({ seed: seed * 2 + 2, size: testSize, blur });
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "lesions", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${hashValue({ train, test: test_ })}`));
});

test("a tiny lesions run is finite, leaves no tensors behind and repeats exactly", async () => {
  const config = { trainSize: 48, testSize: 24, epochs: 1, filters: [4, 8] };
  const opts = { quick: true, config, record: false, progress: "none", log: false } as const;
  await initBackend();
  const before = tf.memory().numTensors;
  const a = await runExperiment(lesionsExperiment, opts);
  a.artifacts.attention.model.dispose();
  a.artifacts.gap.model.dispose();
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(lesionsExperiment, opts);
  b.artifacts.attention.model.dispose();
  b.artifacts.gap.model.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.ok(afterFirst - before <= 8, `${afterFirst - before} tensors left after dispose`);
});

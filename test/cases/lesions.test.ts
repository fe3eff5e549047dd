/**
 * The lesions case: the generator is seeded, balanced, and plants the disc it reports; the case data come from
 * named child seeds and their default hash matches the dataset README; the two models differ only in pooling;
 * a tiny run of the experiment is finite, leak-free and bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { generateLesions, lesionsBatch, lesionsData } from "../../lib/cases/lesions/data.js";
import { LESIONS_DEFAULTS, lesionsExperiment } from "../../lib/cases/lesions/experiment.js";
import { lesionsModel } from "../../lib/cases/lesions/model.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { childSeed } from "../../lib/random/childSeed.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

test("generateLesions: seeded, half positive, lesions inside the scan with the stated radius and contrast", () => {
  const a = generateLesions({ seed: 3, size: 40 });
  assert.deepEqual(generateLesions({ seed: 3, size: 40 }), a);
  assert.notDeepEqual(generateLesions({ seed: 4, size: 40 }).labels, a.labels);
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
  const im = generateLesions({ seed: 9, size: 2 }).images[0]!;
  let num = 0;
  let den = 0;
  for (let i = 0; i < 32; i++)
    for (let j = 0; j < 31; j++) {
      num += im[i]![j]! * im[i]![j + 1]!;
      den += im[i]![j]! ** 2;
    }
  assert.ok(num / den > 0.8, `lag-1 correlation ${num / den}`);
  assert.throws(
    () => generateLesions({ seed: 1, size: 0 }),
    /generateLesions: size must be a positive integer/,
  );
});

test("lesionsData: each split from its own child seed; lesionsBatch gives [B, 32, 32, 1] and int32 labels", async () => {
  await initBackend();
  const config = { seed: 5, trainSize: 10, testSize: 6, blur: 2 };
  const data = lesionsData(config);
  assert.deepEqual(data.train, generateLesions({ seed: childSeed(5, "data/train"), size: 10, blur: 2 }));
  assert.deepEqual(data.test, generateLesions({ seed: childSeed(5, "data/test"), size: 6, blur: 2 }));
  assert.deepEqual(data.dataset.sizes, { train: 10, test: 6 });
  assert.notEqual(lesionsData({ ...config, seed: 6 }).dataset.hash, data.dataset.hash);
  const b = lesionsBatch(data.train, [2, 0]);
  assert.deepEqual([b.x.shape, b.y.shape, b.y.dtype], [[2, 32, 32, 1], [2], "int32"]);
  assert.deepEqual(Array.from(b.y.dataSync()), [data.train.labels[2], data.train.labels[0]]);
  tf.dispose([b.x, b.y]);
});

test("the default dataset hash is the one in datasets/lesions/README.md", () => {
  const { dataset } = lesionsData(LESIONS_DEFAULTS);
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "lesions", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("lesionsModel: attention pooling or the GAP ablation, each from its named seed; a bad pooling is refused", async () => {
  await initBackend();
  const config = { seed: 0, filters: [4], temperature: 1 };
  const attention = lesionsModel(config);
  const gap = lesionsModel(config, "average");
  assert.equal(attention.model.getLayer("pooling").getClassName(), "SoftSpatialAttentionPooling");
  assert.equal(gap.model.getLayer("pooling").getClassName(), "GlobalAveragePooling2D");
  assert.equal(attention.config.seed, childSeed(0, "model"));
  assert.equal(gap.config.seed, childSeed(0, "gap/model"));
  assert.deepEqual(attention.model.outputs[0]!.shape, [null, 2]);
  attention.model.dispose();
  gap.model.dispose();
  assert.throws(
    () => lesionsModel(config, "max" as "average"),
    /lesionsModel: pooling must be one of .*softSpatial.*average.*, got "max"/,
  );
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
  const names = [
    "auc",
    "accuracy",
    "lowContrastAuc",
    "pointing",
    "gap.auc",
    "gap.accuracy",
    "gap.lowContrastAuc",
  ];
  assert.deepEqual(Object.keys(a.metrics).sort(), [...names, "epochs"].sort());
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.ok(afterFirst - before <= 8, `${afterFirst - before} tensors left after dispose`);
  const maps = a.artifacts.final.maps!;
  assert.equal(maps.length, 24);
  for (const m of maps) assert.ok(Math.abs(m.flat().reduce((s, v) => s + v, 0) - 1) < 1e-4);
  assert.equal(a.artifacts.gapFinal.maps, null);
  assert.equal(a.artifacts.gapHistory.length, 1);
});

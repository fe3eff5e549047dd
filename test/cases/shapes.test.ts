/**
 * The shapes case: the generator is seeded and draws the shape where it says, its default data hash matches
 * the dataset README, and a tiny run of the experiment is finite, leak-free and bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { generateShapes, SHAPES_MASKS, shapesData } from "../../lib/cases/shapes/data.js";
import { shapesExperiment } from "../../lib/cases/shapes/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { mapArgmax } from "../../lib/metrics/localization.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

test("generateShapes: seeded, 24×24, the shape sits at its centre", () => {
  const a = generateShapes({ seed: 3, size: 50 });
  assert.deepEqual(generateShapes({ seed: 3, size: 50 }), a);
  assert.notDeepEqual(generateShapes({ seed: 4, size: 50 }).labels, a.labels);
  assert.equal(a.images[0]!.length, 24);
  assert.ok(a.images.every((im) => im.every((r) => r.length === 24)));
  // The mean intensity over the mask pixels at the centre is ≈ 1 (shape) + noise.
  const onShape = a.images.map((im, k) => {
    const [ci, cj] = a.centers[k]!;
    const mask = SHAPES_MASKS[a.labels[k]!]!;
    let sum = 0;
    let n = 0;
    mask.forEach((row, i) =>
      row.forEach((on, j) => {
        if (on) {
          sum += im[ci - 2 + i]![cj - 2 + j]!;
          n++;
        }
      }),
    );
    return sum / n;
  });
  assert.ok(
    onShape.every((m) => m > 0.6),
    `mask means ${onShape.slice(0, 5)}`,
  );
  assert.deepEqual(
    mapArgmax([
      [0, 1],
      [3, 2],
    ]),
    [1, 0],
  );
});

test("the default dataset hash is the one in datasets/shapes/README.md", () => {
  const { dataset } = shapesData(shapesExperiment.defaults);
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "shapes", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("a tiny shapes run is finite, leaves no tensors behind and repeats exactly", async () => {
  const config = { trainSize: 96, validationSize: 16, testSize: 32, epochs: 1 };
  const opts = { quick: true, config, record: false, progress: "none", log: false } as const;
  await initBackend();
  const before = tf.memory().numTensors;
  const a = await runExperiment(shapesExperiment, opts);
  a.artifacts.cnn.model.dispose();
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(shapesExperiment, opts);
  b.artifacts.cnn.model.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.ok(afterFirst - before <= 8, `${afterFirst - before} tensors left after dispose`);
  for (const m of a.artifacts.final.maps) assert.ok(Math.abs(m.flat().reduce((s, v) => s + v, 0) - 1) < 1e-4);
});

/**
 * The similarity case: the §2.2 worked example reproduces the catalog's numbers (1e-4), the pair generator is
 * seeded and holds out templates, the default data hash matches the dataset README, and a tiny run of the
 * experiment is finite, leak-free and bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { SIMILARITY_TEMPLATES, similarityData, similarityIds } from "../../lib/cases/similarity/data.js";
import { similarityExperiment } from "../../lib/cases/similarity/experiment.js";
import { similarityWorkedExample } from "../../lib/cases/similarity/worked.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { hashValue } from "../../lib/records/record.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

const near = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-4, `${what}: ${actual} vs ${expected}`);

test("the §2.2 worked example matches the catalog to 1e-4", () => {
  const r = similarityWorkedExample();
  near(r.match, 0.2626, "match weight");
  near(r.other, 0.1844, "other weight");
  for (const [i, row] of r.weights.entries()) {
    near(
      row.reduce((a, b) => a + b, 0),
      1,
      `row ${i} sums to 1`,
    );
  }
  assert.ok(Math.abs(r.similarity - 0.58) < 5e-4, `similarity ${r.similarity}`);
  near(r.sharpMatch, 0.8956, "sharp match");
  assert.ok(Math.abs(r.sharpSimilarity - 0.998) < 5e-4, `sharp similarity ${r.sharpSimilarity}`);
  near(r.controlSimilarity, 0, "control");
  near(r.recall, 1, "recall");
  near(r.precision, 0.6, "precision");
  near(r.f1, 0.75, "F1");
  near(r.selfWeights[0]![0]!, 0.4159, "self diagonal");
  near(r.selfWeights[0]![1]!, 0.292, "self off-diagonal");
  assert.deepEqual(r.selfOutputShape, [3, 8]);
});

test("similarityData: seeded, balanced, held-out templates, every word in the vocabulary", () => {
  const d = similarityData({ seed: 2, size: 400 });
  assert.deepEqual(similarityData({ seed: 2, size: 400 }), d);
  assert.equal(d.train.length, 320);
  assert.equal(d.test.length, 80);
  assert.ok(d.train.every((p) => p.template < SIMILARITY_TEMPLATES.length - 2));
  assert.ok(d.test.every((p) => p.template >= SIMILARITY_TEMPLATES.length - 2));
  assert.equal(d.test.filter((p) => p.label === 1).length, 40);
  const ids = similarityIds(
    d.train.map((p) => p.a),
    8,
  );
  assert.ok(ids.every((row) => row.length === 8 && row.every((i) => i >= 0)));
  // a non-paraphrase differs in a content word; a paraphrase keeps every content word
  const content = (words: string[]) =>
    words.filter((w) => !["的", "很", "了", "非常", "十分", "特别"].includes(w)).sort();
  for (const p of d.train) assert.equal(content(p.a).join() === content(p.b).join(), p.label === 1);
});

test("the default dataset hash is the one in datasets/similarity/README.md", () => {
  const d = similarityData(similarityExperiment.defaults);
  const hash = hashValue({ train: d.train, test: d.test });
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "similarity", "README.md"), "utf8");
  assert.match(readme, new RegExp(`sha256 \\(default config\\): ${hash}`));
});

test("a tiny run is finite, leaks no tensor and repeats exactly", async () => {
  await initBackend();
  const tiny = { size: 300, epochs: 1, dModel: 16 };
  const once = async () => {
    const before = tf.memory().numTensors;
    const run = await runExperiment(similarityExperiment, {
      quick: true,
      config: tiny,
      record: false,
      progress: "none",
      log: false,
    });
    run.artifacts.model.dispose();
    assert.equal(tf.memory().numTensors, before, "tensors leaked");
    return run.metrics;
  };
  const first = await once();
  for (const key of ["rocAuc", "accuracy", "worked.similarity"]) assert.ok(Number.isFinite(first[key]), key);
  assert.deepEqual(await once(), first);
});

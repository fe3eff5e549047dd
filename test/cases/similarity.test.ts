/**
 * The similarity case: the worked example reproduces the S001 notebook's numbers (1e-4), the pair generator is
 * seeded and holds out templates, each split has its own seed, batches are padded ids with valid lengths, the
 * default data hash matches the dataset README, the `SiameseAligner` returns its attention (rows sum to 1,
 * padding gets 0) and rejects bad input, and a tiny run of the experiment is finite, leak-free and bit-for-bit
 * repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  generatePairs,
  SIMILARITY_MAX_LENGTH,
  SIMILARITY_TEMPLATES,
  similarityBatch,
  similarityData,
  similarityIds,
} from "../../lib/cases/similarity/data.js";
import { SIMILARITY_DEFAULTS, similarityExperiment } from "../../lib/cases/similarity/experiment.js";
import { similarityModel } from "../../lib/cases/similarity/model.js";
import { similarityWorkedExample } from "../../lib/cases/similarity/worked.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { sameWeights } from "../../lib/train/variables.js";

const near = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-4, `${what}: ${actual} vs ${expected}`);

test("the worked example matches the S001 notebook's reference values to 1e-4", () => {
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
  const config = { seed: 2, trainSize: 320, testSize: 80, testTemplates: 2 };
  const d = similarityData(config);
  assert.deepEqual(similarityData(config), d);
  assert.notDeepEqual(similarityData({ ...config, seed: 3 }).train, d.train);
  assert.equal(d.train.length, 320);
  assert.equal(d.test.length, 80);
  assert.deepEqual(d.dataset.sizes, { train: 320, test: 80 });
  assert.ok(d.train.every((p) => p.template < SIMILARITY_TEMPLATES.length - 2));
  assert.ok(d.test.every((p) => p.template >= SIMILARITY_TEMPLATES.length - 2));
  assert.equal(d.test.filter((p) => p.label === 1).length, 40);
  // the test split is its own draw: a bigger training set leaves it unchanged
  assert.deepEqual(similarityData({ ...config, trainSize: 100 }).test, d.test);
  const ids = similarityIds(
    d.train.map((p) => p.a),
    8,
  );
  assert.ok(ids.every((row) => row.length === 8 && row.every((i) => i >= 0)));
  // a non-paraphrase differs in a content word; a paraphrase keeps every content word
  const content = (words: string[]) =>
    words.filter((w) => !["的", "很", "了", "非常", "十分", "特别"].includes(w)).sort();
  for (const p of d.train) assert.equal(content(p.a).join() === content(p.b).join(), p.label === 1);
  assert.throws(
    () => similarityData({ ...config, testTemplates: 8 }),
    /testTemplates must be an integer in \[1, 7\]/,
  );
  assert.throws(() => generatePairs({ seed: 0, size: 2, templates: [9] }), /options.templates/);
});

test("the default dataset hash is the one in datasets/similarity/README.md", () => {
  const { dataset } = similarityData(SIMILARITY_DEFAULTS);
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "similarity", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("similarityBatch and SiameseAligner: padded ids, attention rows sum to 1, padding gets 0", async () => {
  await initBackend();
  const pairs = generatePairs({ seed: 1, size: 6, templates: [0, 5] });
  const b = similarityBatch(pairs, [0, 1, 2]);
  assert.deepEqual(b.idsA.shape, [3, SIMILARITY_MAX_LENGTH]);
  assert.deepEqual(
    Array.from(b.validLensB.dataSync()),
    [0, 1, 2].map((i) => pairs[i]!.b.length),
  );
  assert.deepEqual(b.labels.arraySync(), [[1], [0], [1]]);
  const model = similarityModel({ seed: 0, dModel: 8 });
  const twin = similarityModel({ seed: 0, dModel: 8 });
  assert.ok(sameWeights(model, twin), "seeded by the config");
  twin.dispose();
  const before = tf.memory().numTensors;
  const kwargs = { validLensA: b.validLensA, validLensB: b.validLensB };
  const { output, attention } = model.applyWithAttention([b.idsA, b.idsB], kwargs);
  const sim = model.similarity([b.idsA, b.idsB], kwargs);
  assert.equal(
    tf.memory().numTensors - before,
    6,
    "only the logits, the four maps and the similarity remain",
  );
  assert.deepEqual(output.shape, [3, 1]);
  const cross = attention.aToB.arraySync();
  const beta = attention.importanceA.arraySync();
  pairs.slice(0, 3).forEach((p, k) => {
    for (const row of cross[k]!.slice(0, p.a.length)) {
      assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5);
      assert.ok(
        row.slice(p.b.length).every((v) => v === 0),
        "B's padding gets no weight",
      );
    }
    assert.ok(
      beta[k]!.slice(p.a.length).every((v) => v === 0),
      "A's padding gets no word weight",
    );
  });
  const s = Array.from(sim.dataSync());
  assert.ok(
    s.every((v) => v >= -1 - 1e-6 && v <= 1 + 1e-6),
    `similarity ${s}`,
  );
  // the logit is the readout s·sim + c, starting at 5·sim − 2.5
  Array.from(output.dataSync()).forEach((z, k) => assert.ok(Math.abs(z - (5 * s[k]! - 2.5)) < 1e-5));
  assert.equal(attention.bToA.shape.join(), "3,8,8");
  tf.dispose([output, sim, ...Object.values(attention)]);
  assert.throws(() => model.apply([b.idsA]), /expects inputs \[idsA \[B, Ta\], idsB \[B, Tb\]\]/);
  const bad = tf.tensor2d([[40, 1]], undefined, "int32");
  assert.throws(() => model.apply([bad, bad]), /idsA must hold word ids, integers in \[0, 33\)/);
  assert.throws(
    () => model.apply([b.idsA, b.idsB], { validLens: b.validLensA } as never),
    /unknown option "validLens"/,
  );
  tf.dispose([bad, b.idsA, b.idsB, b.validLensA, b.validLensB, b.labels]);
  model.dispose();
});

test("a tiny run is finite, leaks no tensor and repeats exactly", async () => {
  await initBackend();
  const tiny = { trainSize: 240, testSize: 60, epochs: 1, dModel: 16 };
  const once = async () => {
    const before = tf.memory().numTensors;
    const run = await runExperiment(similarityExperiment, {
      quick: true,
      config: tiny,
      record: false,
      progress: "none",
      log: false,
    });
    assert.equal(run.artifacts.final.similarity.length, 60);
    run.artifacts.model.dispose();
    assert.equal(tf.memory().numTensors, before, "tensors leaked");
    return run.metrics;
  };
  const first = await once();
  for (const key of ["rocAuc", "accuracy", "worked.similarity"]) assert.ok(Number.isFinite(first[key]), key);
  assert.deepEqual(await once(), first);
});

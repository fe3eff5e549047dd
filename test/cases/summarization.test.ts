/**
 * The summarization case: ROUGE-1 F, the generator (one event sentence per document, balanced types), the splits
 * seeded by name, the batch tensors, the model seeded from the case seed, the default data hash against the
 * dataset README, and a tiny run of the experiment that is finite, leak-free and bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  generateDocuments,
  SUMMARIZATION_EVENTS,
  SUMMARIZATION_VOCAB,
  summarizationBatch,
  summarizationData,
  summarizationIds,
} from "../../lib/cases/summarization/data.js";
import { summarizationExperiment } from "../../lib/cases/summarization/experiment.js";
import { summarizationModel } from "../../lib/cases/summarization/model.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { rouge1F } from "../../lib/metrics/rouge.js";
import { childSeed } from "../../lib/random/childSeed.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { sameWeights } from "../../lib/train/variables.js";

before(async () => {
  await initBackend();
});

test("rouge1F: clipped unigram overlap, F of recall and precision", () => {
  assert.equal(rouge1F(["a", "b"], ["a", "b"]), 1);
  assert.equal(rouge1F(["a"], ["b"]), 0);
  assert.equal(rouge1F([], ["b"]), 0);
  assert.ok(Math.abs(rouge1F(["acme", "cut", "jobs"], ["acme", "cut", "300", "jobs"]) - 6 / 7) < 1e-12);
  // clipping: "the the the" against "the cat" overlaps once
  assert.ok(Math.abs(rouge1F(["the", "the", "the"], ["the", "cat"]) - 0.4) < 1e-12);
});

test("generateDocuments: seeded, one event sentence with an action verb, balanced types", () => {
  const docs = generateDocuments({ seed: 3, size: 100 });
  assert.deepEqual(generateDocuments({ seed: 3, size: 100 }), docs);
  assert.notDeepEqual(generateDocuments({ seed: 4, size: 100 }), docs);
  const verbs = SUMMARIZATION_EVENTS.map((e) => new Set<string>(e.verbs));
  for (const doc of docs) {
    assert.ok(doc.sentences.length >= 6 && doc.sentences.length <= 8);
    assert.ok(doc.sentences.every((s) => s.length >= 4 && s.length <= 8));
    const withVerb = doc.sentences
      .map((s, k) => (s.some((w) => verbs.some((v) => v.has(w))) ? k : -1))
      .filter((k) => k >= 0);
    assert.deepEqual(withVerb, [doc.event]);
    assert.ok(doc.sentences[doc.event]!.some((w) => verbs[doc.label]!.has(w)));
    const ids = summarizationIds(doc);
    assert.equal(ids.length, 8);
    assert.equal(ids.filter((row) => row.some((id) => id > 0)).length, doc.sentences.length);
    assert.deepEqual(
      ids[0]!.filter((id) => id > 0).map((id) => SUMMARIZATION_VOCAB[id]),
      doc.sentences[0],
    );
  }
  assert.equal(docs.filter((doc) => doc.label === 0).length, 20);
});

test("generateDocuments and summarizationIds refuse bad input, naming it", () => {
  assert.throws(() => generateDocuments({ seed: 0, size: -1 }), /generateDocuments: options\.size/);
  assert.throws(() => generateDocuments({ seed: 0, size: 2, sise: 3 } as never), /unknown option "sise"/);
  assert.throws(
    () => summarizationIds({ sentences: [["acme", "zorked"]], event: 0, label: 0 }),
    /"zorked" is not in the vocabulary/,
  );
});

test("summarizationData: each split from its own childSeed; summarizationBatch: int32 ids and labels", () => {
  const config = { seed: 7, trainSize: 30, testSize: 10 };
  const data = summarizationData(config);
  assert.deepEqual(data.train, generateDocuments({ seed: childSeed(7, "data/train"), size: 30 }));
  assert.deepEqual(data.test, generateDocuments({ seed: childSeed(7, "data/test"), size: 10 }));
  assert.deepEqual(data.dataset.sizes, { train: 30, test: 10 });
  assert.notEqual(summarizationData({ ...config, seed: 8 }).dataset.hash, data.dataset.hash);
  const b = summarizationBatch(data.train, [2, 0]);
  assert.deepEqual([b.x.shape, b.x.dtype, b.y.shape, b.y.dtype], [[2, 8, 8], "int32", [2], "int32"]);
  assert.deepEqual(Array.from(b.y.dataSync()), [data.train[2]!.label, data.train[0]!.label]);
  assert.deepEqual(b.x.arraySync()[1], summarizationIds(data.train[0]!));
  tf.dispose(b);
});

test("summarizationModel: seeded by childSeed(seed, 'model'), built, with the network's settings", () => {
  const a = summarizationModel({ seed: 1, dModel: 8, encoder: "dense" });
  const b = summarizationModel({ seed: 1, dModel: 8, encoder: "dense" });
  const c = summarizationModel({ seed: 2, dModel: 8, encoder: "dense" });
  assert.ok(sameWeights(a, b));
  assert.ok(!sameWeights(a, c));
  assert.equal(a.config.seed, childSeed(1, "model"));
  assert.deepEqual(a.embedding.shape, [SUMMARIZATION_VOCAB.length, 8]);
  for (const m of [a, b, c]) m.dispose();
});

test("the default dataset hash is the one in datasets/summarization/README.md", () => {
  const { dataset } = summarizationData(summarizationExperiment.defaults);
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "summarization", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("a tiny run is finite, leaks no tensor and repeats exactly", async () => {
  const tiny = { trainSize: 150, testSize: 40, epochs: 1, dModel: 16 };
  const once = async () => {
    const held = tf.memory().numTensors;
    const run = await runExperiment(summarizationExperiment, {
      quick: true,
      config: tiny,
      record: false,
      progress: "none",
      log: false,
    });
    run.artifacts.model.dispose();
    assert.equal(tf.memory().numTensors, held, "tensors leaked");
    assert.equal(run.artifacts.final.summary.length, 40);
    return run.metrics;
  };
  const first = await once();
  for (const key of ["top1", "rouge1", "typeAccuracy"]) assert.ok(Number.isFinite(first[key]), key);
  assert.deepEqual(await once(), first);
});

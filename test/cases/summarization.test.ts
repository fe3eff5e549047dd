/**
 * The summarization case: ROUGE-1 F, the generator (one event sentence per document, balanced types), the default
 * data hash against the dataset README, and a tiny run of the experiment that is finite, leak-free and
 * bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  SUMMARIZATION_EVENTS,
  summarizationData,
  summarizationIds,
} from "../../lib/cases/summarization/data.js";
import { summarizationExperiment } from "../../lib/cases/summarization/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { rouge1F } from "../../lib/metrics/rouge.js";
import { hashValue } from "../../lib/records/record.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

test("rouge1F: clipped unigram overlap, F of recall and precision", () => {
  assert.equal(rouge1F(["a", "b"], ["a", "b"]), 1);
  assert.equal(rouge1F(["a"], ["b"]), 0);
  assert.equal(rouge1F([], ["b"]), 0);
  assert.ok(Math.abs(rouge1F(["acme", "cut", "jobs"], ["acme", "cut", "300", "jobs"]) - 6 / 7) < 1e-12);
  // clipping: "the the the" against "the cat" overlaps once
  assert.ok(Math.abs(rouge1F(["the", "the", "the"], ["the", "cat"]) - 0.4) < 1e-12);
});

test("summarizationData: seeded, one event sentence with an action verb, balanced types", () => {
  const d = summarizationData({ seed: 3, trainSize: 100, testSize: 20 });
  assert.deepEqual(summarizationData({ seed: 3, trainSize: 100, testSize: 20 }), d);
  const verbs = SUMMARIZATION_EVENTS.map((e) => new Set<string>(e.verbs));
  for (const doc of [...d.train, ...d.test]) {
    assert.ok(doc.sentences.length >= 6 && doc.sentences.length <= 8);
    assert.ok(doc.sentences.every((s) => s.length >= 4 && s.length <= 8));
    const withVerb = doc.sentences
      .map((s, k) => (s.some((w) => verbs.some((v) => v.has(w))) ? k : -1))
      .filter((k) => k >= 0);
    assert.deepEqual(withVerb, [doc.event]);
    assert.ok(doc.sentences[doc.event]!.some((w) => verbs[doc.label]!.has(w)));
    const { ids, lengths } = summarizationIds(doc);
    assert.equal(ids.length, 8);
    assert.equal(lengths.filter((n) => n > 0).length, doc.sentences.length);
  }
  assert.equal(d.train.filter((doc) => doc.label === 0).length, 20);
});

test("the default dataset hash is the one in datasets/summarization/README.md", () => {
  const d = summarizationData(summarizationExperiment.defaults);
  const hash = hashValue({ train: d.train, test: d.test });
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "summarization", "README.md"), "utf8");
  assert.match(readme, new RegExp(`sha256 \\(default config\\): ${hash}`));
});

test("a tiny run is finite, leaks no tensor and repeats exactly", async () => {
  await initBackend();
  const tiny = { trainSize: 150, testSize: 40, epochs: 1, dModel: 16 };
  const once = async () => {
    const before = tf.memory().numTensors;
    const run = await runExperiment(summarizationExperiment, {
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
  for (const key of ["top1", "rouge1", "typeAccuracy"]) assert.ok(Number.isFinite(first[key]), key);
  assert.deepEqual(await once(), first);
});

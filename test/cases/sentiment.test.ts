/**
 * The sentiment case: the lexicon is the documented AFINN-165 selection, the generator is seeded and labels are
 * polarity XOR negation, the default data hash matches the dataset README, and a tiny run of the experiment is
 * finite, leak-free and bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { sentimentData, sentimentLexicon } from "../../lib/cases/sentiment/data.js";
import { sentimentExperiment } from "../../lib/cases/sentiment/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { hashValue } from "../../lib/records/record.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

test("sentimentLexicon: six clear AFINN-165 words per class, vocabulary starts <pad>, not", () => {
  const lex = sentimentLexicon();
  assert.deepEqual(lex.positive, ["victor", "loved", "happy", "yummy", "lovely", "brilliant"]);
  assert.deepEqual(lex.negative, ["fakes", "criminal", "blackmail", "flawed", "anger", "greed"]);
  for (const w of lex.positive) assert.ok(lex.scores[w]! >= 3, w);
  for (const w of lex.negative) assert.ok(lex.scores[w]! <= -3, w);
  assert.deepEqual(lex.vocab.slice(0, 2), ["<pad>", "not"]);
  assert.equal(lex.vocab.length, 34);
});

test("sentimentData: seeded, 6–11 tokens, label = positive XOR negated, not right before the word", () => {
  const a = sentimentData({ seed: 4, trainSize: 300, testSize: 50 });
  assert.deepEqual(sentimentData({ seed: 4, trainSize: 300, testSize: 50 }), a);
  assert.notDeepEqual(sentimentData({ seed: 5, trainSize: 300, testSize: 50 }).train, a.train);
  const { vocab, positive } = a.lexicon;
  for (const r of [...a.train, ...a.test]) {
    assert.ok(r.ids.length >= 6 && r.ids.length <= 11);
    const isPositive = positive.includes(vocab[r.ids[r.word]!]!);
    assert.equal(r.label, isPositive !== r.negated ? 1 : 0);
    assert.equal(r.ids[r.word - 1] === 1, r.negated);
    assert.equal(r.ids.filter((id) => id === 1).length, r.negated ? 1 : 0);
  }
  const rate = a.train.filter((r) => r.negated).length / a.train.length;
  assert.ok(Math.abs(rate - 0.3) < 0.08, `negation rate ${rate}`);
});

test("the default dataset hash is the one in datasets/sentiment/README.md", () => {
  const d = sentimentData(sentimentExperiment.defaults);
  const hash = hashValue({
    vocab: d.lexicon.vocab,
    train: d.train.map((r) => [r.ids, r.label]),
    test: d.test.map((r) => [r.ids, r.label]),
  });
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "sentiment", "README.md"), "utf8");
  assert.match(readme, new RegExp(`sha256 \\(default config\\): ${hash}`));
});

test("a tiny run is finite, leaks no tensor and repeats exactly", async () => {
  await initBackend();
  const tiny = { trainSize: 200, testSize: 60, epochs: 1, ablationEpochs: 1, dModel: 16, dFF: 32 };
  const once = async () => {
    const before = tf.memory().numTensors;
    const run = await runExperiment(sentimentExperiment, {
      quick: true,
      config: tiny,
      record: false,
      progress: "none",
      log: false,
    });
    run.artifacts.model.dispose();
    run.artifacts.noFfn?.dispose();
    assert.equal(tf.memory().numTensors, before, "tensors leaked");
    return run.metrics;
  };
  const first = await once();
  for (const key of ["accuracy", "rationale", "noFfn.accuracy"]) assert.ok(Number.isFinite(first[key]), key);
  assert.deepEqual(await once(), first);
});

/**
 * The sentiment case: the lexicon is the documented AFINN-165 selection, the generator is seeded and labels are
 * polarity XOR negation, each split has its own seed, batches are padded ids with valid lengths, the default data
 * hash matches the dataset README, the model is the seeded `PoolingClassifier`, and a tiny run of the experiment
 * is finite, leak-free and bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  generateReviews,
  SENTIMENT_MAX_LENGTH,
  sentimentBatch,
  sentimentData,
  sentimentIds,
  sentimentLexicon,
} from "../../lib/cases/sentiment/data.js";
import { SENTIMENT_DEFAULTS, sentimentExperiment } from "../../lib/cases/sentiment/experiment.js";
import { sentimentModel } from "../../lib/cases/sentiment/model.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { sameWeights } from "../../lib/train/variables.js";

test("sentimentLexicon: six clear AFINN-165 words per class, vocabulary starts <pad>, not", () => {
  const lex = sentimentLexicon();
  assert.deepEqual(lex.positive, ["victor", "loved", "happy", "yummy", "lovely", "brilliant"]);
  assert.deepEqual(lex.negative, ["fakes", "criminal", "blackmail", "flawed", "anger", "greed"]);
  for (const w of lex.positive) assert.ok(lex.scores[w]! >= 3, w);
  for (const w of lex.negative) assert.ok(lex.scores[w]! <= -3, w);
  assert.deepEqual(lex.vocab.slice(0, 2), ["<pad>", "not"]);
  assert.equal(lex.vocab.length, 34);
});

test("generateReviews: seeded, 6–11 tokens, label = positive XOR negated, not right before the word", () => {
  const a = generateReviews({ seed: 4, size: 300 });
  assert.deepEqual(generateReviews({ seed: 4, size: 300 }), a);
  assert.notDeepEqual(generateReviews({ seed: 5, size: 300 }), a);
  const { positive, negative } = sentimentLexicon();
  for (const r of a) {
    assert.ok(r.tokens.length >= 6 && r.tokens.length <= SENTIMENT_MAX_LENGTH);
    const word = r.tokens[r.word]!;
    assert.ok(positive.includes(word) || negative.includes(word), word);
    assert.equal(r.label, positive.includes(word) !== r.negated ? 1 : 0);
    assert.equal(r.tokens[r.word - 1] === "not", r.negated);
    assert.equal(r.tokens.filter((t) => t === "not").length, r.negated ? 1 : 0);
  }
  const rate = a.filter((r) => r.negated).length / a.length;
  assert.ok(Math.abs(rate - 0.3) < 0.08, `negation rate ${rate}`);
  assert.equal(generateReviews({ seed: 4, size: 50, negationRate: 0 }).filter((r) => r.negated).length, 0);
  assert.throws(() => generateReviews({ seed: 4, size: 5, negationRate: 2 }), /negationRate/);
  assert.throws(
    () => generateReviews({ seed: 4, size: 5, negation: 0.3 } as never),
    /unknown option "negation"/,
  );
});

test("sentimentData: train and test are drawn from their own child seeds; the descriptor counts them", () => {
  const config = { seed: 4, trainSize: 40, testSize: 10, negationRate: 0.3 };
  const d = sentimentData(config);
  assert.deepEqual(sentimentData(config).train, d.train);
  assert.equal(d.train.length, 40);
  assert.equal(d.test.length, 10);
  assert.notDeepEqual(d.test, d.train.slice(0, 10), "test is not the start of the training stream");
  assert.deepEqual(d.dataset.sizes, { train: 40, test: 10 });
  assert.notEqual(sentimentData({ ...config, seed: 5 }).dataset.hash, d.dataset.hash);
});

test("sentimentBatch: padded int32 ids, valid lengths and [B, 1] labels", async () => {
  await initBackend();
  const reviews = generateReviews({ seed: 1, size: 5 });
  const b = sentimentBatch(reviews, [3, 0]);
  assert.deepEqual(b.ids.shape, [2, SENTIMENT_MAX_LENGTH]);
  assert.equal(b.ids.dtype, "int32");
  assert.deepEqual(Array.from(b.validLens.dataSync()), [
    reviews[3]!.tokens.length,
    reviews[0]!.tokens.length,
  ]);
  assert.deepEqual(b.labels.arraySync(), [[reviews[3]!.label], [reviews[0]!.label]]);
  assert.deepEqual(b.ids.arraySync()[0], sentimentIds(reviews[3]!.tokens));
  assert.ok(
    b.ids
      .arraySync()[1]!
      .slice(reviews[0]!.tokens.length)
      .every((id) => id === 0),
  );
  tf.dispose([b.ids, b.validLens, b.labels]);
  assert.throws(() => sentimentIds(["the", "splendid"]), /"splendid" is not in the vocabulary/);
  assert.throws(() => sentimentBatch(reviews, [5]), /index 5 is outside \[0, 5\)/);
});

test("the default dataset hash is the one in datasets/sentiment/README.md", () => {
  const { dataset } = sentimentData(SENTIMENT_DEFAULTS);
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "sentiment", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("sentimentModel: the seeded PoolingClassifier; the ablation is its own draw without the FFN", async () => {
  await initBackend();
  const config = { seed: 2, dModel: 16, numHeads: 2, dFF: 32 };
  const a = sentimentModel(config);
  const b = sentimentModel(config);
  const other = sentimentModel({ ...config, seed: 3 });
  const noFfn = sentimentModel({ ...config, dFF: 0 }, "noFfn/model");
  assert.ok(sameWeights(a, b), "one config, one model");
  assert.ok(!sameWeights(a, other), "the seed changes the weights");
  assert.equal(noFfn.feedForward, null);
  assert.equal(a.trainableWeights.length - noFfn.trainableWeights.length, 4, "the FFN's four weights");
  for (const m of [a, b, other, noFfn]) m.dispose();
});

test("a tiny run is finite, leaks no tensor and repeats exactly", async () => {
  await initBackend();
  const tiny = { trainSize: 200, testSize: 60, epochs: 1, noFfnEpochs: 1, dModel: 16, dFF: 32 };
  const once = async () => {
    const before = tf.memory().numTensors;
    const run = await runExperiment(sentimentExperiment, {
      quick: true,
      config: tiny,
      record: false,
      progress: "none",
      log: false,
    });
    assert.equal(run.artifacts.final.pooling.length, 60);
    assert.ok(
      run.artifacts.final.pooling.every((row) => Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5),
    );
    run.artifacts.model.dispose();
    run.artifacts.noFfn?.dispose();
    assert.equal(tf.memory().numTensors, before, "tensors leaked");
    return run.metrics;
  };
  const first = await once();
  for (const key of ["accuracy", "rationale", "noFfn.accuracy", "noFfn.rationale"]) {
    assert.ok(Number.isFinite(first[key]), key);
  }
  assert.deepEqual(await once(), first);
});

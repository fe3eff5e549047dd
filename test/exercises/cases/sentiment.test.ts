/**
 * The checks of notebooks/cases/04-sentiment-negation.ipynb: right answers (computed the way the solution
 * computes them — models trained with the case's `sentimentFit`, on tiny settings) are right, typical mistakes
 * get their hint and no hint gives the measured number away, undefined is "not yet", malformed answers are wrong
 * without a throw, and no check leaks a tensor.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../../lib/cases/exercises.js";
import { type SentimentExample, sentimentData } from "../../../lib/cases/sentiment/data.js";
import {
  SENTIMENT_DEFAULTS,
  type SentimentConfig,
  sentimentEvaluate,
  sentimentFit,
} from "../../../lib/cases/sentiment/experiment.js";
import { sentimentModel } from "../../../lib/cases/sentiment/model.js";
import { PoolingClassifier } from "../../../lib/models/poolingClassifier.js";
import { initBackend } from "../../../lib/tfjs/initBackend.js";
import { checkerFor } from "../checker.js";

const check = checkerFor("cases/04-sentiment-negation");
const tiny: SentimentConfig = {
  ...SENTIMENT_DEFAULTS,
  trainSize: 64,
  testSize: 40,
  epochs: 1,
  noFfnEpochs: 1,
  dModel: 8,
  dFF: 8,
};
const owned: PoolingClassifier[] = [];
let numTensors = 0;

/** `sentimentModel(config, part)` trained with the case's `sentimentFit` on `sentimentData(config)`. */
async function trained(config: SentimentConfig, part = "model", shuffle = "shuffle") {
  const model = sentimentModel(config, part);
  owned.push(model);
  await sentimentFit(model, sentimentData(config), config, {
    title: part,
    epochs: config.epochs,
    shuffle,
    progress: "none",
  });
  return model;
}

/** The wrong answer's hint must not carry the measured numbers. */
function assertNoLeak(message: string, ...values: number[]) {
  for (const v of values) assert.ok(!message.includes(v.toFixed(3)), `hint "${message}" leaks ${v}`);
}

let mixFree: {
  config: SentimentConfig;
  model: PoolingClassifier;
  plainAccuracy: number;
  negatedAccuracy: number;
};
type SeedRun = {
  config: SentimentConfig;
  model: PoolingClassifier;
  noFfn: PoolingClassifier;
  accuracy: number;
  rationale: number;
  noFfnAccuracy: number;
};
let seedRuns: SeedRun[];
let caseModel: PoolingClassifier;

/** The solution's hand-made reviews: `not`, a filler, then the word. */
const farReviews: SentimentExample[] = [
  { tokens: ["not", "really", "loved", "the", "film", "and", "plot"], label: 0, word: 2, negated: true },
  { tokens: ["the", "story", "was", "not", "very", "happy", "overall"], label: 0, word: 5, negated: true },
  { tokens: ["not", "quite", "greed", "the", "acting", "i", "found"], label: 1, word: 2, negated: true },
  {
    tokens: ["this", "movie", "not", "really", "flawed", "and", "it", "felt"],
    label: 1,
    word: 4,
    negated: true,
  },
];

before(async () => {
  await initBackend();
  const noHeads = { ...tiny, numHeads: 0 };
  const model = await trained(noHeads, "model", "noMixing/shuffle");
  const test = sentimentData(noHeads).test;
  mixFree = {
    config: noHeads,
    model,
    plainAccuracy: sentimentEvaluate(
      model,
      test.filter((r) => !r.negated),
    ).metrics.accuracy,
    negatedAccuracy: sentimentEvaluate(
      model,
      test.filter((r) => r.negated),
    ).metrics.accuracy,
  };
  seedRuns = [];
  for (const seed of [1, 2, 3, 4, 5]) {
    const cfg = { ...tiny, seed };
    const m = await trained(cfg);
    const noFfn = await trained({ ...cfg, dFF: 0 }, "noFfn/model", "noFfn/shuffle");
    const held = sentimentData(cfg).test;
    const metrics = sentimentEvaluate(m, held).metrics;
    seedRuns.push({
      config: cfg,
      model: m,
      noFfn,
      ...metrics,
      noFfnAccuracy: sentimentEvaluate(noFfn, held).metrics.accuracy,
    });
  }
  caseModel = await trained(tiny);
  numTensors = tf.memory().numTensors;
});

after(() => {
  for (const m of owned) m.dispose();
});

test("cases/04.1: plain and negated accuracy without self-attention are right; all reviews, swaps and heads are wrong", () => {
  assert.equal(check(1, mixFree).status, "right");
  assert.equal(tf.memory().numTensors, numTensors);
  const all = sentimentEvaluate(mixFree.model, sentimentData(mixFree.config).test).metrics.accuracy;
  const { plainAccuracy: p, negatedAccuracy: n } = mixFree;
  const wrong = (answer: unknown, hint: RegExp) => {
    const r = check(1, answer);
    assert.equal(r.status, "wrong");
    assert.match(r.message, hint);
    assertNoLeak(r.message, p, n);
  };
  if (p !== n) wrong({ ...mixFree, plainAccuracy: n, negatedAccuracy: p }, /swapped/);
  if (all !== p) wrong({ ...mixFree, negatedAccuracy: all }, /every held-out review/);
  wrong({ ...mixFree, negatedAccuracy: n + 0.01 }, /negatedAccuracy is not/);
  wrong({ ...mixFree, plainAccuracy: p + 0.01 }, /plainAccuracy is not/);
  wrong({ ...mixFree, config: { ...mixFree.config, numHeads: 2 } }, /numHeads should be 0/);
  wrong({ ...mixFree, model: caseModel }, /still has self-attention/);
  wrong({ ...mixFree, config: { seed: 0 } }, /notebook's config/);
  wrong({ ...mixFree, config: { ...mixFree.config, negationRate: 0 } }, /both negated and plain/);
  const foreign = new PoolingClassifier({ vocabSize: 5, maxLength: 11, numHeads: 0 }).ensureBuilt();
  wrong({ ...mixFree, model: foreign }, /case's vocabulary/);
  foreign.dispose();
  assert.equal(tf.memory().numTensors, numTensors);
});

test("cases/04.2: reviews with `not` two before the word and their accuracy are right; wrong structure gets a hint", () => {
  const accuracy = sentimentEvaluate(caseModel, farReviews).metrics.accuracy;
  const answer = { model: caseModel, reviews: farReviews, accuracy };
  assert.equal(check(2, answer).status, "right");
  assert.equal(tf.memory().numTensors, numTensors);
  const wrong = (change: Record<string, unknown>, hint: RegExp) => {
    const r = check(2, { ...answer, ...change });
    assert.equal(r.status, "wrong");
    assert.match(r.message, hint);
    assertNoLeak(r.message, accuracy);
  };
  const withFirst = (review: unknown) => ({ reviews: [review, ...farReviews.slice(1)] });
  wrong({ accuracy: accuracy + 0.25 }, /accuracy is not/);
  wrong({ reviews: farReviews.slice(0, 3) }, /at least 4/);
  wrong(
    withFirst({ tokens: ["the", "film", "not", "loved", "and", "plot"], label: 0, word: 3, negated: true }),
    /two tokens before/,
  );
  wrong(withFirst({ ...farReviews[0]!, label: 1 }), /XOR/);
  wrong(
    withFirst({ ...farReviews[0]!, tokens: ["not", "really", "loved", "the", "cinema", "and", "plot"] }),
    /vocabulary/,
  );
  wrong(
    { reviews: [farReviews[0]!, farReviews[1]!, farReviews[0]!, farReviews[1]!] },
    /both positive and negative/,
  );
  wrong(withFirst({ ...farReviews[0]!, negated: false }), /negated/);
  wrong(withFirst({ ...farReviews[0]!, word: 3 }), /`word`/);
  wrong(withFirst({ ...farReviews[0]!, tokens: ["not", "really", "loved", "the"], word: 2 }), /6 to 11/);
  wrong(
    withFirst({ ...farReviews[0]!, tokens: ["not", "really", "loved", "happy", "the", "film"] }),
    /exactly one sentiment/,
  );
  wrong({ reviews: [1, 2, 3, 4] }, /tokens, label, word, negated/);
  wrong({ model: { apply: () => 0 } }, /sentimentModel/);
  assert.equal(tf.memory().numTensors, numTensors);
});

test("cases/04.3: five seeds' runs are right; missing seeds, swaps, other reviews and mixed-up models are wrong", () => {
  assert.equal(check(3, seedRuns).status, "right");
  assert.equal(tf.memory().numTensors, numTensors);
  const [first, ...rest] = seedRuns as [SeedRun, ...SeedRun[]];
  const { accuracy: a, rationale: r, noFfnAccuracy: f } = first;
  const wrong = (answer: unknown, hint: RegExp) => {
    const v = check(3, answer);
    assert.equal(v.status, "wrong");
    assert.match(v.message, hint);
    assertNoLeak(v.message, a, r, f);
  };
  const withFirst = (change: Partial<Record<keyof SeedRun, unknown>>) => [{ ...first, ...change }, ...rest];
  wrong(seedRuns.slice(0, 4), /missing: 5/);
  wrong([...seedRuns, first], /repeated: 1/);
  const defaultTest = sentimentData(tiny).test;
  const seedZero = {
    config: tiny,
    model: caseModel,
    noFfn: first.noFfn,
    ...sentimentEvaluate(caseModel, defaultTest).metrics,
    noFfnAccuracy: sentimentEvaluate(first.noFfn, defaultTest).metrics.accuracy,
  };
  wrong([seedZero, ...rest], /missing: 1; not asked for or repeated: 0/);
  if (a !== r) wrong(withFirst({ accuracy: r, rationale: a }), /accuracy and rationale are swapped/);
  if (a !== f) wrong(withFirst({ accuracy: f, noFfnAccuracy: a }), /accuracy and noFfnAccuracy are swapped/);
  wrong(withFirst({ rationale: r + 0.01 }), /run 0: rationale is not/);
  wrong(withFirst({ noFfnAccuracy: f + 0.01 }), /run 0: noFfnAccuracy is not/);
  const onDefault = sentimentEvaluate(first.model, defaultTest).metrics;
  if (onDefault.accuracy !== a || onDefault.rationale !== r)
    wrong(withFirst(onDefault), /default seed's held-out reviews/);
  wrong(withFirst({ noFfn: first.model }), /noFfn still has its FFN/);
  wrong(withFirst({ model: first.noFfn }), /model has no FFN/);
  wrong(withFirst({ model: mixFree.model }), /the case's model of its config/);
  wrong(withFirst({ config: { seed: 1 } }), /run 0: config should be the notebook's config/);
  wrong(first, /array of runs/);
  wrong([1, ...rest], /run 0 should be \{ config, model/);
  assert.equal(tf.memory().numTensors, numTensors);
});

test("cases/04: undefined is not yet; malformed answers are wrong, never a throw", () => {
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    const throws = () => {
      throw new Error("boom");
    };
    for (const bad of [null, "x", {}, Number.NaN, [], 1, throws, [{}], { model: {} }]) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `cases/04.${n} ${String(bad)}`);
      assert.ok(r.message.length > 0);
    }
  }
  assert.equal(tf.memory().numTensors, numTensors);
});

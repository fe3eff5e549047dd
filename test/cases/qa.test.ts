/**
 * The qa case: stories follow the generator's rules (the answer is the last fact about the asked person), the
 * splits are seeded by name, batches and the memory network have the documented shapes, every hop's attention is
 * a distribution over the real facts, bad input is refused by name, the default data hash matches the dataset
 * README, a quick run completes, repeats exactly and leaks nothing, and the notebook's exercise checks say right
 * to the solutions' answers, "not yet" to undefined and wrong (with a hint) to typical mistakes.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../lib/cases/exercises.js";
import {
  generateStories,
  QA_MAX_FACTS,
  QA_PEOPLE,
  QA_PLACES,
  QA_SENTENCE_LENGTH,
  QA_VOCAB,
  qaBatch,
  qaData,
  qaIds,
} from "../../lib/cases/qa/data.js";
import {
  QA_DEFAULTS,
  QA_TARGETS,
  type QaConfig,
  qaEvaluate,
  qaExperiment,
  qaFit,
} from "../../lib/cases/qa/experiment.js";
import { QaMemoryNetwork, qaModel, qaPositionEncoding } from "../../lib/cases/qa/model.js";
import { checkConfigOf } from "../../lib/experiments/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { childSeed } from "../../lib/random/childSeed.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { sameWeights } from "../../lib/train/variables.js";
import { checkerFor } from "../exercises/checker.js";

before(async () => {
  await initBackend();
});

test("generateStories: 4–6 facts, the answer is the place of the last fact about the asked person", () => {
  const stories = generateStories({ seed: 4, size: 400 });
  for (const s of stories) {
    assert.ok(s.facts.length >= 4 && s.facts.length <= 6);
    assert.deepEqual(s.question, ["where", "is", s.person, "?"]);
    const about = s.facts.map((f, i) => (f[0] === s.person ? i : -1)).filter((i) => i >= 0);
    assert.equal(s.support, about.at(-1));
    assert.equal(s.mentions, about.length);
    assert.equal(s.answer, s.facts[s.support]![4]);
    assert.equal(QA_PLACES[s.label], s.answer);
    for (const f of s.facts) {
      assert.equal(f.length, 5);
      assert.ok(QA_PEOPLE.includes(f[0]!) && QA_PLACES.includes(f[4]!));
    }
    // a person who moves goes somewhere else
    for (const p of QA_PEOPLE) {
      const places = s.facts.filter((f) => f[0] === p).map((f) => f[4]);
      places.slice(1).forEach((q, i) => assert.notEqual(q, places[i]));
    }
  }
  assert.ok(stories.some((s) => s.mentions >= 2) && stories.some((s) => s.mentions === 1));
  assert.ok(
    stories.some((s) => s.support < s.facts.length - 1),
    "the supporting fact is not always the last",
  );
  assert.deepEqual(generateStories({ seed: 4, size: 3 }), generateStories({ seed: 4, size: 3 }));
  assert.notDeepEqual(generateStories({ seed: 4, size: 3 }), generateStories({ seed: 5, size: 3 }));
});

test("generateStories and qaIds refuse bad input by name", () => {
  assert.throws(() => generateStories({ seed: 0, size: 2, maxFact: 3 } as never), /unknown option "maxFact"/);
  assert.throws(() => generateStories({ seed: 0, size: -1 }), /size/);
  assert.throws(() => generateStories({ seed: 0, size: 1, maxFacts: 7 }), /maxFacts/);
  assert.throws(
    () => generateStories({ seed: 0, size: 1, minFacts: 5, maxFacts: 4 }),
    /minFacts \(5\) must be ≤ maxFacts \(4\)/,
  );
  assert.throws(() => qaIds(["mary", "flew"]), /"flew" is not a word/);
  assert.throws(() => qaIds(["mary", "went", "to", "the", "big", "garden"]), /at most 5 words, got 6/);
  assert.deepEqual(qaIds(["where", "is", "mary", "?"]), [1, 2, QA_VOCAB.indexOf("mary"), 3, 0]);
});

test("qaData: each split from its own childSeed; qaBatch: int32 ids padded with 0", () => {
  const data = qaData({ seed: 3, trainSize: 40, testSize: 10 });
  assert.deepEqual(data.train, generateStories({ seed: childSeed(3, "data/train"), size: 40 }));
  assert.deepEqual(data.test, generateStories({ seed: childSeed(3, "data/test"), size: 10 }));
  assert.deepEqual(data.dataset.sizes, { train: 40, test: 10 });
  const validated = qaData({ seed: 3, trainSize: 40, validationSize: 6, testSize: 10 });
  assert.deepEqual(
    [validated.train, validated.test],
    [data.train, data.test],
    "a validation split changes neither",
  );
  assert.deepEqual(validated.validation, generateStories({ seed: childSeed(3, "data/validation"), size: 6 }));
  assert.deepEqual(validated.dataset.sizes, { train: 40, validation: 6, test: 10 });
  const b = qaBatch(data.train, [4, 1]);
  assert.deepEqual(b.story.shape, [2, QA_MAX_FACTS, QA_SENTENCE_LENGTH]);
  assert.deepEqual(b.question.shape, [2, QA_SENTENCE_LENGTH]);
  assert.deepEqual(
    [b.story.dtype, b.question.dtype, b.storyLens.dtype, b.labels.dtype],
    ["int32", "int32", "int32", "int32"],
  );
  assert.deepEqual(Array.from(b.storyLens.dataSync()), [
    data.train[4]!.facts.length,
    data.train[1]!.facts.length,
  ]);
  assert.deepEqual(Array.from(b.labels.dataSync()), [data.train[4]!.label, data.train[1]!.label]);
  const story = b.story.arraySync()[0]!;
  assert.deepEqual(story[0], qaIds(data.train[4]!.facts[0]!));
  story.slice(data.train[4]!.facts.length).forEach((row) => assert.deepEqual(row, [0, 0, 0, 0, 0]));
  tf.dispose(b);
});

test("the model: logits [B, 6], per-hop attention [B, K, 6] sums to 1 over the real facts, seeded by name", () => {
  const config = { seed: 2, embedSize: 8, hops: 2, temporal: true };
  const model = qaModel(config);
  const again = qaModel(config);
  assert.ok(sameWeights(model, again));
  assert.equal(model.config.seed, childSeed(2, "model"));
  assert.ok(!sameWeights(model, qaModel(config, "other/model")));
  const stories = generateStories({ seed: 1, size: 5 });
  const before = tf.memory().numTensors;
  const b = qaBatch(stories, [0, 1, 2, 3, 4]);
  const { output, attention } = model.applyWithAttention([b.story, b.question, b.storyLens]);
  assert.deepEqual(output.shape, [5, QA_PLACES.length]);
  assert.deepEqual(attention.shape, [5, 2, QA_MAX_FACTS]);
  const p = attention.arraySync();
  stories.forEach((s, n) => {
    for (const hop of p[n]!) {
      assert.ok(Math.abs(hop.reduce((a, x) => a + x, 0) - 1) < 1e-5);
      hop.slice(s.facts.length).forEach((x) => assert.equal(x, 0));
    }
  });
  const plain = model.apply([b.story, b.question, b.storyLens]) as tf.Tensor;
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(plain, output))).dataSync()[0]!) < 1e-6);
  tf.dispose([b, output, attention, plain]);
  assert.equal(tf.memory().numTensors, before, "applyWithAttention leaves no tensors behind");
  // weight layout: A, B, C, TA, TC, W, b; without temporal encoding no TA, TC
  assert.deepEqual(
    model.getWeights().map((w) => w.shape),
    [[20, 8], [20, 8], [20, 8], [6, 8], [6, 8], [8, 6], [6]],
  );
  const noTime = qaModel({ ...config, temporal: false });
  assert.equal(noTime.getWeights().length, 5);
  assert.deepEqual(
    qaPositionEncoding(5, 2)[0]!.map((x) => Number(x.toFixed(6))),
    [0.5, 0.2],
  );
  for (const m of [model, again, noTime]) m.dispose();
});

test("the model refuses bad arguments and inputs by name", () => {
  assert.throws(() => new QaMemoryNetwork({ hops: 4 }), /hops/);
  assert.throws(() => new QaMemoryNetwork({ embedsize: 4 } as never), /unknown option "embedsize"/);
  assert.throws(() => new QaMemoryNetwork({ temporal: "yes" } as never), /temporal/);
  const model = qaModel({ seed: 0, embedSize: 4, hops: 1, temporal: true });
  const before = tf.memory().numTensors;
  const story = tf.zeros([1, 6, 5], "int32");
  const question = tf.zeros([1, 5], "int32");
  const [two, seven] = [tf.tensor1d([2], "int32"), tf.tensor1d([7], "int32")];
  const [badIds, floats] = [tf.fill([1, 6, 5], 99, "int32"), tf.zeros([1, 6, 5])];
  assert.throws(
    () => model.apply([story, question]),
    /expects 3 inputs \[story, question, storyLens\], got 2/,
  );
  assert.throws(() => model.apply([story, question, seven]), /storyLens must lie in 1…6, got 7/);
  assert.throws(() => model.apply([badIds, question, two]), /word ids must lie in \[0, 20\), got 99/);
  assert.throws(() => model.apply([floats, question, two]), /story must be int32 \[1, 6, 5\], got float32/);
  assert.throws(() => model.applyWithAttention([story, question, two], { mask: 1 } as never), /mask/);
  tf.dispose([story, question, two, seven, badIds, floats]);
  assert.equal(tf.memory().numTensors, before, "a refused input leaves no tensors behind");
  model.dispose();
});

test("the experiment's config is checked: unknown keys and bad values are refused by name", () => {
  assert.throws(() => checkConfigOf("qa", qaExperiment, { ...QA_DEFAULTS, hop: 2 } as never), /hop/);
  assert.throws(() => checkConfigOf("qa", qaExperiment, { ...QA_DEFAULTS, hops: 0 }), /hops/);
  assert.throws(
    () => checkConfigOf("qa", qaExperiment, { ...QA_DEFAULTS, temporal: 1 } as never),
    /temporal/,
  );
  assert.throws(() => checkConfigOf("qa", qaExperiment, { ...QA_DEFAULTS, embedSize: 2.5 }), /embedSize/);
  assert.deepEqual(QA_TARGETS, [
    { metric: "accuracy", op: ">=", value: 0.95 },
    { metric: "support", op: ">=", value: 0.9 },
  ]);
  assert.throws(() => qaEvaluate(qaModel(QA_DEFAULTS), []), /stories is empty/);
});

test("the default dataset hash is the one in datasets/qa/README.md", () => {
  const { dataset } = qaData(qaExperiment.defaults);
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "qa", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("a quick run completes, is finite, repeats exactly and leaves no tensors behind", async () => {
  const opts = { quick: true, record: false, progress: "none", log: false } as const;
  const held = tf.memory().numTensors;
  const a = await runExperiment(qaExperiment, opts);
  a.artifacts.model.dispose();
  const b = await runExperiment(qaExperiment, opts);
  b.artifacts.model.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(a.artifacts.final.predicted.length, 200);
  assert.equal(tf.memory().numTensors, held, "every tensor of both runs is disposed");
});

/* ---------------------------------------------------------------- the exercise checks */

const check = checkerFor("cases/12-qa-memory-network");
const config: QaConfig = { ...QA_DEFAULTS, trainSize: 400, validationSize: 100, testSize: 200, epochs: 2 };
const data = qaData(config);
const models: QaMemoryNetwork[] = [];
after(() => {
  for (const m of models) m.dispose();
});

async function trained(settings: QaConfig) {
  const model = qaModel(settings);
  models.push(model);
  await qaFit(model, qaData(settings), settings, { title: "test", shuffle: "shuffle", progress: "none" });
  return model;
}

function leakFree(n: number, answer: unknown) {
  const before = tf.memory().numTensors;
  const result = check(n, answer);
  assert.equal(tf.memory().numTensors, before, `exercise ${n} leaked tensors`);
  return result;
}

test("every exercise: undefined is 'not yet', malformed answers are 'wrong' without a throw", () => {
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [null, "x", {}, Number.NaN, [], { config: {}, model: {} }]) {
      assert.equal(leakFree(n, bad).status, "wrong", `${n}: ${JSON.stringify(bad)}`);
    }
  }
});

test("exercise 1: a two-hop model's accuracy and support on each hop", async () => {
  const cfg = { ...config, hops: 2 };
  const model = await trained(cfg);
  const ev = qaEvaluate(model, data.test);
  const firstHopSupport =
    data.test.filter((s, n) => ev.argmax[n]![0] === s.support).length / data.test.length;
  const answer = { config: cfg, model, ...ev.metrics, firstHopSupport };
  const right = leakFree(1, answer);
  assert.equal(right.status, "right", right.message);
  assert.match(right.message, /support on hop 1 0\.\d{3}/);
  if (firstHopSupport !== ev.metrics.support) {
    assert.match(leakFree(1, { ...answer, firstHopSupport: ev.metrics.support }).message, /last hop's/);
  }
  if (ev.metrics.accuracy !== ev.metrics.support) {
    const swapped = { ...answer, accuracy: ev.metrics.support, support: ev.metrics.accuracy };
    assert.match(leakFree(1, swapped).message, /swapped/);
  }
  assert.match(leakFree(1, { ...answer, config: config }).message, /hops` is 1; the exercise asks for 2/);
  assert.match(leakFree(1, { ...answer, config: { ...cfg, hopz: 2 } }).message, /not a qa config/);
  const untrained = qaModel(cfg);
  models.push(untrained);
  assert.match(leakFree(1, { ...answer, model: untrained }).message, /initial weights/);
  assert.match(leakFree(1, { ...answer, accuracy: 0.123 }).message, /accuracy` is not what qaEvaluate gives/);
});

test("exercise 2: accuracy on stories mentioning the person once and several times", async () => {
  const model = await trained(config);
  const ev = qaEvaluate(model, data.test);
  const acc = (keep: (m: number) => boolean) => {
    const rows = data.test.map((s, n) => (keep(s.mentions) ? n : -1)).filter((n) => n >= 0);
    return rows.filter((n) => ev.predicted[n] === data.test[n]!.label).length / rows.length;
  };
  const [once, several] = [acc((m) => m === 1), acc((m) => m >= 2)];
  const right = leakFree(2, { config, model, once, several });
  assert.equal(right.status, "right", right.message);
  if (once !== several)
    assert.match(leakFree(2, { config, model, once: several, several: once }).message, /swapped/);
  if (ev.metrics.accuracy !== once) {
    assert.match(
      leakFree(2, { config, model, once: ev.metrics.accuracy, several }).message,
      /every held-out story/,
    );
  }
  assert.match(leakFree(2, { config, model: {}, once, several }).message, /QaMemoryNetwork/);
  assert.match(leakFree(2, { config, model, once: 2, several }).message, /from 0 to 1/);
});

test("exercise 3: a model without temporal encoding", async () => {
  const cfg = { ...config, temporal: false };
  const model = await trained(cfg);
  const { metrics } = qaEvaluate(model, data.test);
  const right = leakFree(3, { config: cfg, model, ...metrics });
  assert.equal(right.status, "right", right.message);
  const withTime = models[0]!;
  assert.match(
    leakFree(3, { config: cfg, model: withTime, ...metrics }).message,
    /was not built from `noTime.config`/,
  );
  assert.match(leakFree(3, { config: config, model, ...metrics }).message, /temporal` is true/);
  assert.match(leakFree(3, { config: cfg, model, ...metrics, support: 0.001 }).message, /support` is not/);
});

/**
 * The char-gpt case: the model is the kit's GPT sized by the config and the corpus's vocabulary and seeded by
 * the config; the validation windows are fixed and evenly spaced; bits per character equals a count written out
 * in plain arithmetic from the logits; and a tiny run of the experiment is finite, reports the baselines of its
 * data, leaves no tensors behind and repeats exactly (metrics, history and the sampled text). Bad input is
 * refused by name.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { charGptData } from "../../lib/cases/charGpt/data.js";
import {
  CHAR_GPT_DEFAULTS,
  charGptBitsPerChar,
  charGptEvaluate,
  charGptEvalWindows,
  charGptExperiment,
  charGptSample,
} from "../../lib/cases/charGpt/experiment.js";
import { charGptModel } from "../../lib/cases/charGpt/model.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { bigramBaseline, unigramBaseline } from "../../lib/metrics/charBaselines.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { sameWeights } from "../../lib/train/variables.js";

const SMALL = {
  seed: 3,
  vocabSize: 11,
  blockSize: 8,
  dModel: 8,
  numHeads: 2,
  numLayers: 1,
  dFF: 16,
  dropout: 0,
};

test("charGptModel: the GPT of the config, V from the corpus, seeded by childSeed(seed, 'model')", async () => {
  await initBackend();
  const before = tf.memory().numTensors;
  const a = charGptModel(SMALL);
  const b = charGptModel(SMALL);
  const c = charGptModel({ ...SMALL, seed: 4 });
  assert.deepEqual(
    [a.config.vocabSize, a.config.blockSize, a.config.dModel, a.config.numLayers],
    [11, 8, 8, 1],
  );
  assert.equal(sameWeights(a, b), true, "same seed, same weights");
  assert.equal(sameWeights(a, c), false, "another seed, other weights");
  const logits = tf.tidy(() => a.apply(tf.tensor2d([[1, 2, 3]], [1, 3], "int32")) as tf.Tensor);
  assert.deepEqual(logits.shape, [1, 3, 11]);
  tf.dispose(logits);
  for (const m of [a, b, c]) m.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => charGptModel(null as never), /charGptModel: config must be an object, got null/);
  assert.throws(() => charGptModel({ ...SMALL, numHeads: 3 }), /dModel 8 is not divisible by numHeads 3/);
});

test("charGptEvalWindows: W windows at ⌊i·last/(W−1)⌋, the first at 0 and the last at the end", () => {
  const ids = Array.from({ length: 20 }, (_, i) => i);
  const w = charGptEvalWindows(ids, { blockSize: 4, evalWindows: 3 });
  assert.deepEqual(w.starts, [0, 7, 15]); // last = 20 − 4 − 1 = 15
  assert.deepEqual(w.inputs[2], [15, 16, 17, 18]);
  assert.deepEqual(w.targets[2], [16, 17, 18, 19]);
  assert.deepEqual(charGptEvalWindows(ids, { blockSize: 4, evalWindows: 1 }).starts, [0]);
  assert.throws(
    () => charGptEvalWindows(ids, { blockSize: 4, evalWindows: 0 }),
    /charGptEvalWindows: config.evalWindows must be an integer ≥ 1, got 0/,
  );
  assert.throws(
    () => charGptEvalWindows(ids, { blockSize: 20, evalWindows: 2 }),
    /need at least blockSize \+ 1 = 21/,
  );
});

test("charGptBitsPerChar is −mean log₂ softmax(logits)[next] over every window and position", async () => {
  await initBackend();
  const model = charGptModel(SMALL);
  const ids = Array.from({ length: 60 }, (_, i) => (i * 7 + (i % 5)) % 11);
  const windows = charGptEvalWindows(ids, { blockSize: 8, evalWindows: 5 });
  const before = tf.memory().numTensors;
  const bits = charGptBitsPerChar(model, windows, 2); // batches of 2, 2, 1
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  // the same number written out: logits of each window, log-softmax in plain arithmetic
  const logits = tf.tidy(() =>
    (model.apply(tf.tensor2d(windows.inputs, [5, 8], "int32")) as tf.Tensor).arraySync(),
  ) as number[][][];
  let sum = 0;
  for (let b = 0; b < 5; b++) {
    for (let t = 0; t < 8; t++) {
      const row = logits[b]![t]!;
      const max = Math.max(...row);
      const logZ = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      sum += (logZ - row[windows.targets[b]![t]!]!) / Math.LN2;
    }
  }
  const expected = sum / 40;
  assert.ok(Math.abs(bits - expected) < 1e-5, `|${bits} − ${expected}|`);
  assert.ok(bits > 0 && Number.isFinite(bits));
  model.dispose();
});

test("a tiny run is finite, reports its data's baselines, leaves no tensors behind and repeats exactly", async () => {
  const config = {
    epochs: 2,
    stepsPerEpoch: 3,
    batchSize: 4,
    evalWindows: 4,
    blockSize: 16,
    sampleLength: 20,
  };
  const opts = { quick: true, config, record: false, progress: "none", log: false } as const;
  await initBackend();
  const before = tf.memory().numTensors;
  const a = await runExperiment(charGptExperiment, opts);
  assert.equal(a.config.corpus, "moby-dick");
  assert.deepEqual(Object.keys(a.metrics).sort(), [
    "bigramBitsPerChar",
    "bitsPerChar",
    "gainOverBigram",
    "unigramBitsPerChar",
  ]);
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  const { data, model, final, sample } = a.artifacts;
  const V = data.vocab.chars.length;
  assert.equal(model.config.vocabSize, V);
  assert.equal(a.metrics.unigramBitsPerChar, unigramBaseline(data.train, data.valid, V).bitsPerChar);
  assert.equal(a.metrics.bigramBitsPerChar, bigramBaseline(data.train, data.valid, V).bitsPerChar);
  assert.ok(Math.abs(a.metrics.bigramBitsPerChar - 3.5525) < 1e-4, "the documented Moby-Dick bigram");
  assert.equal(a.metrics.gainOverBigram, a.metrics.bigramBitsPerChar! - a.metrics.bitsPerChar!);
  assert.equal(a.history.length, 2);
  assert.equal(
    a.history.at(-1)!.metrics.bitsPerChar,
    a.metrics.bitsPerChar,
    "the last epoch's score is the final one",
  );
  assert.deepEqual(charGptEvaluate(model, data, a.config).metrics, final.metrics);
  assert.equal(Array.from(sample.text).length, 20);
  assert.deepEqual(charGptSample(model, data, a.config), sample, "the sample is seeded");
  const fresh = charGptModel({ ...a.config, vocabSize: V });
  assert.equal(sameWeights(fresh, model), false, "training moved the weights");
  fresh.dispose();
  model.dispose();
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(charGptExperiment, opts);
  b.artifacts.model.dispose();
  assert.deepEqual(a.metrics, b.metrics);
  assert.deepEqual(
    a.history,
    b.history.map((h, i) => ({ ...h, seconds: a.history[i]!.seconds })),
  );
  assert.deepEqual(a.artifacts.sample, b.artifacts.sample);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.equal(afterFirst, before, "disposing the model frees every tensor of the run");
});

test("bad configs are refused before training, naming the key", async () => {
  const opts = { quick: true, record: false, progress: "none", log: false } as const;
  await assert.rejects(
    runExperiment(charGptExperiment, { ...opts, config: { corpus: "shakespeare" as never } }),
    /config\.corpus/,
  );
  await assert.rejects(
    runExperiment(charGptExperiment, { ...opts, config: { dropout: 1 } }),
    /config\.dropout/,
  );
  await assert.rejects(runExperiment(charGptExperiment, { ...opts, config: { topK: 0 } }), /config\.topK/);
  assert.equal(CHAR_GPT_DEFAULTS.corpus, "moby-dick");
  // the quatrains load as a corpus too (the model's V follows the data)
  assert.ok(charGptData({ corpus: "tang-quatrains" }).vocab.chars.length > 1000);
});

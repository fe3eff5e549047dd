/**
 * The speech case: the shipped features load with their sha256 and the default splits hash to the dataset
 * README's value; splits hold out the test voices; batches and the model have the documented shapes and the
 * attention rows sum to 1; bad input gets clear errors; evaluation leaks no tensors; a quick run completes; and
 * the exercise checks say right to the solutions' answers, "not yet" to undefined and wrong (with a hint) to
 * wrong answers.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  SPEECH_END,
  SPEECH_START,
  speechBatch,
  speechData,
  speechDigits,
  speechPool,
  speechTokens,
  speechVoices,
} from "../../lib/cases/speech/data.js";
import { SPEECH_EXERCISES } from "../../lib/cases/speech/exercises.js";
import {
  SPEECH_DEFAULTS,
  speechAlignment,
  speechDer,
  speechEditDistance,
  speechEvaluate,
  speechExperiment,
} from "../../lib/cases/speech/experiment.js";
import { speechEncoderLength, speechGreedy, speechModel } from "../../lib/cases/speech/model.js";
import { checkExercise } from "../../lib/exercises/checkExercise.js";
import { checkConfigOf } from "../../lib/experiments/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

before(async () => {
  await initBackend();
});

const SMALL = {
  ...SPEECH_DEFAULTS,
  trainSize: 40,
  testSize: 16,
  filters: [8, 8],
  hiddenSize: 16,
  embedSize: 8,
};

test("the shipped pool: 1,760 utterances of 16 training voices, 400 of 4 held-out voices, both languages", () => {
  const pool = speechPool();
  assert.equal(pool.train.length, 1760);
  assert.equal(pool.test.length, 400);
  const trainVoices = speechVoices(pool.train);
  const testVoices = speechVoices(pool.test);
  assert.equal(trainVoices.length, 16);
  assert.deepEqual(testVoices, ["cmn+f2", "cmn+m3", "en-us+f2", "en-us+m3"]);
  assert.ok(testVoices.every((v) => !trainVoices.includes(v)));
  for (const u of [...pool.train, ...pool.test]) {
    assert.match(u.digits, /^[0-9]{3,5}$/);
    assert.equal(u.features.length, u.frames * 20);
  }
});

test("speechData is seeded, draws each split from its own voices, and hashes as datasets/speech/README.md says", () => {
  const a = speechData({ seed: 3, trainSize: 50, testSize: 20 });
  const b = speechData({ seed: 3, trainSize: 50, testSize: 20 });
  assert.deepEqual(
    a.train.map((u) => u.id),
    b.train.map((u) => u.id),
  );
  assert.equal(a.dataset.hash, b.dataset.hash);
  assert.notDeepEqual(
    speechData({ seed: 4, trainSize: 50, testSize: 20 }).train.map((u) => u.id),
    a.train.map((u) => u.id),
  );
  assert.ok(a.test.every((u) => /\+(m3|f2)$/.test(u.voice)));
  assert.ok(a.train.every((u) => !/\+(m3|f2)$/.test(u.voice)));
  const { dataset } = speechData(speechExperiment.defaults);
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "speech", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("validation: held-out voices, never a test utterance; the test split does not depend on validationSize", () => {
  const plain = speechData({ seed: 3, trainSize: 50, testSize: 20 });
  const a = speechData({ seed: 3, trainSize: 50, validationSize: 30, testSize: 20 });
  const ids = (s: { id: number }[]) => s.map((u) => u.id);
  assert.deepEqual(ids(a.test), ids(plain.test));
  assert.deepEqual(ids(a.train), ids(plain.train));
  assert.deepEqual(plain.validation, []);
  assert.equal(a.validation.length, 30);
  const test = new Set(ids(a.test));
  const train = new Set(ids(a.train));
  assert.ok(
    a.validation.every((u) => !test.has(u.id) && !train.has(u.id)),
    "disjoint from test and train",
  );
  assert.equal(new Set(ids(a.validation)).size, 30);
  assert.ok(
    a.validation.every((u) => /\+(m3|f2)$/.test(u.voice)),
    "the held-out voices, like test",
  );
  assert.deepEqual(a.dataset.sizes, { train: 50, validation: 30, test: 20 });
  const full = speechData(SPEECH_DEFAULTS);
  assert.deepEqual(full.dataset.sizes, { train: 1760, validation: 160, test: 240 });
  assert.equal(new Set([...ids(full.test), ...ids(full.validation)]).size, 400);
  assert.throws(
    () => speechData({ seed: 0, trainSize: 10, validationSize: 200, testSize: 240 }),
    /testSize \+ validationSize is 240 \+ 200 = 440; the held-out voices have 400/,
  );
  assert.throws(
    () => speechData({ seed: 0, trainSize: 10, validationSize: -1, testSize: 8 }),
    /validationSize/,
  );
});

test("tokens, batches and digits round-trip with the documented shapes", () => {
  assert.deepEqual(speechTokens("305"), { tgtIn: [SPEECH_START, 6, 3, 8], tgtOut: [6, 3, 8, SPEECH_END] });
  assert.equal(speechDigits([6, 3, 8, SPEECH_END, 5]), "305");
  const { train } = speechData(SMALL);
  const b = speechBatch(train, [0, 1, 2]);
  const f = Math.max(train[0]!.frames, train[1]!.frames, train[2]!.frames);
  assert.equal(b.x.shape[0], 3);
  assert.equal(b.x.shape[2], 20);
  assert.ok(b.x.shape[1] >= f && b.x.shape[1] < f + 4 && b.x.shape[1] % 4 === 0);
  assert.deepEqual(Array.from(b.frameLens.dataSync()), [
    train[0]!.frames,
    train[1]!.frames,
    train[2]!.frames,
  ]);
  const t = Math.max(...[0, 1, 2].map((i) => train[i]!.digits.length)) + 1;
  assert.deepEqual(b.tgtIn.shape, [3, t]);
  assert.deepEqual(b.tgtOut.shape, [3, t]);
  tf.dispose(b);
});

test("bad input: clear errors naming the argument, the value and what is allowed", () => {
  assert.throws(() => speechData({ seed: 0, trainSize: 5000, testSize: 10 }), /speechData.*trainSize.*5000/);
  assert.throws(() => speechData({ seed: 0, trainSize: 10, testSize: 0 }), /speechData.*testSize.*0/);
  assert.throws(() => speechData({ seed: 0.5, trainSize: 10, testSize: 10 }), /speechData.*seed/);
  assert.throws(() => speechTokens("3a"), /speechTokens: digits must be a string of 0–9, got "3a"/);
  assert.throws(() => speechBatch([], [0]), /speechBatch: index 0 is not in/);
  assert.throws(
    () => speechModel({ ...SMALL, filters: [8] }),
    /speechModel: filters must be 2 positive integers/,
  );
  assert.throws(() => speechModel({ ...SMALL, hiddenSize: 0 }), /speechModel.*hiddenSize/);
  assert.throws(() => speechDer(["12"], []), /speechDer: 1 references but 0 hypotheses/);
  assert.throws(
    () => checkConfigOf("speech", speechExperiment, { ...SPEECH_DEFAULTS, hiddenSze: 8 }),
    /hiddenSze/,
  );
  const model = speechModel(SMALL);
  const x = tf.zeros([1, 8, 20]);
  const tgtIn = tf.tensor2d([[1, 3]], [1, 2], "int32");
  assert.throws(() => model.applyWithAttention([x, tgtIn], { frames: [8] } as never), /SpeechLas.*frames/);
  assert.throws(
    () => model.applyWithAttention([x, tgtIn], { frameLens: [9] }),
    /frameLens must be 1 integers in 1\.\.8/,
  );
  assert.throws(() => model.encode(tf.zeros([1, 8, 3])), /SpeechLas: x must be \[B, F, 20\]/);
  tf.dispose([x, tgtIn]);
  model.dispose();
});

test("metrics: edit distance, DER and the alignment ρ", () => {
  assert.equal(speechEditDistance("31415", "3145"), 1);
  assert.equal(speechEditDistance("123", "321"), 2);
  assert.equal(speechDer(["123", "45"], ["123", "4"]), 1 / 5);
  const diagonal = [
    [0.8, 0.1, 0.1, 0],
    [0.1, 0.8, 0.1, 0],
    [0, 0.1, 0.8, 0.1],
  ];
  assert.equal(speechAlignment(diagonal, 3), 1);
  assert.equal(speechAlignment([...diagonal].reverse(), 3), -1);
  assert.equal(
    speechAlignment(
      diagonal.map(() => [0.1, 0.7, 0.2, 0]),
      3,
    ),
    0,
  );
});

test("the model: forward shapes, attention rows sum to 1 over the valid steps, greedy ids, no leaks", async () => {
  await initBackend();
  const data = speechData(SMALL);
  const model = speechModel(SMALL);
  const b = speechBatch(data.test, [0, 1, 2, 3]);
  const before = tf.memory().numTensors;
  const { output, attention } = model.applyWithAttention([b.x, b.tgtIn], { frameLens: b.frameLens });
  const s = b.x.shape[1] / 4;
  assert.deepEqual(output.shape, [4, b.tgtIn.shape[1], 13]);
  assert.deepEqual(attention.decoderCross[0]!.shape, [4, b.tgtIn.shape[1], s]);
  const w = attention.decoderCross[0]!.arraySync() as number[][][];
  w.forEach((rows, k) => {
    const valid = speechEncoderLength(data.test[k]!.frames);
    for (const row of rows) {
      assert.ok(Math.abs(row.reduce((a, v) => a + v, 0) - 1) < 1e-5);
      assert.ok(
        row.slice(valid).every((v) => v < 1e-6),
        "no weight on padding",
      );
    }
  });
  tf.dispose([output, ...attention.decoderCross]);
  const greedy = speechGreedy(model, b.x, b.frameLens, 6);
  assert.equal(greedy.ids.length, 4);
  assert.ok(greedy.ids.every((r) => r.length === 6));
  assert.equal(tf.memory().numTensors, before, "apply and greedy leave no tensors");
  speechEvaluate(model, data.test, SMALL);
  assert.equal(tf.memory().numTensors, before, "evaluate leaves no tensors");
  tf.dispose(b);
  model.dispose();
  assert.equal(speechEncoderLength(37), 10);
  assert.equal(speechEncoderLength(64), 16);
});

test("a quick speech run completes with finite metrics, leaves no tensors and repeats exactly", async () => {
  const config = { trainSize: 64, testSize: 16, epochs: 1, batchSize: 32, hiddenSize: 16, filters: [8, 8] };
  const opts = { quick: true, config, record: false, progress: "none", log: false } as const;
  await initBackend();
  const a = await runExperiment(speechExperiment, opts);
  assert.equal(a.artifacts.data.validation.length, 32);
  assert.deepEqual(
    a.history.at(-1)!.metrics,
    speechEvaluate(a.artifacts.model, a.artifacts.data.validation, a.config).metrics,
    "the per-epoch metrics (what stopWhen reads) are the validation split's",
  );
  a.artifacts.model.dispose();
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(speechExperiment, opts);
  b.artifacts.model.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.equal(a.artifacts.final.transcripts.length, 16);
});

test("the exercise checks: the solutions' answers are right, undefined is not yet, wrong answers get hints", async () => {
  await initBackend();
  const sets = [SPEECH_EXERCISES];
  const id = (n: number) => `cases/11-speech-listen-attend-spell.${n}`;
  for (const n of [1, 2, 3]) assert.equal(checkExercise(id(n), undefined, sets).status, "not yet");
  // a briefly trained model, as the notebook's exercises use the trained one
  const opts = {
    quick: true,
    config: { trainSize: 64, testSize: 24, epochs: 1, hiddenSize: 16, filters: [8, 8] },
    record: false,
    progress: "none" as const,
    log: false,
  };
  const out = await runExperiment(speechExperiment, opts);
  const { model, data, final } = out.artifacts;
  const config = out.config;
  const derOf = (keep: (u: (typeof data.test)[number]) => boolean) => {
    const ix = data.test.flatMap((u, k) => (keep(u) ? [k] : []));
    return speechDer(
      ix.map((k) => data.test[k]!.digits),
      ix.map((k) => final.transcripts[k]!),
    );
  };
  const en = derOf((u) => u.lang === "en");
  const cmn = derOf((u) => u.lang === "cmn");
  assert.equal(checkExercise(id(1), { model, config, en, cmn }, sets).status, "right");
  const wrong1 = checkExercise(id(1), { model, config, en: en + 0.1, cmn }, sets);
  assert.equal(wrong1.status, "wrong");
  assert.match(wrong1.message, /en/);
  const untrained = speechModel(config);
  assert.match(checkExercise(id(1), { model: untrained, config, en, cmn }, sets).message, /initial weights/);
  untrained.dispose();

  const frames = [37, 64, 90];
  assert.equal(
    checkExercise(id(2), { frames, steps: frames.map(speechEncoderLength) }, sets).status,
    "right",
  );
  const floor = checkExercise(id(2), { frames, steps: frames.map((f) => Math.floor(f / 4)) }, sets);
  assert.equal(floor.status, "wrong");
  assert.match(floor.message, /round up/);

  const noisy = derOf((u) => u.snr <= 20);
  const clean = derOf((u) => u.snr > 20);
  assert.equal(checkExercise(id(3), { model, config, noisy, clean }, sets).status, "right");
  assert.equal(checkExercise(id(3), { model, config, noisy: noisy + 0.5, clean }, sets).status, "wrong");
  model.dispose();
});

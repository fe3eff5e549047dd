/**
 * The opinion-monitoring case: the generators are seeded and put the label words where they say, held-out
 * templates stay out of training, the stream places its surges as documented, the batch and the model have the
 * documented shapes, the alarm rule computes the z-score it documents, bad settings get clear errors, the
 * default data hash matches the dataset README, nothing leaks, a quick run completes and repeats exactly, and the
 * notebook's three exercise checks say right / not yet / wrong as they should.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../lib/cases/exercises.js";
import {
  generateHeadlines,
  OPINION_MONITORING_MAX_LENGTH,
  OPINION_MONITORING_SENTIMENT_WORDS,
  OPINION_MONITORING_TOPIC_WORDS,
  OPINION_MONITORING_TRAIN_TEMPLATES,
  opinionMonitoringBatch,
  opinionMonitoringData,
  opinionMonitoringIds,
  opinionMonitoringStream,
} from "../../lib/cases/opinionMonitoring/data.js";
import {
  OPINION_MONITORING_DEFAULTS,
  OPINION_MONITORING_EPOCH_TARGETS,
  OPINION_MONITORING_TARGETS,
  type OpinionMonitoringConfig,
  opinionMonitoringAlarms,
  opinionMonitoringEvaluate,
  opinionMonitoringExperiment,
  opinionMonitoringFit,
  opinionMonitoringHeadMetrics,
} from "../../lib/cases/opinionMonitoring/experiment.js";
import { opinionMonitoringHeads, opinionMonitoringModel } from "../../lib/cases/opinionMonitoring/model.js";
import { checkConfigOf } from "../../lib/experiments/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import type { PoolingClassifier } from "../../lib/models/poolingClassifier.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { checkerFor } from "../exercises/checker.js";
import { assertNotYetAndMalformed } from "../exercises/cases/caseSetHelpers.js";

const tiny: OpinionMonitoringConfig = {
  ...OPINION_MONITORING_DEFAULTS,
  trainSize: 160,
  validationSize: 40,
  testSize: 60,
  epochs: 1,
  dModel: 8,
  dFF: 8,
  streamDays: 24,
  headlinesPerDay: 20,
  surges: 1,
  baselineDays: 10,
};

let model: PoolingClassifier;

before(async () => {
  await initBackend();
  // the model the exercise checks are given: trained with the case's own fit on tiny settings
  model = opinionMonitoringModel(tiny);
  await opinionMonitoringFit(model, opinionMonitoringData(tiny), tiny, "none");
});
after(() => model?.dispose());

test("generateHeadlines: seeded, label words where recorded, template sets apart", () => {
  const a = generateHeadlines({ seed: 3, size: 200, templates: "train" });
  assert.deepEqual(generateHeadlines({ seed: 3, size: 200, templates: "train" }), a);
  assert.notDeepEqual(generateHeadlines({ seed: 4, size: 200, templates: "train" }), a);
  assert.ok(a.every((h) => h.template < OPINION_MONITORING_TRAIN_TEMPLATES));
  const held = generateHeadlines({ seed: 3, size: 200, templates: "heldOut" });
  assert.ok(held.every((h) => h.template >= OPINION_MONITORING_TRAIN_TEMPLATES));
  for (const h of [...a, ...held]) {
    assert.ok(OPINION_MONITORING_TOPIC_WORDS[h.topic]!.includes(h.tokens[h.topicWord]!));
    assert.ok(OPINION_MONITORING_SENTIMENT_WORDS[h.sentiment]!.includes(h.tokens[h.sentimentWord]!));
    assert.ok(h.tokens.length <= OPINION_MONITORING_MAX_LENGTH);
  }
  const allNegative = generateHeadlines({ seed: 1, size: 50, templates: "train", negativeShare: 1 });
  assert.ok(allNegative.every((h) => h.sentiment === 0));
  assert.ok(
    generateHeadlines({ seed: 1, size: 50, templates: "train", negativeShare: 0 }).every(
      (h) => h.sentiment !== 0,
    ),
  );
});

test("the stream: surges after the baselineDays, apart, with the surge share; every day has headlines", () => {
  const opts = {
    seed: 5,
    streamDays: 60,
    headlinesPerDay: 200,
    surges: 3,
    baseNegativeShare: 0.2,
    surgeNegativeShare: 0.4,
    baselineDays: 14,
  };
  const s = opinionMonitoringStream(opts);
  assert.deepEqual(opinionMonitoringStream(opts), s);
  assert.equal(s.surgeDays.length, 3);
  assert.ok(s.surgeDays.every((d) => d >= 14 && d < 60));
  assert.ok(s.surgeDays.every((d, i) => i === 0 || d - s.surgeDays[i - 1]! >= 5));
  assert.ok(s.surgeDays.every((d) => s.drawnShare[d] === 0.4));
  assert.ok(s.drawnShare.every((p, d) => s.surgeDays.includes(d) || Math.abs(p - 0.2) <= 0.03));
  assert.equal(s.day.length, s.headlines.length);
  for (let d = 0; d < 60; d++) {
    const n = s.day.filter((x) => x === d).length;
    assert.ok(n >= 180 && n <= 220, `day ${d}: ${n} headlines`);
  }
  assert.ok(s.headlines.every((h) => h.template >= OPINION_MONITORING_TRAIN_TEMPLATES));
});

test("bad settings get clear errors naming the argument, the value and what is allowed", () => {
  assert.throws(() => generateHeadlines({ seed: 0, size: 3, templates: "test" as "train" }), /templates/);
  assert.throws(() => generateHeadlines({ seed: 0, size: -1, templates: "train" }), /size/);
  assert.throws(
    () => generateHeadlines({ seed: 0, size: 3, templates: "train", negativeShare: 1.5 }),
    /negativeShare/,
  );
  assert.throws(
    () => generateHeadlines({ seed: 0, size: 3, templates: "train", extra: 1 } as never),
    /extra/,
  );
  const stream = {
    seed: 0,
    streamDays: 30,
    headlinesPerDay: 20,
    surges: 2,
    baseNegativeShare: 0.2,
    surgeNegativeShare: 0.4,
    baselineDays: 14,
  };
  assert.throws(
    () => opinionMonitoringStream({ ...stream, baselineDays: 30 }),
    /baselineDays 30 must be less than streamDays 30/,
  );
  assert.throws(() => opinionMonitoringStream({ ...stream, surges: 9 }), /surges 9 do not fit/);
  assert.throws(() => opinionMonitoringIds(["bank", "nonsense"]), /"nonsense" is not a word/);
  assert.throws(
    () => opinionMonitoringAlarms([0.1, Number.NaN], { baselineDays: 2, alarmZ: 3 }),
    /shares\[1\] is NaN/,
  );
  assert.throws(
    () => opinionMonitoringAlarms([0.1], { baselineDays: 1, alarmZ: 3 }),
    /baselineDays should be an integer ≥ 2/,
  );
  assert.throws(
    () => opinionMonitoringAlarms([0.1], { baselineDays: 3, alarmZ: 3, windw: 2 } as never),
    /unknown option "windw"/,
  );
  assert.throws(() => opinionMonitoringHeads(tf.zeros([2, 7])), /logits should be \[B, 8\]/);
  const where = "test";
  assert.throws(() => checkConfigOf(where, opinionMonitoringExperiment, { ...tiny, windw: 3 }), /windw/);
  assert.throws(
    () => checkConfigOf(where, opinionMonitoringExperiment, { ...tiny, surgeNegativeShare: 2 }),
    /surgeNegativeShare/,
  );
  assert.throws(
    () => checkConfigOf(where, opinionMonitoringExperiment, { ...tiny, baselineDays: 1 }),
    /baselineDays/,
  );
});

test("the alarm rule: the z-score against the last `baselineDays` quiet days, alarmed days left out", () => {
  const shares = [0.2, 0.22, 0.18, 0.21, 0.19, 0.5, 0.2, 0.6];
  const days = opinionMonitoringAlarms(shares, { baselineDays: 4, alarmZ: 3 });
  assert.deepEqual(
    days.map((d) => d.alarm),
    [false, false, false, false, false, true, false, true],
  );
  const base = [0.2, 0.22, 0.18, 0.21];
  const m = base.reduce((a, b) => a + b, 0) / 4;
  const s = Math.sqrt(base.reduce((a, b) => a + (b - m) ** 2, 0) / 3);
  assert.ok(Math.abs(days[4]!.z! - (0.19 - m) / s) < 1e-12);
  // day 7's baseline skips day 5 (alarmed): days 2, 3, 4, 6
  const q = [0.18, 0.21, 0.19, 0.2];
  const qm = q.reduce((a, b) => a + b, 0) / 4;
  const qs = Math.sqrt(q.reduce((a, b) => a + (b - qm) ** 2, 0) / 3);
  assert.ok(Math.abs(days[7]!.z! - (0.6 - qm) / qs) < 1e-12);
  assert.equal(days[3]!.z, null);
});

test("the default dataset hash is the one in datasets/opinion-monitoring/README.md", () => {
  const { dataset } = opinionMonitoringData(OPINION_MONITORING_DEFAULTS);
  const readme = readFileSync(
    join(__dirname, "..", "..", "datasets", "opinion-monitoring", "README.md"),
    "utf8",
  );
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("batch and model shapes; pooling sums to 1 and is 0 on padding; no leaks", () => {
  const data = opinionMonitoringData(tiny);
  const model = opinionMonitoringModel(tiny);
  try {
    const b = opinionMonitoringBatch(data.test, [0, 1, 2, 3]);
    assert.deepEqual(b.ids.shape, [4, OPINION_MONITORING_MAX_LENGTH]);
    assert.deepEqual(b.validLens.shape, [4]);
    assert.deepEqual(b.topics.shape, [4, 5]);
    assert.deepEqual(b.sentiments.shape, [4, 3]);
    const { output, attention } = model.applyWithAttention(b.ids, { validLens: b.validLens });
    assert.deepEqual(output.shape, [4, 8]);
    const heads = opinionMonitoringHeads(output);
    assert.deepEqual(heads.topic.shape, [4, 5]);
    assert.deepEqual(heads.sentiment.shape, [4, 3]);
    const alpha = attention.pooling.arraySync();
    alpha.forEach((row, i) => {
      assert.ok(Math.abs(row.reduce((a, v) => a + v, 0) - 1) < 1e-5);
      assert.ok(row.slice(data.test[i]!.tokens.length).every((v) => v === 0));
    });
    tf.dispose([
      b.ids,
      b.validLens,
      b.topics,
      b.sentiments,
      output,
      heads.topic,
      heads.sentiment,
      attention.pooling,
      attention.selfAttention ?? [],
    ]);
    const n = tf.memory().numTensors;
    const e = opinionMonitoringEvaluate(model, data, tiny);
    assert.equal(tf.memory().numTensors, n, "evaluate leaves no tensor");
    assert.equal(e.days.length, tiny.streamDays);
    assert.equal(e.test.topic.length, tiny.testSize);
    assert.ok(Object.values(e.metrics).every(Number.isFinite));
  } finally {
    model.dispose();
  }
});

/** A small quick-mode run of the experiment (both run tests use it). */
const smallRun = {
  quick: true,
  config: {
    trainSize: 96,
    validationSize: 30,
    testSize: 40,
    streamDays: 20,
    headlinesPerDay: 20,
    surges: 1,
  },
  record: false,
  progress: "none",
  log: false,
} as const;

test("a quick run completes, is finite, leaves no tensors behind and repeats exactly", async () => {
  const opts = smallRun;
  const before = tf.memory().numTensors;
  const a = await runExperiment(opinionMonitoringExperiment, opts);
  a.artifacts.model.dispose();
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(opinionMonitoringExperiment, opts);
  b.artifacts.model.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.deepEqual(
    Object.keys(a.metrics).sort(),
    [...OPINION_MONITORING_TARGETS.map((t) => t.metric), "epochs"].sort(),
  );
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.ok(afterFirst - before <= 8, `${afterFirst - before} tensors left after dispose`);
});

test("validation: held-out templates, its own draw (not the test one); the stop reads only its macro-F1", async () => {
  const data = opinionMonitoringData(tiny);
  assert.deepEqual(data.dataset.sizes, {
    train: tiny.trainSize,
    validation: tiny.validationSize,
    test: tiny.testSize,
    stream: data.stream.headlines.length,
  });
  assert.ok(data.validation.every((h) => h.template >= OPINION_MONITORING_TRAIN_TEMPLATES));
  assert.ok(data.train.every((h) => h.template < OPINION_MONITORING_TRAIN_TEMPLATES));
  // disjoint from train by template; from test by seed: the two draws share headlines only by chance
  const key = (h: { tokens: string[]; topic: number; sentiment: number }) =>
    `${h.tokens.join(" ")}|${h.topic}|${h.sentiment}`;
  const big = { ...tiny, validationSize: 500, testSize: 1000 };
  const drawn = opinionMonitoringData(big);
  const testKeys = new Set(drawn.test.map(key));
  const shared = drawn.validation.filter((h) => testKeys.has(key(h))).length;
  assert.ok(shared <= 20, `${shared} of 500 validation headlines also in the test split`);
  assert.deepEqual(
    opinionMonitoringData({ ...tiny, validationSize: 7 }).test,
    data.test,
    "validation leaves test as drawn",
  );
  assert.deepEqual(
    OPINION_MONITORING_EPOCH_TARGETS.map((t) => t.metric),
    ["topicMacroF1", "sentimentMacroF1"],
  );
  const run = await runExperiment(opinionMonitoringExperiment, smallRun);
  try {
    const last = run.history.at(-1)!.metrics;
    assert.deepEqual(Object.keys(last).sort(), ["sentimentMacroF1", "topicMacroF1"]);
    assert.deepEqual(
      last,
      opinionMonitoringHeadMetrics(run.artifacts.model, run.artifacts.data.validation),
      "the per-epoch metrics are the validation headlines' macro-F1",
    );
  } finally {
    run.artifacts.model.dispose();
  }
});

/* ---------------------------------------------------------------- the exercises */

const check = checkerFor("cases/16-opinion-monitoring-alarms");

test("exercise 1 (weaker surge): the solution is right, typical mistakes get a hint", () => {
  const cfg = { ...tiny, surgeNegativeShare: 0.28 };
  const m = opinionMonitoringEvaluate(model, opinionMonitoringData(cfg), cfg).metrics;
  assert.equal(
    check(1, { config: cfg, model, surgeRecall: m.surgeRecall, falseAlarms: m.falseAlarms }).status,
    "right",
  );
  const noChange = check(1, {
    config: tiny,
    model,
    surgeRecall: m.surgeRecall,
    falseAlarms: m.falseAlarms,
  });
  assert.equal(noChange.status, "wrong");
  assert.match(noChange.message, /surgeNegativeShare should be 0.28/);
  const off = check(1, { config: cfg, model, surgeRecall: m.surgeRecall, falseAlarms: m.falseAlarms + 1 });
  assert.equal(off.status, "wrong");
  assert.match(off.message, /falseAlarms/);
  assert.equal(check(1, { config: cfg, model: {}, surgeRecall: 1, falseAlarms: 0 }).status, "wrong");
});

test("exercise 2 (7-day baselineDays): the solution is right, the 14-day alarms get a hint", () => {
  const data = opinionMonitoringData(tiny);
  const e = opinionMonitoringEvaluate(model, data, tiny);
  const alarms = opinionMonitoringAlarms(
    e.days.map((d) => d.share),
    { baselineDays: 7, alarmZ: tiny.alarmZ },
  );
  const alarmDays = alarms.flatMap((d, i) => (d.alarm ? [i] : []));
  assert.equal(check(2, { config: tiny, model, baselineDays: 7, alarmDays }).status, "right");
  const wrongWindow = check(2, { config: tiny, model, baselineDays: 14, alarmDays });
  assert.equal(wrongWindow.status, "wrong");
  assert.match(wrongWindow.message, /baselineDays should be 7/);
  const otherDays = alarmDays.includes(23) ? alarmDays.filter((d) => d !== 23) : [...alarmDays, 23];
  const extra = check(2, { config: tiny, model, baselineDays: 7, alarmDays: otherDays });
  assert.equal(extra.status, "wrong");
  assert.match(extra.message, /alarmDays are not|alarms of the/);
});

test("exercise 3 (true labels): the solution is right, a wrong gap gets a hint without the number", () => {
  const e = opinionMonitoringEvaluate(model, opinionMonitoringData(tiny), tiny);
  const maxGap = Math.max(...e.days.map((d, i) => Math.abs(d.share - e.trueShare[i]!)));
  const onLabels = opinionMonitoringAlarms(e.trueShare, {
    baselineDays: tiny.baselineDays,
    alarmZ: tiny.alarmZ,
  });
  const labelAlarmDays = onLabels.flatMap((d, i) => (d.alarm ? [i] : []));
  assert.equal(check(3, { config: tiny, model, maxGap, labelAlarmDays }).status, "right");
  const gap = check(3, { config: tiny, model, maxGap: maxGap + 0.01, labelAlarmDays });
  assert.equal(gap.status, "wrong");
  assert.match(gap.message, /maxGap/);
  assert.ok(!gap.message.includes(maxGap.toFixed(3)));
});

test("every exercise: undefined is not yet, malformed answers are wrong with a message", () => {
  assertNotYetAndMalformed(check, 3, [{ config: tiny, model: null }]);
});

/**
 * The focus case: the generator plants the rule the docs state (labels = the rule, flipped at `flipRate`; old and
 * distractor bursts never fire it), the splits are seeded and repeatable, the default data hash matches the
 * dataset README, the model's shapes and attention are right, bad settings get clear errors, nothing leaks, a
 * quick run completes and repeats exactly, and the exercise checks say right / not yet / wrong with a hint.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../lib/cases/exercises.js";
import {
  FOCUS_BURST_MIN,
  FOCUS_FEATURE_SCALES,
  FOCUS_NOTIFICATIONS,
  focusBatch,
  focusData,
  focusLabel,
  focusTriggerMinutes,
  generateFocusLogs,
} from "../../lib/cases/focus/data.js";
import {
  FOCUS_DEFAULTS,
  FOCUS_TARGETS,
  type FocusArtifacts,
  type FocusConfig,
  focusEvaluate,
  focusExperiment,
  focusScores,
} from "../../lib/cases/focus/experiment.js";
import { focusModel } from "../../lib/cases/focus/model.js";
import { type ExperimentRun, experimentConfig, runExperiment } from "../../lib/experiments/run.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { sameWeights } from "../../lib/train/variables.js";
import { checkerFor } from "../exercises/checker.js";

before(async () => {
  await initBackend();
});

test("generateFocusLogs: the planted rule, exactly, with flipped labels at about flipRate", () => {
  const set = generateFocusLogs({ seed: 3, size: 3000 });
  assert.equal(set.x.length, 3000);
  assert.deepEqual([set.x[0]!.length, set.x[0]![0]!.length], [30, 4]);
  assert.ok(
    set.x.flat(2).every((v) => Number.isInteger(v) && v >= 0),
    "whole, non-negative counts",
  );
  for (const [k, w] of set.x.entries()) {
    assert.equal(set.rule[k], focusLabel(w, 5), `window ${k}: rule = focusLabel`);
    // the planted burst holds every minute with ≥ 4 notifications, and nothing else reaches 4
    const burstMinutes = w
      .map((m, t) => (m[FOCUS_NOTIFICATIONS]! >= FOCUS_BURST_MIN ? t : -1))
      .filter((t) => t >= 0);
    assert.deepEqual(burstMinutes, set.bursts[k], `window ${k}: burst minutes`);
    // the rule fires exactly when the planted burst overlaps the last 5 minutes
    assert.equal(set.rule[k], set.bursts[k]!.some((t) => t >= 25) ? 1 : 0);
    assert.deepEqual(
      focusTriggerMinutes(w),
      set.bursts[k]!.filter((t) => t >= 25),
    );
  }
  const share = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const flipped = share(set.labels.map((l, k) => (l === set.rule[k] ? 0 : 1)));
  assert.ok(Math.abs(flipped - 0.05) < 0.015, `flipped share ${flipped}`);
  assert.ok(Math.abs(share(set.rule) - 0.5) < 0.04, `rule fires on ${share(set.rule)}`);
  // the decoys: old bursts (label-free bursts before the recent minutes) and distractors in the recent minutes
  const old = set.bursts.filter((b) => b.length > 0 && b.every((t) => t < 25)).length / 3000;
  assert.ok(old > 0.2 && old < 0.3, `old bursts ${old}`);
  const recentDistractor = set.distractors.filter((ds) =>
    ds.some((d) => d.start + d.length - 1 >= 25),
  ).length;
  assert.ok(recentDistractor > 600, `windows with a distractor in the recent minutes: ${recentDistractor}`);
  assert.equal(
    generateFocusLogs({ seed: 0, size: 50, flipRate: 0 }).labels.join(),
    generateFocusLogs({ seed: 0, size: 50, flipRate: 0 }).rule.join(),
  );
  assert.deepEqual(generateFocusLogs({ seed: 3, size: 5 }), generateFocusLogs({ seed: 3, size: 5 }));
  const small = generateFocusLogs({ seed: 1, size: 40, window: 12, recent: 3 });
  assert.ok(small.x.every((w, k) => w.length === 12 && small.rule[k] === focusLabel(w, 3)));
});

test("generateFocusLogs, focusLabel and the config: bad input gets a clear error", () => {
  assert.throws(
    () => generateFocusLogs({ seed: 0, size: 0 }),
    /generateFocusLogs: options.size must be an integer ≥ 1, got 0/,
  );
  assert.throws(
    () => generateFocusLogs({ seed: 0, size: 2, window: 4 }),
    /options.window must be an integer ≥ 8 and ≤ 240, got 4/,
  );
  assert.throws(
    () => generateFocusLogs({ seed: 0, size: 2, recent: 27 }),
    /recent must be an integer from 1 to window − 4 \(26\).*got 27/,
  );
  assert.throws(
    () => generateFocusLogs({ seed: 0, size: 2, flipRate: 0.7 }),
    /options.flipRate .*≤ 0.5, got 0.7/,
  );
  assert.throws(() => generateFocusLogs({ seed: 1.5, size: 2 }), /options.seed must be an integer/);
  assert.throws(
    () => generateFocusLogs({ seed: 1, size: 2, recnet: 2 } as never),
    /unknown option "recnet" \(did you mean "recent"\?\)/,
  );
  assert.throws(() => focusLabel([], 5), /focusLabel: minutes must be a non-empty/);
  assert.throws(() => focusLabel([[0, 0, 0, 0]], 2), /focusLabel: recent must be an integer in 1…1.*got 2/);
  const config = (overrides: Record<string, unknown>) =>
    experimentConfig(focusExperiment, true, overrides as never);
  assert.throws(() => config({ epoch: 2 }), /unknown option "config.epoch" \(did you mean "epochs"\?\)/);
  assert.throws(() => config({ flipRate: 0.9 }), /config.flipRate must be .*≤ 0.5, got 0.9/);
  assert.throws(() => config({ window: 3 }), /config.window must be an integer ≥ 8/);
  assert.throws(() => config({ dModel: 0 }), /config.dModel must be an integer ≥ 1, got 0/);
  assert.throws(() => focusScores([1], [1, 0]), /focusScores: predicted \(1\) and labels \(2\)/);
});

test("focusData and focusBatch: seeded splits and batches of the right shapes and scale", () => {
  const config = { ...FOCUS_DEFAULTS, trainSize: 60, testSize: 20 };
  const data = focusData(config);
  assert.deepEqual(data.dataset.sizes, { train: 60, test: 20 });
  assert.notDeepEqual(data.train.x.slice(0, 20), data.test.x, "the splits are drawn from different seeds");
  assert.deepEqual(focusData(config), data);
  assert.notEqual(focusData({ ...config, seed: 1 }).dataset.hash, data.dataset.hash);
  const b = focusBatch(data.train, [3, 0]);
  assert.deepEqual([b.x.shape, b.y.shape], [[2, 30, 4], [2]]);
  assert.deepEqual(b.y.arraySync(), [data.train.labels[3]!, data.train.labels[0]!]);
  const x = b.x.arraySync();
  assert.ok(Math.abs(x[0]![29]![3]! - data.train.x[3]![29]![3]! / FOCUS_FEATURE_SCALES[3]!) < 1e-6);
  tf.dispose([b.x, b.y]);
  assert.throws(() => focusBatch(data.train, [60]), /take: index 60 is outside \[0, 60\)/);
});

test("the default dataset hash is the one in datasets/focus/README.md", () => {
  const { dataset } = focusData(FOCUS_DEFAULTS);
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "focus", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("focusModel: logits [B], attention [B, 30] summing to 1, evaluation leaves no tensor behind", () => {
  const config = { ...FOCUS_DEFAULTS, testSize: 30 };
  const model = focusModel(config);
  const again = focusModel(config);
  assert.ok(sameWeights(model, again), "seeded by childSeed(seed, 'model')");
  again.dispose();
  const other = focusModel({ ...config, seed: 1 });
  assert.ok(!sameWeights(model, other));
  other.dispose();
  const test = focusData(config).test;
  const b = focusBatch(test, [0, 1, 2]);
  const before = tf.memory().numTensors;
  const { output, attention } = model.applyWithAttention(b.x);
  assert.deepEqual([output.shape, attention.shape], [[3], [3, 30]]);
  for (const row of attention.arraySync()) assert.ok(Math.abs(row.reduce((a, v) => a + v, 0) - 1) < 1e-5);
  tf.dispose([output, attention]);
  assert.equal(tf.memory().numTensors, before);
  const ev = focusEvaluate(model, test);
  assert.equal(tf.memory().numTensors, before, "focusEvaluate leaves no tensor");
  assert.equal(ev.attention.length, 30);
  assert.ok(ev.attention.every((row) => Math.abs(row.reduce((a, v) => a + v, 0) - 1) < 1e-5));
  assert.ok(
    Object.values(ev.metrics).every((v) => Number.isFinite(v) && v >= 0 && v <= 1),
    JSON.stringify(ev.metrics),
  );
  assert.equal(ev.baseline["rule.f1"], focusScores(test.rule, test.labels).f1);
  tf.dispose([b.x, b.y]);
  model.dispose();
  assert.throws(() => model.applyWithAttention(tf.zeros([1, 29, 4])), /./);
});

test("focusScores: precision, recall and F1 of the positive class", () => {
  assert.deepEqual(focusScores([1, 1, 0, 0], [1, 0, 1, 0]), { precision: 0.5, recall: 0.5, f1: 0.5 });
  assert.deepEqual(focusScores([1, 1, 1, 0], [1, 1, 0, 0]), { precision: 2 / 3, recall: 1, f1: 0.8 });
  assert.deepEqual(focusScores([0, 0], [0, 0]), { precision: 0, recall: 0, f1: 0 });
});

let quickRun: ExperimentRun<FocusConfig, FocusArtifacts>;

test("a quick run completes, its model is the case's model trained, leaves no tensors and repeats exactly", async () => {
  const opts = { quick: true, record: false, progress: "none", log: false } as const;
  const start = tf.memory().numTensors;
  const a = await runExperiment(focusExperiment, opts);
  const fresh = focusModel(a.config);
  assert.equal(sameWeights(fresh, a.artifacts.model), false, "training moved the weights");
  fresh.dispose();
  assert.deepEqual(
    focusEvaluate(a.artifacts.model, a.artifacts.data.test).metrics,
    a.artifacts.final.metrics,
  );
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.equal(a.metrics.epochs, focusExperiment.quick?.epochs);
  for (const t of FOCUS_TARGETS) assert.ok(t.metric in a.metrics, t.metric);
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(focusExperiment, opts);
  b.artifacts.model.dispose();
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  quickRun = a;
  assert.ok(afterFirst > start, "the first run's model is still held");
});

const check = checkerFor("cases/17-focus-toy-temporal-attention");

test("exercise 1: the rule by hand", () => {
  assert.equal(check(1, undefined).status, "not yet");
  const rule = (w: number[][]) => (w.slice(-5).some((m) => m[3]! >= 4) ? 1 : 0);
  assert.equal(check(1, rule).status, "right");
  const cases: [(w: number[][]) => number, RegExp][] = [
    [(w) => (w.some((m) => m[3]! >= 4) ? 1 : 0), /anywhere/],
    [(w) => (w.slice(-6).some((m) => m[3]! >= 4) ? 1 : 0), /last 6 minutes/],
    [(w) => (w.slice(-5).some((m) => m[3]! > 4) ? 1 : 0), /threshold/],
    [(w) => (w.slice(-5).some((m) => m[1]! >= 4) ? 1 : 0), /appSwitches/],
    [(w) => (w.slice(0, 5).some((m) => m[3]! >= 4) ? 1 : 0), /first 5 minutes/],
    [
      (w) => {
        w.reverse();
        return 0;
      },
      /changed the window/,
    ],
  ];
  for (const [fn, hint] of cases) {
    const r = check(1, fn);
    assert.equal(r.status, "wrong");
    assert.match(r.message, hint);
  }
  assert.equal(check(1, 3).status, "wrong");
});

test("exercises 2 and 3: recomputed on the learner's model and settings", () => {
  const { model, data } = quickRun.artifacts;
  const config = quickRun.config;
  const test = data.test;
  const ev = focusEvaluate(model, test);
  const recentKs = test.labels
    .map((_, k) => k)
    .filter((k) => test.distractors[k]!.some((d) => d.start + d.length - 1 >= 25));
  const accuracy = recentKs.filter((k) => ev.predicted[k] === test.labels[k]).length / recentKs.length;
  assert.equal(check(2, undefined).status, "not yet");
  assert.equal(check(2, { model, config, accuracy }).status, "right");
  const everyWindow = check(2, { model, config, accuracy: ev.metrics.accuracy });
  assert.equal(everyWindow.status, "wrong");
  assert.match(everyWindow.message, /every held-out window/);
  assert.ok(!everyWindow.message.includes(accuracy.toFixed(3)), "the hint does not give the number away");
  const untrained = focusModel(config);
  assert.match(check(2, { model: untrained, config, accuracy }).message, /initial weights/);
  assert.match(check(2, { model, config: { ...config, seed: 4 }, accuracy }).message, /not built from/);
  untrained.dispose();

  const fires = test.rule.map((_, k) => k).filter((k) => test.rule[k] === 1);
  const erased = fires.map((k) =>
    test.x[k]!.map((m, t) => (t >= 25 && m[3]! >= 4 ? [m[0]!, m[1]!, m[2]!, 0] : m)),
  );
  const b = tf.tidy(() => {
    const x = tf.div(tf.tensor3d(erased), tf.tensor1d(FOCUS_FEATURE_SCALES as number[]));
    return model.apply(x) as tf.Tensor;
  });
  const still = Array.from(b.dataSync()).filter((z) => z > 0).length / fires.length;
  b.dispose();
  assert.equal(check(3, undefined).status, "not yet");
  assert.equal(check(3, { model, config, stillDistracted: still }).status, "right");
  const flippedShare = check(3, { model, config, stillDistracted: 1 - still });
  if (Math.abs(still - 0.5) > 1e-9) {
    assert.equal(flippedShare.status, "wrong");
    assert.match(flippedShare.message, /changed its mind/);
  }
  assert.equal(check(3, { model, config, stillDistracted: 2 }).status, "wrong");
  assert.equal(check(3, "0.1").status, "wrong");
  model.dispose();
});

/**
 * The video case: the generator is seeded and draws the dot where it says, the default data hash matches the
 * dataset README, batches and the model have the documented shapes, every attention sums to 1, bad input gets a
 * clear error, evaluation leaks no tensors, a quick run completes and repeats exactly, and the exercise checks
 * say right to the solution's answers, "not yet" to undefined and wrong (with a hint) to the usual slips.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../lib/cases/exercises.js";
import {
  generateVideo,
  VIDEO_EVENTS,
  VIDEO_FRAMES,
  VIDEO_SIDE,
  videoBatch,
  videoData,
} from "../../lib/cases/video/data.js";
import {
  VIDEO_DEFAULTS,
  type VideoConfig,
  videoEvaluate,
  videoExperiment,
  videoLoss,
} from "../../lib/cases/video/experiment.js";
import { type VideoModel, videoModel } from "../../lib/cases/video/model.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { checkerFor } from "../exercises/checker.js";

const check = checkerFor("cases/14-video-temporal-attention");

test("generateVideo: seeded, 8 frames of 16×16, the dot is at its position and bounces inside", () => {
  const a = generateVideo({ seed: 3, size: 40 });
  assert.deepEqual(generateVideo({ seed: 3, size: 40 }), a);
  assert.notDeepEqual(generateVideo({ seed: 4, size: 40 }).labels, a.labels);
  assert.equal(a.clips.length, 40);
  assert.ok(a.clips.every((c) => c.length === VIDEO_FRAMES && c.every((f) => f.length === VIDEO_SIDE)));
  assert.ok(a.clips.every((c) => c.every((f) => f.every((r) => r.length === VIDEO_SIDE))));
  assert.ok(a.labels.every((l) => Number.isInteger(l) && l >= 0 && l < VIDEO_EVENTS.length));
  assert.ok(a.eventFrames.every((t) => Number.isInteger(t) && t >= 0 && t < VIDEO_FRAMES));
  assert.ok(a.positions.flat(2).every((v) => v >= 1.5 - 1e-9 && v <= VIDEO_SIDE - 2.5 + 1e-9));
  // noise-free: in a normal frame the brightest pixel is the one nearest the dot's centre
  const clean = generateVideo({ seed: 5, size: 30, noise: 0 });
  for (const [n, clip] of clean.clips.entries()) {
    for (const [t, frame] of clip.entries()) {
      if (t === clean.eventFrames[n]) continue;
      const [r, c] = clean.positions[n]![t]!;
      const at = frame[Math.round(r)]![Math.round(c)]!;
      assert.ok(at >= Math.max(...frame.flat()) - 1e-9, `clip ${n} frame ${t}`);
    }
    // every normal frame of a clip has the same total brightness; the event frame differs
    const totals = clip.map((f) => f.flat().reduce((s, v) => s + v, 0));
    const normal = totals.filter((_, t) => t !== clean.eventFrames[n]);
    assert.ok(Math.abs(totals[clean.eventFrames[n]!]! - normal[0]!) > 0.5, `clip ${n}: ${totals}`);
  }
  // the dot moves: consecutive positions differ by the speed (0.5 … 1.5 px per frame) unless it bounced
  const steps = a.positions.flatMap((p) =>
    p.slice(1).map((q, t) => Math.hypot(q[0] - p[t]![0], q[1] - p[t]![1])),
  );
  assert.ok(steps.every((s) => s <= 1.5 + 1e-3));
});

test("the default dataset hash is the one in datasets/video/README.md", () => {
  const { dataset } = videoData(videoExperiment.defaults);
  assert.deepEqual(dataset.sizes, { train: 1500, validation: 200, test: 400 });
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "video", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("bad input to the data functions gets a clear error", () => {
  assert.throws(() => generateVideo({ seed: 1, size: 0 }), /generateVideo.*size.*0/);
  assert.throws(() => generateVideo({ seed: 1, size: 2, noise: -1 }), /generateVideo.*noise.*-1/);
  assert.throws(() => generateVideo({ seed: 1, size: 2, frames: 4 } as never), /unknown option "frames"/);
  const set = generateVideo({ seed: 1, size: 3 });
  assert.throws(() => videoBatch(set, [0, 3]), /videoBatch: index 3 .* 0 … 2/);
  assert.throws(() => videoBatch(set, []), /videoBatch: indices is empty/);
});

test("bad config gets a clear error: unknown keys, wrong kinds, bad filters", async () => {
  const opts = { quick: true, record: false, progress: "none", log: false } as const;
  await assert.rejects(
    runExperiment(videoExperiment, { ...opts, config: { epoch: 2 } as never }),
    /unknown option "config\.epoch".*did you mean "epochs"/,
  );
  await assert.rejects(
    runExperiment(videoExperiment, { ...opts, config: { trackingWeight: -1 } }),
    /trackingWeight.*-1/,
  );
  await assert.rejects(runExperiment(videoExperiment, { ...opts, config: { noise: "a" } as never }), /noise/);
  assert.throws(
    () => videoModel({ ...VIDEO_DEFAULTS, filters: [] }),
    /videoModel: config\.filters .* got \[\]/,
  );
  assert.throws(() => videoModel({ ...VIDEO_DEFAULTS, filters: [8, 0.5] }), /config\.filters/);
  assert.throws(() => videoModel({ ...VIDEO_DEFAULTS, temperature: 0 }), /videoModel.*temperature/);
});

test("batch, model forward and loss have the documented shapes; every attention sums to 1; no leaks", () => {
  const set = generateVideo({ seed: 2, size: 6 });
  const model = videoModel({ ...VIDEO_DEFAULTS, seed: 2 });
  try {
    const before = tf.memory().numTensors;
    const b = videoBatch(set, [0, 2, 5]);
    assert.deepEqual(b.x.shape, [3, VIDEO_FRAMES, VIDEO_SIDE, VIDEO_SIDE]);
    assert.deepEqual(b.y.shape, [3]);
    assert.deepEqual(b.positions.shape, [3, VIDEO_FRAMES, 2]);
    assert.deepEqual(b.eventFrames.shape, [3]);
    const r = model.applyWithAttention(b.x);
    assert.deepEqual(r.output.shape, [3, VIDEO_EVENTS.length]);
    assert.deepEqual(r.attention.temporal.shape, [3, VIDEO_FRAMES]);
    assert.deepEqual(r.attention.spatial.shape, [3, VIDEO_FRAMES, VIDEO_SIDE, VIDEO_SIDE]);
    assert.deepEqual(r.attention.location.shape, [3, VIDEO_FRAMES, 2]);
    for (const row of r.attention.temporal.arraySync())
      assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5);
    for (const clip of r.attention.spatial.arraySync()) {
      for (const map of clip) assert.ok(Math.abs(map.flat().reduce((s, v) => s + v, 0) - 1) < 1e-4);
    }
    for (const row of r.output.arraySync()) assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5);
    const loss = videoLoss(model, b, VIDEO_DEFAULTS);
    assert.equal(loss.rank, 0);
    assert.ok(Number.isFinite(loss.dataSync()[0]!));
    tf.dispose([b, r, loss]);
    assert.equal(tf.memory().numTensors, before, "batch, forward and loss leave no tensors");
    const short = tf.zeros([1, 4, 16, 16]);
    assert.throws(
      () => model.applyWithAttention(short),
      /clips must be a tensor \[B, 8, 16, 16\], got \[1, 4, 16, 16\]/,
    );
    short.dispose();
    assert.equal(tf.memory().numTensors, before, "a refused call leaves no tensors");
    const beforeEval = tf.memory().numTensors;
    const ev = videoEvaluate(model, set);
    assert.equal(tf.memory().numTensors, beforeEval, "videoEvaluate leaves no tensors");
    assert.equal(ev.temporal.length, 6);
    assert.ok(ev.tracked.every((p, i) => p === ev.locations[i]![VIDEO_FRAMES - 1]));
    assert.ok(Object.values(ev.metrics).every(Number.isFinite));
  } finally {
    model.dispose();
  }
});

test("a quick video run completes, leaves no tensors behind and repeats exactly", async () => {
  const opts = { quick: true, record: false, progress: "none", log: false } as const;
  const before = tf.memory().numTensors;
  const a = await runExperiment(videoExperiment, opts);
  a.artifacts.model.dispose();
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(videoExperiment, opts);
  b.artifacts.model.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.deepEqual(Object.keys(a.metrics).sort(), ["accuracy", "epochs", "keyFrame", "trackingError"]);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.ok(afterFirst - before <= 8, `${afterFirst - before} tensors left after dispose`);
});

// ── exercises ─────────────────────────────────────────────────────────────────────────────────────────────────

const small: VideoConfig = {
  ...VIDEO_DEFAULTS,
  seed: 3,
  trainSize: 200,
  validationSize: 40,
  testSize: 80,
  epochs: 1,
};
const shortcutConfig: VideoConfig = { ...small, keyFrameWeight: 0 };
let trained: VideoModel | undefined;
let shortcutModel: VideoModel | undefined;

before(async () => {
  await initBackend();
  trained = (await videoExperiment.run(small, { progress: "none", quick: true })).artifacts.model;
  shortcutModel = (await videoExperiment.run(shortcutConfig, { progress: "none", quick: true })).artifacts
    .model;
});
after(() => {
  trained?.dispose();
  shortcutModel?.dispose();
});

test("exercise 1: the per-event key-frame shares of the unhinted model are right; slips get a hint", () => {
  const before = tf.memory().numTensors;
  const test = videoData(shortcutConfig).test;
  const ev = videoEvaluate(shortcutModel!, test);
  const shares = VIDEO_EVENTS.map((_, k) => {
    const of = test.labels.map((l, i) => (l === k ? i : -1)).filter((i) => i >= 0);
    return of.filter((i) => ev.keyFrames[i] === test.eventFrames[i]).length / of.length;
  });
  const right = { config: shortcutConfig, model: shortcutModel, keyFrameByEvent: shares };
  const verdict = check(1, right);
  assert.equal(verdict.status, "right", verdict.message);
  assert.match(verdict.message, /split .*grow .*ring/);
  assert.equal(check(1, undefined).status, "not yet");
  const overall = ev.metrics.keyFrame;
  if (!shares.every((s) => s === overall)) {
    assert.match(
      check(1, { ...right, keyFrameByEvent: shares.map(() => overall) }).message,
      /overall key-frame share/,
    );
  }
  assert.match(check(1, { ...right, config: small }).message, /keyFrameWeight` is 0\.1/);
  assert.match(check(1, { ...right, model: trained }).message, /still has|not built|is not what/);
  assert.match(check(1, { ...right, keyFrameByEvent: [0.5, 0.5] }).message, /3 shares/);
  assert.match(check(1, { ...right, config: { ...shortcutConfig, epoch: 1 } }).message, /unknown option/);
  const fresh = videoModel(shortcutConfig);
  try {
    assert.match(check(1, { ...right, model: fresh }).message, /initial weights/);
  } finally {
    fresh.dispose();
  }
  assert.equal(
    check(1, { ...right, keyFrameByEvent: shares.map((s) => Math.min(1, s + 0.01)) }).status,
    "wrong",
  );
  assert.equal(tf.memory().numTensors, before, "the checks leave no tensors");
});

test("exercise 2: a correct soft-argmax is right; swapped axes and the argmax get a hint", () => {
  const soft = (map: number[][]) => {
    let [r, c] = [0, 0];
    map.forEach((row, i) =>
      row.forEach((a, j) => {
        r += a * i;
        c += a * j;
      }),
    );
    return [r, c];
  };
  assert.equal(check(2, soft).status, "right", check(2, soft).message);
  assert.equal(check(2, undefined).status, "not yet");
  assert.match(check(2, (m: number[][]) => soft(m).reverse()).message, /swapped/);
  const argmax = (m: number[][]) => {
    let best = [0, 0];
    m.forEach((row, i) =>
      row.forEach((v, j) => {
        if (v > m[best[0]!]![best[1]!]!) best = [i, j];
      }),
    );
    return best;
  };
  assert.match(check(2, argmax).message, /argmax pixel/);
  assert.match(check(2, () => [0, 0, 0]).message, /\[row, col\]/);
  assert.match(
    check(2, () => {
      throw new Error("boom");
    }).message,
    /threw.*boom/,
  );
  assert.match(check(2, 3).message, /should be a function/);
});

test("exercise 3: the per-frame tracking errors are right; slips get a hint", () => {
  const before = tf.memory().numTensors;
  const test = videoData(small).test;
  const ev = videoEvaluate(trained!, test);
  const errors = Array.from(
    { length: VIDEO_FRAMES },
    (_, t) =>
      test.positions.reduce(
        (s, p, i) => s + Math.hypot(ev.locations[i]![t]![0] - p[t]![0], ev.locations[i]![t]![1] - p[t]![1]),
        0,
      ) / test.positions.length,
  );
  const right = { config: small, model: trained, errors };
  const verdict = check(3, right);
  assert.equal(verdict.status, "right", verdict.message);
  assert.equal(check(3, undefined).status, "not yet");
  assert.match(
    check(3, { ...right, errors: errors.map(() => ev.metrics.trackingError) }).message,
    /last frame's error/,
  );
  assert.match(check(3, { ...right, errors: [...errors].reverse() }).message, /reverse order/);
  assert.match(check(3, { ...right, errors: errors.slice(1) }).message, /8 distances/);
  assert.match(check(3, { ...right, config: { ...small, seed: 4 } }).message, /not built from/);
  assert.equal(check(3, { ...right, errors: errors.map((e) => e + 0.1) }).status, "wrong");
  assert.equal(tf.memory().numTensors, before, "the checks leave no tensors");
});

/**
 * `fit`: it trains (a linear regression recovers its weights), shuffles the same way for the same seed, stops
 * early or on a target, reports NaN losses with the epoch and step, checks its options, and leaks no tensors.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "../../lib/random/prng.js";
import { epochBatches, take } from "../../lib/train/batches.js";
import { type FitOptions, fit } from "../../lib/train/fit.js";
import { type EpochLog, progressLine, type ProgressReporter } from "../../lib/train/progress.js";

before(async () => {
  await tf.setBackend("cpu");
});

const rng = mulberry32(1);
const xs = Array.from({ length: 64 }, () => [rng.normal(), rng.normal()]);
const ys = xs.map(([a, b]) => 2 * a! - 3 * b! + 0.5);

type Batch = { x: tf.Tensor2D; y: tf.Tensor2D };

function regression(seed: number, epochs = 30, extra: Partial<FitOptions<Batch>> = {}) {
  const [w, b] = tf.tidy(() => [tf.variable(tf.zeros([2, 1])), tf.variable(tf.zeros([1]))]);
  const run = fit<Batch>({
    size: xs.length,
    epochs,
    batchSize: 16,
    seed,
    optimizer: tf.train.sgd(0.1),
    batch: (ix) => ({ x: tf.tensor2d(take(xs, ix)), y: tf.tensor2d(take(ys, ix), [ix.length, 1]) }),
    loss: (t) => tf.losses.meanSquaredError(t.y, tf.add(tf.matMul(t.x, w), b)) as tf.Scalar,
    evaluate: () => ({ w0: w.dataSync()[0]!, w1: w.dataSync()[1]! }),
    progress: "none",
    ...extra,
  });
  return { w, b, run };
}

test("fit recovers the weights of a linear regression, with one history entry per epoch", async () => {
  const { w, b, run } = regression(0);
  const result = await run;
  assert.equal(result.history.length, 30);
  assert.equal(result.steps, 30 * 4);
  assert.equal(result.reason, "epochs");
  const [w0, w1] = w.dataSync();
  assert.ok(Math.abs(w0! - 2) < 1e-3 && Math.abs(w1! + 3) < 1e-3 && Math.abs(b.dataSync()[0]! - 0.5) < 1e-3);
  assert.ok(result.history.at(-1)!.loss < result.history[0]!.loss / 100);
  tf.dispose([w, b]);
});

test("the same seed gives bit-identical histories; another seed a different batch order", async () => {
  const [a, b, c] = [regression(5, 3), regression(5, 3), regression(6, 3)];
  const [ra, rb, rc] = [await a.run, await b.run, await c.run];
  const strip = (h: EpochLog[]) => h.map(({ seconds: _s, ...rest }) => rest);
  assert.deepEqual(strip(ra.history), strip(rb.history));
  assert.notDeepEqual(strip(ra.history), strip(rc.history));
  tf.dispose([a.w, a.b, b.w, b.b, c.w, c.b]);
  assert.notDeepEqual(epochBatches(10, 3, 1, { seed: 1 }), epochBatches(10, 3, 1, { seed: 2 }));
  assert.deepEqual(epochBatches(5, 2, 1, { shuffle: false })[0], [[0, 1], [2, 3], [4]]);
});

test("stopWhen ends training once a target holds; early stopping after `patience` epochs without improvement", async () => {
  const t = regression(0, 50, { stopWhen: (m) => Math.abs(m.w0! - 2) < 0.05 });
  const r = await t.run;
  assert.equal(r.reason, "target reached");
  assert.ok(r.history.length < 50);
  tf.dispose([t.w, t.b]);
  let calls = 0;
  const e = regression(0, 50, {
    evaluate: () => ({ score: ++calls <= 3 ? calls : 0 }),
    earlyStopping: { metric: "score", mode: "max", patience: 2 },
  });
  const re = await e.run;
  assert.equal(re.reason, "early stopping");
  assert.equal(re.bestEpoch, 3);
  assert.equal(re.history.length, 5);
  tf.dispose([e.w, e.b]);
});

test("fit keeps tf.memory().numTensors flat across epochs", async () => {
  const before = tf.memory().numTensors;
  const t = regression(0, 5);
  const afterVars = tf.memory().numTensors;
  await t.run;
  assert.equal(tf.memory().numTensors, afterVars, `${afterVars - before} tensors before fit`);
  tf.dispose([t.w, t.b]);
});

test("a NaN loss stops with the epoch and step; bad options name the option", async () => {
  const w = tf.variable(tf.scalar(1));
  await assert.rejects(
    fit({
      size: 4,
      epochs: 2,
      batchSize: 2,
      optimizer: tf.train.sgd(0.1),
      batch: (ix) => tf.tensor1d(ix),
      loss: (x) => tf.mul(tf.sum(x), tf.div(w, tf.scalar(0))) as tf.Scalar,
      progress: "none",
    }),
    /fit: the loss is (NaN|Infinity|-Infinity) at epoch 1, step 1 .*the weights were not updated/,
  );
  assert.equal(w.dataSync()[0], 1, "a NaN loss never reaches the weights");
  w.dispose();
  const v = tf.variable(tf.scalar(1));
  const base = {
    size: 4,
    epochs: 1,
    batchSize: 2,
    optimizer: tf.train.sgd(0.1),
    batch: () => tf.scalar(0),
    loss: () => tf.mul(v, 0) as tf.Scalar,
    progress: "none" as const,
  };
  await assert.rejects(fit({ ...base, batchSize: 0 }), /options.batchSize must be an integer ≥ 1, got 0/);
  await assert.rejects(fit({ ...base, epochs: 1.5 }), /options.epochs must be an integer ≥ 1, got 1.5/);
  await assert.rejects(
    fit({
      ...base,
      evaluate: () => ({ acc: 1 }),
      earlyStopping: { metric: "loss", mode: "min", patience: 1 },
    }),
    /earlyStopping.metric "loss" is not among the evaluated metrics \[acc\]/,
  );
  assert.throws(() => take([1, 2], [2]), /take: index 2 is outside \[0, 2\)/);
  assert.equal(v.dataSync()[0], 1, "no update was applied");
  v.dispose();
});

test("setLearningRate changes the step of SGD (a cached scalar) and of Adam (a field)", async () => {
  for (const make of [() => tf.train.sgd(1), () => tf.train.adam(1)]) {
    const steps: number[] = [];
    for (const rate of [0.5, 0.01]) {
      const w = tf.variable(tf.scalar(0));
      const opt = make();
      await fit({
        size: 1,
        epochs: 1,
        batchSize: 1,
        optimizer: opt,
        learningRate: () => rate,
        batch: () => tf.scalar(0),
        loss: () => tf.sub(w, 10).square().sum() as tf.Scalar,
        progress: "none",
      });
      steps.push(Math.abs(w.dataSync()[0]!));
      tf.dispose([w]);
      opt.dispose();
    }
    assert.ok(steps[0]! > steps[1]! * 10, `${steps}`);
  }
});

test("a progress reporter is told start, every step, every epoch and the end", async () => {
  const seen: string[] = [];
  const reporter: ProgressReporter = {
    start: (i) => void seen.push(`start ${i.epochs}x${i.stepsPerEpoch}`),
    step: (s) => void seen.push(`step ${s.epoch}.${s.step}`),
    epoch: (l) => void seen.push(`epoch ${l.epoch}`),
    end: (e) => void seen.push(`end ${e.reason}`),
  };
  const t = regression(0, 2, { progress: reporter });
  await t.run;
  tf.dispose([t.w, t.b]);
  assert.deepEqual(seen, [
    "start 2x4",
    "step 1.1",
    "step 1.2",
    "step 1.3",
    "step 1.4",
    "epoch 1",
    "step 2.1",
    "step 2.2",
    "step 2.3",
    "step 2.4",
    "epoch 2",
    "end epochs",
  ]);
  assert.match(
    progressLine({
      title: "t",
      epoch: 1,
      epochs: 2,
      fraction: 1,
      loss: 1,
      seconds: 1,
      metrics: { acc: 0.5 },
    }),
    /acc 0\.5000/,
  );
});

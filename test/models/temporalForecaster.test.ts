/**
 * The temporal attention forecaster: shapes and attention rows, the forward pass against a plain-array
 * computation with the same weights (wasm and cpu), the weight layout, seeding, config round trip, bad
 * arguments, a training step that lowers the loss, and no tensor left behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { forecastWindows, TemporalAttentionForecaster } from "../../lib/models/temporalForecaster.js";
import { sameWeights, trainableVariables } from "../../lib/train/variables.js";
import { BACKENDS, batch, useBackend } from "../layers/attentionHelpers.js";

const tanh = Math.tanh;
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const col = (m: number[][], j: number) => m.map((r) => r[j]!);

/** ŷ and α of one window, from the weights as plain arrays (HAN pooling with a learned position table). */
function reference(model: TemporalAttentionForecaster, window: number[][]): { y: number; alpha: number[] } {
  const [we, be, p, u, b, v, wh, bh] = model.getWeights().map((w) => w.arraySync()) as [
    number[][],
    number[],
    number[][],
    number[][],
    number[],
    number[],
    number[][],
    number[],
  ];
  const e = be.length;
  const h = window.map((x, i) =>
    Array.from({ length: e }, (_, k) => tanh(dot(x, col(we, k)) + be[k]! + p[i]![k]!)),
  );
  const scores = h.map((hi) =>
    dot(
      v,
      Array.from({ length: u[0]!.length }, (_, k) => tanh(dot(hi, col(u, k)) + b[k]!)),
    ),
  );
  const max = Math.max(...scores);
  const exp = scores.map((s) => Math.exp(s - max));
  const alpha = exp.map((x) => x / exp.reduce((a, c) => a + c, 0));
  const c = Array.from({ length: e }, (_, k) => h.reduce((s, hi, i) => s + alpha[i]! * hi[k]!, 0));
  return { y: dot(c, col(wh, 0)) + bh[0]!, alpha };
}

for (const backend of BACKENDS) {
  test(`forecasts and attention equal the plain-array computation (${backend})`, async () => {
    await useBackend(backend);
    const model = new TemporalAttentionForecaster({
      window: 6,
      features: 3,
      dModel: 4,
      seed: 7,
    }).ensureBuilt();
    const windows = batch(2, 6, 3, 11);
    const before = tf.memory().numTensors;
    const x = tf.tensor3d(windows);
    const { output, attention } = model.applyWithAttention(x);
    assert.deepEqual([output.shape, attention.shape], [[2], [2, 6]]);
    const plain = model.apply(x) as tf.Tensor;
    assert.deepEqual(plain.arraySync(), output.arraySync(), "apply and applyWithAttention agree");
    windows.forEach((w, n) => {
      const ref = reference(model, w);
      assert.ok(Math.abs(output.arraySync()[n]! - ref.y) < 1e-5, `ŷ ${output.arraySync()[n]} vs ${ref.y}`);
      (attention.arraySync() as number[][])[n]!.forEach((a, i) =>
        assert.ok(Math.abs(a - ref.alpha[i]!) < 1e-5),
      );
    });
    tf.dispose([x, output, attention, plain]);
    assert.equal(tf.memory().numTensors, before, "nothing left behind by the calls");
    model.dispose();
  });
}

test("weight layout, seeding and the config round trip", async () => {
  await useBackend("wasm");
  const args = { window: 5, features: 2, dModel: 3, seed: 1 };
  const model = new TemporalAttentionForecaster(args).ensureBuilt();
  assert.deepEqual(
    model.weights.map((w) => w.shape),
    [[2, 3], [3], [5, 3], [3, 3], [3], [3], [3, 1], [1]],
  );
  assert.equal(trainableVariables(model).length, 8);
  const twin = new TemporalAttentionForecaster(args).ensureBuilt();
  const other = new TemporalAttentionForecaster({ ...args, seed: 2 }).ensureBuilt();
  assert.ok(sameWeights(model, twin), "same seed, same initial weights");
  assert.ok(!sameWeights(model, other), "another seed, other weights");
  const config = model.getConfig();
  assert.deepEqual([config.window, config.features, config.dModel, config.seed], [5, 2, 3, 1]);
  const copy = TemporalAttentionForecaster.fromConfig(
    TemporalAttentionForecaster,
    config,
  ) as TemporalAttentionForecaster;
  copy.ensureBuilt();
  assert.ok(sameWeights(model, copy), "fromConfig(getConfig()) rebuilds the same model");
  assert.equal(new TemporalAttentionForecaster({ window: 5, features: 2 }).dModel, 16);
  for (const m of [model, twin, other, copy]) m.dispose();
});

test("bad arguments and bad windows are errors naming what is wrong", async () => {
  await useBackend("wasm");
  const make = (args: object) => () => new TemporalAttentionForecaster(args as never);
  assert.throws(make({ features: 2 }), /TemporalAttentionForecaster: options\.window/);
  assert.throws(
    make({ window: 4, features: 2, dmodel: 8 }),
    /unknown option "dmodel" \(did you mean "dModel"\?\)/,
  );
  assert.throws(make({ window: 0, features: 2 }), /options\.window must be an integer ≥ 1/);
  assert.throws(make({ window: 4, features: 2, seed: -1 }), /options\.seed must be an integer ≥ 0/);
  const model = new TemporalAttentionForecaster({ window: 4, features: 2 }).ensureBuilt();
  tf.tidy(() => {
    assert.throws(
      () => model.apply(tf.zeros([1, 5, 2])),
      /windows must be \[B, 4, 2\] \(window, features\), got \[1, 5, 2\]/,
    );
    assert.throws(() => model.apply(tf.zeros([1, 4, 3])), /got \[1, 4, 3\]/);
    assert.throws(
      () => model.apply([tf.zeros([1, 4, 2]), tf.zeros([1, 4, 2])]),
      /takes one input.*got 2 tensors/,
    );
    assert.throws(
      () => model.applyWithAttention(tf.zeros([1, 4, 2]), { returnAttention: true } as never),
      /unknown option "returnAttention"/,
    );
  });
  assert.throws(() => forecastWindows(model, []), /forecastWindows: windows must be a non-empty/);
  model.dispose();
});

test("a few Adam steps lower the loss on a planted-lag toy, and forecastWindows leaves nothing behind", async () => {
  await useBackend("wasm");
  const model = new TemporalAttentionForecaster({ window: 4, features: 1, dModel: 8, seed: 3 }).ensureBuilt();
  const windows = batch(32, 4, 1, 5);
  const x = tf.tensor3d(windows);
  const y = tf.tensor1d(windows.map((w) => w[1]![0]!)); // the target is step 1 of the window
  const optimizer = tf.train.adam(0.05);
  const loss = () =>
    tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
  const first = tf.tidy(() => loss().dataSync()[0]!);
  for (let i = 0; i < 30; i++) tf.dispose(optimizer.minimize(loss, true, trainableVariables(model)) ?? []);
  const last = tf.tidy(() => loss().dataSync()[0]!);
  assert.ok(last < first / 2, `loss ${first} → ${last}`);
  const before = tf.memory().numTensors;
  const out = forecastWindows(model, windows.slice(0, 3));
  assert.equal(tf.memory().numTensors, before);
  assert.equal(out.predictions.length, 3);
  for (const row of out.attention) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  out.meanAttention.forEach((m, i) => {
    const column = out.attention.reduce((a, row) => a + row[i]!, 0) / out.attention.length;
    assert.ok(Math.abs(m - column) < 1e-6, `mean α at ${i}: ${m} vs ${column}`);
  });
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
});

test("doc example: shapes of applyWithAttention", async () => {
  await useBackend("wasm");
  const model = new TemporalAttentionForecaster({ window: 20, features: 2 });
  const { output, attention } = model.applyWithAttention(tf.zeros([3, 20, 2]));
  assert.deepEqual([output.shape, attention.shape], [[3], [3, 20]]);
  tf.dispose([output, attention]);
  model.dispose();
  const small = new TemporalAttentionForecaster({ window: 2, features: 1 });
  assert.equal(forecastWindows(small, [[[0], [1]]]).attention[0]!.length, 2);
  small.dispose();
});

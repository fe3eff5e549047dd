/**
 * applyOptimizerStep: on wasm, Adam through the fused "AttnlabAdamUpdate" kernel gives the same bits as tfjs's
 * applyGradients, step after step (with tfjs's defaults and with a custom β2 and ε), and hands over cleanly in
 * both directions; other optimizers take applyGradients; no tensors leak.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { applyOptimizerStep } from "../../lib/train/adamStep.js";
import { randn, setupWasm } from "../tfjs/backends.js";

before(setupWasm);

/** Trains a tiny regression for `steps` steps; `step(i)` says whether step i goes through applyOptimizerStep. */
function train(optimizer: tf.Optimizer, steps: number, fused: (i: number) => boolean): number[][] {
  const w = tf.variable(randn([7, 5], 1), true, `w${Math.random()}`.replace(".", ""));
  const b = tf.variable(tf.zeros([5]), true, `b${Math.random()}`.replace(".", ""));
  const [x, y] = [randn([9, 7], 2), randn([9, 5], 3)];
  for (let i = 0; i < steps; i++) {
    const { value, grads } = optimizer.computeGradients(() =>
      tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b)),
    );
    if (fused(i)) applyOptimizerStep(optimizer, grads);
    else optimizer.applyGradients(grads);
    tf.dispose([value, ...Object.values(grads)]);
  }
  const out = [Array.from(w.dataSync()), Array.from(b.dataSync())];
  tf.dispose([w, b, x, y]);
  optimizer.dispose();
  return out;
}

test("fused Adam equals tfjs's Adam bit for bit, and the two hand over mid-training", () => {
  for (const make of [() => tf.train.adam(0.01), () => tf.train.adam(3e-3, 0.9, 0.98, 1e-9)]) {
    const want = train(make(), 12, () => false);
    assert.deepEqual(
      train(make(), 12, () => true),
      want,
      "fused every step",
    );
    assert.deepEqual(
      train(make(), 12, (i) => i % 3 === 0),
      want,
      "alternating",
    );
  }
});

test("on wasm a step runs the fused kernel, one call per variable", async () => {
  const optimizer = tf.train.adam(0.01);
  const [w, b] = [tf.variable(randn([4, 3], 5)), tf.variable(tf.zeros([3]))];
  const info = await tf.profile(() => {
    const { value, grads } = optimizer.computeGradients(() => tf.sum(tf.square(tf.add(w, b))) as tf.Scalar);
    applyOptimizerStep(optimizer, grads);
    tf.dispose([value, ...Object.values(grads)]);
  });
  assert.equal(info.kernels.filter((k) => k.name === "AttnlabAdamUpdate").length, 2);
  tf.dispose([w, b]);
  optimizer.dispose();
});

test("other optimizers go through applyGradients; a fused step leaks no tensors", () => {
  assert.deepEqual(
    train(tf.train.sgd(0.1), 5, () => true),
    train(tf.train.sgd(0.1), 5, () => false),
  );
  const optimizer = tf.train.adam(0.01);
  const w = tf.variable(randn([4, 3], 4));
  const step = () => {
    const { value, grads } = optimizer.computeGradients(() => tf.sum(tf.square(w)) as tf.Scalar);
    applyOptimizerStep(optimizer, grads);
    tf.dispose([value, ...Object.values(grads)]);
  };
  step(); // creates the moments
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) step();
  assert.equal(tf.memory().numTensors, before);
  w.dispose();
  optimizer.dispose();
});

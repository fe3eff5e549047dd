/**
 * Training steps on wasm need attnlab's kernels: a tiny embedding + conv model lowers its loss in one step,
 * and a model with every layer kind a Transformer/GRU/LSTM/CNN uses takes the same step on wasm as on cpu.
 * Weights come from a seed, so both backends start from the same point.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { setupWasm } from "./backends.js";

before(async () => {
  await setupWasm();
  // tfjs's own fused matMul (dense layers) trips the engine's per-kernel leak check on wasm; counted below instead
  tf.env().set("IS_TEST", false);
});

const [B, T, V, E] = [4, 6, 12, 8];
const tokens = () =>
  tf.tensor2d([1, 5, 3, 3, 7, 2, 0, 11, 4, 4, 9, 1, 6, 6, 2, 8, 10, 3, 5, 7, 1, 2, 3, 4], [B, T], "int32");
const labels = () => tf.tensor1d([0, 2, 1, 2]);

/** Embedding → conv2d → dense: the smallest model whose step needs UnsortedSegmentSum and Conv2DBackpropFilter. */
function tinyModel(): tf.LayersModel {
  const input = tf.input({ shape: [T], dtype: "int32" });
  const x = tf.layers.embedding({ inputDim: V, outputDim: E }).apply(input); // [B, T, E]
  const img = tf.layers.reshape({ targetShape: [T, E, 1] }).apply(x); // [B, T, E, 1]
  const conv = tf.layers
    .conv2d({ filters: 2, kernelSize: 3, padding: "same", activation: "relu" })
    .apply(img);
  const flat = tf.layers.flatten().apply(conv);
  const out = tf.layers.dense({ units: 3, activation: "softmax" }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Every trainable layer kind of the kit's models, no dropout (randomness would differ by backend). */
function zooModel(): tf.LayersModel {
  const input = tf.input({ shape: [T], dtype: "int32" });
  const x = tf.layers.embedding({ inputDim: V, outputDim: E }).apply(input); // [B, T, E]
  let img = tf.layers.reshape({ targetShape: [T, E, 1] }).apply(x); // [B, T, E, 1]
  img = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: "same" }).apply(img);
  img = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: "same", depthMultiplier: 2 }).apply(img);
  img = tf.layers.separableConv2d({ filters: 2, kernelSize: 3, padding: "same" }).apply(img);
  img = tf.layers.conv2dTranspose({ filters: 1, kernelSize: 2, padding: "same" }).apply(img);
  let seq = tf.layers.reshape({ targetShape: [T, E] }).apply(img); // [B, T, E]
  seq = tf.layers.conv1d({ filters: E, kernelSize: 3, padding: "same" }).apply(seq);
  seq = tf.layers.gru({ units: 5, returnSequences: true }).apply(seq);
  seq = tf.layers.lstm({ units: 4, returnSequences: true }).apply(seq);
  seq = tf.layers.layerNormalization().apply(seq); // [B, T, 4]
  const s = seq as tf.SymbolicTensor;
  const scores = tf.layers.dot({ axes: [2, 2] }).apply([s, s]); // [B, T, T]
  const weights = tf.layers.softmax({ axis: -1 }).apply(scores) as tf.SymbolicTensor;
  const context = tf.layers.dot({ axes: [2, 1] }).apply([weights, s]); // [B, T, 4]
  const pooled = tf.layers.globalAveragePooling1d().apply(context);
  const out = tf.layers.dense({ units: 3, activation: "softmax" }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/**
 * Builds `make()` on `backend` with seeded weights and takes two SGD steps; returns the loss each step saw:
 * before any update, and after one. (Losses come from `trainOnBatch`: in tfjs-layers 4.22 a `predict` or
 * `evaluate` on a model with `dot` layers makes the next `trainOnBatch` throw, on every backend.)
 */
async function oneStep(backend: string, make: () => tf.LayersModel): Promise<[number, number]> {
  await tf.setBackend(backend);
  const model = make();
  const seeded = model.getWeights().map((w, k) => tf.randomUniform(w.shape, -0.4, 0.4, "float32", k + 1));
  model.setWeights(seeded);
  tf.dispose(seeded);
  const optimizer = tf.train.sgd(0.2);
  model.compile({ optimizer, loss: "sparseCategoricalCrossentropy" });
  const [xs, ys] = [tokens(), labels()];
  const before = (await model.trainOnBatch(xs, ys)) as number;
  const after = (await model.trainOnBatch(xs, ys)) as number;
  tf.dispose([xs, ys]);
  model.dispose();
  optimizer.dispose(); // the model does not own it
  return [before, after];
}

test("a tiny embedding + conv model lowers its loss in one step on wasm", async () => {
  const numTensors = tf.memory().numTensors;
  const [before, after] = await oneStep("wasm", tinyModel);
  assert.ok(Number.isFinite(after) && after < before, `loss ${before} → ${after}`);
  assert.equal(tf.memory().numTensors, numTensors, "model and step leave no tensors");
});

test("every layer kind takes the same step on wasm as on cpu", async () => {
  const wasm = await oneStep("wasm", zooModel);
  const cpu = await oneStep("cpu", zooModel);
  await tf.setBackend("wasm");
  assert.ok(wasm[1] < wasm[0], `wasm loss ${wasm[0]} → ${wasm[1]}`);
  for (const k of [0, 1])
    assert.ok(Math.abs(wasm[k]! - cpu[k]!) <= 1e-5 * Math.max(1, cpu[k]!), `wasm ${wasm} cpu ${cpu}`);
});

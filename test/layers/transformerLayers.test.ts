/**
 * Transformer encoder and decoder layers, positional encodings and LayerNorm: output shapes, masks change the
 * output, attention weights on request (causal in the decoder), pre-LN vs post-LN, the sinusoidal layer adds
 * tier 1's table, config round trips, wasm = cpu, one training step lowers the loss, no leaks.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { LayerNorm } from "../../lib/layers/layerNorm.js";
import {
  LearnedPositionalEncoding,
  SinusoidalPositionalEncoding,
} from "../../lib/layers/positionalEncoding.js";
import { TransformerDecoderLayer } from "../../lib/layers/transformerDecoderLayer.js";
import { TransformerEncoderLayer } from "../../lib/layers/transformerEncoderLayer.js";
import { sinusoidalPositionalEncoding } from "../../lib/math/index.js";
import { assertClose } from "../helpers.js";
import { BACKENDS, batch, buildWith, roundTrip, useBackend } from "./attentionHelpers.js";

const [B, T, S, E] = [2, 3, 4, 8];
const args = { numHeads: 2, dFF: 16, seed: 5 };
const x = () => tf.tensor(batch(B, T, E, 1));
const memory = () => tf.tensor(batch(B, S, E, 2));
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;

for (const backend of BACKENDS) {
  test(`encoder layer on ${backend}: shape, padding changes the output, weights, post-LN ≠ pre-LN`, async () => {
    await useBackend(backend);
    const post = buildWith(new TransformerEncoderLayer(args), [[B, T, E]]);
    const pre = buildWith(new TransformerEncoderLayer({ ...args, normFirst: true }), [[B, T, E]]);
    pre.setWeights(post.getWeights());
    tf.tidy(() => {
      const { output: out, attention: w } = post.applyWithAttention(x());
      assert.deepEqual(out.shape, [B, T, E]);
      assert.deepEqual(w.shape, [B, 2, T, T]);
      assert.equal(maxDiff(out, post.apply(x()) as tf.Tensor), 0, "the same output as apply");
      const padded = post.apply(x(), { validLens: tf.tensor1d([1, 3], "int32") }) as tf.Tensor;
      assert.ok(maxDiff(out, padded) > 1e-4, "padding changes the output");
      assert.ok(maxDiff(out, pre.apply(x()) as tf.Tensor) > 1e-4, "normFirst changes the output");
    });
    post.dispose();
    pre.dispose();
  });

  test(`decoder layer on ${backend}: shape, causal self-weights, memory padding zeroes cross-weights`, async () => {
    await useBackend(backend);
    const layer = buildWith(new TransformerDecoderLayer(args), [
      [B, T, E],
      [B, S, E],
    ]);
    tf.tidy(() => {
      const {
        output: out,
        attention: { self, cross },
      } = layer.applyWithAttention([x(), memory()], { memoryValidLens: tf.tensor1d([2, 4], "int32") });
      assert.deepEqual(out.shape, [B, T, E]);
      assert.deepEqual(self.shape, [B, 2, T, T]);
      assert.deepEqual(cross.shape, [B, 2, T, S]);
      const s = self.arraySync() as number[][][][];
      assert.equal(s[1]![1]![0]![1], 0, "query 0 cannot see key 1");
      const c = cross.arraySync() as number[][][][];
      assert.equal(c[0]![0]![2]![3], 0, "memory key 3 is padding in example 0");
      assert.ok(Math.abs(c[0]![0]![2]![0]! + c[0]![0]![2]![1]! - 1) < 1e-5);
    });
    layer.dispose();
  });
}

test("encoder and decoder layers give the same outputs on wasm and cpu", async () => {
  const run = async (backend: string) => {
    await useBackend(backend);
    const enc = buildWith(new TransformerEncoderLayer(args), [[B, T, E]]);
    const dec = buildWith(new TransformerDecoderLayer({ ...args, normFirst: true }), [
      [B, T, E],
      [B, S, E],
    ]);
    const out = tf.tidy(() => {
      const h = enc.apply(x()) as tf.Tensor;
      return (dec.apply([h, memory()]) as tf.Tensor).arraySync() as number[][][];
    });
    enc.dispose();
    dec.dispose();
    return out;
  };
  assertClose(await run("wasm"), await run("cpu"), 1e-5, "wasm vs cpu");
});

test("positional encodings: sinusoidal adds tier 1's table, learned adds its table, length checked", async () => {
  await useBackend("wasm");
  const sin = new SinusoidalPositionalEncoding({ maxLength: 6 });
  const learned = buildWith(new LearnedPositionalEncoding({ maxLength: 6, seed: 1 }), [[1, T, E]]);
  tf.tidy(() => {
    const zeros = tf.zeros([B, T, E]);
    const want = sinusoidalPositionalEncoding(T, E);
    assertClose(
      (sin.apply(zeros) as tf.Tensor).arraySync() as number[][][],
      [want, want],
      1e-6,
      "sinusoidal",
    );
    const table = learned.getWeights()[0]!.slice([0, 0], [T, E]).arraySync() as number[][];
    assertClose(
      (learned.apply(zeros) as tf.Tensor).arraySync() as number[][][],
      [table, table],
      1e-7,
      "learned",
    );
    assert.throws(() => learned.apply(tf.zeros([1, 7, E])), /sequence length 7 exceeds maxLength 6/);
  });
  assert.deepEqual(roundTrip(sin).getConfig().maxLength, 6);
  learned.dispose();
});

test("LayerNorm normalises the last axis; configs round-trip; a training step lowers the loss; no leaks", async () => {
  await useBackend("wasm");
  const norm = buildWith(new LayerNorm(), [[B, T, E]]);
  tf.tidy(() => {
    const y = norm.apply(x()) as tf.Tensor;
    assert.ok(tf.max(tf.abs(tf.mean(y, -1))).dataSync()[0]! < 1e-5);
  });
  const enc = buildWith(new TransformerEncoderLayer({ ...args, dropout: 0.1 }), [[B, T, E]]);
  const copy = buildWith(roundTrip(enc), [[B, T, E]]);
  assert.deepEqual(copy.getConfig(), { ...enc.getConfig(), name: copy.name });
  copy.setWeights(enc.getWeights());
  const [input, target] = [x(), tf.tensor(batch(B, T, E, 9))];
  assertClose(
    tf.tidy(() => (copy.apply(input) as tf.Tensor).arraySync() as number[][][]),
    tf.tidy(() => (enc.apply(input) as tf.Tensor).arraySync() as number[][][]),
    1e-6,
    "fromConfig",
  );
  const optimizer = tf.train.adam(0.01);
  const vars = enc.trainableWeights.map((w) => w.read() as tf.Variable);
  assert.equal(vars.length, 16, "MHA 8 + FFN 4 + 2 LayerNorms × 2");
  const loss = () =>
    tf.losses.meanSquaredError(target, enc.apply(input, { training: true }) as tf.Tensor) as tf.Scalar;
  const costs = [0, 1, 2, 3].map(() => {
    const cost = optimizer.minimize(loss, true, vars)!;
    const value = cost.dataSync()[0]!;
    cost.dispose();
    return value;
  });
  assert.ok(costs[3]! < costs[0]!, `loss ${costs}`);
  const settled = tf.memory().numTensors;
  optimizer.minimize(loss, false, vars);
  assert.equal(tf.memory().numTensors, settled, "tensors leaked in a step");
  tf.dispose([input, target]);
  optimizer.dispose();
  for (const l of [norm, enc, copy]) l.dispose();
});

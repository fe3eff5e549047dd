/**
 * The `@example` blocks of lib/layers/cnn, lib/layers/pooling and lib/models/cnn, run as written (on wasm), so the docs of the
 * CNN and pooling attention layers cannot drift from the code.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { maskedSoftmax, validLensMask } from "../../lib/layers/attentionMask.js";
import { Cbam, SqueezeExcitation } from "../../lib/layers/cnn/index.js";
import { AttentionPooling, SoftSpatialAttentionPooling } from "../../lib/layers/pooling/index.js";
import { ATTENTION_CNN_PRESETS, attentionCnn } from "../../lib/models/cnn/index.js";
import { setupWasm } from "../tfjs/backends.js";
import { assertClose } from "./cnnPoolingChecks.js";

before(setupWasm);

test("SqueezeExcitation example", () => {
  const se = new SqueezeExcitation({ ratio: 2 });
  const { output, attention } = se.applyWithAttention(tf.ones([1, 4, 4, 8]));
  assert.deepEqual(output.shape, [1, 4, 4, 8]);
  assert.deepEqual(attention.shape, [1, 8]);
  tf.dispose([output, attention, ...se.weights.map((w) => w.read())]);
});

test("Cbam example", () => {
  const cbam = new Cbam({ ratio: 2 });
  const r = cbam.applyWithAttention(tf.ones([1, 5, 5, 4]));
  assert.deepEqual(r.attention.channel.shape, [1, 4]);
  assert.deepEqual(r.attention.spatial.shape, [1, 5, 5]);
  tf.dispose([r.output, r.attention.channel, r.attention.spatial]);
});

test("SoftSpatialAttentionPooling example", () => {
  const pool = new SoftSpatialAttentionPooling({ temperature: 0.5 });
  const r = pool.applyWithAttention(tf.ones([2, 3, 4, 5]));
  assert.deepEqual(r.output.shape, [2, 5]);
  assert.deepEqual(r.attention.shape, [2, 3, 4]);
  assertClose(
    r.location.arraySync(),
    [
      [1, 1.5],
      [1, 1.5],
    ],
    1e-6,
    "location",
  );
  tf.dispose([r.output, r.attention, r.location]);
});

test("AttentionPooling, validLensMask and maskedSoftmax examples", () => {
  const pool = new AttentionPooling({ score: "query" });
  const r = pool.applyWithAttention([tf.ones([2, 5, 8]), validLensMask([5, 2], 5)]);
  assert.deepEqual(r.output.shape, [2, 8]);
  assertClose(r.attention.arraySync()[1], [0.5, 0.5, 0, 0, 0], 1e-6, "weights");
  assert.deepEqual(validLensMask([1, 3], 3).arraySync(), [
    [1, 0, 0],
    [1, 1, 1],
  ]);
  const w = maskedSoftmax(
    tf.tensor2d([
      [1, 1, 1],
      [1, 1, 1],
    ]),
    tf.tensor2d([
      [1, 1, 0],
      [0, 0, 0],
    ]),
  );
  assertClose(
    w.arraySync(),
    [
      [0.5, 0.5, 0],
      [0, 0, 0],
    ],
    1e-6,
    "masked softmax",
  );
});

test("attentionCnn example", () => {
  const { model, mapNames } = attentionCnn({ ...ATTENTION_CNN_PRESETS.tiny });
  assert.deepEqual(model.outputs[0]!.shape, [null, 4]);
  assert.deepEqual(mapNames, ["block0Channel", "block0Spatial", "poolingMap", "poolingLocation"]);
  model.dispose();
});

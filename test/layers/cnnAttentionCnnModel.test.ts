/**
 * The attentionCnn model on wasm and cpu: output and attention-map shapes and ranges, the variants (SE,
 * none, average pooling), one training step lowers the loss, 200 steps (wasm; 50 on cpu) keep numTensors flat, and save → load
 * gives identical predictions.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { ATTENTION_CNN_PRESETS, attentionCnn } from "../../lib/models/cnn/index.js";
import {
  assertClose,
  flat,
  onEachBackend,
  saveAndLoad,
  shapeOf,
  trainAndCount,
  values,
} from "./cnnPoolingChecks.js";

const tiny = ATTENTION_CNN_PRESETS.tiny; // 8×8×1 images, 4 classes, one block of 8 filters
const B = 3;

onEachBackend("attentionCnn", (backend) => {
  test("tiny CBAM + soft spatial pooling: output, map names, shapes and ranges", () => {
    const { model, inspector, mapNames } = attentionCnn(tiny);
    assert.deepEqual(model.outputs[0]!.shape, [null, 4]);
    assert.deepEqual(mapNames, ["block0Channel", "block0Spatial", "poolingMap", "poolingLocation"]);
    const x = tf.randomNormal([B, 8, 8, 1], 0, 1, "float32", 3);
    const [probs] = values(() => model.predict(x) as tf.Tensor);
    for (const row of probs as number[][])
      assertClose(
        row.reduce((a, v) => a + v, 0),
        1,
        1e-5,
        "probabilities",
      );
    const [channel, spatial, map, location] = values(() => inspector!.predict(x) as tf.Tensor[]);
    assert.deepEqual([channel, spatial, map, location].map(shapeOf), [
      [B, 8],
      [B, 8, 8],
      [B, 8, 8],
      [B, 2],
    ]);
    assert.ok(
      flat([channel, spatial]).every((v) => v > 0 && v < 1),
      "SE/CBAM maps in (0, 1)",
    );
    for (const m of map as number[][][])
      assertClose(
        flat(m).reduce((a, v) => a + v, 0),
        1,
        1e-5,
        "map sum",
      );
    assert.ok(
      flat(location).every((v) => v >= 0 && v <= 7),
      "location inside the image",
    );
    tf.dispose(x);
    model.dispose();
  });

  test("variants: SE + average pooling has one map per block; no attention has no inspector", () => {
    const se = attentionCnn({ ...tiny, filters: [4, 6], attention: "se", pooling: "average" });
    assert.deepEqual(se.mapNames, ["block0Channel", "block1Channel"]);
    assert.deepEqual(
      se.inspector!.outputs.map((o) => o.shape),
      [
        [null, 4],
        [null, 6],
      ],
    );
    const none = attentionCnn({ ...tiny, attention: "none", pooling: "average" });
    assert.equal(none.inspector, null);
    assert.deepEqual(none.model.outputs[0]!.shape, [null, 4]);
    for (const m of [se.model, none.model]) m.dispose();
  });

  test("one step lowers the loss, 200 steps (50 on cpu) keep numTensors flat; save → load gives identical predictions", async () => {
    const numTensors = tf.memory().numTensors;
    const { model } = attentionCnn({ ...tiny, seed: 5 });
    const xs = tf.randomNormal([4, 8, 8, 1], 0, 1, "float32", 11);
    const ys = tf.tensor1d([0, 1, 2, 3]);
    await trainAndCount(model, xs, ys, backend === "wasm" ? 200 : 50); // cpu is ~3× slower here
    const loaded = await saveAndLoad(model);
    assertClose(
      values(() => loaded.predict(xs) as tf.Tensor),
      values(() => model.predict(xs) as tf.Tensor),
      0,
      "load",
    );
    tf.dispose([xs, ys]);
    for (const m of [model, loaded]) m.dispose();
    assert.equal(tf.memory().numTensors, numTensors, "models, data and steps leave no tensors");
  });
});

/**
 * Seed 0 is a real seed: tfjs's normal initialisers read 0 as "no seed", so attnlab's go through `tfSeed`, and
 * two layers or models built with seed 0 start from the same weights (and differ from seed 1's).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { glorot } from "../../lib/layers/cnn/layerArgs.js";
import { AttentionPooling } from "../../lib/layers/pooling/attentionPooling.js";
import { attentionCnn } from "../../lib/models/cnn/attentionCnn.js";
import { tfSeed, ZERO_SEED_STANDIN } from "../../lib/tfjs/index.js";
import { setupWasm } from "./backends.js";

test("tfSeed maps only 0, and rejects what is not a number", () => {
  assert.equal(tfSeed(0), ZERO_SEED_STANDIN);
  assert.equal(tfSeed(3), 3);
  assert.equal(tfSeed(-2), -2);
  assert.throws(() => tfSeed(Number.NaN), /seed must be a finite number, got NaN/);
});

/** Flat values of one initialiser call, disposed. */
function init(initializer: ReturnType<typeof tf.initializers.heNormal>): number[] {
  const t = initializer.apply([4, 3]);
  const values = Array.from(t.dataSync());
  t.dispose();
  return values;
}

test("seed 0 gives the same weights twice, and not those of seed 1", async () => {
  await setupWasm();
  const he = (seed: number) => tf.initializers.heNormal({ seed: tfSeed(seed) });
  assert.deepEqual(init(he(0)), init(he(0)));
  assert.notDeepEqual(init(he(0)), init(he(1)));
  assert.deepEqual(init(glorot(0, 0)), init(glorot(0, 0)));
  assert.notDeepEqual(init(glorot(0, 0)), init(glorot(1, 0)));
});

/** All weights of a model or layer, flattened in order. */
function weightsOf(layer: { getWeights(): tf.Tensor[] }): number[] {
  return layer.getWeights().flatMap((w) => Array.from(w.dataSync()));
}

test("layers and models built with seed 0 are reproducible", async () => {
  await setupWasm();
  const pooled = () => {
    const layer = new AttentionPooling({ score: "query", seed: 0 });
    tf.tidy(() => layer.apply(tf.zeros([1, 3, 4])) as tf.Tensor);
    const w = weightsOf(layer);
    layer.dispose();
    return w;
  };
  assert.deepEqual(pooled(), pooled());
  const cnn = () => {
    const { model } = attentionCnn({
      height: 8,
      width: 8,
      classes: 2,
      filters: [4],
      attention: "se",
      seed: 0,
    });
    const w = weightsOf(model);
    model.dispose();
    return w;
  };
  assert.deepEqual(cnn(), cnn());
});

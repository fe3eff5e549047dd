/**
 * SoftSpatialAttentionPooling on wasm and cpu: shapes, the map sums to 1 per image, soft-argmax of a peaked map
 * is the peak's (row, col), parity with a plain-array computation using tier 1's `softmax` (1e-5), config and
 * save/load round trips, no leaked tensors, and training.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { SoftSpatialAttentionPooling } from "../../lib/layers/pooling/index.js";
import { softmax } from "../../lib/math/index.js";
import { mulberry32 } from "../../lib/random/prng.js";
import {
  assertClose,
  assertFlat,
  assertRoundTrips,
  disposeWeights,
  onEachBackend,
  shapeOf,
  trainAndCount,
  values,
} from "./cnnPoolingChecks.js";

const [B, H, W, C, TAU] = [2, 3, 4, 3, 0.7];
const rng = mulberry32(5);
const images = Array.from({ length: B }, () => Array.from({ length: H }, () => rng.matrix(W, C, -2, 2)));
const scoreKernel = rng.matrix(1, C, -1, 1)[0]!;

/** Plain arrays: scores e_i = w · a_i, α = softmax(e/τ) (tier 1), z = Σ α_i a_i, location = Σ α_i (row_i, col_i). */
function reference(img: number[][][]): { features: number[]; map: number[][]; location: number[] } {
  const pixels = img.flat(); // [H·W][C], row-major
  const weights = softmax(
    pixels.map((px) => px.reduce((a, v, c) => a + v * scoreKernel[c]!, 0)),
    { temperature: TAU },
  );
  const features = Array.from({ length: C }, (_, c) =>
    pixels.reduce((a, px, i) => a + weights[i]! * px[c]!, 0),
  );
  const location = [
    weights.reduce((a, wi, i) => a + wi * Math.floor(i / W), 0),
    weights.reduce((a, wi, i) => a + wi * (i % W), 0),
  ];
  const map = Array.from({ length: H }, (_, r) => weights.slice(r * W, (r + 1) * W));
  return { features, map, location };
}

function layerWith(kernel: number[], args = {}): SoftSpatialAttentionPooling {
  const pool = new SoftSpatialAttentionPooling(args);
  pool.build([null, H, W, kernel.length]);
  pool.setWeights([tf.tensor4d(kernel, [1, 1, kernel.length, 1])]);
  return pool;
}

onEachBackend("SoftSpatialAttentionPooling", () => {
  test("shapes; the map sums to 1 per image; parity with plain arrays and tier-1 softmax (1e-5)", () => {
    const pool = layerWith(scoreKernel, { temperature: TAU });
    const [features, map, location] = values(() => {
      const r = pool.applyWithAttention(tf.tensor4d(images));
      return [r.output, r.attention, r.location];
    });
    assert.deepEqual(
      [shapeOf(features), shapeOf(map), shapeOf(location)],
      [
        [B, C],
        [B, H, W],
        [B, 2],
      ],
    );
    for (const m of map as number[][][])
      assertClose(
        m.flat().reduce((a, v) => a + v, 0),
        1,
        1e-5,
        "map sum",
      );
    const want = images.map(reference);
    assertClose(
      features,
      want.map((w) => w.features),
      1e-5,
      "features",
    );
    assertClose(
      map,
      want.map((w) => w.map),
      1e-5,
      "map",
    );
    assertClose(
      location,
      want.map((w) => w.location),
      1e-5,
      "location",
    );
    disposeWeights(pool);
  });

  test("soft-argmax of a one-hot-like peaked map is the peak's (row, col); a uniform map gives the centre", () => {
    const peaks = [
      [2, 1],
      [0, 3],
    ];
    const peaked = peaks.map(([pr, pc]) =>
      Array.from({ length: H }, (_, r) =>
        Array.from({ length: W }, (_, c) => [r === pr && c === pc ? 40 : 0, 1]),
      ),
    ); // [B, H, W, 2]: channel 0 is the peak, channel 1 a constant
    const pool = layerWith([1, 0]);
    const [map, location] = values(() => {
      const r = pool.applyWithAttention(tf.tensor4d(peaked));
      return [r.attention, r.location];
    });
    assertClose(location, peaks, 1e-6, "soft-argmax at the peak");
    assert.ok(
      peaks.every(([pr, pc], b) => (map as number[][][])[b]![pr!]![pc!]! > 1 - 1e-6),
      "map is one-hot-like",
    );
    const [uniform] = values(() => pool.applyWithAttention(tf.ones([1, H, W, 2])).location);
    assertClose(uniform, [[(H - 1) / 2, (W - 1) / 2]], 1e-6, "uniform map → centre");
    disposeWeights(pool);
  });

  test("getConfig → fromConfig and save → load give identical outputs; calls leak nothing", async () => {
    const pool = new SoftSpatialAttentionPooling({ temperature: 2, returnAttention: true, seed: 4 });
    assert.deepEqual(pool.computeOutputShape([null, H, W, C]), [
      [null, C],
      [null, H, W],
      [null, 2],
    ]);
    const x = tf.tensor4d(images);
    const dispose = await assertRoundTrips({
      layer: pool,
      cls: SoftSpatialAttentionPooling,
      inputs: tf.input({ shape: [H, W, C] }),
      buildShape: [null, H, W, C],
      config: { temperature: 2, returnAttention: true, seed: 4 },
      feed: x,
    });
    assertFlat("apply", () => pool.apply(x));
    assertFlat("applyWithAttention", () => pool.applyWithAttention(x));
    tf.dispose(x);
    dispose();
  });

  test("conv + soft spatial pooling: one step lowers the loss; 200 steps keep numTensors flat", async () => {
    const numTensors = tf.memory().numTensors;
    const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
    const input = tf.input({ shape: [H, W, 1] });
    const conv = tf.layers
      .conv2d({
        filters: C,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: seeded(1),
      })
      .apply(input);
    const pooled = new SoftSpatialAttentionPooling({ seed: 2 }).apply(conv);
    const out = tf.layers
      .dense({ units: 3, activation: "softmax", kernelInitializer: seeded(3) })
      .apply(pooled) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const xs = tf.randomNormal([4, H, W, 1], 0, 1, "float32", 11);
    const ys = tf.tensor1d([0, 1, 2, 1]);
    await trainAndCount(model, xs, ys, 200);
    tf.dispose([xs, ys]);
    model.dispose();
    assert.equal(tf.memory().numTensors, numTensors, "model, data and steps leave no tensors");
  });
});

/**
 * Cbam on wasm and cpu: shapes, both maps in (0, 1), parity with a plain-array CBAM (Woo et al. eqs. 1–3,
 * 'same' zero-padded cross-correlation) under fixed weights, config and save/load round trips, no leaked
 * tensors, and training.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { Cbam } from "../../lib/layers/cnn/index.js";
import { mulberry32 } from "../../lib/random/prng.js";
import {
  assertClose,
  assertFlat,
  assertRoundTrips,
  disposeWeights,
  flat,
  onEachBackend,
  shapeOf,
  trainAndCount,
  values,
} from "./cnnPoolingChecks.js";

const [B, H, W, C, R, K] = [2, 4, 5, 4, 2, 3]; // hidden = C / R = 2, spatial kernel 3×3
const rng = mulberry32(11);
const images = Array.from({ length: B }, () => Array.from({ length: H }, () => rng.matrix(W, C, -2, 2)));
const w1 = rng.matrix(C, C / R, -1, 1);
const b1 = rng.matrix(1, C / R, -0.5, 0.5)[0]!;
const w2 = rng.matrix(C / R, C, -1, 1);
const b2 = rng.matrix(1, C, -0.5, 0.5)[0]!;
const kernel = Array.from({ length: K }, () => rng.matrix(K, 2, -1, 1)); // [K, K, 2] (one output channel)
const kernelBias = 0.3;

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const sum = (xs: number[]) => xs.reduce((a, v) => a + v, 0);

/** Plain-array CBAM for one image `[H][W][C]`. */
function referenceImage(img: number[][][]): { channel: number[]; spatial: number[][]; output: number[][][] } {
  const mlp = (d: number[]) => {
    const hidden = b1.map((bias, j) => Math.max(0, bias + sum(d.map((v, c) => v * w1[c]![j]!))));
    return b2.map((bias, c) => bias + sum(hidden.map((h, j) => h * w2[j]![c]!)));
  };
  const column = (c: number) => flat(img.map((row) => row.map((px) => px[c]!)));
  const avg = Array.from({ length: C }, (_, c) => sum(column(c)) / (H * W));
  const max = Array.from({ length: C }, (_, c) => Math.max(...column(c)));
  const [ma, mm] = [mlp(avg), mlp(max)];
  const channel = ma.map((v, c) => sigmoid(v + mm[c]!));
  const refined = img.map((row) => row.map((px) => px.map((v, c) => v * channel[c]!)));
  const pooled = refined.map((row) => row.map((px) => [sum(px) / C, Math.max(...px)])); // [H][W][2]
  const p = (K - 1) / 2;
  const at = (i: number, j: number, ch: number) =>
    i < 0 || i >= H || j < 0 || j >= W ? 0 : pooled[i]![j]![ch]!;
  const spatial = pooled.map((row, i) =>
    row.map((_, j) => {
      let s = kernelBias;
      for (let di = 0; di < K; di++)
        for (let dj = 0; dj < K; dj++)
          for (let ch = 0; ch < 2; ch++) s += at(i + di - p, j + dj - p, ch) * kernel[di]![dj]![ch]!;
      return sigmoid(s);
    }),
  );
  const output = refined.map((row, i) => row.map((px, j) => px.map((v) => v * spatial[i]![j]!)));
  return { channel, spatial, output };
}

function fixedLayer(): Cbam {
  const cbam = new Cbam({ ratio: R, kernelSize: K });
  cbam.build([null, H, W, C]);
  const spatialKernel = tf.tensor4d(flat(kernel), [K, K, 2, 1]);
  cbam.setWeights([
    tf.tensor2d(w1),
    tf.tensor1d(b1),
    tf.tensor2d(w2),
    tf.tensor1d(b2),
    spatialKernel,
    tf.tensor1d([kernelBias]),
  ]);
  return cbam;
}

onEachBackend("Cbam", () => {
  test("shapes; both maps in (0, 1); parity with plain arrays (1e-5)", () => {
    const cbam = fixedLayer();
    const [output, channel, spatial] = values(() => {
      const r = cbam.applyWithAttention(tf.tensor4d(images));
      return [r.output, r.attention.channel, r.attention.spatial];
    });
    const want = images.map(referenceImage);
    assert.deepEqual(shapeOf(output), [B, H, W, C]);
    assert.deepEqual(shapeOf(channel), [B, C]);
    assert.deepEqual(shapeOf(spatial), [B, H, W]);
    for (const map of [channel, spatial])
      assert.ok(
        flat(map).every((g) => g > 0 && g < 1),
        "map in (0, 1)",
      );
    assertClose(
      channel,
      want.map((w) => w.channel),
      1e-5,
      "channel attention",
    );
    assertClose(
      spatial,
      want.map((w) => w.spatial),
      1e-5,
      "spatial attention",
    );
    assertClose(
      output,
      want.map((w) => w.output),
      1e-5,
      "output",
    );
    disposeWeights(cbam);
  });

  test("default 7×7 kernel; computeOutputShape; getConfig → fromConfig and save → load; no leaks", async () => {
    const cbam = new Cbam({ ratio: 2, seed: 3, returnAttention: true });
    assert.equal(cbam.kernelSize, 7);
    assert.deepEqual(cbam.computeOutputShape([null, H, W, C]), [
      [null, H, W, C],
      [null, C],
      [null, H, W],
    ]);
    const x = tf.tensor4d(images);
    const dispose = await assertRoundTrips({
      layer: cbam,
      cls: Cbam,
      inputs: tf.input({ shape: [H, W, C] }),
      buildShape: [null, H, W, C],
      config: { ratio: 2, kernelSize: 7, returnAttention: true, seed: 3 },
      feed: x,
    });
    assertFlat("apply", () => cbam.apply(x));
    assertFlat("applyWithAttention", () => cbam.applyWithAttention(x));
    tf.dispose(x);
    dispose();
  });

  test("conv + Cbam: one step lowers the loss; 200 steps keep numTensors flat", async () => {
    const numTensors = tf.memory().numTensors;
    const input = tf.input({ shape: [H, W, 1] });
    const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
    const conv = tf.layers
      .conv2d({
        filters: C,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: seeded(1),
      })
      .apply(input);
    const attended = new Cbam({ ratio: R, kernelSize: K, seed: 2 }).apply(conv);
    const pooled = tf.layers.globalAveragePooling2d({}).apply(attended);
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

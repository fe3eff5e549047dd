/**
 * SqueezeExcitation on wasm and cpu: shapes, gates in (0, 1), parity with a plain-array SENet computation
 * (Hu et al. eqs. 2–4) under fixed weights, config and save/load round trips, no leaked tensors, and training.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { SqueezeExcitation } from "../../lib/layers/cnn/index.js";
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

const [B, H, W, C, R] = [2, 3, 4, 6, 2]; // hidden = C / R = 3
const rng = mulberry32(7);
const images = Array.from({ length: B }, () => Array.from({ length: H }, () => rng.matrix(W, C, -2, 2))); // [B, H, W, C]
const w1 = rng.matrix(C, C / R, -1, 1);
const b1 = rng.matrix(1, C / R, -0.5, 0.5)[0]!;
const w2 = rng.matrix(C / R, C, -1, 1);
const b2 = rng.matrix(1, C, -0.5, 0.5)[0]!;

/** Plain-array SE: z = mean over pixels, s = σ(W₂ relu(W₁ z + b₁) + b₂), output = s ⊙ x. */
function reference(): { gates: number[][]; output: number[][][][] } {
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const gates = images.map((img) => {
    const z = Array.from(
      { length: C },
      (_, c) => flat(img.map((row) => row.map((px) => px[c]!))).reduce((a, v) => a + v, 0) / (H * W),
    );
    const hidden = b1.map((bias, j) => Math.max(0, bias + z.reduce((a, zc, c) => a + zc * w1[c]![j]!, 0)));
    return b2.map((bias, c) => sigmoid(bias + hidden.reduce((a, hj, j) => a + hj * w2[j]![c]!, 0)));
  });
  const output = images.map((img, b) =>
    img.map((row) => row.map((px) => px.map((v, c) => v * gates[b]![c]!))),
  );
  return { gates, output };
}

function fixedLayer(): SqueezeExcitation {
  const se = new SqueezeExcitation({ ratio: R });
  se.build([null, H, W, C]);
  se.setWeights([tf.tensor2d(w1), tf.tensor1d(b1), tf.tensor2d(w2), tf.tensor1d(b2)]);
  return se;
}

onEachBackend("SqueezeExcitation", () => {
  test("output and gate shapes; gates in (0, 1); parity with plain arrays (1e-5)", () => {
    const se = fixedLayer();
    const [output, gates] = values(() => {
      const r = se.applyWithAttention(tf.tensor4d(images));
      return [r.output, r.attention];
    });
    const want = reference();
    assert.deepEqual(shapeOf(output), [B, H, W, C]);
    assert.deepEqual(shapeOf(gates), [B, C]);
    assert.ok(
      flat(gates).every((g) => g > 0 && g < 1),
      "gates in (0, 1)",
    );
    assertClose(gates, want.gates, 1e-5, "gates");
    assertClose(output, want.output, 1e-5, "output");
    assert.deepEqual(se.computeOutputShape([null, H, W, C]), [null, H, W, C]);
    disposeWeights(se);
  });

  test("getConfig → fromConfig and save → load give identical outputs; calls leak nothing", async () => {
    const se = new SqueezeExcitation({ ratio: 3, seed: 5, returnAttention: true, name: "se" });
    const x = tf.tensor4d(images);
    const dispose = await assertRoundTrips({
      layer: se,
      cls: SqueezeExcitation,
      inputs: tf.input({ shape: [H, W, C] }),
      buildShape: [null, H, W, C],
      config: { ratio: 3, seed: 5, returnAttention: true },
      feed: x,
    });
    assertFlat("apply", () => se.apply(x));
    assertFlat("applyWithAttention", () => se.applyWithAttention(x));
    tf.dispose(x);
    dispose();
  });

  test("conv + SqueezeExcitation: one step lowers the loss; 200 steps keep numTensors flat", async () => {
    const numTensors = tf.memory().numTensors;
    const input = tf.input({ shape: [H, W, 1] });
    const conv = tf.layers
      .conv2d({
        filters: C,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      })
      .apply(input);
    const se = new SqueezeExcitation({ ratio: R, seed: 2 }).apply(conv);
    const pooled = tf.layers.globalAveragePooling2d({}).apply(se);
    const out = tf.layers
      .dense({
        units: 3,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      })
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

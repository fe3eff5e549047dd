/**
 * The CNN and pooling attention layers compute the same outputs and the same weight and input gradients on
 * wasm (with attnlab's training kernels) as on cpu, to 1e-5 relative: the gradient of a fixed random probe
 * loss Σ(y ⊙ R) reaches every output element, attention maps included.
 */
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { validLensMask } from "../../lib/layers/attentionMask.js";
import { Cbam, SqueezeExcitation } from "../../lib/layers/cnn/index.js";
import { AttentionPooling, SoftSpatialAttentionPooling } from "../../lib/layers/pooling/index.js";
import { assertSameOnWasmAndCpu, probe, randn, setupWasm } from "../tfjs/backends.js";

before(setupWasm);

/** Output(s), the probe loss and its gradients with respect to the input and every weight of `layer`. */
function withGrads(layer: tf.layers.Layer, inputs: () => tf.Tensor[]): () => tf.Tensor[] {
  return () => {
    const [x, ...rest] = inputs();
    const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const run = (xs: tf.Tensor) => {
      const out = layer.apply(rest.length > 0 ? [xs, ...rest] : xs) as tf.Tensor | tf.Tensor[];
      return (Array.isArray(out) ? out : [out])
        .map((y, k) => probe(y, 50 + k))
        .reduce((a, b) => tf.add(a, b));
    };
    const { value, grads } = tf.variableGrads(() => run(x!) as tf.Scalar, variables);
    const dx = tf.grad(run)(x!);
    return [value, dx, ...variables.map((v) => grads[v.name]!)];
  };
}

/** Builds `layer` for `shape` with seeded weights, biases included (the same on every backend). */
function seeded<L extends tf.layers.Layer>(layer: L, shape: (number | null)[]): L {
  layer.build(shape);
  const weights = layer.getWeights().map((w, k) => tf.randomUniform(w.shape, -0.8, 0.8, "float32", k + 1));
  layer.setWeights(weights); // copies the values
  tf.dispose(weights);
  return layer;
}

test("SqueezeExcitation: outputs, gates and gradients agree on wasm and cpu", async () => {
  const se = seeded(new SqueezeExcitation({ ratio: 2, returnAttention: true }), [null, 4, 5, 6]);
  await assertSameOnWasmAndCpu(
    "SqueezeExcitation",
    withGrads(se, () => [randn([2, 4, 5, 6], 1)]),
  );
});

test("Cbam: outputs, both maps and gradients agree on wasm and cpu", async () => {
  const cbam = seeded(new Cbam({ ratio: 2, returnAttention: true }), [null, 6, 7, 4]);
  await assertSameOnWasmAndCpu(
    "Cbam",
    withGrads(cbam, () => [randn([2, 6, 7, 4], 2)]),
  );
});

test("SoftSpatialAttentionPooling: features, map, location and gradients agree on wasm and cpu", async () => {
  const pool = seeded(new SoftSpatialAttentionPooling({ temperature: 0.5, returnAttention: true }), [
    null,
    4,
    5,
    3,
  ]);
  await assertSameOnWasmAndCpu(
    "SoftSpatialAttentionPooling",
    withGrads(pool, () => [randn([2, 4, 5, 3], 3)]),
  );
});

test("AttentionPooling (mlp and query, masked): outputs, weights and gradients agree on wasm and cpu", async () => {
  for (const score of ["mlp", "query"] as const) {
    const pool = seeded(new AttentionPooling({ score, units: 3, returnAttention: true }), [null, 5, 4]);
    const inputs = () => [randn([3, 5, 4], 4), validLensMask([5, 2, 0], 5)];
    await assertSameOnWasmAndCpu(`AttentionPooling ${score}`, withGrads(pool, inputs));
  }
});

/**
 * AttentionPooling on wasm and cpu: parity of weights and output with tier 1's `attend` (additive scores for
 * "mlp", scaled dot for "query") and `maskedSoftmax` under fixed weights (1e-5), masks (explicit, valid
 * lengths, upstream `maskZero`; a fully masked row gives zeros and finite gradients), config and save/load
 * round trips, no leaked tensors, and training.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { maskedSoftmax as maskedSoftmaxTensor, validLensMask } from "../../lib/layers/attentionMask.js";
import { AttentionPooling } from "../../lib/layers/pooling/index.js";
import { attend, maskedSoftmax } from "../../lib/math/index.js";
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

const [B, T, E, U] = [3, 5, 4, 3];
const validLens = [5, 3, 0]; // full, padded, fully masked
const rng = mulberry32(9);
const sequences = Array.from({ length: B }, () => rng.matrix(T, E, -2, 2)); // [B, T, E]
const kernel = rng.matrix(E, U, -1, 1);
const bias = rng.matrix(1, U, -0.5, 0.5)[0]!;
const context = rng.matrix(1, U, -1, 1)[0]!;
const query = rng.matrix(1, E, -1, 1)[0]!;

/** The layer with fixed weights: "mlp" = (kernel, bias, context), "query" = (query). */
function fixedLayer(score: "mlp" | "query"): AttentionPooling {
  const pool = new AttentionPooling({ score, units: U });
  pool.build([null, T, E]);
  pool.setWeights(
    score === "mlp" ? [tf.tensor2d(kernel), tf.tensor1d(bias), tf.tensor1d(context)] : [tf.tensor1d(query)],
  );
  return pool;
}

/** Tier 1, one sequence at a time: "mlp" is additive scoring with the query [1] and W_q = [b]: vᵀ tanh(b + h W). */
function tier1(score: "mlp" | "query", b: number) {
  const mask = { validLens: validLens[b]! };
  const x = sequences[b]!;
  return score === "mlp"
    ? attend([[1]], x, x, { score: "additive", wq: [bias], wk: kernel, v: context, mask })
    : attend([query], x, x, { score: "scaledDot", mask });
}

onEachBackend("AttentionPooling", () => {
  for (const score of ["mlp", "query"] as const) {
    test(`${score}: weights and output equal tier-1 attend/maskedSoftmax (1e-5); a fully masked row gives zeros`, () => {
      const pool = fixedLayer(score);
      const [output, weights] = values(() => {
        const r = pool.applyWithAttention([tf.tensor3d(sequences), validLensMask(validLens, T)]);
        return [r.output, r.attention];
      });
      assert.deepEqual(
        [shapeOf(output), shapeOf(weights)],
        [
          [B, E],
          [B, T],
        ],
      );
      const traces = validLens.map((_, b) => tier1(score, b));
      assertClose(
        weights,
        traces.map((t) => t.weights[0]),
        1e-5,
        "weights vs attend",
      );
      assertClose(
        output,
        traces.map((t) => t.output[0]),
        1e-5,
        "output vs attend",
      );
      const scores = traces.map((t) => t.scaledScores?.[0] ?? t.scores[0]!);
      assertClose(weights, maskedSoftmax(scores, { validLens }), 1e-5, "weights vs maskedSoftmax");
      assert.ok(
        flat([(weights as number[][])[2], (output as number[][])[2]]).every((v) => v === 0),
        "all-masked row",
      );
      disposeWeights(pool);
    });
  }

  test("a mask changes the output; valid lengths, a [B, T] mask and an upstream maskZero mask agree", () => {
    const pool = fixedLayer("mlp");
    const x = tf.tensor3d(sequences);
    const [unmasked, masked] = values(() => [
      pool.apply(x) as tf.Tensor,
      pool.apply([x, validLensMask(validLens, T)]) as tf.Tensor,
    ]);
    assert.ok(
      flat((unmasked as number[][])[1]).some((v, i) => v !== flat((masked as number[][])[1])[i]),
      "mask changes the output",
    );
    assert.deepEqual(values(() => validLensMask([1, 3], 3))[0], [
      [1, 0, 0],
      [1, 1, 1],
    ]);
    // embedding(maskZero) passes its mask to the pooling layer through kwargs
    const tokens = tf.tensor2d(
      [
        [3, 1, 2, 0, 0],
        [4, 0, 0, 0, 0],
      ],
      [2, T],
      "int32",
    );
    const embedding = tf.layers.embedding({
      inputDim: 5,
      outputDim: E,
      maskZero: true,
      embeddingsInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    });
    const input = tf.input({ shape: [T], dtype: "int32" });
    const model = tf.model({
      inputs: input,
      outputs: pool.apply(embedding.apply(input)) as tf.SymbolicTensor,
    });
    const [viaKwargs, viaInput] = values(() => [
      model.predict(tokens) as tf.Tensor,
      pool.apply([embedding.apply(tokens) as tf.Tensor, validLensMask([3, 1], T)]) as tf.Tensor,
    ]);
    assertClose(viaKwargs, viaInput, 1e-6, "maskZero vs explicit mask");
    // applyWithAttention (two outputs) between graph calls (one): tfjs's mask bookkeeping follows each call
    const [pooled, weights, again] = values(() => {
      const emb = embedding.apply(tokens) as tf.Tensor;
      const r = pool.applyWithAttention(emb, { mask: embedding.computeMask(tokens) as tf.Tensor });
      return [r.output, r.attention, model.predict(tokens) as tf.Tensor];
    });
    assertClose(pooled, viaKwargs, 1e-6, "applyWithAttention with an upstream mask");
    assertClose((weights as number[][])[1], [1, 0, 0, 0, 0], 1e-6, "one valid step takes all the weight");
    assertClose(again, viaKwargs, 1e-6, "the graph call after applyWithAttention");
    const [viaLens] = values(() => pool.apply([x, tf.tensor1d(validLens)]) as tf.Tensor);
    assertClose(viaLens, masked, 1e-6, "valid lengths [B] vs [B, T] mask");
    tf.dispose([x, tokens]);
    model.dispose();
  });

  test("masked softmax: an all-masked row has zero weights and finite gradients", () => {
    const grads = values(() => {
      const mask = tf.tensor2d([
        [1, 0, 1],
        [0, 0, 0],
      ]);
      const f = (s: tf.Tensor) =>
        tf.sum(
          tf.mul(
            maskedSoftmaxTensor(s, mask),
            tf.tensor2d([
              [1, 2, 3],
              [4, 5, 6],
            ]),
          ),
        );
      const s = tf.tensor2d([
        [0.5, 9, -1],
        [2, 1, 0],
      ]);
      return [maskedSoftmaxTensor(s, mask), tf.grad(f)(s)];
    });
    assertClose((grads[0] as number[][])[1], [0, 0, 0], 0, "all-masked weights");
    assert.ok(flat(grads[1]).every(Number.isFinite), `finite gradients ${flat(grads[1])}`);
    assertClose((grads[1] as number[][])[1], [0, 0, 0], 0, "all-masked row gradient");
  });

  test("getConfig → fromConfig and save → load (values + mask inputs) give identical outputs; no leaks", async () => {
    const pool = new AttentionPooling({ score: "mlp", units: U, returnAttention: true, seed: 8 });
    assert.deepEqual(
      pool.computeOutputShape([
        [null, T, E],
        [null, T],
      ]),
      [
        [null, E],
        [null, T],
      ],
    );
    const feed = [tf.tensor3d(sequences), validLensMask(validLens, T)];
    const dispose = await assertRoundTrips({
      layer: pool,
      cls: AttentionPooling,
      inputs: [tf.input({ shape: [T, E] }), tf.input({ shape: [T] })],
      buildShape: [null, T, E],
      config: { score: "mlp", units: U, returnAttention: true, seed: 8 },
      feed,
    });
    assertFlat("apply", () => pool.apply(feed));
    assertFlat("applyWithAttention", () => pool.applyWithAttention(feed));
    tf.dispose(feed);
    dispose();
  });

  for (const score of ["mlp", "query"] as const) {
    test(`${score}: conv1d + attention pooling: one step lowers the loss; 200 steps keep numTensors flat`, async () => {
      const numTensors = tf.memory().numTensors;
      const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
      const inputs = [tf.input({ shape: [T, E] }), tf.input({ shape: [T] })];
      const conv = tf.layers
        .conv1d({
          filters: E,
          kernelSize: 3,
          padding: "same",
          activation: "tanh",
          kernelInitializer: seeded(1),
        })
        .apply(inputs[0]!);
      const pooled = new AttentionPooling({ score, units: U, seed: 2 }).apply([
        conv as tf.SymbolicTensor,
        inputs[1]!,
      ]);
      const out = tf.layers
        .dense({ units: 3, activation: "softmax", kernelInitializer: seeded(3) })
        .apply(pooled) as tf.SymbolicTensor;
      const model = tf.model({ inputs, outputs: out });
      const xs = [tf.tensor3d(sequences), validLensMask([5, 3, 1], T)];
      const ys = tf.tensor1d([0, 2, 1]);
      await trainAndCount(model, xs, ys, score === "mlp" ? 200 : 20);
      tf.dispose([...xs, ys]);
      model.dispose();
      assert.equal(tf.memory().numTensors, numTensors, "model, data and steps leave no tensors");
    });
  }
});

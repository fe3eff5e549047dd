/**
 * fitAdam is `fit` with an Adam optimizer it owns: the same numbers as `tf.train.adam` + `fit` written out, the
 * optimizer disposed on success and on error, and strict settings. trainableVariables / countParameters /
 * sameWeights read a model's weights.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { take } from "../../lib/train/batches.js";
import { fit } from "../../lib/train/fit.js";
import { adamOptimizer, fitAdam } from "../../lib/train/fitAdam.js";
import { countParameters, sameWeights, trainableVariables } from "../../lib/train/variables.js";

const xs = Array.from({ length: 32 }, (_, i) => [Math.sin(i), Math.cos(i)]);
const ys = xs.map(([a, b]) => [2 * a! - b!]);

function model(seed: number) {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({
        units: 1,
        inputShape: [2],
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
    ],
  });
  return m;
}

function options(m: tf.Sequential) {
  return {
    size: xs.length,
    epochs: 3,
    batchSize: 8,
    seed: 5,
    variables: trainableVariables(m),
    batch: (ix: number[]) => ({ x: tf.tensor2d(take(xs, ix)), y: tf.tensor2d(take(ys, ix)) }),
    loss: (b: { x: tf.Tensor2D; y: tf.Tensor2D }) =>
      tf.losses.meanSquaredError(b.y, m.apply(b.x) as tf.Tensor) as tf.Scalar,
    progress: "none" as const,
  };
}

test("fitAdam gives exactly what tf.train.adam + fit give, and leaves no tensor behind", async () => {
  const a = model(3);
  const b = model(3);
  assert.ok(sameWeights(a, b));
  const before = tf.memory().numTensors;
  const viaHelper = await fitAdam({ ...options(a), adam: { learningRate: 0.05 } });
  assert.equal(tf.memory().numTensors, before, "fitAdam disposed its optimizer");
  const optimizer = tf.train.adam(0.05);
  const written = await fit({ ...options(b), optimizer });
  optimizer.dispose();
  assert.deepEqual(
    viaHelper.history.map((h) => h.loss),
    written.history.map((h) => h.loss),
  );
  assert.ok(sameWeights(a, b), "same weights after training");
  assert.equal(countParameters(a), 3);
  a.dispose();
  b.dispose();
});

test("fitAdam disposes its optimizer when training throws", async () => {
  const m = model(1);
  const before = tf.memory().numTensors;
  await assert.rejects(
    fitAdam({
      ...options(m),
      loss: () => {
        throw new Error("boom");
      },
      adam: { learningRate: 0.1 },
    }),
    /boom/,
  );
  assert.equal(tf.memory().numTensors, before);
  m.dispose();
});

test("Adam settings are strict: each bad value names the key, the value and the rule", () => {
  assert.throws(
    () => adamOptimizer({ learningRate: -1 }),
    /adam\.learningRate must be a finite number > 0, got -1/,
  );
  assert.throws(() => adamOptimizer({ learningRate: 1e-3, beta2: 1 }), /adam\.beta2 .*< 1, got 1/);
  assert.throws(
    () => adamOptimizer({ learningRate: 1e-3, betas: 1 } as never),
    /unknown option "adam\.betas"/,
  );
  assert.throws(() => adamOptimizer(undefined as never), /adam is required/);
});

test("sameWeights tells different initial weights and shapes apart; trainableVariables needs weights", () => {
  const a = model(1);
  const b = model(2);
  assert.equal(sameWeights(a, b), false);
  const c = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });
  assert.equal(sameWeights(a, c), false);
  assert.throws(
    () => trainableVariables({} as never),
    /trainableVariables: model must have trainableWeights/,
  );
  for (const m of [a, b, c]) m.dispose();
});

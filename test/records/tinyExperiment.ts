/** A tiny linear-regression experiment for the record tests: trains in milliseconds, depends on no case study. */
import * as tf from "@tensorflow/tfjs";
import { defineExperiment } from "../../lib/experiments/experiment.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { hashValue } from "../../lib/records/record.js";
import { take } from "../../lib/train/batches.js";
import { fit } from "../../lib/train/fit.js";

interface TinyConfig {
  seed: number;
  size: number;
  epochs: number;
  learningRate: number;
  [key: string]: unknown;
}

/** Full mode: 4 epochs on 48 points; quick mode: 2 epochs. */
export const tiny = defineExperiment<TinyConfig, { w: tf.Variable }>({
  name: "tiny-regression",
  title: "a linear regression (test)",
  notebook: "notebooks/none.ipynb",
  defaults: { seed: 1, size: 48, epochs: 4, learningRate: 0.05 },
  quick: { epochs: 2 },
  targets: [{ metric: "mse", op: "<=", value: 10 }],
  async run(config, context) {
    const rng = mulberry32(config.seed);
    const xs = Array.from({ length: config.size }, () => [rng.normal(), rng.normal()]);
    const ys = xs.map(([a, b]) => [a! - 2 * b! + 0.1 * rng.normal()]);
    const w = tf.tidy(() => tf.variable(tf.randomNormal([2, 1], 0, 0.1, "float32", config.seed)));
    const mse = () =>
      tf.tidy(
        () => tf.losses.meanSquaredError(tf.tensor2d(ys), tf.matMul(tf.tensor2d(xs), w)).dataSync()[0]!,
      );
    const optimizer = tf.train.adam(config.learningRate);
    const r = await fit({
      size: config.size,
      epochs: config.epochs,
      batchSize: 8,
      seed: config.seed,
      optimizer,
      variables: [w],
      batch: (ix) => ({ x: tf.tensor2d(take(xs, ix)), y: tf.tensor2d(take(ys, ix)) }),
      loss: (b) => tf.losses.meanSquaredError(b.y, tf.matMul(b.x, w)) as tf.Scalar,
      evaluate: () => ({ mse: mse() }),
      progress: context.progress,
    });
    optimizer.dispose();
    return {
      dataset: { name: "tiny", hash: hashValue({ xs, ys }), sizes: { train: xs.length } },
      history: r.history,
      metrics: { mse: r.history.at(-1)!.metrics.mse! },
      artifacts: { w },
    };
  },
});

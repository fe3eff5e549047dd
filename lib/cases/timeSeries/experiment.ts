/**
 * Case study: a time series with a planted lag (catalog C9). The forecaster must find that r_{t+1} depends on
 * s five steps before it; targets: held-out R² ≥ 0.6 (best possible ≈ 0.69), the mean attention peaks at the
 * lag, and at least 0.6 of the attention mass sits there. Baseline: persistence (ŷ = r_t).
 */
import * as tf from "@tensorflow/tfjs";
import { defineExperiment } from "../../experiments/experiment.js";
import { r2 } from "../../metrics/regression.js";
import { hashValue } from "../../records/record.js";
import { take } from "../../train/batches.js";
import { fit } from "../../train/fit.js";
import { laggedSeries } from "./data.js";
import { TemporalAttentionForecaster } from "./model.js";

/** Settings of the lagged-series experiment. */
export interface TimeSeriesConfig {
  seed: number;
  trainSize: number;
  testSize: number;
  window: number;
  lag: number;
  units: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  [key: string]: unknown;
}

/** The trained model, the held-out windows and their mean attention. */
export interface TimeSeriesArtifacts {
  model: TemporalAttentionForecaster;
  meanAttention: number[];
  lagIndex: number;
  predictions: number[];
  actual: number[];
}

export const timeSeriesExperiment = defineExperiment<TimeSeriesConfig, TimeSeriesArtifacts>({
  name: "time-series",
  title: "Time series with a planted lag: temporal attention finds the driver",
  notebook: "notebooks/cases/09-time-series-attention.ipynb",
  defaults: {
    seed: 0,
    trainSize: 4000,
    testSize: 1000,
    window: 20,
    lag: 5,
    units: 16,
    epochs: 30,
    batchSize: 64,
    learningRate: 0.01,
  },
  quick: { trainSize: 1000, testSize: 300, epochs: 6 },
  targets: [
    { metric: "r2", op: ">=", value: 0.6 },
    { metric: "attn.argmaxIsLag", op: ">=", value: 1 },
    { metric: "attn.massAtLag", op: ">=", value: 0.6 },
  ],
  async run(config, context) {
    const train = laggedSeries({
      seed: config.seed * 2 + 1,
      size: config.trainSize,
      window: config.window,
      lag: config.lag,
    });
    const test = laggedSeries({
      seed: config.seed * 2 + 2,
      size: config.testSize,
      window: config.window,
      lag: config.lag,
    });
    const model = new TemporalAttentionForecaster({
      window: config.window,
      features: 2,
      units: config.units,
      seed: config.seed,
    });
    const testX = tf.tensor3d(test.x);
    const evaluate = () => {
      const { prediction, weights } = model.forward(testX);
      const predictions = Array.from(prediction.dataSync());
      const mean = tf.tidy(() => Array.from(tf.mean(weights, 0).dataSync()));
      tf.dispose([prediction, weights]);
      const peak = mean.indexOf(Math.max(...mean));
      return {
        r2: r2(predictions, test.y),
        "attn.argmaxIsLag": peak === test.lagIndex ? 1 : 0,
        "attn.massAtLag": mean[test.lagIndex]!,
        predictions,
        mean,
      };
    };
    tf.tidy(() => {
      model.forward(tf.zeros([1, config.window, 2]) as tf.Tensor3D); // builds the layers before collecting variables
    });
    const optimizer = tf.train.adam(config.learningRate);
    const result = await fit({
      title: "time series",
      size: train.x.length,
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: config.seed,
      optimizer,
      variables: model.variables(),
      batch: (ix) => ({ x: tf.tensor3d(take(train.x, ix)), y: tf.tensor1d(take(train.y, ix)) }),
      loss: (b) => tf.losses.meanSquaredError(b.y, model.forward(b.x).prediction) as tf.Scalar,
      evaluate: () => {
        const { predictions: _p, mean: _m, ...metrics } = evaluate();
        return metrics;
      },
      progress: context.progress,
    });
    optimizer.dispose();
    const final = evaluate();
    testX.dispose();
    const persistence = r2(
      test.x.map((w) => w.at(-1)![0]!),
      test.y,
    );
    return {
      dataset: {
        name: "time-series",
        hash: hashValue({ train, test }),
        sizes: { train: train.x.length, test: test.x.length },
      },
      history: result.history,
      metrics: {
        r2: final.r2,
        "attn.argmaxIsLag": final["attn.argmaxIsLag"],
        "attn.massAtLag": final["attn.massAtLag"],
        "persistence.r2": persistence,
      },
      artifacts: {
        model,
        meanAttention: final.mean,
        lagIndex: test.lagIndex,
        predictions: final.predictions,
        actual: test.y,
      },
    };
  },
});

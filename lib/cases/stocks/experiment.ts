/**
 * Case study: real stock prices (catalog C9, the use S004 names). The same temporal attention forecaster as the
 * planted-lag case reads 12 months of (own, market) log returns and predicts the next month's log return of
 * AAPL, AMZN, GOOG, IBM or MSFT. Monthly returns are close to unpredictable, so the targets claim no skill:
 * on the held-out period (2008 – Mar 2010) the model must beat persistence (ŷ = last month's return) by MAE and
 * stay within 10 % of the no-change forecast ŷ = 0. Splits are chronological; only the validation year (2007)
 * is used for early stopping, the test period is evaluated once at the end.
 */
import * as tf from "@tensorflow/tfjs";
import { defineExperiment } from "../../experiments/experiment.js";
import { mae, r2 } from "../../metrics/regression.js";
import { hashValue } from "../../records/record.js";
import { take } from "../../train/batches.js";
import { fit } from "../../train/fit.js";
import { TemporalAttentionForecaster } from "../timeSeries/model.js";
import { loadStockPrices, type StockWindows, stockSplits } from "./data.js";

/** Settings of the stock-price experiment. */
export interface StocksConfig {
  seed: number;
  window: number;
  validYear: number;
  testYear: number;
  units: number;
  epochs: number;
  patience: number;
  batchSize: number;
  learningRate: number;
  [key: string]: unknown;
}

/** The trained model and the held-out period: forecasts, baselines and mean attention. */
export interface StocksArtifacts {
  model: TemporalAttentionForecaster;
  /** Mean attention over the test windows, by window index (the last index is the latest month). */
  meanAttention: number[];
  /** Test-period forecasts and truth (log returns), with each row's symbol and target month. */
  predictions: number[];
  actual: number[];
  persistence: number[];
  symbol: string[];
  month: number[];
  /** The scale the returns were divided by (the training targets' standard deviation). */
  scale: number;
}

export const stocksExperiment = defineExperiment<StocksConfig, StocksArtifacts>({
  name: "stocks",
  title: "Real monthly stock returns: the same attention forecaster against naive baselines",
  notebook: "notebooks/cases/09-time-series-attention.ipynb",
  defaults: {
    seed: 0,
    window: 12,
    validYear: 2007,
    testYear: 2008,
    units: 8,
    epochs: 40,
    patience: 5,
    batchSize: 32,
    learningRate: 0.005,
  },
  quick: { epochs: 4 },
  targets: [
    { metric: "mae.ratioToPersistence", op: "<=", value: 1.0 },
    { metric: "mae.ratioToZero", op: "<=", value: 1.1 },
  ],
  async run(config, context) {
    const data = stockSplits(loadStockPrices(), config);
    // One scale for inputs and targets, from the training targets only.
    const mean = data.train.y.reduce((a, b) => a + b, 0) / data.train.y.length;
    const scale = Math.sqrt(data.train.y.reduce((a, y) => a + (y - mean) ** 2, 0) / data.train.y.length);
    const scaled = (w: StockWindows) => w.x.map((win) => win.map((step) => step.map((v) => v / scale)));
    const trainX = scaled(data.train);
    const trainY = data.train.y.map((y) => y / scale);
    const model = new TemporalAttentionForecaster({
      window: config.window,
      features: 2,
      units: config.units,
      seed: config.seed,
    });
    tf.tidy(() => {
      model.forward(tf.zeros([1, config.window, 2]) as tf.Tensor3D); // builds the layers before collecting variables
    });
    const predict = (w: StockWindows) => {
      const x = tf.tensor3d(scaled(w));
      const { prediction, weights } = model.forward(x);
      const predictions = Array.from(prediction.dataSync()).map((p) => p * scale);
      const meanAttention = tf.tidy(() => Array.from(tf.mean(weights, 0).dataSync()));
      tf.dispose([x, prediction, weights]);
      return { predictions, meanAttention };
    };
    const optimizer = tf.train.adam(config.learningRate);
    const result = await fit({
      title: "stocks",
      size: trainX.length,
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: config.seed,
      optimizer,
      variables: model.variables(),
      batch: (ix) => ({ x: tf.tensor3d(take(trainX, ix)), y: tf.tensor1d(take(trainY, ix)) }),
      loss: (b) => tf.losses.meanSquaredError(b.y, model.forward(b.x).prediction) as tf.Scalar,
      // validation year only: the test period is never looked at during training
      evaluate: () => {
        const { predictions } = predict(data.valid);
        return {
          "valid.mae": mae(predictions, data.valid.y),
          "valid.ratioToZero": mae(predictions, data.valid.y) / mae(zeros(data.valid.y), data.valid.y),
        };
      },
      earlyStopping: { metric: "valid.mae", mode: "min", patience: config.patience },
      progress: context.progress,
    });
    optimizer.dispose();
    const test = data.test;
    const { predictions, meanAttention } = predict(test);
    const persistence = test.x.map((w) => w.at(-1)![0]!);
    const zero = zeros(test.y);
    const modelMae = mae(predictions, test.y);
    return {
      dataset: {
        name: "stocks",
        hash: hashValue({ train: data.train, valid: data.valid, test: data.test }),
        sizes: { train: data.train.y.length, valid: data.valid.y.length, test: test.y.length },
      },
      history: result.history,
      metrics: {
        mae: modelMae,
        r2: r2(predictions, test.y),
        "persistence.mae": mae(persistence, test.y),
        "persistence.r2": r2(persistence, test.y),
        "zero.mae": mae(zero, test.y),
        "zero.r2": r2(zero, test.y),
        "mae.ratioToPersistence": modelMae / mae(persistence, test.y),
        "mae.ratioToZero": modelMae / mae(zero, test.y),
        "valid.mae": result.history.at(-1)!.metrics["valid.mae"]!,
        epochs: result.history.length,
      },
      artifacts: {
        model,
        meanAttention,
        predictions,
        actual: test.y,
        persistence,
        symbol: test.symbol,
        month: test.month,
        scale,
      },
    };
  },
});

function zeros(like: readonly number[]): number[] {
  return like.map(() => 0);
}

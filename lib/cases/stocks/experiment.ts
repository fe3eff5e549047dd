/**
 * Case study: real stock prices (catalog C9, the use S004 names). The same temporal attention forecaster as the
 * planted-lag case reads 12 months of (own, market) log returns and predicts the next month's log return of
 * AAPL, AMZN, GOOG, IBM or MSFT. Monthly returns are close to unpredictable, so the targets claim no skill:
 * on the held-out period (2008 – Mar 2010) the model must beat persistence (ŷ = last month's return) by MAE and
 * stay within 10 % of the no-change forecast ŷ = 0. Splits are chronological; only the validation year (2007)
 * is used for early stopping, the test period is evaluated once at the end.
 */
import * as tf from "@tensorflow/tfjs";
import { caseOutput, disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { mae, r2 } from "../../metrics/regression.js";
import { forecastWindows, type TemporalAttentionForecaster } from "../../models/temporalForecaster.js";
import { childSeed } from "../../random/childSeed.js";
import type { Target } from "../../records/record.js";
import { fitAdam } from "../../train/fitAdam.js";
import { trainableVariables } from "../../train/variables.js";
import { type StocksData, type StockWindows, scaledWindows, stocksBatch, stocksData } from "./data.js";
import { stocksModel } from "./model.js";

/** Settings of the stock-price experiment. */
export interface StocksConfig {
  seed: number;
  /** Months per window. */
  window: number;
  /** Targets in this year are the validation split (early stopping); earlier ones train. */
  validYear: number;
  /** Targets from January of this year on are the test period. */
  testYear: number;
  /** Width of the step embedding and of the attention scorer. */
  dModel: number;
  /** Upper bound on epochs; early stopping on the validation MAE usually ends training sooner. */
  epochs: number;
  /** Epochs without a better validation MAE before training stops. */
  patience: number;
  batchSize: number;
  learningRate: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const STOCKS_DEFAULTS: StocksConfig = {
  seed: 0,
  window: 12,
  validYear: 2007,
  testYear: 2008,
  dModel: 8,
  epochs: 40,
  patience: 5,
  batchSize: 32,
  learningRate: 0.005,
};

/** The claims of the full-mode run: no skill, only no worse than the naive forecasts. */
export const STOCKS_TARGETS: Target[] = [
  { metric: "mae.ratioToPersistence", op: "<=", value: 1.0 },
  { metric: "mae.ratioToZero", op: "<=", value: 1.1 },
];

/** What the evaluation of one split gives: the metrics, the forecasts and baselines, the mean attention. */
export interface StocksEvaluation {
  metrics: {
    mae: number;
    r2: number;
    "persistence.mae": number;
    "persistence.r2": number;
    "zero.mae": number;
    "zero.r2": number;
    "mae.ratioToPersistence": number;
    "mae.ratioToZero": number;
  };
  /** The model's forecasts (log returns, scaled back). */
  predictions: number[];
  /** Persistence forecasts: each window's last own return. */
  persistence: number[];
  /** α averaged over the split's windows, by window index (the last index is the latest month). */
  meanAttention: number[];
}

/** MAE and R² of `model`, persistence and no change on `split` (every window), in log-return units. */
export function stocksEvaluate(
  model: TemporalAttentionForecaster,
  split: StockWindows,
  data: Pick<StocksData, "scale">,
): StocksEvaluation {
  const out = forecastWindows(model, scaledWindows(split.x, data.scale));
  const predictions = out.predictions.map((p) => p * data.scale);
  const persistence = split.x.map((w) => w.at(-1)![0]!);
  const zero = split.y.map(() => 0);
  const modelMae = mae(predictions, split.y);
  const persistenceMae = mae(persistence, split.y);
  const zeroMae = mae(zero, split.y);
  return {
    metrics: {
      mae: modelMae,
      r2: r2(predictions, split.y),
      "persistence.mae": persistenceMae,
      "persistence.r2": r2(persistence, split.y),
      "zero.mae": zeroMae,
      "zero.r2": r2(zero, split.y),
      "mae.ratioToPersistence": modelMae / persistenceMae,
      "mae.ratioToZero": modelMae / zeroMae,
    },
    predictions,
    persistence,
    meanAttention: out.meanAttention,
  };
}

/** What `fit` watches after each epoch: the validation year's MAE and its ratio to no change (never the test). */
export function stocksValidation(
  model: TemporalAttentionForecaster,
  data: StocksData,
): { "valid.mae": number; "valid.ratioToZero": number } {
  const { metrics } = stocksEvaluate(model, data.valid, data);
  return { "valid.mae": metrics.mae, "valid.ratioToZero": metrics["mae.ratioToZero"] };
}

/** The trained model (the caller disposes it), the data and the test-period evaluation. */
export interface StocksArtifacts {
  model: TemporalAttentionForecaster;
  data: StocksData;
  final: StocksEvaluation;
}

export const stocksExperiment = defineExperiment<StocksConfig, StocksArtifacts>({
  name: "stocks",
  title: "Real monthly stock returns: the same attention forecaster against naive baselines",
  notebook: "notebooks/cases/09-time-series-attention.ipynb",
  defaults: STOCKS_DEFAULTS,
  quick: { epochs: 4 },
  targets: STOCKS_TARGETS,
  run(config, context) {
    const data = stocksData(config);
    return disposeOnError(async (own) => {
      const model = own(stocksModel(config));
      const training = await fitAdam({
        title: "stocks",
        adam: { learningRate: config.learningRate },
        variables: trainableVariables(model),
        size: data.train.y.length,
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: childSeed(config.seed, "shuffle"),
        batch: (ix) => stocksBatch(data.train, ix, data.scale),
        loss: (b) =>
          tf.losses.meanSquaredError(b.y, model.apply(b.x, { training: true }) as tf.Tensor) as tf.Scalar,
        evaluate: () => stocksValidation(model, data),
        earlyStopping: { metric: "valid.mae", mode: "min", patience: config.patience },
        progress: context.progress,
      });
      const final = stocksEvaluate(model, data.test, data);
      const metrics = { ...final.metrics, ...stocksValidation(model, data) };
      return caseOutput(data.dataset, training, metrics, { model, data, final });
    });
  },
});

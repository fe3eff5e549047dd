/**
 * Case study: a time series with a planted lag (catalog C9). The forecaster must find that r_{t+1} depends on
 * s `lag` steps before it; targets: held-out R² ≥ 0.6 (best possible ≈ 0.69), the mean attention peaks at the
 * lag, and at least 0.6 of the attention mass sits there. Baseline: persistence (ŷ = r_t).
 */
import * as tf from "@tensorflow/tfjs";
import { disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { r2 } from "../../metrics/regression.js";
import { forecastWindows, type TemporalAttentionForecaster } from "../../models/temporalForecaster.js";
import { childSeed } from "../../random/childSeed.js";
import type { Target } from "../../records/record.js";
import { fitAdam } from "../../train/fitAdam.js";
import { trainableVariables } from "../../train/variables.js";
import { type LaggedSeries, type TimeSeriesData, timeSeriesBatch, timeSeriesData } from "./data.js";
import { timeSeriesModel } from "./model.js";

/** Settings of the lagged-series experiment. */
export interface TimeSeriesConfig {
  seed: number;
  trainSize: number;
  testSize: number;
  /** Steps per window. */
  window: number;
  /** The planted lag (the informative step is window index `window − lag`). */
  lag: number;
  /** Width of the step embedding and of the attention scorer. */
  dModel: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const TIME_SERIES_DEFAULTS: TimeSeriesConfig = {
  seed: 0,
  trainSize: 4000,
  testSize: 1000,
  window: 20,
  lag: 5,
  dModel: 16,
  epochs: 30,
  batchSize: 64,
  learningRate: 0.01,
};

/** The claims of the full-mode run. */
export const TIME_SERIES_TARGETS: Target[] = [
  { metric: "r2", op: ">=", value: 0.6 },
  { metric: "attn.argmaxIsLag", op: ">=", value: 1 },
  { metric: "attn.massAtLag", op: ">=", value: 0.6 },
];

/** What the evaluation gives: the metrics, the baseline's, the forecasts and the mean attention. */
export interface TimeSeriesEvaluation {
  metrics: {
    r2: number;
    /** 1 when the mean attention over the held-out windows peaks at the lag index, else 0. */
    "attn.argmaxIsLag": number;
    /** The mean attention weight at the lag index. */
    "attn.massAtLag": number;
  };
  /** The baseline on the same windows: R² of persistence, ŷ = r_t (the last r of the window). */
  baseline: { "persistence.r2": number };
  predictions: number[];
  /** α averaged over the held-out windows, one weight per window index. */
  meanAttention: number[];
}

/** R² of `model` and of persistence on `test` (every window), and where the attention sits on average. */
export function timeSeriesEvaluate(
  model: TemporalAttentionForecaster,
  test: LaggedSeries,
): TimeSeriesEvaluation {
  const { predictions, meanAttention } = forecastWindows(model, test.x);
  const peak = meanAttention.indexOf(Math.max(...meanAttention));
  return {
    metrics: {
      r2: r2(predictions, test.y),
      "attn.argmaxIsLag": peak === test.lagIndex ? 1 : 0,
      "attn.massAtLag": meanAttention[test.lagIndex]!,
    },
    baseline: {
      "persistence.r2": r2(
        test.x.map((w) => w.at(-1)![0]!),
        test.y,
      ),
    },
    predictions,
    meanAttention,
  };
}

/** The trained model (the caller disposes it), the data and the final evaluation. */
export interface TimeSeriesArtifacts {
  model: TemporalAttentionForecaster;
  data: TimeSeriesData;
  final: TimeSeriesEvaluation;
}

export const timeSeriesExperiment = defineExperiment<TimeSeriesConfig, TimeSeriesArtifacts>({
  name: "time-series",
  title: "Time series with a planted lag: temporal attention finds the driver",
  notebook: "notebooks/cases/09-time-series-attention.ipynb",
  defaults: TIME_SERIES_DEFAULTS,
  quick: { trainSize: 1000, testSize: 300, epochs: 6 },
  targets: TIME_SERIES_TARGETS,
  run(config, context) {
    const data = timeSeriesData(config);
    return disposeOnError(async (own) => {
      const model = own(timeSeriesModel(config));
      const training = await fitAdam({
        title: "time series",
        adam: { learningRate: config.learningRate },
        variables: trainableVariables(model),
        size: config.trainSize,
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: childSeed(config.seed, "shuffle"),
        batch: (ix) => timeSeriesBatch(data.train, ix),
        loss: (b) =>
          tf.losses.meanSquaredError(b.y, model.apply(b.x, { training: true }) as tf.Tensor) as tf.Scalar,
        evaluate: () => timeSeriesEvaluate(model, data.test).metrics,
        progress: context.progress,
      });
      const final = timeSeriesEvaluate(model, data.test);
      return {
        dataset: data.dataset,
        history: training.history,
        metrics: { ...final.metrics, ...final.baseline },
        artifacts: { model, data, final },
      };
    });
  },
});

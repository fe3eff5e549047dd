/**
 * Every case study, in course order. `attnlab records verify` finds a record's experiment here and
 * `attnlab experiments` runs their notebooks. Each case lives in `lib/cases/<name>/`.
 */
import type { Experiment, ExperimentConfig } from "./experiment.js";
// case imports (one line per case, in course order)
import { copyTaskExperiment } from "../cases/copyTask/experiment.js";
import { enfrExperiment } from "../cases/enfr/experiment.js";
import { datesExperiment } from "../cases/dates/experiment.js";
import { similarityExperiment } from "../cases/similarity/experiment.js";
import { sentimentExperiment } from "../cases/sentiment/experiment.js";
import { summarizationExperiment } from "../cases/summarization/experiment.js";
import { shapesExperiment } from "../cases/shapes/experiment.js";
import { lesionsExperiment } from "../cases/lesions/experiment.js";
import { channelAttentionExperiment } from "../cases/channelAttention/experiment.js";
import { timeSeriesExperiment } from "../cases/timeSeries/experiment.js";
import { stocksExperiment } from "../cases/stocks/experiment.js";
import { recommendationExperiment } from "../cases/recommendation/experiment.js";

/** An experiment of any config (the registry's element type). */
export type AnyExperiment = Experiment<ExperimentConfig, unknown>;

/** The registered experiments. */
export const EXPERIMENTS: readonly AnyExperiment[] = [
  copyTaskExperiment as AnyExperiment,
  enfrExperiment as AnyExperiment,
  datesExperiment as AnyExperiment,
  similarityExperiment as AnyExperiment,
  sentimentExperiment as AnyExperiment,
  summarizationExperiment as AnyExperiment,
  shapesExperiment as AnyExperiment,
  lesionsExperiment as AnyExperiment,
  channelAttentionExperiment as AnyExperiment,
  timeSeriesExperiment as AnyExperiment,
  stocksExperiment as AnyExperiment,
  recommendationExperiment as AnyExperiment,
];

/** The experiment called `name`, or a clear error listing the known ones. */
export function findExperiment(name: string): AnyExperiment {
  const found = EXPERIMENTS.find((e) => e.name === name);
  if (!found)
    throw new RangeError(
      `unknown experiment "${name}" (known: ${EXPERIMENTS.map((e) => e.name).join(", ")})`,
    );
  return found;
}

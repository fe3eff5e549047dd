/**
 * Every case study, in course order. `attnlab records verify` finds a record's experiment here and
 * `attnlab experiments` runs their notebooks. Each case lives in `lib/cases/<name>/`; the registry lives with the
 * cases, so the framework (`lib/experiments`) imports no case (it takes the list as an argument).
 */
import type { AnyExperiment } from "../experiments/experiment.js";
import { channelAttentionExperiment } from "./channelAttention/experiment.js";
import { charGptExperiment } from "./charGpt/experiment.js";
// case imports (one line per case, in course order)
import { copyTaskExperiment } from "./copyTask/experiment.js";
import { customerServiceExperiment } from "./customerService/experiment.js";
import { datesExperiment } from "./dates/experiment.js";
import { enfrExperiment } from "./enfr/experiment.js";
import { focusExperiment } from "./focus/experiment.js";
import { lesionsExperiment } from "./lesions/experiment.js";
import { opinionMonitoringExperiment } from "./opinionMonitoring/experiment.js";
import { qaExperiment } from "./qa/experiment.js";
import { recommendationExperiment } from "./recommendation/experiment.js";
import { segmentationExperiment } from "./segmentation/experiment.js";
import { sentimentExperiment } from "./sentiment/experiment.js";
import { shapesExperiment } from "./shapes/experiment.js";
import { similarityExperiment } from "./similarity/experiment.js";
import { speechExperiment } from "./speech/experiment.js";
import { stocksExperiment } from "./stocks/experiment.js";
import { summarizationExperiment } from "./summarization/experiment.js";
import { timeSeriesExperiment } from "./timeSeries/experiment.js";
import { videoExperiment } from "./video/experiment.js";

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
  charGptExperiment as AnyExperiment,
  speechExperiment as AnyExperiment,
  qaExperiment as AnyExperiment,
  segmentationExperiment as AnyExperiment,
  videoExperiment as AnyExperiment,
  customerServiceExperiment as AnyExperiment,
  opinionMonitoringExperiment as AnyExperiment,
  focusExperiment as AnyExperiment,
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

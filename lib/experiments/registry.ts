/**
 * Every case study, in course order. `attnlab records verify` finds a record's experiment here and
 * `attnlab experiments` runs their notebooks. Each case lives in `lib/cases/<name>/`.
 */
import type { Experiment, ExperimentConfig } from "./experiment.js";
// case imports (one line per case, in course order)
import { copyTaskExperiment } from "../cases/copyTask/experiment.js";
// import:enfr
// import:dates
// import:similarity
// import:sentiment
// import:summarization
// import:shapes
// import:lesions
// import:channel-attention
import { timeSeriesExperiment } from "../cases/timeSeries/experiment.js";
// import:recommendation

/** An experiment of any config (the registry's element type). */
export type AnyExperiment = Experiment<ExperimentConfig, unknown>;

/** The registered experiments. */
export const EXPERIMENTS: readonly AnyExperiment[] = [
  copyTaskExperiment as AnyExperiment,
  // entry:enfr
  // entry:dates
  // entry:similarity
  // entry:sentiment
  // entry:summarization
  // entry:shapes
  // entry:lesions
  // entry:channel-attention
  timeSeriesExperiment as AnyExperiment,
  // entry:recommendation
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

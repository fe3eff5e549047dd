/**
 * The cases that train more than one model free every model they built when a later training throws: the
 * main model (already trained), the ablation or the other repeats, and the one whose training failed. Each run
 * gets a progress reporter that throws when its `throwAt`-th training starts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { channelAttentionExperiment } from "../../lib/cases/channelAttention/experiment.js";
import { enfrExperiment } from "../../lib/cases/enfr/experiment.js";
import { lesionsExperiment } from "../../lib/cases/lesions/experiment.js";
import { recommendationExperiment } from "../../lib/cases/recommendation/experiment.js";
import { sentimentExperiment } from "../../lib/cases/sentiment/experiment.js";
import type { AnyExperiment } from "../../lib/experiments/experiment.js";
import { experimentConfig } from "../../lib/experiments/run.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import type { ProgressReporter } from "../../lib/train/progress.js";

/** A reporter that is silent until the `throwAt`-th training starts, and throws then. */
function failingAt(throwAt: number): ProgressReporter & { started: number } {
  const reporter = {
    started: 0,
    start() {
      reporter.started++;
      if (reporter.started === throwAt) throw new Error(`training ${throwAt} refused`);
    },
    step() {},
    epoch() {},
    end() {},
  };
  return reporter;
}

const RUNS: [AnyExperiment, Record<string, unknown>, number][] = [
  // the GRU ablation's training (2nd) fails after the Transformer trained
  [
    enfrExperiment as AnyExperiment,
    { epochs: 1, gruEpochs: 1, testFraction: 0.05, batchSize: 256, gruBatchSize: 256, dModel: 16, dFF: 32 },
    2,
  ],
  [sentimentExperiment as AnyExperiment, { trainSize: 64, testSize: 16, dModel: 16, dFF: 32 }, 2],
  [lesionsExperiment as AnyExperiment, { trainSize: 24, testSize: 12, filters: [4] }, 2],
  [recommendationExperiment as AnyExperiment, { trainSize: 128, testSize: 32, epochs: 1 }, 2],
  // repeat 1's plain model (5th run) fails after repeat 0's three models were kept and repeat 1's SE freed
  [channelAttentionExperiment as AnyExperiment, { trainSize: 24, testSize: 12, filters: [4], repeats: 2 }, 5],
];

for (const [experiment, overrides, throwAt] of RUNS) {
  test(`${experiment.name}: when training ${throwAt} throws, run frees every model it built`, async () => {
    await initBackend();
    const config = experimentConfig(experiment, true, overrides);
    const before = tf.memory().numTensors;
    const progress = failingAt(throwAt);
    await assert.rejects(
      experiment.run(config, { progress, quick: true }),
      new RegExp(`training ${throwAt}`),
    );
    assert.equal(progress.started, throwAt, "the earlier trainings ran");
    assert.equal(tf.memory().numTensors, before, "no tensor is left behind");
  });
}

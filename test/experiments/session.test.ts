/**
 * startExperiment / finishExperiment: the two halves of runExperiment that a glass-box notebook calls around its
 * own cells. The record they write equals runExperiment's and verifies; a session records once; the output is
 * checked; nothing is recorded for an unknown config key.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { datasetInfo } from "../../lib/experiments/experiment.js";
import { finishExperiment, runExperiment, startExperiment } from "../../lib/experiments/run.js";
import { verifyRecord } from "../../lib/experiments/verify.js";
import { tiny } from "../records/tinyExperiment.js";
import { tempDir } from "../tempDir.js";

const opts = { progress: "none", log: false } as const;

test("a session's record equals runExperiment's for the same config, and verifies exactly", async () => {
  const d = tempDir("attnlab-session-");
  const session = await startExperiment(tiny, { ...opts, quick: true, record: d });
  assert.deepEqual(session.config, { seed: 1, size: 48, epochs: 2, learningRate: 0.05 });
  assert.equal(session.quick, true);
  // what a notebook does in its own cells: here, the experiment's own steps
  const output = await tiny.run(session.config, { progress: "none", quick: session.quick });
  output.artifacts.w.dispose();
  const run = finishExperiment(session, {
    dataset: output.dataset,
    history: output.history,
    metrics: output.metrics,
  });
  const direct = await runExperiment(tiny, { ...opts, quick: true, record: false });
  direct.artifacts.w.dispose();
  assert.deepEqual(run.record.metrics, direct.record.metrics);
  const noTime = (epochs: typeof run.record.epochs) => epochs.map(({ seconds: _, ...e }) => e);
  assert.deepEqual(noTime(run.record.epochs), noTime(direct.record.epochs));
  const report = await verifyRecord(run.recordPath!, [tiny]);
  assert.equal(report.match, true, JSON.stringify(report.rows.filter((r) => !r.match)));
  assert.throws(() => finishExperiment(session, output), /already wrote its record; start a new one/);
});

test("finishExperiment checks the output; startExperiment checks the config", async () => {
  const session = await startExperiment(tiny, { ...opts, record: false });
  assert.throws(
    () => finishExperiment(session, { history: [], metrics: {} } as never),
    /finishExperiment\(tiny-regression\): output: .*dataset/,
  );
  assert.throws(
    () =>
      finishExperiment(session, {
        dataset: datasetInfo("t", { a: [1] }),
        history: [],
        metrics: {},
        extra: 1,
      } as never),
    /unknown option "extra"/,
  );
  await assert.rejects(
    startExperiment(tiny, { ...opts, config: { sise: 3 } as never }),
    /startExperiment\(tiny-regression\).*sise/,
  );
});

test("datasetInfo: sizes from arrays or sizeOf, and a clear error otherwise", () => {
  assert.deepEqual(datasetInfo("toy", { train: [1, 2, 3], test: [4] }).sizes, { train: 3, test: 1 });
  assert.deepEqual(datasetInfo("toy", { train: { n: 5 } }, (s) => s.n).sizes, { train: 5 });
  assert.match(datasetInfo("toy", { train: [1] }).hash, /^[0-9a-f]{64}$/);
  assert.throws(
    () => datasetInfo("toy", { train: { n: 5 } }),
    /datasetInfo\(toy\): split "train" is not an array/,
  );
});

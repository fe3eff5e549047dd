/**
 * The copy task: seeded data with the documented layout and the dataset hash of datasets/copy-task/README.md,
 * exact-match accuracy, the doc examples, and a short run of `copyTaskExperiment` whose loss falls, which leaks
 * no tensors and repeats exactly (the full ≥ 99% run is `npx attnlab experiments copy-task`).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { copyTaskData } from "../../lib/cases/copyTask/data.js";
import { copyTaskExperiment } from "../../lib/cases/copyTask/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { attentionMask } from "../../lib/layers/attentionMask.js";
import { linear } from "../../lib/layers/linear.js";
import { exactMatch } from "../../lib/metrics/classification.js";
import { COPY_TASK, copySequences } from "../../lib/models/copyTask.js";
import { transformerConfig } from "../../lib/models/transformerConfig.js";
import { hashValue } from "../../lib/records/record.js";
import { useBackend } from "../layers/attentionHelpers.js";

test("copy-task data: seeded, symbols 3 … 10, start/end tokens in place", () => {
  const a = copySequences(7, 5);
  assert.deepEqual(copySequences(7, 5), a, "same seed, same batch");
  assert.notDeepEqual(copySequences(8, 5).src, a.src);
  for (const [i, s] of a.src.entries()) {
    assert.equal(s.length, COPY_TASK.length);
    assert.ok(s.every((t) => t >= 3 && t <= 10));
    assert.deepEqual(a.tgtIn[i], [COPY_TASK.bos, ...s]);
    assert.deepEqual(a.tgtOut[i], [...s, COPY_TASK.eos]);
  }
});

test("doc examples of the tier-2 helpers", async () => {
  await useBackend("wasm");
  assert.equal(copySequences(7, 1).src[0]!.length, 10);
  assert.equal(exactMatch([[3, 4], [5]], [[3, 4], [6]]), 0.5);
  assert.equal(exactMatch([[3]], [[3, 4]]), 0);
  assert.equal(transformerConfig({ srcVocab: 11, tgtVocab: 11 }, "tiny").dModel, 32);
  tf.tidy(() => {
    assert.deepEqual(attentionMask(1, 2, 2, { causal: true })!.arraySync(), [
      [
        [1, 0],
        [1, 1],
      ],
    ]);
    assert.deepEqual(linear(tf.ones([2, 3, 4]), tf.ones([4, 5])).shape, [2, 3, 5]);
  });
});

test("copy-task dataset: disjoint seeded splits, default-config hash as in the README", () => {
  const small = copyTaskData({ seed: 3, trainSize: 20, validationSize: 5, testSize: 5 });
  assert.deepEqual(copyTaskData({ seed: 3, trainSize: 20, validationSize: 5, testSize: 5 }), small);
  assert.equal(small.train.src.length, 20);
  assert.equal(small.validation.src.length, 5);
  assert.equal(small.test.src.length, 5);
  assert.notDeepEqual(small.train.src.slice(0, 5), small.test.src, "training and held-out streams differ");
  assert.notDeepEqual(small.validation.src, small.test.src, "validation and test streams differ");
  const full = copyTaskData(copyTaskExperiment.defaults);
  const hash = hashValue({ train: full.train.src, validation: full.validation.src, test: full.test.src });
  assert.equal(full.dataset.hash, hash);
  const readme = readFileSync("datasets/copy-task/README.md", "utf8");
  assert.match(readme, new RegExp(`sha256 \\(default config\\): ${hash}`));
});

const tiny = { trainSize: 640, validationSize: 16, testSize: 16, epochs: 2, batchSize: 32 };

async function tinyRun() {
  return runExperiment(copyTaskExperiment, {
    quick: true,
    config: tiny,
    record: false,
    progress: "none",
    log: false,
  });
}

test("a short copyTaskExperiment run on wasm: the loss falls, nothing leaks, a rerun is identical", async () => {
  await useBackend("wasm");
  const first = await tinyRun();
  first.artifacts.model.dispose();
  const before = tf.memory().numTensors;
  const run = await tinyRun();
  assert.equal(run.history.length, 2);
  const [start, end] = [run.history[0]!.loss, run.history[1]!.loss];
  assert.ok(end < start, `loss ${start.toFixed(3)} → ${end.toFixed(3)}`);
  for (const [k, v] of Object.entries(run.metrics)) assert.ok(Number.isFinite(v), `${k} = ${v}`);
  assert.equal(
    tf.memory().numTensors - before,
    run.artifacts.model.weights.length,
    "only the model's weights remain",
  );
  run.artifacts.model.dispose();
  assert.deepEqual(run.metrics, first.metrics, "same config, same metrics");
  assert.deepEqual(
    run.history.map((h) => h.loss),
    first.history.map((h) => h.loss),
  );
});

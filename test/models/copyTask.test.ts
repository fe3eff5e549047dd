/**
 * The copy task: seeded data with the documented layout, exact-match accuracy, the doc examples, and a short
 * training run whose loss falls by more than half (the full ≥ 99% run is `scripts/copy-task.ts`).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { attentionMask } from "../../lib/layers/attentionMask.js";
import { linear } from "../../lib/layers/linear.js";
import { COPY_TASK, copyTaskBatch, exactMatch } from "../../lib/models/copyTask.js";
import { trainCopyTask } from "../../lib/models/copyTaskTraining.js";
import { transformerConfig } from "../../lib/models/transformerConfig.js";
import { useBackend } from "../layers/attentionHelpers.js";

test("copy-task data: seeded, symbols 3 … 10, start/end tokens in place", () => {
  const a = copyTaskBatch(7, 5);
  assert.deepEqual(copyTaskBatch(7, 5), a, "same seed, same batch");
  assert.notDeepEqual(copyTaskBatch(8, 5).src, a.src);
  for (const [i, s] of a.src.entries()) {
    assert.equal(s.length, COPY_TASK.length);
    assert.ok(s.every((t) => t >= 3 && t <= 10));
    assert.deepEqual(a.tgtIn[i], [COPY_TASK.bos, ...s]);
    assert.deepEqual(a.tgtOut[i], [...s, COPY_TASK.eos]);
  }
});

test("doc examples of the tier-2 helpers", async () => {
  await useBackend("wasm");
  assert.equal(copyTaskBatch(7, 1).src[0]!.length, 10);
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

test("a short copy-task run on wasm halves the loss and leaks nothing", async () => {
  await useBackend("wasm");
  const before = tf.memory().numTensors;
  const { model, losses, history } = trainCopyTask({
    seed: 1,
    maxSteps: 120,
    batchSize: 32,
    evalEvery: 120,
    evalSize: 16,
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const [start, end] = [mean(losses.slice(0, 10)), mean(losses.slice(-10))];
  assert.ok(end < start / 2, `loss ${start.toFixed(3)} → ${end.toFixed(3)}`);
  assert.equal(history.length, 1);
  assert.equal(tf.memory().numTensors - before, model.weights.length, "only the model's weights remain");
  model.dispose();
});

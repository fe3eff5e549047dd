/**
 * The channel-attention case: the generator is seeded and puts the shape only in the channels it reports; its
 * default data hash matches the dataset README; a tiny run of all three models is finite, leak-free and
 * bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { channelCueData } from "../../lib/cases/channelAttention/data.js";
import {
  CHANNEL_ATTENTION_VARIANTS,
  channelAttentionExperiment,
} from "../../lib/cases/channelAttention/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { hashValue } from "../../lib/records/record.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

test("channelCueData: seeded; the shape is only in the informative channels", () => {
  const a = channelCueData({ seed: 3, size: 200 });
  assert.deepEqual(channelCueData({ seed: 3, size: 200 }), a);
  // Mean over the 5×5 box at the shape: high in the informative channels, ≈ 0 in the others.
  const inside: number[] = [];
  const outside: number[] = [];
  a.images.forEach((im, k) => {
    const [ci, cj] = a.centers[k]!;
    for (let c = 0; c < 8; c++) {
      let s = 0;
      for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) s += im[ci + i]![cj + j]![c]!;
      (a.informative[k]!.includes(c) ? inside : outside).push(s / 25);
    }
  });
  const mean = (xs: number[]) => xs.reduce((p, q) => p + q, 0) / xs.length;
  assert.equal(inside.length, 400);
  assert.ok(mean(inside) > 0.5 && Math.abs(mean(outside)) < 0.05, `${mean(inside)} ${mean(outside)}`);
});

test("the default dataset hash is the one in datasets/channel-attention/README.md", () => {
  const { seed, trainSize, testSize } = channelAttentionExperiment.defaults;
  const train = channelCueData({ seed: seed * 2 + 1, size: trainSize });
  const test_ = channelCueData({ seed: seed * 2 + 2, size: testSize });
  const readme = readFileSync(
    join(__dirname, "..", "..", "datasets", "channel-attention", "README.md"),
    "utf8",
  );
  assert.ok(readme.includes(`sha256 (default config): ${hashValue({ train, test: test_ })}`));
});

test("a tiny channel-attention run is finite, leaves no tensors behind and repeats exactly", async () => {
  const config = { trainSize: 48, testSize: 24, epochs: 1, repeats: 2, filters: [8, 8] };
  const opts = { quick: true, config, record: false, progress: "none", log: false } as const;
  await initBackend();
  const before = tf.memory().numTensors;
  const a = await runExperiment(channelAttentionExperiment, opts);
  for (const v of CHANNEL_ATTENTION_VARIANTS) a.artifacts.models[v].model.dispose();
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(channelAttentionExperiment, opts);
  for (const v of CHANNEL_ATTENTION_VARIANTS) b.artifacts.models[v].model.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.ok("plain.mean" in a.metrics && "se.sd" in a.metrics && "cbam.mean" in a.metrics);
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.ok(afterFirst - before <= 8, `${afterFirst - before} tensors left after dispose`);
});

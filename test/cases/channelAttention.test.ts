/**
 * The channel-attention case: the generator is seeded and puts the shape only in the channels it reports; the
 * case data come from named child seeds and their default hash matches the dataset README; the runs and their
 * seeds are the documented ones and the variants of a repeat share their initial conv and head weights; a tiny
 * run of all three models is finite, leak-free and bit-for-bit repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  channelAttentionBatch,
  channelAttentionData,
  generateChannelCue,
} from "../../lib/cases/channelAttention/data.js";
import {
  CHANNEL_ATTENTION_DEFAULTS,
  channelAttentionExperiment,
  channelAttentionRuns,
} from "../../lib/cases/channelAttention/experiment.js";
import { CHANNEL_ATTENTION_VARIANTS, channelAttentionModel } from "../../lib/cases/channelAttention/model.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { childSeed } from "../../lib/random/childSeed.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { sameWeights } from "../../lib/train/variables.js";

test("generateChannelCue: seeded; the shape is only in the informative channels", () => {
  const a = generateChannelCue({ seed: 3, size: 200 });
  assert.deepEqual(generateChannelCue({ seed: 3, size: 200 }), a);
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
  assert.throws(
    () => generateChannelCue({ seed: 1, size: 2, informative: 9 }),
    /informative must be an integer/,
  );
});

test("channelAttentionData: each split from its own child seed; the batch is [B, 12, 12, 8]", async () => {
  await initBackend();
  const data = channelAttentionData({ seed: 5, trainSize: 10, testSize: 6 });
  assert.deepEqual(data.train, generateChannelCue({ seed: childSeed(5, "data/train"), size: 10 }));
  assert.deepEqual(data.test, generateChannelCue({ seed: childSeed(5, "data/test"), size: 6 }));
  assert.deepEqual(data.dataset.sizes, { train: 10, test: 6 });
  const b = channelAttentionBatch(data.test, [1, 4, 5]);
  assert.deepEqual([b.x.shape, b.y.shape, b.y.dtype], [[3, 12, 12, 8], [3], "int32"]);
  tf.dispose([b.x, b.y]);
});

test("the default dataset hash is the one in datasets/channel-attention/README.md", () => {
  const { dataset } = channelAttentionData(CHANNEL_ATTENTION_DEFAULTS);
  const readme = readFileSync(
    join(__dirname, "..", "..", "datasets", "channel-attention", "README.md"),
    "utf8",
  );
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("channelAttentionRuns: SE from the case seed first, then every variant of every repeat", () => {
  const runs = channelAttentionRuns({ seed: 7, repeats: 3 });
  assert.equal(runs.length, 9);
  assert.deepEqual(runs[0], { variant: "se", repeat: 0, seed: 7 });
  assert.deepEqual(
    runs.filter((r) => r.repeat === 2).map((r) => [r.variant, r.seed]),
    ["se", "plain", "cbam"].map((v) => [v, childSeed(7, "repeat/2")]),
  );
  assert.equal(new Set(runs.map((r) => r.seed)).size, 3);
  for (const v of CHANNEL_ATTENTION_VARIANTS) assert.equal(runs.filter((r) => r.variant === v).length, 3);
});

test("channelAttentionModel: the variants of one seed share their conv and head weights; a bad variant is refused", async () => {
  await initBackend();
  const config = { seed: 2, filters: [8, 8], ratio: 4 };
  const [plain, se, cbam] = CHANNEL_ATTENTION_VARIANTS.map((v) => channelAttentionModel(config, v));
  for (const layer of ["conv0", "conv1", "head"]) {
    assert.ok(sameWeights(plain!.model.getLayer(layer), se!.model.getLayer(layer)), layer);
    assert.ok(sameWeights(plain!.model.getLayer(layer), cbam!.model.getLayer(layer)), layer);
  }
  assert.equal(se!.model.getLayer("attention0").getClassName(), "SqueezeExcitation");
  assert.equal(cbam!.model.getLayer("attention1").getClassName(), "Cbam");
  assert.equal(se!.config.seed, childSeed(2, "model"));
  for (const m of [plain, se, cbam]) m!.model.dispose();
  assert.throws(
    () => channelAttentionModel(config, "eca" as "se"),
    /channelAttentionModel: variant must be one of .*plain.*se.*cbam.*, got "eca"/,
  );
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
  for (const v of CHANNEL_ATTENTION_VARIANTS) {
    for (const key of ["mean", "sd", "repeat0", "repeat1"])
      assert.ok(`${v}.${key}` in a.metrics, `${v}.${key}`);
    assert.equal(a.artifacts.accuracies[v].length, 2);
  }
  assert.equal(a.metrics["se.repeat0"], a.history.at(-1)!.metrics.accuracy);
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.ok(afterFirst - before <= 8, `${afterFirst - before} tensors left after dispose`);
});

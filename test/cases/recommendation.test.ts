/**
 * The recommendation case: labels follow the recency rule, the splits are seeded by name, the model's attention
 * rows are distributions (uniform for the mean ablation) and bad input is refused by name, the default data
 * hash matches the dataset README, and a tiny run of the experiment is finite, leak-free and bit-for-bit
 * repeatable.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  generateClicks,
  recommendationBatch,
  recommendationData,
} from "../../lib/cases/recommendation/data.js";
import {
  recommendationAttentionMass,
  recommendationExperiment,
} from "../../lib/cases/recommendation/experiment.js";
import { recommendationModel, TargetAttentionRecommender } from "../../lib/cases/recommendation/model.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { childSeed } from "../../lib/random/childSeed.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { sameWeights, trainableVariables } from "../../lib/train/variables.js";

before(async () => {
  await initBackend();
});

test("generateClicks: the label is 'category among the last 3 clicks', and generation is seeded", () => {
  const d = generateClicks({ seed: 5, size: 500 });
  d.label.forEach((label, n) => {
    const cats = d.historyCategory[n]!;
    const c = d.candidateCategory[n]!;
    assert.equal(label, cats.slice(-3).includes(c) ? 1 : 0);
    assert.equal(Math.floor(d.candidate[n]! / 4), c);
    d.history[n]!.forEach((item, j) => assert.equal(Math.floor(item / 4), cats[j]));
    if (d.kind[n] === "earlier") assert.ok(cats.includes(c));
    if (d.kind[n] === "other") assert.ok(!cats.includes(c));
    assert.equal(new Set(cats).size <= 6, true);
  });
  assert.ok(d.kind.includes("earlier") && d.kind.includes("other"));
  assert.deepEqual(generateClicks({ seed: 5, size: 3 }), generateClicks({ seed: 5, size: 3 }));
  assert.throws(() => generateClicks({ seed: 5, size: 3, recnet: 2 } as never), /unknown option "recnet"/);
  assert.throws(
    () => generateClicks({ seed: 5, size: 3, recent: 20 }),
    /recent 20 must be in 1…historyLength − 1/,
  );
});

test("recommendationData: each split from its own childSeed; recommendationBatch: int32 ids, float labels", () => {
  const data = recommendationData({ seed: 3, trainSize: 40, testSize: 10 });
  assert.deepEqual(data.train, generateClicks({ seed: childSeed(3, "data/train"), size: 40 }));
  assert.deepEqual(data.test, generateClicks({ seed: childSeed(3, "data/test"), size: 10 }));
  assert.deepEqual(data.dataset.sizes, { train: 40, test: 10 });
  const b = recommendationBatch(data.train, [4, 1]);
  assert.deepEqual(
    b.x.map((x) => [x.shape, x.dtype]),
    [
      [[2, 20], "int32"],
      [[2, 20], "int32"],
      [[2], "int32"],
      [[2], "int32"],
    ],
  );
  assert.deepEqual(Array.from(b.y.dataSync()), [data.train.label[4], data.train.label[1]]);
  tf.dispose(b);
});

test("the model: α rows sum to 1 (1/T for mean), seeds by name, and bad inputs are refused by name", () => {
  const config = { seed: 2, dModel: 4, hiddenSize: 8 };
  const attention = recommendationModel(config);
  const mean = recommendationModel(config, "mean");
  const again = recommendationModel(config);
  assert.ok(sameWeights(attention, again));
  assert.equal(attention.config.seed, childSeed(2, "model"));
  assert.equal(mean.config.seed, childSeed(2, "mean/model"));
  assert.equal(
    trainableVariables(attention).length,
    trainableVariables(mean).length + 4,
    "the scorer's 4 weights",
  );
  const set = generateClicks({ seed: 9, size: 6 });
  const { x } = recommendationBatch(set, [0, 1, 2, 3, 4, 5]);
  const held = tf.memory().numTensors;
  for (const model of [attention, mean]) {
    const { output, attention: alpha } = model.applyWithAttention(x);
    assert.deepEqual([output.shape, alpha.shape], [[6], [6, 20]]);
    const rows = alpha.arraySync();
    for (const row of rows) assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5);
    if (model === mean) assert.ok(rows.flat().every((v) => Math.abs(v - 1 / 20) < 1e-7));
    const direct = model.apply(x) as tf.Tensor;
    assert.deepEqual(Array.from(direct.dataSync()), Array.from(output.dataSync()));
    tf.dispose([output, alpha, direct]);
  }
  assert.equal(tf.memory().numTensors, held, "applyWithAttention and apply leave nothing behind");
  const [h, hc, c, cc] = x;
  assert.throws(() => attention.apply([h, hc, c]), /expects 4 inputs/);
  assert.throws(() => attention.apply([h, hc, tf.cast(c, "float32"), cc]), /candidate must be int32 \[6\]/);
  const outOfRange = tf.fill([6], 96, "int32");
  assert.throws(
    () => attention.apply([h, hc, outOfRange, cc]),
    /candidate ids must lie in \[0, 96\), got 96/,
  );
  assert.throws(() => attention.applyWithAttention(x, { returnAttention: true } as never), /unknown option/);
  assert.throws(() => new TargetAttentionRecommender({ items: 8, categories: 2 } as never), /historyLength/);
  assert.throws(
    () =>
      new TargetAttentionRecommender({ items: 8, categories: 2, historyLength: 3, pooling: "max" as never }),
    /pooling/,
  );
  tf.dispose([...x, outOfRange]);
  for (const m of [attention, mean, again]) m.dispose();
});

test("the model equals a plain-array forward pass of DIN's target attention (1e-5)", () => {
  const model = recommendationModel({ seed: 4, dModel: 3, hiddenSize: 5 });
  const set = generateClicks({ seed: 2, size: 2 });
  const { x } = recommendationBatch(set, [0, 1]);
  const { output, attention } = model.applyWithAttention(x);
  type M = number[][];
  const [items, cats, pos, w1, b1, w2, b2, w3, b3, w4, b4] = model.getWeights().map((w) => w.arraySync()) as [
    M,
    M,
    M,
    M,
    number[],
    M,
    number[],
    M,
    number[],
    M,
    number[],
  ];
  const add = (a: number[], b: number[]) => a.map((v, i) => v + b[i]!);
  const mul = (a: number[], b: number[]) => a.map((v, i) => v * b[i]!);
  const dense = (v: number[], w: M, b: number[]) =>
    b.map((bj, j) => bj + v.reduce((s, vi, i) => s + vi * w[i]![j]!, 0));
  const relu = (v: number[]) => v.map((a) => Math.max(0, a));
  [0, 1].forEach((n) => {
    const e = set.history[n]!.map((item, j) =>
      add(add(items[item]!, cats[set.historyCategory[n]![j]!]!), pos[j]!),
    );
    const q = add(items[set.candidate[n]!]!, cats[set.candidateCategory[n]!]!);
    const s = e.map((ej) => dense(relu(dense([...ej, ...q, ...mul(ej, q)], w1, b1)), w2, b2)[0]!);
    const z = s.map((v) => Math.exp(v - Math.max(...s)));
    const alpha = z.map((v) => v / z.reduce((a, b) => a + b, 0));
    const u = q.map((_, k) => e.reduce((sum, ej, j) => sum + alpha[j]! * ej[k]!, 0));
    const logit = dense(relu(dense([...u, ...q, ...mul(u, q)], w3, b3)), w4, b4)[0]!;
    assert.ok(Math.abs(output.arraySync()[n]! - logit) < 1e-5, `logit ${n}`);
    attention.arraySync()[n]!.forEach((a, j) => assert.ok(Math.abs(a - alpha[j]!) < 1e-5, `α ${n}, ${j}`));
  });
  tf.dispose([...x, output, attention]);
  model.dispose();
});

test("recommendationAttentionMass: the mass on recent matches (positives) and old matches (earlier negatives)", () => {
  const set = generateClicks({ seed: 1, size: 50 });
  const t = 20;
  const onRecentMatches = set.kind.map((kind, n) => {
    const match = set.historyCategory[n]!.map((c, j) => c === set.candidateCategory[n] && j >= t - 3);
    const count = match.filter(Boolean).length;
    return match.map((m) => (kind === "recent" && m ? 1 / count : count === 0 ? 1 / t : 0));
  });
  assert.ok(Math.abs(recommendationAttentionMass(set, onRecentMatches)["attn.recentMatchMass"] - 1) < 1e-12);
  const uniform = set.kind.map(() => Array(t).fill(1 / t));
  assert.ok(recommendationAttentionMass(set, uniform)["attn.recentMatchMass"] < 0.2);
});

test("the default dataset hash is the one in datasets/recommendation/README.md", () => {
  const { dataset } = recommendationData(recommendationExperiment.defaults);
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "recommendation", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("a tiny run is finite, leaves no tensors behind and repeats exactly", async () => {
  const config = { trainSize: 256, testSize: 64, epochs: 2 };
  const opts = { quick: true, config, record: false, progress: "none", log: false } as const;
  const held = tf.memory().numTensors;
  const a = await runExperiment(recommendationExperiment, opts);
  a.artifacts.attention.dispose();
  a.artifacts.mean.dispose();
  const b = await runExperiment(recommendationExperiment, opts);
  b.artifacts.attention.dispose();
  b.artifacts.mean.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(a.artifacts.final.weights.length, 64);
  assert.equal(tf.memory().numTensors, held, "every tensor of both runs is disposed");
});

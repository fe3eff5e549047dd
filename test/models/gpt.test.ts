/**
 * The decoder-only GPT: config checks, shapes of logits and per-block attention maps, the causal property (a later
 * token never changes earlier logits), the parameter-count formula, a tiny model overfitting a 20-character
 * string under Adam, dropout only while training, wasm = cpu, save → load, greedy and seeded generation (context cropped to blockSize), next-token pairs and loss, and
 * no tensor leaks in apply, applyWithAttention, the loss and generate.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { sampleToken } from "../../lib/math/sampling.js";
import { generate } from "../../lib/models/generate.js";
import { Gpt } from "../../lib/models/gpt.js";
import { DEFAULTS, gptConfig, gptParameterCount, PRESETS } from "../../lib/models/gptConfig.js";
import { loadModel, saveModel } from "../../lib/models/modelIO.js";
import { bitsPerToken, nextTokenLoss, nextTokenPairs } from "../../lib/models/nextToken.js";
import { sequenceCrossEntropy } from "../../lib/models/seq2seqTraining.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { applyOptimizerStep } from "../../lib/train/adamStep.js";
import { countParameters, trainableVariables } from "../../lib/train/variables.js";
import { assertClose } from "../helpers.js";
import { roundTrip, useBackend } from "../layers/attentionHelpers.js";

const small = {
  vocabSize: 11,
  blockSize: 8,
  dModel: 16,
  numHeads: 2,
  dFF: 32,
  numLayers: 2,
  dropout: 0,
  seed: 3,
};
const ids = (rows: number[][]) => tf.tensor2d(rows, undefined, "int32");
const logitsOf = (model: Gpt, rows: number[][]) =>
  tf.tidy(() => (model.apply(ids(rows)) as tf.Tensor).arraySync() as number[][][]);

test("config: DEFAULTS, presets, overrides, unknown keys and bad values are errors", () => {
  assert.equal(gptConfig().dModel, DEFAULTS.dModel);
  assert.equal(gptConfig({}, "tiny").numLayers, PRESETS.tiny.numLayers);
  assert.equal(gptConfig({ dFF: 7 }, "small").dFF, 7);
  assert.throws(() => gptConfig({ dModel: 10, numHeads: 4 }), /dModel 10 is not divisible by numHeads 4/);
  assert.throws(
    () => gptConfig({ blokSize: 8 } as never),
    /unknown option "blokSize" \(did you mean "blockSize"\?\)/,
  );
  assert.throws(() => new Gpt({ positional: "rotary" } as never), /Gpt: options.positional must be one of/);
  assert.throws(() => new Gpt({ numLayers: 0 }), /Gpt: options.numLayers must be an integer ≥ 1, got 0/);
  assert.throws(() => gptConfig({}, "huge" as never), /preset must be one of "tiny", "small"/);
});

for (const variant of [
  { name: "learned positions, untied head", extra: {} },
  {
    name: "sinusoidal positions, tied head",
    extra: { positional: "sinusoidal" as const, tieEmbeddings: true },
  },
]) {
  test(`${variant.name}: shapes, causal property, parameter count, config round trip, no leaks`, async () => {
    await useBackend("wasm");
    const config = { ...small, ...variant.extra };
    const model = new Gpt(config).ensureBuilt();
    assert.equal(countParameters(model), gptParameterCount(config));
    const rows = [
      [1, 2, 3, 4, 5, 6],
      [7, 8, 9, 10, 0, 1],
    ];
    const input = ids(rows);
    const before = tf.memory().numTensors;
    const { output, attention } = model.applyWithAttention(input);
    assert.deepEqual(output.shape, [2, 6, 11]);
    assert.deepEqual(
      attention.map((a) => a.shape),
      [
        [2, 2, 6, 6],
        [2, 2, 6, 6],
      ],
    );
    // causal weights: zero above the diagonal, each row sums to 1
    const w = attention[1]!.arraySync() as number[][][][];
    for (const head of w.flat()) {
      head.forEach((row, i) => {
        assert.ok(
          row.slice(i + 1).every((x) => x === 0),
          `row ${i} attends to a later key`,
        );
        assert.ok(Math.abs(row.reduce((s, x) => s + x, 0) - 1) < 1e-5);
      });
    }
    tf.dispose([output, ...attention]);
    assert.equal(tf.memory().numTensors, before, "applyWithAttention leaks");
    // causal property: changing token t never changes the logits at positions < t
    const base = logitsOf(model, rows);
    let maxDiff = 0;
    for (let t = 1; t < 6; t++) {
      const changed = rows.map((r) => r.map((x, j) => (j === t ? (x + 5) % 11 : x)));
      const other = logitsOf(model, changed);
      for (let b = 0; b < 2; b++)
        for (let i = 0; i < t; i++)
          for (let v = 0; v < 11; v++)
            maxDiff = Math.max(maxDiff, Math.abs(other[b]![i]![v]! - base[b]![i]![v]!));
      const later = Math.abs(other[0]![t]![0]! - base[0]![t]![0]!);
      assert.ok(later > 0, `changing token ${t} should change its own logits`);
    }
    assert.ok(maxDiff <= 1e-6, `earlier logits moved by ${maxDiff}`);
    console.log(`${variant.name}: max |Δ earlier logits| = ${maxDiff}`);
    assert.equal(tf.memory().numTensors, before, "apply leaks");
    // getConfig → fromConfig, then the same weights give the same logits
    const copy = roundTrip(model).ensureBuilt();
    copy.setWeights(model.getWeights());
    assert.deepEqual(logitsOf(copy, rows), base);
    copy.dispose();
    input.dispose();
    model.dispose();
  });
}

test("seeded initialisation: the same seed gives the same weights, another seed others", async () => {
  await useBackend("wasm");
  const [a, b, c] = [3, 3, 4].map((seed) => new Gpt({ ...small, seed }).ensureBuilt());
  const rows = [[1, 2, 3]];
  assert.deepEqual(logitsOf(a!, rows), logitsOf(b!, rows));
  assert.notDeepEqual(logitsOf(a!, rows), logitsOf(c!, rows));
  for (const m of [a, b, c]) m!.dispose();
});

test("dropout acts only while training; wasm = cpu (1e-5)", async () => {
  await useBackend("wasm");
  const rows = [[1, 2, 3, 4, 5]];
  const model = new Gpt({ ...small, dropout: 0.3 }).ensureBuilt();
  const input = ids(rows);
  const trained = tf.tidy(() => (model.apply(input, { training: true }) as tf.Tensor).arraySync());
  assert.notDeepEqual(trained, logitsOf(model, rows));
  assert.deepEqual(logitsOf(model, rows), logitsOf(model, rows));
  const onWasm = logitsOf(model, rows);
  input.dispose();
  await useBackend("cpu");
  assertClose(logitsOf(model, rows), onWasm, 1e-5);
  await useBackend("wasm");
  model.dispose();
});

test("saveModel → loadModel (the kit's generic model IO) gives identical logits", async () => {
  await useBackend("wasm");
  const model = new Gpt({ ...small, tieEmbeddings: true }).ensureBuilt();
  let saved: tf.io.ModelArtifacts | undefined;
  const keep = async (a: tf.io.ModelArtifacts) => {
    saved = a;
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
  };
  await saveModel(model, tf.io.withSaveHandler(keep), "attnlab-gpt");
  const loaded = await loadModel(tf.io.fromMemory(saved!), "attnlab-gpt", "Gpt", (c) => new Gpt(c as never));
  assert.deepEqual(logitsOf(loaded, [[3, 1, 4, 1, 5]]), logitsOf(model, [[3, 1, 4, 1, 5]]));
  loaded.dispose();
  model.dispose();
});

test("bad input: token ids out of range, too long, wrong rank, masks refused", async () => {
  await useBackend("wasm");
  const model = new Gpt(small).ensureBuilt();
  const bad = [
    ids([[1, 11]]),
    ids([[1, -1]]),
    ids([Array(9).fill(1)]),
    tf.tensor1d([1, 2], "int32"),
    ids([[1]]),
  ];
  const [high, negative, long, flat, one] = bad as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const before = tf.memory().numTensors;
  assert.throws(
    () => model.apply(high),
    /Gpt: tokens must be integer ids in \[0, 10\], got 11 at flat index 1/,
  );
  assert.throws(() => model.apply(negative), /got -1/);
  assert.throws(() => model.apply(long), /longer than blockSize 8/);
  assert.throws(() => model.apply(flat), /tokens must be token ids \[B, T\]/);
  assert.throws(() => model.applyWithAttention(one, { causal: false } as never), /unknown option "causal"/);
  assert.throws(() => model.apply(one, { trainin: true } as never), /unknown option "trainin"/);
  assert.equal(tf.memory().numTensors, before, "errors leak tensors");
  tf.dispose(bad);
  model.dispose();
});

test("next-token pairs and loss: targets shifted by one, loss = sequenceCrossEntropy, bits = nats / ln 2", async () => {
  await useBackend("wasm");
  const model = new Gpt(small).ensureBuilt();
  const windows = ids([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
  ]);
  const before = tf.memory().numTensors;
  const { inputs, targets } = nextTokenPairs(windows);
  assert.deepEqual(inputs.arraySync(), [
    [1, 2, 3],
    [5, 6, 7],
  ]);
  assert.deepEqual(targets.arraySync(), [
    [2, 3, 4],
    [6, 7, 8],
  ]);
  const loss = nextTokenLoss(model, windows);
  const direct = tf.tidy(() => sequenceCrossEntropy(model.apply(inputs) as tf.Tensor, targets));
  assert.ok(Math.abs(loss.dataSync()[0]! - direct.dataSync()[0]!) < 1e-7);
  // an untrained model is near the uniform guess, ln V
  assert.ok(Math.abs(loss.dataSync()[0]! - Math.log(11)) < 1, `initial loss ${loss.dataSync()[0]}`);
  tf.dispose([inputs, targets, loss, direct]);
  assert.equal(tf.memory().numTensors, before, "loss leaks");
  assert.throws(() => nextTokenPairs(ids([[1]])), /L ≥ 2, got \[1,1\]/);
  assert.throws(
    () => nextTokenLoss(model, windows, { labelSmoothing: 1 }),
    /labelSmoothing must be a finite number ≥ 0 and < 1/,
  );
  assert.ok(Math.abs(bitsPerToken(Math.log(65)) - Math.log2(65)) < 1e-12);
  assert.throws(() => bitsPerToken(Number.NaN), /bitsPerToken: nats must be/);
  windows.dispose();
  model.dispose();
});

test("a tiny GPT overfits a 20-character string under Adam, then greedy generation recites it", async () => {
  await useBackend("wasm");
  const text = "attention is all yo."; // 20 characters, no character repeats a context it cannot tell apart
  assert.equal(text.length, 20);
  const chars = [...new Set(text)].sort();
  const tokens = [...text].map((c) => chars.indexOf(c));
  const config = {
    vocabSize: chars.length,
    blockSize: 20,
    dModel: 32,
    numHeads: 2,
    dFF: 64,
    numLayers: 1,
    seed: 1,
  };
  const model = new Gpt({ ...config, dropout: 0 }).ensureBuilt();
  const optimizer = tf.train.adam(1e-2);
  const batch = ids([tokens]);
  const vars = trainableVariables(model);
  const start = tf.memory().numTensors;
  let loss = Number.POSITIVE_INFINITY;
  let steps = 0;
  const first = nextTokenLossValue(model, batch);
  while (steps < 300 && loss > 0.01) {
    const { value, grads } = tf.tidy(() =>
      optimizer.computeGradients(() => nextTokenLoss(model, batch, { training: true }), vars),
    );
    applyOptimizerStep(optimizer, grads);
    loss = value.dataSync()[0]!;
    tf.dispose([value, ...Object.values(grads)]);
    steps++;
  }
  const after = tf.memory().numTensors;
  assert.ok(first > 2, `initial loss ${first}`);
  assert.ok(loss < 0.01, `loss ${loss} after ${steps} steps (from ${first})`);
  console.log(`overfit: loss ${first.toFixed(3)} → ${loss.toFixed(4)} in ${steps} Adam steps`);
  // Adam's two moments per variable are the only new tensors (its β powers exist from its construction)
  assert.equal(after - start, 2 * vars.length);
  const before = tf.memory().numTensors;
  const greedy = generate(model, [tokens[0]!], { maxNewTokens: 19, temperature: 0 });
  assert.equal(greedy.tokens.map((i) => chars[i]).join(""), text);
  assert.equal(tf.memory().numTensors, before, "generate leaks");
  optimizer.dispose();
  batch.dispose();
  model.dispose();
});

test("generate: seeded draws equal sampleToken with mulberry32(seed); context cropped to blockSize; errors", async () => {
  await useBackend("wasm");
  const model = new Gpt({ ...small, blockSize: 4 }).ensureBuilt();
  const before = tf.memory().numTensors;
  const options = { maxNewTokens: 10, temperature: 1.3, topK: 5, topP: 0.9, seed: 7 };
  const a = generate(model, [1, 2, 3], { ...options, keepSteps: true });
  const b = generate(model, [1, 2, 3], options);
  assert.deepEqual(a.tokens, b.tokens);
  assert.equal(b.steps, undefined);
  assert.deepEqual(a.tokens.slice(0, 3), [1, 2, 3]);
  assert.deepEqual(a.newTokens, a.tokens.slice(3));
  assert.equal(a.steps!.length, 10);
  // replay by hand: the last 4 tokens (blockSize) each step, the same generator throughout
  const rng = mulberry32(7);
  const seq = [1, 2, 3];
  for (let i = 0; i < 10; i++) {
    const ctx = seq.slice(-4);
    const last = tf.tidy(() =>
      (model.apply(ids([ctx])) as tf.Tensor).slice([0, ctx.length - 1, 0], [1, 1, 11]).dataSync(),
    );
    const step = sampleToken(last, { temperature: 1.3, topK: 5, topP: 0.9, rng });
    assert.deepEqual(step.filtered, a.steps![i]!.filtered);
    seq.push(step.token);
  }
  assert.deepEqual(seq, a.tokens);
  assert.notDeepEqual(generate(model, [1, 2, 3], { ...options, seed: 8 }).tokens, a.tokens);
  assert.equal(tf.memory().numTensors, before, "generate leaks");
  assert.throws(() => generate(model, [], { maxNewTokens: 1 }), /prompt must be a non-empty array/);
  assert.throws(
    () => generate(model, [11], { maxNewTokens: 1 }),
    /generate: prompt\[0\] must be an integer ≥ 0 and ≤ 10, got 11/,
  );
  assert.throws(() => generate(model, [1], { maxNewTokens: -1 }), /maxNewTokens must be an integer ≥ 0/);
  assert.throws(() => generate(model, [1], {} as never), /maxNewTokens is required/);
  assert.throws(
    () => generate(model, [1], { maxNewTokens: 1, topk: 3 } as never),
    /unknown option "topk" \(did you mean "topK"\?\)/,
  );
  assert.throws(
    () => generate(model, [1], { maxNewTokens: 1, topP: 0 }),
    /topP must be a finite number > 0 and ≤ 1/,
  );
  assert.equal(tf.memory().numTensors, before, "errors leak tensors");
  model.dispose();
});

function nextTokenLossValue(model: Gpt, batch: tf.Tensor): number {
  return tf.tidy(() => nextTokenLoss(model, batch).dataSync()[0]!);
}

/**
 * The Transformer model: shapes of logits and attention maps, source padding changes the output, wasm = cpu,
 * getConfig → fromConfig and save → load give identical predictions, one training step lowers the loss,
 * numTensors stays flat over 200 steps, and greedy / beam decoding (width 1 = greedy, end token, length).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { beamSearch, greedyDecode } from "../../lib/models/decoding.js";
import { sequenceCrossEntropy, trainStep } from "../../lib/models/seq2seqTraining.js";
import { Transformer } from "../../lib/models/transformer.js";
import { DEFAULTS, PRESETS, transformerConfig } from "../../lib/models/transformerConfig.js";
import { loadTransformer, saveTransformer } from "../../lib/models/transformerIO.js";
import { assertClose } from "../helpers.js";
import { roundTrip, useBackend } from "../layers/attentionHelpers.js";

const small = {
  srcVocab: 7,
  tgtVocab: 9,
  dModel: 16,
  numHeads: 2,
  dFF: 32,
  maxLength: 8,
  dropout: 0,
  seed: 3,
};
const configs = [
  { name: "post-LN, sinusoidal", config: { ...small, numEncoderLayers: 2, numDecoderLayers: 1 } },
  {
    name: "pre-LN, learned",
    config: {
      ...small,
      numEncoderLayers: 1,
      numDecoderLayers: 2,
      normFirst: true,
      positional: "learned" as const,
    },
  },
];
const SRC = [
  [1, 2, 3, 4, 5],
  [6, 5, 4, 0, 0],
];
const TGT_IN = [
  [1, 3, 5, 7],
  [1, 8, 2, 4],
];
const TGT_OUT = [
  [3, 5, 7, 2],
  [8, 2, 4, 2],
];
const int = (rows: number[][]) => tf.tensor2d(rows, undefined, "int32");
const predict = (model: Transformer, lens?: number[]) =>
  tf.tidy(() => {
    const srcValidLens = lens === undefined ? undefined : tf.tensor1d(lens, "int32");
    return (model.apply([int(SRC), int(TGT_IN)], { srcValidLens }) as tf.Tensor).arraySync() as number[][][];
  });

test("config: DEFAULTS, presets, overrides, errors", () => {
  assert.equal(transformerConfig().dModel, DEFAULTS.dModel);
  assert.equal(transformerConfig({}, "tiny").dModel, PRESETS.tiny.dModel);
  assert.equal(transformerConfig({ dFF: 7 }, "small").dFF, 7);
  assert.throws(
    () => transformerConfig({ dModel: 10, numHeads: 4 }),
    /dModel 10 is not divisible by numHeads 4/,
  );
});

for (const { name, config } of configs) {
  test(`${name}: shapes, padding changes logits, config and save/load round trips`, async () => {
    await useBackend("wasm");
    const model = new Transformer(config).ensureBuilt();
    const [src, tgtIn] = [int(SRC), int(TGT_IN)];
    const before = tf.memory().numTensors;
    // outside any tidy: only the returned logits and maps may remain
    const { output, attention: maps } = model.applyWithAttention([src, tgtIn], { srcValidLens: [5, 3] });
    const kept = [output, ...maps.encoder, ...maps.decoderSelf, ...maps.decoderCross];
    assert.equal(kept.length, 1 + config.numEncoderLayers + 2 * config.numDecoderLayers);
    assert.equal(
      tf.memory().numTensors - before,
      kept.length,
      "applyWithAttention leaves only what it returns",
    );
    assert.deepEqual(output.shape, [2, 4, 9]);
    const logits = model.apply([src, tgtIn], { srcValidLens: [5, 3] }) as tf.Tensor;
    assertClose(
      output.arraySync() as number[][][],
      logits.arraySync() as number[][][],
      0,
      "output = apply's",
    );
    const cross = maps.decoderCross.at(-1)?.arraySync() as number[][][][];
    assert.deepEqual(cross[1]![0]![0]!.slice(3), [0, 0], "source padding gets no cross-attention");
    tf.dispose([src, tgtIn, logits, ...kept]);
    assert.equal(tf.memory().numTensors, before - 2, "and they are all the caller's");
    tf.tidy(() => {
      const a = model.applyWithAttention([int(SRC), int(TGT_IN)]).attention;
      assert.deepEqual(
        a.encoder.map((w) => w.shape),
        Array(config.numEncoderLayers).fill([2, 2, 5, 5]),
      );
      assert.deepEqual(
        a.decoderSelf.map((w) => w.shape),
        Array(config.numDecoderLayers).fill([2, 2, 4, 4]),
      );
      assert.deepEqual(
        a.decoderCross.map((w) => w.shape),
        Array(config.numDecoderLayers).fill([2, 2, 4, 5]),
      );
    });
    const plain = predict(model);
    const padded = predict(model, [5, 3]);
    assertClose(padded[0]!, plain[0]!, 1e-6, "example 0 has no padding");
    assert.ok(Math.abs(padded[1]![0]![0]! - plain[1]![0]![0]!) > 1e-6, "padding changes example 1");
    const copy = roundTrip(model).ensureBuilt();
    copy.setWeights(model.getWeights());
    assert.deepEqual(predict(copy), plain, "getConfig → fromConfig");
    let saved: tf.io.ModelArtifacts | undefined;
    await saveTransformer(
      model,
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    const loaded = await loadTransformer(tf.io.fromMemory(saved!));
    assert.deepEqual(loaded.config, model.config);
    assert.deepEqual(predict(loaded), plain, "save → load");
    for (const m of [model, copy, loaded]) m.dispose();
  });
}

test("the model gives the same logits on wasm and cpu", async () => {
  const run = async (backend: string) => {
    await useBackend(backend);
    const model = new Transformer(configs[1]!.config).ensureBuilt();
    const out = predict(model, [5, 3]);
    model.dispose();
    return out;
  };
  assertClose(await run("wasm"), await run("cpu"), 1e-5, "wasm vs cpu");
});

test("training: one step lowers the loss; numTensors flat over 200 steps; padding ignored in the loss", async () => {
  await useBackend("wasm");
  const model = new Transformer({ ...configs[0]!.config, dropout: 0.1 }).ensureBuilt();
  const optimizer = tf.train.adam(3e-3);
  const batch = {
    src: int(SRC),
    tgtIn: int(TGT_IN),
    tgtOut: int(TGT_OUT),
    srcValidLens: tf.tensor1d([5, 3], "int32"),
  };
  const first = trainStep(model, optimizer, batch);
  const second = trainStep(model, optimizer, batch);
  assert.ok(second < first, `loss ${first} → ${second}`);
  const before = tf.memory().numTensors;
  let last = second;
  for (let k = 0; k < 200; k++) last = trainStep(model, optimizer, batch);
  assert.equal(tf.memory().numTensors, before, "tensors leaked over 200 steps");
  assert.ok(last < first / 4, `loss after 200 steps ${last} (first ${first})`);
  const ce = tf.tidy(() => {
    const logits = tf.tensor3d([
      [
        [0, 0],
        [5, 0],
      ],
    ]);
    return [
      sequenceCrossEntropy(logits, int([[0, 1]]), { padId: 1 }).dataSync()[0]!,
      sequenceCrossEntropy(logits, int([[0, 1]])).dataSync()[0]!,
    ];
  });
  assertClose(ce, [Math.log(2), (Math.log(2) + 5 + Math.log(1 + Math.exp(-5))) / 2], 1e-5, "cross-entropy");
  tf.dispose(batch);
  optimizer.dispose();
  model.dispose();
});

test("decoding: greedy = beam of width 1; beams are sorted, stop at the end token, respect maxLength", async () => {
  await useBackend("wasm");
  const model = new Transformer({ ...small, numEncoderLayers: 1, numDecoderLayers: 1 }).ensureBuilt();
  const before = tf.memory().numTensors;
  const greedy = greedyDecode(model, SRC, { bos: 1, eos: 2, maxLength: 6, srcValidLens: [5, 3] });
  assert.equal(greedy.length, 2);
  for (const g of greedy) assert.ok(g.length <= 6 && !g.includes(2));
  const [one] = beamSearch(model, SRC[0]!, { bos: 1, eos: 2, maxLength: 6, beamWidth: 1, lengthPenalty: 0 });
  assert.deepEqual(one!.tokens, greedy[0]);
  const beams = beamSearch(model, SRC[1]!, { bos: 1, eos: 2, maxLength: 6, beamWidth: 3, srcValidLens: [3] });
  assert.ok(beams.length >= 1 && beams.length <= 3);
  for (let i = 1; i < beams.length; i++) assert.ok(beams[i - 1]!.score >= beams[i]!.score);
  for (const b of beams) assert.ok(b.tokens.length <= 6 && !b.tokens.includes(2) && b.logProb <= 0);
  assert.equal(tf.memory().numTensors, before, "decoding leaked tensors");
  model.dispose();
});

/**
 * The seq2seq RNN with attention: shapes of logits and weights, weights sum to 1 over the valid source and
 * are 0 on padding, first-step weights equal tier-1 `attend` (additive, dot; wasm and cpu), getConfig →
 * fromConfig and save → load give identical predictions, training lowers the loss without leaking tensors,
 * decoding, and a short copy task.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { AttentionRnnDecoder } from "../../lib/layers/attentionRnnDecoder.js";
import { attend } from "../../lib/math/attend.js";
import { COPY_TASK, copySequences, copyTaskTensors } from "../../lib/models/copyTask.js";
import { beamSearch, greedyDecode } from "../../lib/models/decoding.js";
import { Seq2seqRnn } from "../../lib/models/seq2seqRnn.js";
import {
  DEFAULTS,
  PRESETS,
  type Seq2seqRnnConfig,
  seq2seqRnnConfig,
} from "../../lib/models/seq2seqRnnConfig.js";
import { loadSeq2seqRnn, saveSeq2seqRnn } from "../../lib/models/seq2seqRnnIO.js";
import { trainStep } from "../../lib/models/seq2seqTraining.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { assertClose } from "../helpers.js";
import { BACKENDS, roundTrip, useBackend } from "../layers/attentionHelpers.js";

const small = { srcVocab: 7, tgtVocab: 9, embedSize: 6, hiddenSize: 8, maxLength: 8, seed: 3 };
const VARIANTS: Partial<Seq2seqRnnConfig>[] = [
  { ...small, cell: "gru", attention: "additive" },
  { ...small, cell: "lstm", attention: "dot" },
  { ...small, cell: "gru", attention: "general" },
  { ...small, cell: "lstm", attention: "additive" },
];
const SRC = [
  [1, 2, 3, 4, 5],
  [6, 5, 4, 0, 0],
];
const LENS = [5, 3];
const TGT_IN = [
  [1, 3, 5, 7],
  [1, 8, 2, 4],
];
const TGT_OUT = [
  [3, 5, 7, 2],
  [8, 2, 4, 2],
];
const int = (rows: number[][]) => tf.tensor2d(rows, undefined, "int32");
const lens = () => tf.tensor1d(LENS, "int32");
const predict = (model: Seq2seqRnn) =>
  tf.tidy(() => (model.apply([int(SRC), int(TGT_IN)], { srcValidLens: lens() }) as tf.Tensor).arraySync());
const name = (c: Partial<Seq2seqRnnConfig>) => `${c.cell}/${c.attention}`;

/** Every weight replaced by seeded uniform numbers in [−1, 1) (the tests do not lean on the initializers). */
function fixWeights(model: Seq2seqRnn, seed: number): void {
  const rng = mulberry32(seed);
  const values = model.getWeights().map((w) =>
    tf.tensor(
      Array.from({ length: w.size }, () => rng.uniform(-1, 1)),
      w.shape,
    ),
  );
  model.setWeights(values);
  tf.dispose(values);
}

test("config: DEFAULTS, presets, overrides, errors", () => {
  assert.equal(seq2seqRnnConfig().hiddenSize, DEFAULTS.hiddenSize);
  assert.equal(seq2seqRnnConfig({}, "tiny").hiddenSize, PRESETS.tiny.hiddenSize);
  assert.equal(seq2seqRnnConfig({ embedSize: 5 }, "small").embedSize, 5);
  assert.throws(
    () => seq2seqRnnConfig({ hiddenSize: 0 }),
    /options\.hiddenSize must be an integer ≥ 1, got 0/,
  );
  assert.throws(
    () => seq2seqRnnConfig({ cell: "rnn" as never }),
    /options\.cell must be one of "gru", "lstm", got "rnn"/,
  );
});

for (const config of VARIANTS) {
  test(`${name(config)}: shapes, weights on valid positions only, config and save/load`, async () => {
    await useBackend("wasm");
    const model = new Seq2seqRnn(config).ensureBuilt();
    const [src, tgtIn, srcValidLens] = [int(SRC), int(TGT_IN), lens()];
    const before = tf.memory().numTensors;
    const { output, attention } = model.applyWithAttention([src, tgtIn], { srcValidLens });
    assert.equal(tf.memory().numTensors, before + 2, "only the logits and the one map survive");
    assert.equal(attention.decoderCross.length, 1);
    const [map] = attention.decoderCross;
    assert.deepEqual(
      [output.shape, map?.shape],
      [
        [2, 4, 9],
        [2, 4, 5],
      ],
    );
    const decoded = tf.tidy(() =>
      model.decode(tgtIn, model.encode(src, { srcValidLens }).memory, { srcValidLens }),
    );
    assert.deepEqual(decoded.queries.shape, [2, 4, 8]);
    assertClose(
      map?.arraySync() as number[][][],
      decoded.weights.arraySync() as number[][][],
      0,
      "= decode's",
    );
    const weights = map?.arraySync() as number[][][];
    tf.dispose([src, tgtIn, srcValidLens, output, ...attention.decoderCross, decoded]);
    weights.forEach((rows, b) => {
      for (const row of rows) {
        assertClose(
          row.slice(0, LENS[b]).reduce((x, y) => x + y, 0),
          1,
          1e-5,
          `example ${b} row sum`,
        );
        assert.deepEqual(row.slice(LENS[b]), Array(5 - LENS[b]!).fill(0), "padding gets exactly 0");
      }
    });
    const plain = predict(model);
    const copy = roundTrip(model).ensureBuilt();
    assert.deepEqual(copy.config, model.config);
    copy.setWeights(model.getWeights());
    assert.deepEqual(predict(copy), plain, "getConfig → fromConfig");
    let saved: tf.io.ModelArtifacts | undefined;
    await saveSeq2seqRnn(
      model,
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    const loaded = await loadSeq2seqRnn(tf.io.fromMemory(saved!));
    assert.deepEqual(loaded.config, model.config);
    assert.deepEqual(predict(loaded), plain, "save → load");
    for (const m of [model, copy, loaded]) m.dispose();
  });
}

test("AttentionRnnDecoder as a layer: apply, applyWithAttention, getConfig → fromConfig", async () => {
  await useBackend("wasm");
  const decoder = new AttentionRnnDecoder({
    units: 4,
    vocabSize: 5,
    cell: "lstm",
    attention: "general",
    seed: 2,
  });
  const inputs = () => [tf.ones([2, 3, 6]), tf.ones([2, 7, 4]), tf.zeros([2, 4]), tf.zeros([2, 4])];
  const run = (layer: AttentionRnnDecoder) =>
    tf.tidy(() => {
      const { output, attention: weights } = layer.applyWithAttention(inputs(), {
        validLens: tf.tensor1d([7, 2]),
      });
      assert.deepEqual(
        [output.shape, weights.shape],
        [
          [2, 3, 5],
          [2, 3, 7],
        ],
      );
      return output.arraySync();
    });
  const before = run(decoder);
  const copy = roundTrip(decoder);
  tf.tidy(() => {
    copy.apply(inputs());
  });
  copy.setWeights(decoder.getWeights());
  assert.deepEqual(run(copy), before);
  decoder.dispose();
  copy.dispose();
});

for (const backend of BACKENDS) {
  for (const attention of ["additive", "dot"] as const) {
    test(`${backend}, ${attention}: first-step weights equal tier-1 attend on the same numbers`, async () => {
      await useBackend(backend);
      const model = new Seq2seqRnn({ ...small, cell: "gru", attention }).ensureBuilt();
      fixWeights(model, 11);
      const [outputs, state, queries, weights] = tf.tidy(() => {
        const { memory } = model.encode(int(SRC), { srcValidLens: lens() });
        const a = model.decode(int(TGT_IN), memory, { srcValidLens: lens() });
        const [o, s, q, w] = [memory[0]!, memory[1]!, a.queries, a.weights].map((t) => t.arraySync());
        return [o as number[][][], s as number[][], q as number[][][], w as number[][][]] as const;
      });
      const score =
        attention === "additive"
          ? (() => {
              const [wq, wk, v] = model.decoder.scorer!.getWeights().map((w) => w.arraySync());
              return {
                score: "additive" as const,
                wq: wq as number[][],
                wk: wk as number[][],
                v: v as number[],
              };
            })()
          : { score: "dot" as const };
      for (const [b, len] of LENS.entries()) {
        const keys = outputs[b]!;
        if (attention === "additive") {
          // Bahdanau: the first query is the encoder's final state = its output at the last valid position
          assertClose(queries[b]![0]!, state[b]!, 1e-6, "s_0 = final state");
          assertClose(queries[b]![0]!, keys[len - 1]!, 1e-6, "final state = last valid output");
        }
        const want = attend([queries[b]![0]!], keys, keys, { ...score, mask: { validLens: len } });
        assertClose(weights[b]![0]!, want.weights[0]!, 1e-5, `${backend} ${attention} example ${b}`);
      }
      model.dispose();
    });
  }
}

test("training: one step lowers the loss; numTensors flat over 100 steps", async () => {
  await useBackend("wasm");
  const model = new Seq2seqRnn({ ...small, cell: "lstm", attention: "general" }).ensureBuilt();
  const optimizer = tf.train.adam(1e-2);
  const batch = { src: int(SRC), tgtIn: int(TGT_IN), tgtOut: int(TGT_OUT), srcValidLens: lens() };
  const first = trainStep(model, optimizer, batch);
  const second = trainStep(model, optimizer, batch);
  assert.ok(second < first, `loss ${first} → ${second}`);
  const before = tf.memory().numTensors;
  let last = second;
  for (let k = 0; k < 100; k++) last = trainStep(model, optimizer, batch);
  assert.equal(tf.memory().numTensors, before, "tensors leaked over 100 steps");
  assert.ok(last < first / 4, `loss after 100 steps ${last} (first ${first})`);
  tf.dispose(batch);
  optimizer.dispose();
  model.dispose();
});

test("decoding: greedy = beam of width 1; stops at the end token; no leaks", async () => {
  await useBackend("wasm");
  const model = new Seq2seqRnn({ ...small, cell: "lstm", attention: "additive" }).ensureBuilt();
  const before = tf.memory().numTensors;
  const options = { bos: 1, eos: 2, maxLength: 6 };
  const greedy = greedyDecode(model, SRC, { ...options, srcValidLens: LENS });
  assert.equal(greedy.length, 2);
  for (const g of greedy) assert.ok(g.length <= 6 && !g.includes(2));
  const [one] = beamSearch(model, SRC[0]!, { ...options, beamWidth: 1, lengthPenalty: 0 });
  assert.deepEqual(one!.tokens, greedy[0]);
  const beams = beamSearch(model, SRC[1]!, { ...options, beamWidth: 3, srcValidLens: [3] });
  for (let i = 1; i < beams.length; i++) assert.ok(beams[i - 1]!.score >= beams[i]!.score);
  assert.equal(tf.memory().numTensors, before, "decoding leaked tensors");
  model.dispose();
});

test("copy task (vocab 11, length 6): the loss falls clearly in a short run", async () => {
  await useBackend("wasm");
  const model = new Seq2seqRnn({ srcVocab: 11, tgtVocab: 11, ...PRESETS.tiny, seed: 1 }).ensureBuilt();
  const optimizer = tf.train.adam(2e-2);
  const rng = mulberry32(5);
  const losses: number[] = [];
  for (let step = 0; step < 60; step++) {
    const batch = copyTaskTensors(copySequences(rng, 32, 6));
    losses.push(trainStep(model, optimizer, batch));
    tf.dispose(batch);
  }
  const start = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
  const end = losses.slice(-5).reduce((a, b) => a + b) / 5;
  assert.ok(end < start / 3, `copy-task loss ${start.toFixed(3)} → ${end.toFixed(3)}`);
  assert.ok(start > Math.log(COPY_TASK.vocabSize) * 0.8, `first losses ${start} near log V`);
  optimizer.dispose();
  model.dispose();
});

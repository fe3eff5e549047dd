/**
 * Tier-2 masks are checked like tier 1's: valid lengths integers in [0, S], mask entries 0/1 (or booleans),
 * shapes [B] / [B, T] / [B, S] / [B, T, S], in every place a tier-2 mask is built (attentionMask,
 * validLensMask, the attention layers, the Transformer layers, the RNN decoder, attention pooling, both models).
 * A table of bad masks, each a clear error naming the entry; no tensors left behind; and good masks given as
 * number arrays, typed arrays, booleans and tensors give the same weights.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { AdditiveAttention } from "../../lib/layers/additiveAttention.js";
import { attentionMask, validLensMask } from "../../lib/layers/attentionMask.js";
import { AttentionRnnDecoder } from "../../lib/layers/attentionRnnDecoder.js";
import { MultiHeadAttention } from "../../lib/layers/multiHeadAttention.js";
import { AttentionPooling } from "../../lib/layers/pooling/attentionPooling.js";
import { TransformerDecoderLayer } from "../../lib/layers/transformerDecoderLayer.js";
import { TransformerEncoderLayer } from "../../lib/layers/transformerEncoderLayer.js";
import { Seq2seqRnn } from "../../lib/models/seq2seqRnn.js";
import { Transformer } from "../../lib/models/transformer.js";
import { useBackend } from "./attentionHelpers.js";

const [B, T, S, E] = [2, 3, 4, 4];
/** `f()` made once and kept: each row below makes its tensors on its first run, so a second run shows leaks. */
const once = <V>(f: () => V): (() => V) => {
  let v: V | undefined;
  return () => (v ??= f());
};
const q = once(() => tf.ones([B, T, E]));
const kv = once(() => tf.ones([B, S, E]));
const mha = new MultiHeadAttention({ numHeads: 2 });
const additive = new AdditiveAttention({ units: 3 });
const encoder = new TransformerEncoderLayer({ numHeads: 2, dFF: 4 });
const decoder = new TransformerDecoderLayer({ numHeads: 2, dFF: 4 });
const rnn = new AttentionRnnDecoder({ units: 4, vocabSize: 5, attention: "dot" });
const pool = new AttentionPooling({ units: 3 });
const small = {
  srcVocab: 7,
  tgtVocab: 7,
  dModel: 4,
  numHeads: 2,
  dFF: 4,
  numEncoderLayers: 1,
  numDecoderLayers: 1,
};
let transformer: Transformer;
let seq2seq: Seq2seqRnn;
const src = once(() =>
  tf.tensor2d(
    [
      [1, 2, 3, 4],
      [4, 3, 0, 0],
    ],
    undefined,
    "int32",
  ),
); // S = 4
const tgt = once(() =>
  tf.tensor2d(
    [
      [1, 2, 3],
      [1, 4, 5],
    ],
    undefined,
    "int32",
  ),
); // T = 3
/** A value, or a function that makes it: once per source text, inside the test (after the backend starts). */
const made = new Map<string, unknown>();
const given = (v: unknown) => {
  if (typeof v !== "function") return v as never;
  if (!made.has(String(v))) made.set(String(v), v());
  return made.get(String(v)) as never;
};
const rnnIn = once(() => [tf.ones([B, T, 6]), kv(), tf.zeros([B, 4])]);
const mhaLens = (v: unknown) => () => mha.applyWithAttention([q(), kv()], { validLens: given(v) });
const mhaMask = (v: unknown) => () => mha.applyWithAttention([q(), kv()], { attentionMask: given(v) });

before(async () => {
  await useBackend("wasm");
  transformer = new Transformer(small).ensureBuilt();
  seq2seq = new Seq2seqRnn({ srcVocab: 7, tgtVocab: 7, embedSize: 4, hiddenSize: 4 }).ensureBuilt();
});

const lensOf = (where: string, i: string, max: number, got: string, what = "the number of keys") =>
  new RegExp(`^${where}: validLens${i} must be an integer in \\[0, ${max}\\] \\(${what}\\), got ${got}$`);

/** [what, call, expected message]. */
const rows: [string, () => unknown, RegExp][] = [
  ["MHA validLens −1", mhaLens([-1, 2]), lensOf("MultiHeadAttention", "\\[0\\]", S, "-1")],
  ["MHA validLens NaN", mhaLens([Number.NaN, 2]), lensOf("MultiHeadAttention", "\\[0\\]", S, "NaN")],
  ["MHA validLens 1.5", mhaLens([2, 1.5]), lensOf("MultiHeadAttention", "\\[1\\]", S, "1.5")],
  ["MHA validLens S + 1", mhaLens([5, 1]), lensOf("MultiHeadAttention", "\\[0\\]", S, "5")],
  [
    "MHA validLens tensor 1.5",
    () => mha.applyWithAttention([q(), kv()], { validLens: given(() => tf.tensor1d([2, 1.5])) }),
    lensOf("MultiHeadAttention", "\\[1\\]", S, "1.5"),
  ],
  [
    "MHA validLens Int32Array 9",
    mhaLens(Int32Array.of(1, 9)),
    lensOf("MultiHeadAttention", "\\[1\\]", S, "9"),
  ],
  [
    "MHA validLens [B, T] entry",
    mhaLens([
      [1, 2, 3],
      [1, 2, 7],
    ]),
    lensOf("MultiHeadAttention", "\\[1\\]\\[2\\]", S, "7"),
  ],
  [
    "MHA validLens Infinity",
    mhaLens([Number.POSITIVE_INFINITY, 1]),
    lensOf("MultiHeadAttention", "\\[0\\]", S, "Infinity"),
  ],
  [
    "MHA validLens wrong B",
    mhaLens([1, 2, 3]),
    /^MultiHeadAttention: validLens has shape \[3\] but needs \[2\] or \[2, 3\] \(B, T\)/,
  ],
  [
    "MHA validLens a string",
    mhaLens("2"),
    /^MultiHeadAttention: validLens must be a tensor, an array or a typed array of numbers, got "2"/,
  ],
  [
    "MHA validLens a number",
    mhaLens(2),
    /validLens must be a tensor, an array or a typed array of numbers, got 2/,
  ],
  [
    "MHA validLens sparse",
    mhaLens(Object.assign(new Array(2), { 1: 1 })),
    /validLens\[0\] is missing \(a sparse array\)/,
  ],
  ["MHA validLens strings", mhaLens(["1", "2"]), /validLens\[0\] must be a number, got "1"/],
  [
    "MHA mask 2",
    mhaMask([
      [1, 2, 1, 1],
      [1, 1, 1, 1],
    ]),
    /^MultiHeadAttention: attentionMask\[0\]\[1\] must be 0 or 1 \(or a boolean\), got 2$/,
  ],
  [
    "MHA mask 0.5",
    mhaMask(() =>
      tf.tensor2d([
        [1, 1, 1, 1],
        [1, 1, 0.5, 1],
      ]),
    ),
    /attentionMask\[1\]\[2\] must be 0 or 1 \(or a boolean\), got 0\.5/,
  ],
  [
    "MHA mask −1",
    mhaMask([
      [1, 1, 1, -1],
      [1, 1, 1, 1],
    ]),
    /attentionMask\[0\]\[3\] must be 0 or 1 .*got -1/,
  ],
  [
    "MHA mask NaN [B, T, S]",
    mhaMask(() => tf.fill([B, T, S], Number.NaN)),
    /attentionMask\[0\]\[0\]\[0\] must be 0 or 1 .*got NaN/,
  ],
  [
    "MHA mask ragged",
    mhaMask([
      [1, 1, 1, 1],
      [1, 1],
    ]),
    /^MultiHeadAttention: attentionMask is ragged: attentionMask\[1\] has length 2, not 4/,
  ],
  [
    "MHA mask wrong shape",
    mhaMask(() => tf.ones([B, S + 1])),
    /attentionMask has shape \[2, 5\] but needs \[2, 4\] or \[2, 3, 4\]/,
  ],
  [
    "MHA mask string tensor",
    mhaMask(() => tf.tensor(["a", "b"]).reshape([1, 2])),
    /attentionMask has shape \[1, 2\]/,
  ],
  [
    "Additive validLens 2.5",
    () => additive.applyWithAttention([q(), kv()], { validLens: [2.5, 1] }),
    lensOf("AdditiveAttention", "\\[0\\]", S, "2.5"),
  ],
  [
    "Additive mask 3",
    () =>
      additive.applyWithAttention([q(), kv()], {
        attentionMask: [
          [3, 1, 1, 1],
          [1, 1, 1, 1],
        ],
      }),
    /^AdditiveAttention: attentionMask\[0\]\[0\] must be 0 or 1/,
  ],
  [
    "encoder validLens T + 1",
    () => encoder.apply(q(), { validLens: [4, 1] }),
    lensOf("MultiHeadAttention", "\\[0\\]", T, "4"),
  ],
  [
    "decoder memoryValidLens S + 1",
    () => decoder.apply([q(), kv()], { memoryValidLens: [5, 1] }),
    /^TransformerDecoderLayer: memoryValidLens\[0\] must be an integer in \[0, 4\] \(the memory length\), got 5/,
  ],
  [
    "decoder validLens −1",
    () => decoder.apply([q(), kv()], { validLens: given(() => tf.tensor1d([-1, 1])) }),
    /^TransformerDecoderLayer: validLens\[0\] must be an integer in \[0, 3\] \(the target length\), got -1/,
  ],
  [
    "RNN decoder validLens 1.5",
    () => rnn.applyWithAttention([...rnnIn()], { validLens: [1.5, 2] }),
    /^AttentionRnnDecoder: validLens\[0\] must be an integer in \[0, 4\] \(the memory length\), got 1\.5/,
  ],
  [
    "RNN decoder mask 2",
    () =>
      rnn.applyWithAttention([...rnnIn()], {
        attentionMask: [
          [1, 1, 2, 1],
          [1, 1, 1, 1],
        ],
      }),
    /^AttentionRnnDecoder: attentionMask\[0\]\[2\] must be 0 or 1/,
  ],
  [
    "pooling mask 2",
    () =>
      pool.applyWithAttention([
        q(),
        given(() =>
          tf.tensor2d([
            [1, 2, 0],
            [1, 1, 1],
          ]),
        ),
      ]),
    /^AttentionPooling: mask\[0\]\[1\] must be 0 or 1 \(or a boolean\), got 2/,
  ],
  [
    "pooling validLens T + 1",
    () => pool.applyWithAttention([q(), given(() => tf.tensor1d([4, 1]))]),
    /^AttentionPooling: validLens\[0\] must be an integer in \[0, 3\] \(the steps\), got 4/,
  ],
  [
    "pooling validLens wrong B",
    () => pool.applyWithAttention([q(), given(() => tf.tensor1d([1, 1, 1]))]),
    /^AttentionPooling: validLens has shape \[3\] but needs \[2\]/,
  ],
  [
    "Transformer srcValidLens S + 1",
    () => transformer.apply([src(), tgt()], { srcValidLens: given(() => tf.tensor1d([5, 2])) }),
    /^Transformer: srcValidLens\[0\] must be an integer in \[0, 4\] \(the source length\), got 5/,
  ],
  [
    "Transformer srcValidLens 1.5",
    () => transformer.applyWithAttention([src(), tgt()], { srcValidLens: [4, 1.5] }),
    /^Transformer: srcValidLens\[1\] must be an integer in \[0, 4\]/,
  ],
  [
    "Seq2seqRnn srcValidLens −1",
    () => seq2seq.apply([src(), tgt()], { srcValidLens: [-1, 2] }),
    /^Seq2seqRnn: srcValidLens\[0\] must be an integer in \[0, 4\] \(the source length\), got -1/,
  ],
  [
    "Seq2seqRnn srcValidLens wrong B",
    () => seq2seq.applyWithAttention([src(), tgt()], { srcValidLens: [1] }),
    /^Seq2seqRnn: srcValidLens has shape \[1\] but needs \[2\] \(B\)/,
  ],
  [
    "validLensMask 4 of 3",
    () => validLensMask([1, 4], 3),
    /^validLensMask: validLens\[1\] must be an integer in \[0, 3\] \(the number of steps\), got 4/,
  ],
  [
    "validLensMask steps −1",
    () => validLensMask([1], -1),
    /^validLensMask: steps must be an integer ≥ 0, got -1/,
  ],
  [
    "attentionMask validLens 3 of 2",
    () => attentionMask(1, 2, 2, { validLens: [3] }),
    /^attentionMask: validLens\[0\] must be an integer in \[0, 2\] \(the number of keys\), got 3/,
  ],
  [
    "attentionMask mask true/2",
    () => attentionMask(1, 1, 2, { attentionMask: [[true, 2]] as never }),
    /^attentionMask: attentionMask\[0\]\[1\] must be 0 or 1/,
  ],
];

const clear = (re: RegExp) => (e: unknown) =>
  (e instanceof TypeError || e instanceof RangeError) && re.test(e.message);

for (const [what, call, expected] of rows) {
  test(`bad mask: ${what} → ${expected.source.slice(0, 70)}`, () => {
    assert.throws(call, clear(expected)); // makes the row's inputs (kept) and builds the layer
    const before = tf.memory().numTensors;
    assert.throws(call, clear(expected));
    assert.equal(tf.memory().numTensors, before, "the error path leaves no tensors");
  });
}

test("good masks as number arrays, typed arrays, booleans and tensors give the same weights (no leaks)", () => {
  const weightsOf = (opts: object) =>
    tf.tidy(() => mha.applyWithAttention([q(), kv()], opts).attention.arraySync());
  const byTensor = weightsOf({ validLens: tf.tensor1d([1, 3], "int32") });
  assert.deepEqual(weightsOf({ validLens: [1, 3] }), byTensor);
  assert.deepEqual(weightsOf({ validLens: Int32Array.of(1, 3) }), byTensor);
  assert.deepEqual(weightsOf({ validLens: Float32Array.of(1, 3) }), byTensor);
  const mask = [
    [true, false, false, false],
    [true, true, true, false],
  ];
  assert.deepEqual(weightsOf({ attentionMask: mask }), byTensor);
  assert.deepEqual(weightsOf({ attentionMask: tf.tensor2d(mask, undefined, "bool") }), byTensor);
  assert.deepEqual(weightsOf({ attentionMask: mask.map((r) => r.map(Number)) }), byTensor);
  const rows = weightsOf({ validLens: [0, 4] }) as number[][][][];
  assert.ok(
    rows[0]!.flat(2).every((w) => w === 0),
    "validLens 0: a fully masked row gives zeros, never NaN",
  );
  const before = tf.memory().numTensors;
  for (let k = 0; k < 20; k++) weightsOf({ validLens: [1, 3], attentionMask: mask });
  assert.equal(tf.memory().numTensors, before);
});

test("a checked tensor is read once: a mask shared by every layer of a model is not re-read per layer", () => {
  const lens = tf.tensor1d([2, 4], "int32");
  let reads = 0;
  const dataSync = lens.dataSync.bind(lens);
  lens.dataSync = (() => {
    reads++;
    return dataSync();
  }) as never;
  tf.tidy(() => {
    for (let k = 0; k < 5; k++) mha.applyWithAttention([q(), kv()], { validLens: lens });
  });
  assert.equal(reads, 1);
  lens.dispose();
});

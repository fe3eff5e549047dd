/**
 * Bad model configs, call options and decoding options, as a table: each row must throw a TypeError/RangeError
 * naming the function and the key. Decoding leaves no tensors behind on any error path (bad options, an encoder
 * error, a decoder error mid-way) and over repeated successful runs.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { ATTENTION_CNN_PRESETS, attentionCnn } from "../../lib/models/cnn/attentionCnn.js";
import { copySequences } from "../../lib/models/copyTask.js";
import { beamSearch, type DecodableModel, greedyDecode } from "../../lib/models/decoding.js";
import { Seq2seqRnn } from "../../lib/models/seq2seqRnn.js";
import { seq2seqRnnConfig } from "../../lib/models/seq2seqRnnConfig.js";
import { sequenceCrossEntropy, trainStep } from "../../lib/models/seq2seqTraining.js";
import { Transformer } from "../../lib/models/transformer.js";
import { transformerConfig } from "../../lib/models/transformerConfig.js";
import { useBackend } from "../layers/attentionHelpers.js";

const small = {
  srcVocab: 7,
  tgtVocab: 9,
  dModel: 8,
  numHeads: 2,
  dFF: 8,
  maxLength: 6,
  numEncoderLayers: 1,
  numDecoderLayers: 1,
};
let model: Transformer;
let rnn: Seq2seqRnn;
const SRC = [
  [3, 4, 5, 6],
  [6, 5, 0, 0],
];
const opts = { bos: 1, eos: 2 };

before(async () => {
  await useBackend("wasm");
  model = new Transformer(small).ensureBuilt();
  optimizer = tf.train.adam(1e-3);
  rnn = new Seq2seqRnn({ srcVocab: 7, tgtVocab: 9, embedSize: 4, hiddenSize: 4, maxLength: 6 }).ensureBuilt();
});

const T = (o: unknown) => () => new Transformer(o as never);
const tc = (o: unknown, preset?: unknown) => () => transformerConfig(o as never, preset as never);
const rc = (o: unknown) => () => seq2seqRnnConfig(o as never);
const cnn = (o: unknown) => () => attentionCnn({ ...ATTENTION_CNN_PRESETS.tiny, ...(o as object) });
const greedy =
  (o: unknown, src: unknown = SRC) =>
  () =>
    greedyDecode(model, src as never, o as never);
const beam =
  (o: unknown, src: unknown = SRC[0]) =>
  () =>
    beamSearch(model, src as never, o as never);
const int = (rows: number[][]) => tf.tensor2d(rows, undefined, "int32");

let optimizer: tf.Optimizer;
const adam = () => optimizer;
const batchOf = (extra: object) => ({
  src: int(SRC),
  tgtIn: int([
    [1, 3],
    [1, 4],
  ]),
  ...extra,
});

/** [what, call, expected message]. */
const rows: [string, () => unknown, RegExp][] = [
  [
    "positional alibi",
    tc({ positional: "alibi" }),
    /^transformerConfig: options\.positional must be one of "sinusoidal", "learned", "rope", got "alibi"/,
  ],
  [
    "activation tanh",
    tc({ activation: "tanh" }),
    /options\.activation must be one of "relu", "gelu", got "tanh"/,
  ],
  ["unknown key", tc({ dmodel: 32 }), /unknown option "dmodel" \(did you mean "dModel"\?\)/],
  [
    "numHeads not dividing",
    tc({ dModel: 10, numHeads: 4 }),
    /^transformerConfig: dModel 10 is not divisible by numHeads 4/,
  ],
  ["numHeads 0", tc({ numHeads: 0 }), /options\.numHeads must be an integer ≥ 1, got 0/],
  ["dFF 0", tc({ dFF: 0 }), /options\.dFF must be an integer ≥ 1, got 0/],
  [
    "0 encoder layers",
    tc({ numEncoderLayers: 0 }),
    /options\.numEncoderLayers must be an integer ≥ 1, got 0/,
  ],
  [
    "1.5 decoder layers",
    tc({ numDecoderLayers: 1.5 }),
    /options\.numDecoderLayers must be an integer ≥ 1, got 1\.5/,
  ],
  ["dropout 1", tc({ dropout: 1 }), /options\.dropout must be a finite number ≥ 0 and < 1, got 1/],
  ["dropout −0.1", tc({ dropout: -0.1 }), /options\.dropout must be/],
  ["normFirst 'yes'", tc({ normFirst: "yes" }), /options\.normFirst must be a boolean/],
  ["seed NaN", tc({ seed: Number.NaN }), /options\.seed must be an integer ≥ 0, got NaN/],
  ["maxLength huge", tc({ maxLength: 2e7 }), /options\.maxLength must be an integer ≥ 1 and ≤ 1000000/],
  ["null size", tc({ dModel: null }), /options\.dModel must be an integer ≥ 1, got null/],
  ["preset 'huge'", tc({}, "huge"), /^transformerConfig: preset must be one of "tiny", "small", got "huge"/],
  ["config not an object", tc(5), /^transformerConfig: options must be an object/],
  [
    "Transformer positional alibi",
    T({ positional: "alibi" }),
    /^Transformer: options\.positional must be one of "sinusoidal", "learned", "rope", got "alibi"/,
  ],
  ["Transformer unknown key", T({ layers: 2 }), /^Transformer: unknown option "layers"/],
  ["Transformer trainable 1", T({ trainable: 1 }), /^Transformer: options\.trainable must be a boolean/],
  [
    "Transformer numHeads not dividing",
    T({ dModel: 6, numHeads: 4 }),
    /^Transformer: dModel 6 is not divisible by numHeads 4/,
  ],
  [
    "rnn cell",
    rc({ cell: "rnn" }),
    /^seq2seqRnnConfig: options\.cell must be one of "gru", "lstm", got "rnn"/,
  ],
  [
    "rnn attention",
    rc({ attention: "scaled" }),
    /options\.attention must be one of "additive", "dot", "general", got "scaled"/,
  ],
  ["rnn unknown key", rc({ hidden: 8 }), /unknown option "hidden"/],
  ["rnn hiddenSize 0", rc({ hiddenSize: 0 }), /options\.hiddenSize must be an integer ≥ 1, got 0/],
  ["Seq2seqRnn dModel", () => new Seq2seqRnn({ dModel: 8 } as never), /^Seq2seqRnn: unknown option "dModel"/],
  [
    "cnn attention",
    cnn({ attention: "eca" }),
    /^attentionCnn: options\.attention must be one of "se", "cbam", "none", got "eca"/,
  ],
  [
    "cnn pooling",
    cnn({ pooling: "max" }),
    /options\.pooling must be one of "softSpatial", "average", got "max"/,
  ],
  ["cnn filters", cnn({ filters: [8, 0] }), /options\.filters must be an array of integers ≥ 1/],
  [
    "cnn filters sparse",
    cnn({ filters: Object.assign(new Array(3), { 0: 8, 2: 4 }) }),
    /options\.filters must be an array of integers ≥ 1/,
  ],
  ["cnn ratio 0", cnn({ ratio: 0 }), /options\.ratio must be a finite number > 0, got 0/],
  ["cnn temperature −1", cnn({ temperature: -1 }), /options\.temperature must be a finite number > 0/],
  ["cnn unknown", cnn({ dropout: 0.1 }), /^attentionCnn: unknown option "dropout"/],
  ["cnn height 0", cnn({ height: 0 }), /options\.height must be an integer ≥ 1, got 0/],
  [
    "copySequences seed −1",
    () => copySequences(-1, 2),
    /^copySequences: rng \(a seed\) must be an integer ≥ 0, got -1/,
  ],
  [
    "copySequences rng object",
    () => copySequences({} as never, 2),
    /^copySequences: rng must be a seed \(an integer ≥ 0\) or an Rng/,
  ],
  [
    "copySequences batchSize 0",
    () => copySequences(1, 0),
    /^copySequences: batchSize must be an integer ≥ 1/,
  ],
  [
    "copySequences length 2.5",
    () => copySequences(1, 2, 2.5),
    /^copySequences: length must be an integer ≥ 1/,
  ],
  [
    "model call validLens",
    () => model.apply([int(SRC), int([[1, 3]])], { validLens: [4, 2] }),
    /^Transformer: unknown option "validLens"/,
  ],
  [
    "model encode srcValidlens",
    () => model.encode(int(SRC), { srcValidlens: [4, 2] } as never),
    /^Transformer: unknown option "srcValidlens" \(did you mean "srcValidLens"\?\)/,
  ],
  [
    "rnn call training",
    () => rnn.apply([int(SRC), int([[1, 3]])], { training: "no" }),
    /^Seq2seqRnn: options\.training must be a boolean/,
  ],
  ["greedy no options", greedy(undefined), /^greedyDecode: options\.bos is required/],
  ["greedy eos missing", greedy({ bos: 1 }), /^greedyDecode: options\.eos is required/],
  [
    "greedy bos out of vocab",
    greedy({ ...opts, bos: 9 }),
    /^greedyDecode: options\.bos must be an integer ≥ 0 and ≤ 8, got 9/,
  ],
  ["greedy eos −1", greedy({ ...opts, eos: -1 }), /options\.eos must be an integer ≥ 0 and ≤ 8, got -1/],
  [
    "greedy maxLength 0",
    greedy({ ...opts, maxLength: 0 }),
    /options\.maxLength must be an integer ≥ 1 and ≤ 6, got 0/,
  ],
  ["greedy maxLength 1.5", greedy({ ...opts, maxLength: 1.5 }), /options\.maxLength must be an integer/],
  [
    "greedy maxLength > model",
    greedy({ ...opts, maxLength: 7 }),
    /options\.maxLength must be an integer ≥ 1 and ≤ 6, got 7/,
  ],
  ["greedy beamWidth", greedy({ ...opts, beamWidth: 2 }), /^greedyDecode: unknown option "beamWidth"/],
  [
    "greedy srcValidLens 5",
    greedy({ ...opts, srcValidLens: [5, 2] }),
    /^greedyDecode: options\.srcValidLens\[0\] must be an integer in \[0, 4\] \(the source length\), got 5/,
  ],
  [
    "greedy srcValidLens −1",
    greedy({ ...opts, srcValidLens: [4, -1] }),
    /options\.srcValidLens\[1\] must be an integer in \[0, 4\]/,
  ],
  [
    "greedy srcValidLens length",
    greedy({ ...opts, srcValidLens: [4] }),
    /options\.srcValidLens has shape \[1\] but needs \[2\] \(B\)/,
  ],
  [
    "greedy ragged sources",
    greedy(opts, [[3, 4], [5]]),
    /^greedyDecode: sources must be rectangular: sources\[1\] has length 1/,
  ],
  [
    "greedy token out of vocab",
    greedy(opts, [[3, 7]]),
    /^greedyDecode: sources\[0\]\[1\] must be an integer ≥ 0 and < 7 \(the source vocabulary\), got 7/,
  ],
  ["greedy token 1.5", greedy(opts, [[3, 1.5]]), /sources\[0\]\[1\] must be an integer ≥ 0/],
  ["greedy empty sources", greedy(opts, []), /^greedyDecode: sources must be a non-empty array/],
  [
    "greedy sources not arrays",
    greedy(opts, [3, 4]),
    /^greedyDecode: sources\[0\] must be a non-empty array of token ids, got 3/,
  ],
  ["beam beamSize", beam({ ...opts, beamSize: 3 }), /^beamSearch: unknown option "beamSize"/],
  [
    "beam beamWidth 0",
    beam({ ...opts, beamWidth: 0 }),
    /^beamSearch: options\.beamWidth must be an integer ≥ 1 and ≤ 1000, got 0/,
  ],
  ["beam beamWidth 2.5", beam({ ...opts, beamWidth: 2.5 }), /options\.beamWidth must be an integer/],
  [
    "beam lengthPenalty NaN",
    beam({ ...opts, lengthPenalty: Number.NaN }),
    /^beamSearch: options\.lengthPenalty must be a finite number, got NaN/,
  ],
  [
    "beam lengthPenalty Infinity",
    beam({ ...opts, lengthPenalty: Number.POSITIVE_INFINITY }),
    /options\.lengthPenalty must be a finite number, got Infinity/,
  ],
  [
    "beam srcValidLens two",
    beam({ ...opts, srcValidLens: [4, 2] }),
    /^beamSearch: options\.srcValidLens has shape \[2\] but needs \[1\] \(one source\)/,
  ],
  [
    "beam srcValidLens 5",
    beam({ ...opts, srcValidLens: [5] }),
    /options\.srcValidLens\[0\] must be an integer in \[0, 4\]/,
  ],
  [
    "beam source not an array",
    beam(opts, 3),
    /^beamSearch: source must be a non-empty array of token ids, got 3/,
  ],
  ["beam token −1", beam(opts, [3, -1]), /^beamSearch: source\[1\] must be an integer ≥ 0 and < 7/],
  [
    "trainStep tgtout",
    () =>
      trainStep(
        model,
        adam(),
        batchOf({
          tgtout: int([
            [3, 2],
            [4, 2],
          ]),
        }) as never,
      ),
    /^trainStep: unknown option "tgtout" \(did you mean "tgtOut"\?\)/,
  ],
  [
    "trainStep padId −1",
    () =>
      trainStep(
        model,
        adam(),
        batchOf({
          tgtOut: int([
            [3, 2],
            [4, 2],
          ]),
        }) as never,
        -1,
      ),
    /^trainStep: padId must be an integer ≥ 0, got -1/,
  ],
  [
    "sequenceCrossEntropy padId 1.5",
    () => sequenceCrossEntropy(tf.zeros([1, 2, 3]), int([[0, 1]]), { padId: 1.5 }),
    /^sequenceCrossEntropy: options\.padId must be an integer ≥ 0, got 1\.5/,
  ],
];

const clear = (re: RegExp) => (e: unknown) =>
  (e instanceof TypeError || e instanceof RangeError) && re.test(e.message);

for (const [what, call, expected] of rows) {
  test(`bad model input: ${what} → ${expected.source.slice(0, 70)}`, () => {
    tf.engine().startScope(); // disposes what the row itself makes (its token tensors)
    const before = tf.memory().numTensors;
    assert.throws(call, clear(expected));
    assert.ok(tf.memory().numTensors - before <= 4, "only the row's own inputs (token tensors) remain");
    tf.engine().endScope();
  });
}

/** The real model, with a fault injected into its decoder once the prefix reaches `failAt` tokens. */
function failing<M extends tf.Tensor | tf.Tensor[]>(
  real: DecodableModel<M>,
  failAt: number,
): DecodableModel<M> {
  return {
    config: real.config,
    encode: (src, kwargs) => real.encode(src, kwargs),
    decode: (tgtIn, memory, kwargs) => {
      if (tgtIn.shape[1]! >= failAt) throw new Error(`decoder fault at length ${failAt}`);
      return real.decode(tgtIn, memory, kwargs);
    },
  };
}

test("decoding leaves numTensors unchanged on every error path and over repeated runs", () => {
  const count = () => tf.memory().numTensors;
  const start = count();
  for (const m of [model, rnn] as DecodableModel<tf.Tensor | tf.Tensor[]>[]) {
    const lens = { ...opts, srcValidLens: [4, 2] };
    assert.throws(() => greedyDecode(failing(m, 3), SRC, lens), /decoder fault at length 3/);
    assert.equal(count(), start, "greedyDecode: decoder error mid-way");
    assert.throws(() => beamSearch(failing(m, 2), SRC[0]!, { ...opts, srcValidLens: [4] }), /decoder fault/);
    assert.equal(count(), start, "beamSearch: decoder error mid-way");
    for (let k = 0; k < 3; k++) {
      greedyDecode(m, SRC, { ...lens, maxLength: 4 });
      beamSearch(m, SRC[1]!, { ...opts, maxLength: 4, beamWidth: 2, srcValidLens: Int32Array.of(2) });
    }
    assert.equal(count(), start, "successful runs");
  }
  // an encoder error (a source longer than the positional table) after the valid lengths became a tensor
  const long = [Array.from({ length: 7 }, () => 3)];
  assert.throws(
    () => greedyDecode(model, long, { ...opts, srcValidLens: [7] }),
    /sequence length 7 exceeds maxLength 6/,
  );
  assert.throws(() => beamSearch(model, long[0]!, { ...opts, srcValidLens: [7] }), /exceeds maxLength 6/);
  assert.equal(count(), start, "encoder error");
  const given = tf.tensor1d([4, 2], "int32");
  greedyDecode(model, SRC, { ...opts, srcValidLens: given as never, maxLength: 2 });
  assert.equal(given.isDisposed, false, "a tensor the caller passed is the caller's");
  given.dispose();
  assert.equal(count(), start);
});

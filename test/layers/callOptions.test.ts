/**
 * Bad call options of every tier-2 layer, as a table: each row must throw a TypeError/RangeError whose message
 * starts with the layer's name (or `Layer.applyWithAttention`) and names the key, leaving no tensors behind. Plus:
 * tfjs's base layer keys are accepted and round-trip through getConfig → fromConfig, and good calls still run
 * (also inside a tf.model, where tfjs adds `mask` and `customObjects`).
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { AdditiveAttention } from "../../lib/layers/additiveAttention.js";
import { AttentionRnnDecoder } from "../../lib/layers/attentionRnnDecoder.js";
import { Cbam } from "../../lib/layers/cnn/cbam.js";
import { SqueezeExcitation } from "../../lib/layers/cnn/squeezeExcitation.js";
import { PositionwiseFeedForward } from "../../lib/layers/feedForward.js";
import { LayerNorm } from "../../lib/layers/layerNorm.js";
import { MultiHeadAttention } from "../../lib/layers/multiHeadAttention.js";
import { AttentionPooling } from "../../lib/layers/pooling/attentionPooling.js";
import { SoftSpatialAttentionPooling } from "../../lib/layers/pooling/softSpatialAttentionPooling.js";
import { SinusoidalPositionalEncoding } from "../../lib/layers/positionalEncoding.js";
import { TransformerDecoderLayer } from "../../lib/layers/transformerDecoderLayer.js";
import { TransformerEncoderLayer } from "../../lib/layers/transformerEncoderLayer.js";
import { Seq2seqRnn } from "../../lib/models/seq2seqRnn.js";
import { Transformer } from "../../lib/models/transformer.js";
import { roundTrip, useBackend } from "./attentionHelpers.js";

const th = { numHeads: 2, dFF: 8 };
const clear = (re: RegExp) => (e: unknown) =>
  (e instanceof TypeError || e instanceof RangeError) && re.test(e.message);

const x = () => tf.ones([2, 3, 4]);
const memory = () => tf.ones([2, 5, 4]);
const images = () => tf.ones([1, 4, 4, 2]);
const rnnInputs = () => [tf.ones([2, 3, 6]), tf.ones([2, 5, 4]), tf.zeros([2, 4])];
const layers = {
  mha: new MultiHeadAttention({ numHeads: 2 }),
  additive: new AdditiveAttention({ units: 3 }),
  encoder: new TransformerEncoderLayer(th),
  decoder: new TransformerDecoderLayer(th),
  ffn: new PositionwiseFeedForward({ dFF: 8 }),
  norm: new LayerNorm(),
  sin: new SinusoidalPositionalEncoding({ maxLength: 8 }),
  cbam: new Cbam({ ratio: 2 }),
  pool: new AttentionPooling({ units: 3 }),
  rnn: new AttentionRnnDecoder({ units: 4, vocabSize: 5 }),
  se: new SqueezeExcitation({ ratio: 2 }),
  spatial: new SoftSpatialAttentionPooling(),
};
const { mha: m, additive, encoder, decoder, ffn, norm, sin, cbam, pool, rnn, se, spatial } = layers;
const models = {
  transformer: new Transformer({ srcVocab: 5, tgtVocab: 5, dModel: 4, numHeads: 2, dFF: 8, maxLength: 8 }),
  seq2seq: new Seq2seqRnn({ srcVocab: 5, tgtVocab: 5, embedSize: 4, hiddenSize: 4, maxLength: 8 }),
};
const tokens = () => [
  tf.tensor2d([[1, 2, 3]], undefined, "int32"),
  tf.tensor2d([[1, 2]], undefined, "int32"),
];

/** Builds every layer with a good call, so the rows below test the options alone. */
function buildAll(): void {
  tf.tidy(() => {
    for (const layer of [m, encoder, ffn, norm, sin, pool]) layer.apply(x());
    additive.apply([x(), memory()]);
    decoder.apply([x(), memory()]);
    cbam.apply(images());
    rnn.apply(rnnInputs());
    se.apply(images());
    spatial.apply(images());
  });
  for (const model of Object.values(models)) model.ensureBuilt();
}

/** [what, call, expected message]: bad call options. */
const calls: [string, () => unknown, RegExp][] = [
  [
    "MHA casual",
    () => m.applyWithAttention(x(), { casual: true } as never),
    /^MultiHeadAttention\.applyWithAttention: unknown option "casual" \(did you mean "causal"\?\)/,
  ],
  [
    "MHA validlens",
    () => m.applyWithAttention(x(), { validlens: [1, 2] } as never),
    /unknown option "validlens" \(did you mean "validLens"\?\)/,
  ],
  [
    "MHA causal string",
    () => m.applyWithAttention(x(), { causal: "yes" } as never),
    /options\.causal must be a boolean/,
  ],
  [
    "MHA training 1",
    () => m.applyWithAttention(x(), { training: 1 } as never),
    /options\.training must be a boolean/,
  ],
  [
    "MHA upstream mask",
    () => m.applyWithAttention(x(), { mask: tf.ones([2, 3]) } as never),
    /options\.mask \(tfjs's upstream mask.*pass validLens or attentionMask/,
  ],
  [
    "MHA mask spec object",
    () => m.apply(x(), { mask: { causal: true } }),
    /^MultiHeadAttention: options\.mask .*not supported/,
  ],
  [
    "MHA returnAttention",
    () => m.apply(x(), { returnAttention: "yes" }),
    /options\.returnAttention must be a boolean/,
  ],
  [
    "MHA applyWithAttention returnAttention (it sets it)",
    () => m.applyWithAttention(x(), { returnAttention: false } as never),
    /^MultiHeadAttention\.applyWithAttention: unknown option "returnAttention"/,
  ],
  [
    "MHA applyWithAttention symbolic input",
    () => m.applyWithAttention(tf.input({ shape: [3, 4] }) as never),
    /^MultiHeadAttention\.applyWithAttention: inputs must be tensors .* got a SymbolicTensor/,
  ],
  [
    "MHA kwargs not an object",
    () => m.applyWithAttention(x(), "causal" as never),
    /must be an object with keys/,
  ],
  [
    "Additive queryOfset (misspelt)",
    () => additive.applyWithAttention([x(), memory()], { queryOfset: 1 } as never),
    /^AdditiveAttention\.applyWithAttention: unknown option "queryOfset"/,
  ],
  [
    "Additive score",
    () => additive.apply([x(), memory()], { score: "scaled" }),
    /^AdditiveAttention: unknown option "score"/,
  ],
  [
    "encoder memoryValidLens",
    () => encoder.apply(x(), { memoryValidLens: [1, 2] }),
    /^TransformerEncoderLayer: unknown option "memoryValidLens"/,
  ],
  [
    "decoder causal",
    () => decoder.apply([x(), memory()], { causal: false }),
    /^TransformerDecoderLayer: unknown option "causal"/,
  ],
  [
    "decoder attentionMask",
    () => decoder.apply([x(), memory()], { attentionMask: [[1]] }),
    /unknown option "attentionMask"/,
  ],
  [
    "FFN dropout",
    () => ffn.apply(x(), { dropout: 0.5 }),
    /^PositionwiseFeedForward: unknown option "dropout"/,
  ],
  [
    "LayerNorm training",
    () => norm.apply(x(), { training: "no" }),
    /^LayerNorm: options\.training must be a boolean/,
  ],
  [
    "positional offset",
    () => sin.apply(x(), { offset: 1 }),
    /^SinusoidalPositionalEncoding: unknown option "offset"/,
  ],
  [
    "Cbam returnAttention",
    () => cbam.apply(images(), { returnAttention: 1 }),
    /^Cbam: options\.returnAttention must be a boolean/,
  ],
  [
    "pooling returnWeights",
    () => pool.apply(x(), { returnWeights: true }),
    /^AttentionPooling: unknown option "returnWeights"/,
  ],
  [
    "RNN decoder causal",
    () => rnn.applyWithAttention(rnnInputs(), { causal: true } as never),
    /^AttentionRnnDecoder\.applyWithAttention: unknown option "causal"/,
  ],
  [
    "encoder applyWithAttention memoryValidLens",
    () => encoder.applyWithAttention(x(), { memoryValidLens: [1, 2] } as never),
    /^TransformerEncoderLayer\.applyWithAttention: unknown option "memoryValidLens"/,
  ],
  [
    "decoder applyWithAttention causal",
    () => decoder.applyWithAttention([x(), memory()], { causal: true } as never),
    /^TransformerDecoderLayer\.applyWithAttention: unknown option "causal"/,
  ],
  [
    "pooling applyWithAttention returnAttention",
    () => pool.applyWithAttention(x(), { returnAttention: true } as never),
    /^AttentionPooling\.applyWithAttention: unknown option "returnAttention"/,
  ],
  [
    "Cbam applyWithAttention ratio",
    () => cbam.applyWithAttention(images(), { ratio: 2 } as never),
    /^Cbam\.applyWithAttention: unknown option "ratio"/,
  ],
  [
    "SqueezeExcitation applyWithAttention upstream mask",
    () => se.applyWithAttention(images(), { mask: tf.ones([1, 4]) } as never),
    /^SqueezeExcitation\.applyWithAttention: options\.mask/,
  ],
  [
    "soft spatial applyWithAttention temperature",
    () => spatial.applyWithAttention(images(), { temperature: 2 } as never),
    /^SoftSpatialAttentionPooling\.applyWithAttention: unknown option "temperature"/,
  ],
  [
    "Transformer applyWithAttention validLens",
    () => models.transformer.applyWithAttention(tokens() as never, { validLens: [3] } as never),
    /^Transformer\.applyWithAttention: unknown option "validLens"/,
  ],
  [
    "Seq2seqRnn applyWithAttention returnAttention",
    () => models.seq2seq.applyWithAttention(tokens() as never, { returnAttention: true } as never),
    /^Seq2seqRnn\.applyWithAttention: unknown option "returnAttention"/,
  ],
  [
    "Transformer apply returnAttention string",
    () => models.transformer.apply(tokens(), { returnAttention: "yes" }),
    /^Transformer: options\.returnAttention must be a boolean/,
  ],
  [
    "RNN decoder training",
    () => rnn.apply(rnnInputs(), { training: "yes" }),
    /^AttentionRnnDecoder: options\.training must be a boolean/,
  ],
];

before(async () => {
  await useBackend("wasm");
  buildAll();
});

for (const [what, call, expected] of calls) {
  test(`bad call options: ${what} → ${expected.source.slice(0, 60)}`, () => {
    const before = tf.memory().numTensors;
    tf.engine().startScope();
    assert.throws(call, clear(expected));
    tf.engine().endScope();
    assert.equal(tf.memory().numTensors, before);
  });
}

test("tfjs's base layer keys are accepted and round-trip (trainable, name, dtype)", () => {
  const layer = new MultiHeadAttention({
    numHeads: 2,
    keyDim: null,
    name: "mha7",
    trainable: false,
    dtype: "float32",
  });
  const copy = roundTrip(layer);
  assert.deepEqual([copy.name, copy.trainable, copy.numHeads, copy.keyDim], ["mha7", false, 2, null]);
  const enc = roundTrip(new TransformerEncoderLayer({ ...th, activation: "gelu", trainable: false }));
  assert.deepEqual([enc.trainable, enc.args.activation], [false, "gelu"]);
  const pooled = roundTrip(new AttentionPooling({ score: "query", seed: 3 }));
  assert.deepEqual([pooled.score, pooled.seed], ["query", 3]);
  const cb = roundTrip(new Cbam({ ratio: 2 })); // seed null in the config
  assert.equal(cb.seed, undefined);
});

test("a good call still runs with every option given, and in a tf.model (tfjs adds mask/customObjects)", () => {
  tf.tidy(() => {
    const r = m.applyWithAttention(x(), {
      causal: true,
      validLens: [3, 1],
      attentionMask: tf.ones([2, 3]),
      training: false,
    });
    assert.deepEqual(r.attention.shape, [2, 2, 3, 3]);
  });
  const input = tf.input({ shape: [4, 4, 2] });
  const model = tf.model({
    inputs: input,
    outputs: new Cbam({ ratio: 2, name: "cb" }).apply(input) as tf.SymbolicTensor,
  });
  const copy = tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) } as never);
  return copy.then((c) => {
    tf.tidy(() => assert.deepEqual((c.apply(images(), { training: true }) as tf.Tensor).shape, [1, 4, 4, 2]));
  });
});

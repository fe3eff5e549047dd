/**
 * Bad constructor arguments of every tier-2 layer, as a table: each row must throw a TypeError/RangeError whose
 * message starts with the layer's name and names the key (unknown keys, values out of range, wrong kinds).
 * The call options are in callOptions.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AdditiveAttention } from "../../lib/layers/additiveAttention.js";
import { AttentionRnnDecoder } from "../../lib/layers/attentionRnnDecoder.js";
import { Cbam } from "../../lib/layers/cnn/cbam.js";
import { SqueezeExcitation } from "../../lib/layers/cnn/squeezeExcitation.js";
import { PositionwiseFeedForward } from "../../lib/layers/feedForward.js";
import { GeneralAttention } from "../../lib/layers/generalAttention.js";
import { LayerNorm } from "../../lib/layers/layerNorm.js";
import { MultiHeadAttention } from "../../lib/layers/multiHeadAttention.js";
import { AttentionPooling } from "../../lib/layers/pooling/attentionPooling.js";
import { SoftSpatialAttentionPooling } from "../../lib/layers/pooling/softSpatialAttentionPooling.js";
import {
  LearnedPositionalEncoding,
  SinusoidalPositionalEncoding,
} from "../../lib/layers/positionalEncoding.js";
import { TransformerDecoderLayer } from "../../lib/layers/transformerDecoderLayer.js";
import { TransformerEncoderLayer } from "../../lib/layers/transformerEncoderLayer.js";

type Make = (args: never) => unknown;
const mha = (a: unknown) => new MultiHeadAttention(a as never);
const th = { numHeads: 2, dFF: 8 };

/** [layer, constructor, args, expected message]. */
const constructors: [string, Make, unknown, RegExp][] = [
  ["MultiHeadAttention", mha, {}, /^MultiHeadAttention: options\.numHeads is required/],
  ["MultiHeadAttention", mha, { numHeads: 0 }, /options\.numHeads must be an integer ≥ 1, got 0/],
  ["MultiHeadAttention", mha, { numHeads: 2.5 }, /options\.numHeads must be an integer ≥ 1, got 2\.5/],
  ["MultiHeadAttention", mha, { numHeads: "2" }, /options\.numHeads must be an integer ≥ 1, got "2"/],
  [
    "MultiHeadAttention",
    mha,
    { numHeads: 2, dropout: 1 },
    /options\.dropout must be a finite number ≥ 0 and < 1, got 1/,
  ],
  ["MultiHeadAttention", mha, { numHeads: 2, dropout: -0.1 }, /options\.dropout must be .*got -0\.1/],
  ["MultiHeadAttention", mha, { numHeads: 2, dropout: Number.NaN }, /options\.dropout must be .*got NaN/],
  ["MultiHeadAttention", mha, { numHeads: 2, useBias: "yes" }, /options\.useBias must be a boolean/],
  [
    "MultiHeadAttention",
    mha,
    { numHeads: 2, useCasualMask: true },
    /unknown option "useCasualMask" \(did you mean "useCausalMask"\?\)/,
  ],
  [
    "MultiHeadAttention",
    mha,
    { numHeads: 2, activation: "tanh" },
    /unknown option "activation"; allowed options: numHeads/,
  ],
  ["MultiHeadAttention", mha, { numHeads: 2, keyDim: 0 }, /options\.keyDim must be an integer ≥ 1, got 0/],
  ["MultiHeadAttention", mha, { numHeads: 2, outputDim: 1.5 }, /options\.outputDim must be an integer ≥ 1/],
  ["MultiHeadAttention", mha, { numHeads: 2, seed: -1 }, /options\.seed must be an integer ≥ 0, got -1/],
  ["MultiHeadAttention", mha, { numHeads: 2, seed: 1.5 }, /options\.seed must be an integer ≥ 0, got 1\.5/],
  ["MultiHeadAttention", mha, { numHeads: 2, name: "" }, /options\.name must be a non-empty string/],
  ["MultiHeadAttention", mha, { numHeads: 2, trainable: "no" }, /options\.trainable must be a boolean/],
  ["MultiHeadAttention", mha, { numHeads: 2, dtype: "float64" }, /options\.dtype must be one of "float32"/],
  [
    "MultiHeadAttention",
    mha,
    { numHeads: 2, inputShape: [-1, 3] },
    /options\.inputShape must be an array of integers ≥ 1/,
  ],
  ["MultiHeadAttention", mha, JSON.parse('{"numHeads": 2, "__proto__": 1}'), /unknown option "__proto__"/],
  ["MultiHeadAttention", mha, "heads", /must be an object with keys numHeads/],
  [
    "PositionwiseFeedForward",
    (a) => new PositionwiseFeedForward(a),
    { dFF: 8, activation: "tanh" },
    /^PositionwiseFeedForward: options\.activation must be one of "relu", "gelu", got "tanh"/,
  ],
  ["PositionwiseFeedForward", (a) => new PositionwiseFeedForward(a), {}, /options\.dFF is required/],
  [
    "PositionwiseFeedForward",
    (a) => new PositionwiseFeedForward(a),
    { dFF: 0 },
    /options\.dFF must be an integer ≥ 1, got 0/,
  ],
  [
    "PositionwiseFeedForward",
    (a) => new PositionwiseFeedForward(a),
    { dFF: 8, dropout: 1.5 },
    /options\.dropout must be/,
  ],
  [
    "LayerNorm",
    (a) => new LayerNorm(a),
    { epsilon: 0 },
    /^LayerNorm: options\.epsilon must be a finite number > 0, got 0/,
  ],
  [
    "LayerNorm",
    (a) => new LayerNorm(a),
    { epsilon: Number.POSITIVE_INFINITY },
    /options\.epsilon must be a finite number > 0, got Infinity/,
  ],
  [
    "LayerNorm",
    (a) => new LayerNorm(a),
    { epsilom: 1e-5 },
    /unknown option "epsilom" \(did you mean "epsilon"\?\)/,
  ],
  [
    "SinusoidalPositionalEncoding",
    (a) => new SinusoidalPositionalEncoding(a),
    { maxLength: 0 },
    /^SinusoidalPositionalEncoding: options\.maxLength must be an integer ≥ 1 and ≤ 1000000, got 0/,
  ],
  [
    "SinusoidalPositionalEncoding",
    (a) => new SinusoidalPositionalEncoding(a),
    { maxLength: 2e7 },
    /options\.maxLength must be .*got 20000000/,
  ],
  [
    "SinusoidalPositionalEncoding",
    (a) => new SinusoidalPositionalEncoding(a),
    { base: Number.NaN },
    /options\.base must be a finite number > 0, got NaN/,
  ],
  [
    "SinusoidalPositionalEncoding",
    (a) => new SinusoidalPositionalEncoding(a),
    { positional: "rope" },
    /unknown option "positional"/,
  ],
  [
    "LearnedPositionalEncoding",
    (a) => new LearnedPositionalEncoding(a),
    {},
    /^LearnedPositionalEncoding: options\.maxLength is required/,
  ],
  [
    "LearnedPositionalEncoding",
    (a) => new LearnedPositionalEncoding(a),
    { maxLength: 4, stddev: 0 },
    /options\.stddev must be a finite number > 0/,
  ],
  [
    "LearnedPositionalEncoding",
    (a) => new LearnedPositionalEncoding(a),
    { maxLength: 4.5 },
    /options\.maxLength must be an integer/,
  ],
  [
    "AdditiveAttention",
    (a) => new AdditiveAttention(a),
    {},
    /^AdditiveAttention: options\.units is required/,
  ],
  [
    "AdditiveAttention",
    (a) => new AdditiveAttention(a),
    { units: 0 },
    /options\.units must be an integer ≥ 1, got 0/,
  ],
  [
    "AdditiveAttention",
    (a) => new AdditiveAttention(a),
    { units: 4, score: "scaled" },
    /unknown option "score"/,
  ],
  [
    "AdditiveAttention",
    (a) => new AdditiveAttention(a),
    { units: 4, dropout: 1 },
    /options\.dropout must be/,
  ],
  [
    "GeneralAttention",
    (a) => new GeneralAttention(a),
    { scale: Number.NaN },
    /^GeneralAttention: options\.scale must be a finite number, got NaN/,
  ],
  [
    "GeneralAttention",
    (a) => new GeneralAttention(a),
    { scale: "2" },
    /options\.scale must be a finite number, got "2"/,
  ],
  ["GeneralAttention", (a) => new GeneralAttention(a), { score: "scaled" }, /unknown option "score"/],
  [
    "TransformerEncoderLayer",
    (a) => new TransformerEncoderLayer(a),
    { ...th, activation: "tanh" },
    /^TransformerEncoderLayer: options\.activation must be one of "relu", "gelu", got "tanh"/,
  ],
  [
    "TransformerEncoderLayer",
    (a) => new TransformerEncoderLayer(a),
    { numHeads: 0, dFF: 8 },
    /options\.numHeads must be an integer ≥ 1, got 0/,
  ],
  [
    "TransformerEncoderLayer",
    (a) => new TransformerEncoderLayer(a),
    { numHeads: 2 },
    /options\.dFF is required/,
  ],
  [
    "TransformerEncoderLayer",
    (a) => new TransformerEncoderLayer(a),
    { ...th, normFirst: 1 },
    /options\.normFirst must be a boolean/,
  ],
  [
    "TransformerEncoderLayer",
    (a) => new TransformerEncoderLayer(a),
    { ...th, layerNormEpsilon: 0 },
    /options\.layerNormEpsilon must be a finite number > 0/,
  ],
  [
    "TransformerEncoderLayer",
    (a) => new TransformerEncoderLayer(a),
    { ...th, dropout: 1 },
    /options\.dropout must be/,
  ],
  [
    "TransformerEncoderLayer",
    (a) => new TransformerEncoderLayer(a),
    { ...th, positional: "rope" },
    /unknown option "positional"/,
  ],
  [
    "TransformerDecoderLayer",
    (a) => new TransformerDecoderLayer(a),
    { ...th, causal: true },
    /^TransformerDecoderLayer: unknown option "causal"/,
  ],
  [
    "TransformerDecoderLayer",
    (a) => new TransformerDecoderLayer(a),
    { numHeads: 2, dFF: -1 },
    /options\.dFF must be an integer ≥ 1, got -1/,
  ],
  [
    "AttentionRnnDecoder",
    (a) => new AttentionRnnDecoder(a),
    { units: 4, vocabSize: 5, cell: "rnn" },
    /^AttentionRnnDecoder: options\.cell must be one of "gru", "lstm", got "rnn"/,
  ],
  [
    "AttentionRnnDecoder",
    (a) => new AttentionRnnDecoder(a),
    { units: 4, vocabSize: 5, attention: "scaled" },
    /options\.attention must be one of "additive", "dot", "general", got "scaled"/,
  ],
  ["AttentionRnnDecoder", (a) => new AttentionRnnDecoder(a), { units: 4 }, /options\.vocabSize is required/],
  [
    "AttentionRnnDecoder",
    (a) => new AttentionRnnDecoder(a),
    { units: 0, vocabSize: 5 },
    /options\.units must be an integer ≥ 1, got 0/,
  ],
  ["Cbam", (a) => new Cbam(a), { ratio: 0 }, /^Cbam: options\.ratio must be a finite number > 0, got 0/],
  ["Cbam", (a) => new Cbam(a), { kernelSize: 2.5 }, /options\.kernelSize must be an integer ≥ 1, got 2\.5/],
  ["Cbam", (a) => new Cbam(a), { ratio: 2, reduction: 4 }, /unknown option "reduction"/],
  ["Cbam", (a) => new Cbam(a), { returnAttention: "yes" }, /options\.returnAttention must be a boolean/],
  [
    "SqueezeExcitation",
    (a) => new SqueezeExcitation(a),
    { ratio: Number.NaN },
    /^SqueezeExcitation: options\.ratio must be a finite number > 0, got NaN/,
  ],
  [
    "SqueezeExcitation",
    (a) => new SqueezeExcitation(a),
    { seed: 1.5 },
    /options\.seed must be an integer ≥ 0, got 1\.5/,
  ],
  [
    "SqueezeExcitation",
    (a) => new SqueezeExcitation(a),
    { ratio: 2, kernelSize: 3 },
    /unknown option "kernelSize"/,
  ],
  [
    "SoftSpatialAttentionPooling",
    (a) => new SoftSpatialAttentionPooling(a),
    { temperature: 0 },
    /^SoftSpatialAttentionPooling: options\.temperature must be a finite number > 0, got 0/,
  ],
  [
    "SoftSpatialAttentionPooling",
    (a) => new SoftSpatialAttentionPooling(a),
    { temperature: Number.POSITIVE_INFINITY },
    /options\.temperature must be .*got Infinity/,
  ],
  [
    "SoftSpatialAttentionPooling",
    (a) => new SoftSpatialAttentionPooling(a),
    { temprature: 1 },
    /unknown option "temprature" \(did you mean "temperature"\?\)/,
  ],
  [
    "AttentionPooling",
    (a) => new AttentionPooling(a),
    { score: "scaled" },
    /^AttentionPooling: options\.score must be one of "mlp", "query", got "scaled"/,
  ],
  [
    "AttentionPooling",
    (a) => new AttentionPooling(a),
    { units: 2.5 },
    /options\.units must be an integer ≥ 1, got 2\.5/,
  ],
  ["AttentionPooling", (a) => new AttentionPooling(a), { activation: "tanh" }, /unknown option "activation"/],
];

const clear = (re: RegExp) => (e: unknown) =>
  (e instanceof TypeError || e instanceof RangeError) && re.test(e.message);

for (const [name, make, args, expected] of constructors) {
  test(`bad ${name} args ${JSON.stringify(args) ?? String(args)} → ${expected.source.slice(0, 60)}`, () => {
    assert.throws(() => make(args as never), clear(expected));
  });
}

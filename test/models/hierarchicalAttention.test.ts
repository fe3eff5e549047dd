/**
 * The hierarchical attention network: parity with a plain-array forward pass written from Yang et al.'s equations
 * (the dense encoder), padding words and sentences get no weight and change nothing, the documented weight
 * layout for both encoders, a few Adam steps lower the loss, getConfig → fromConfig gives the same model, bad
 * settings and inputs are refused by name, and no call leaves a tensor behind.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { HierarchicalAttention } from "../../lib/models/hierarchicalAttention.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { countParameters } from "../../lib/train/variables.js";

before(async () => {
  await initBackend();
});

const ids = (docs: number[][][]) => tf.tensor3d(docs, undefined, "int32");
/** Two documents of 3 sentences × 4 words over a vocabulary of 9 (0 = padding). */
const DOCS = [
  [
    [1, 2, 3, 0],
    [4, 5, 0, 0],
    [6, 7, 8, 2],
  ],
  [
    [8, 1, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ],
];

type Matrix = number[][];
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const affine = (x: number[], w: Matrix, bias: number[]) =>
  bias.map(
    (b, j) =>
      b +
      dot(
        x,
        w.map((r) => r[j]!),
      ),
  );
/** Attention pooling with MLP scores s_t = vᵀ tanh(h_t W + b) and a softmax over the valid steps. */
function pool(h: number[][], valid: boolean[], w: Matrix, b: number[], v: number[]) {
  const scores = h.map((x) => dot(affine(x, w, b).map(Math.tanh), v));
  const top = Math.max(...scores.filter((_, t) => valid[t]));
  const e = scores.map((s, t) => (valid[t] ? Math.exp(s - top) : 0));
  const z = e.reduce((s, x) => s + x, 0);
  const weights = e.map((x) => (z > 0 ? x / z : 0));
  const out = h[0]!.map((_, k) => h.reduce((s, x, t) => s + weights[t]! * x[k]!, 0));
  return { out, weights };
}

test("dense encoder: logits, α and β equal a plain-array forward pass of Yang et al. eqs. 5–10 (1e-5)", () => {
  const han = new HierarchicalAttention({
    vocabSize: 9,
    classes: 3,
    dModel: 4,
    embedSize: 3,
    attentionUnits: 5,
    seed: 4,
  });
  const x = ids(DOCS);
  const { output, attention } = han.applyWithAttention(x);
  const [emb, wk, wb, ak, ab, av, sk, sb, sv, ck, cb] = han.getWeights().map((w) => w.arraySync()) as [
    Matrix,
    Matrix,
    number[],
    Matrix,
    number[],
    number[],
    Matrix,
    number[],
    number[],
    Matrix,
    number[],
  ];
  const expected = DOCS.map((doc) => {
    const words = doc.map((sentence) => {
      const h = sentence.map((id) => affine(emb[id]!, wk, wb).map(Math.tanh)); // h = tanh(E[id] W + b)
      return pool(
        h,
        sentence.map((id) => id !== 0),
        ak,
        ab,
        av,
      );
    });
    const real = doc.map((sentence) => sentence.some((id) => id !== 0));
    const sentences = pool(
      words.map((w) => w.out),
      real,
      sk,
      sb,
      sv,
    );
    return {
      logits: affine(sentences.out, ck, cb),
      alpha: words.map((w) => w.weights),
      beta: sentences.weights,
    };
  });
  const close = (a: unknown, b: unknown) =>
    assert.ok((a as number[]).flat(2).every((v, i) => Math.abs(v - (b as number[]).flat(2)[i]!) < 1e-5));
  close(
    output.arraySync(),
    expected.map((e) => e.logits),
  );
  close(
    attention.words.arraySync(),
    expected.map((e) => e.alpha),
  );
  close(
    attention.sentences.arraySync(),
    expected.map((e) => e.beta),
  );
  assert.deepEqual(attention.sentences.arraySync()[1]!.slice(1), [0, 0], "padding sentences get β = 0");
  tf.dispose([x, output, attention.words, attention.sentences]);
  han.dispose();
});

for (const encoder of ["dense", "gru"] as const) {
  test(`${encoder} encoder: trailing padding words and sentences get no weight and change nothing`, () => {
    const han = new HierarchicalAttention({ vocabSize: 9, classes: 2, dModel: 6, encoder, seed: 1 });
    const short = ids([DOCS[0]!.map((s) => s.slice(0, 4))]);
    const long = ids([[...DOCS[0]!.map((s) => [...s, 0, 0]), [0, 0, 0, 0, 0, 0]]]); // [1, 4, 6]
    const a = han.applyWithAttention(short);
    const b = han.applyWithAttention(long);
    const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(a.output, b.output))).dataSync()[0]!);
    assert.ok(gap < 1e-5, `logits moved by ${gap}`);
    const alpha = b.attention.words.arraySync()[0]!;
    assert.deepEqual(
      alpha.map((row) => row.slice(4)),
      [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
    );
    assert.deepEqual(alpha[3], [0, 0, 0, 0, 0, 0], "a sentence of padding has no word weights");
    assert.equal(b.attention.sentences.arraySync()[0]![3], 0);
    for (const row of alpha.slice(0, 3)) assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5);
    tf.dispose([short, long, a.output, b.output, a.attention.words, b.attention.words]);
    tf.dispose([a.attention.sentences, b.attention.sentences]);
    han.dispose();
  });
}

test("the weight layout is the documented one, for both encoders", () => {
  const shapes = (encoder: "dense" | "gru") => {
    const han = new HierarchicalAttention({
      vocabSize: 10,
      classes: 3,
      dModel: 4,
      embedSize: 5,
      attentionUnits: 6,
      encoder,
    });
    han.ensureBuilt();
    const result = { shapes: han.getWeights().map((w) => w.shape), count: countParameters(han) };
    han.dispose();
    return result;
  };
  const attention = [[4, 6], [6], [6]];
  const dense = shapes("dense");
  assert.deepEqual(dense.shapes, [[10, 5], [5, 4], [4], ...attention, ...attention, [4, 3], [3]]);
  assert.equal(dense.count, 50 + 24 + 2 * 36 + 15);
  const gru = [[4, 12], [4, 12], [12]];
  assert.deepEqual(shapes("gru").shapes, [
    [10, 5],
    [5, 12],
    [4, 12],
    [12],
    ...attention,
    ...gru,
    ...attention,
    [4, 3],
    [3],
  ]);
});

test("a few Adam steps on a fixed batch lower the cross-entropy", () => {
  const han = new HierarchicalAttention({ vocabSize: 9, classes: 2, dModel: 8, seed: 3 }).ensureBuilt();
  const x = ids(DOCS);
  const y = tf.oneHot(tf.tensor1d([0, 1], "int32"), 2);
  const optimizer = tf.train.adam(0.05);
  const loss = () => tf.losses.softmaxCrossEntropy(y, han.apply(x) as tf.Tensor) as tf.Scalar;
  const first = tf.tidy(() => loss().dataSync()[0]!);
  for (let i = 0; i < 10; i++) optimizer.minimize(loss, true)?.dispose();
  const last = tf.tidy(() => loss().dataSync()[0]!);
  assert.ok(last < first / 2, `loss ${first} → ${last}`);
  tf.dispose([x, y]);
  optimizer.dispose();
  han.dispose();
});

test("getConfig → fromConfig with the same weights gives the same logits", () => {
  const han = new HierarchicalAttention({
    vocabSize: 9,
    classes: 3,
    encoder: "gru",
    dModel: 5,
    seed: 8,
  }).ensureBuilt();
  const config = han.getConfig();
  assert.equal(config.encoder, "gru");
  const copy = tf.serialization.SerializationMap.getMap().classNameMap.HierarchicalAttention![1](
    HierarchicalAttention,
    config,
  ) as HierarchicalAttention;
  copy.ensureBuilt();
  copy.setWeights(han.getWeights());
  const x = ids(DOCS);
  const [a, b] = [han.apply(x), copy.apply(x)] as tf.Tensor[];
  assert.deepEqual(a!.arraySync(), b!.arraySync());
  tf.dispose([x, a!, b!]);
  han.dispose();
  copy.dispose();
});

test("bad settings and inputs are refused with the name of what is wrong", () => {
  const make = (args: object) => () => new HierarchicalAttention(args as never);
  assert.throws(make({ classes: 2 }), /HierarchicalAttention: options\.vocabSize is required/);
  assert.throws(make({ vocabSize: 5, classes: 2, encoder: "lstm" }), /options\.encoder/);
  assert.throws(
    make({ vocabSize: 5, classes: 2, dmodel: 4 }),
    /unknown option "dmodel" \(did you mean "dModel"\?\)/,
  );
  assert.throws(make({ vocabSize: 5, classes: 0 }), /options\.classes/);
  const han = new HierarchicalAttention({ vocabSize: 5, classes: 2 });
  const floats = tf.zeros([1, 2, 2]);
  const big = ids([[[1, 5]]]);
  const flat = tf.zeros([2, 3], "int32");
  assert.throws(() => han.apply(floats), /ids must be int32, got float32 \[1, 2, 2\]/);
  assert.throws(() => han.apply(big), /ids must lie in \[0, 5\) \(vocabSize\), got 5/);
  assert.throws(() => han.apply(flat), /ids \[B, S, W\]/);
  const good = ids([[[1, 2]]]);
  assert.throws(() => han.applyWithAttention(good, { causal: true } as never), /unknown option "causal"/);
  assert.throws(() => han.apply(good, { mask: good }), /padding is id 0/);
  tf.dispose([floats, big, flat, good]);
  han.dispose();
});

test("apply and applyWithAttention leave no tensor behind", () => {
  const han = new HierarchicalAttention({
    vocabSize: 9,
    classes: 3,
    encoder: "gru",
    dModel: 4,
  }).ensureBuilt();
  const x = ids(DOCS);
  const held = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    const { output, attention } = han.applyWithAttention(x);
    tf.dispose([output, attention.words, attention.sentences, han.apply(x) as tf.Tensor]);
  }
  assert.equal(tf.memory().numTensors, held);
  x.dispose();
  han.dispose();
});

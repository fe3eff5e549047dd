/**
 * The attention-pooling classifier: output and attention shapes with and without its optional blocks, the
 * weight layout, padding (masked: padded ids do not change the logits, the pooling gives them 0), its forward pass
 * equals the one composed from its own sublayers, getConfig → fromConfig rebuilds the same seeded model, one
 * Adam step lowers the loss, no tensor survives repeated calls, and bad options or inputs are clear errors.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { PoolingClassifier } from "../../lib/models/poolingClassifier.js";
import { sameWeights } from "../../lib/train/variables.js";
import { assertClose } from "../helpers.js";
import { roundTrip, useBackend } from "../layers/attentionHelpers.js";

const small = { vocabSize: 12, maxLength: 6, dModel: 8, numHeads: 2, dFF: 16, seed: 5 };
const IDS = [
  [3, 4, 5, 6, 0],
  [7, 1, 0, 0, 0],
];
const LENS = [4, 2];
const int = (rows: number[][]) => tf.tensor2d(rows, undefined, "int32");
const logitsOf = (model: PoolingClassifier, rows: number[][], validLens?: number[]) =>
  tf.tidy(
    () => (model.apply(int(rows), validLens ? { validLens } : {}) as tf.Tensor).arraySync() as number[][],
  );

test("shapes: logits [B, outputs], pooling [B, T], self-attention [B, N, T, T] or null", async () => {
  await useBackend("wasm");
  const full = new PoolingClassifier({ ...small, outputs: 3 }).ensureBuilt();
  const bare = new PoolingClassifier({ ...small, numHeads: 0, dFF: 0 }).ensureBuilt();
  const ids = int(IDS);
  const a = full.applyWithAttention(ids, { validLens: LENS });
  assert.deepEqual(a.output.shape, [2, 3]);
  assert.deepEqual(a.attention.pooling.shape, [2, 5]);
  assert.deepEqual(a.attention.selfAttention?.shape, [2, 2, 5, 5]);
  const b = bare.applyWithAttention(ids);
  assert.deepEqual(b.output.shape, [2, 1]);
  assert.equal(b.attention.selfAttention, null);
  tf.dispose([ids, a.output, a.attention.pooling, a.attention.selfAttention!, b.output, b.attention.pooling]);
  // token table, positions, MHA (8), FFN (4), pooling (3), head (2)
  assert.equal(full.trainableWeights.length, 2 + 8 + 4 + 3 + 2);
  assert.deepEqual(
    full.trainableWeights.map((w) => w.shape),
    [
      [12, 8],
      [6, 8],
      ...full.selfAttention!.trainableWeights.map((w) => w.shape),
      [8, 16],
      [16],
      [16, 8],
      [8],
    ].concat([[8, 8], [8], [8], [8, 3], [3]]),
  );
  assert.equal(bare.trainableWeights.length, 2 + 3 + 2);
  full.dispose();
  bare.dispose();
});

test("padding: padded ids do not change the logits, the pooling gives them 0, and validLens matters", async () => {
  await useBackend("wasm");
  const model = new PoolingClassifier(small).ensureBuilt();
  const other = IDS.map((row, b) => row.map((id, t) => (t < LENS[b]! ? id : 9)));
  assertClose(logitsOf(model, other, LENS), logitsOf(model, IDS, LENS), 1e-6, "logits");
  assert.notDeepEqual(
    logitsOf(model, IDS),
    logitsOf(model, IDS, LENS),
    "without validLens the padding is read",
  );
  const r = model.applyWithAttention(int(IDS), { validLens: tf.tensor1d(LENS, "int32") });
  const pooling = r.attention.pooling.arraySync();
  pooling.forEach((row, b) => {
    assertClose(
      row.reduce((s, v) => s + v, 0),
      1,
      1e-6,
      `row ${b} sums to 1`,
    );
    assert.ok(
      row.slice(LENS[b]).every((v) => v === 0),
      `row ${b}: padding gets 0`,
    );
  });
  tf.dispose([r.output, r.attention.pooling, r.attention.selfAttention!]);
  model.dispose();
});

test("the forward pass is the one its sublayers compose (embed + positions, residual MHA, residual FFN, pool, head)", async () => {
  await useBackend("wasm");
  const model = new PoolingClassifier(small).ensureBuilt();
  const gap = tf.tidy(() => {
    const ids = int(IDS);
    const validLens = tf.tensor1d(LENS, "int32");
    const x = model.positions.apply(model.embedding.apply(ids)) as tf.Tensor;
    const attended = model.selfAttention!.apply(x, { validLens }) as tf.Tensor;
    let h = tf.add(x, attended);
    h = tf.add(h, model.feedForward!.apply(h) as tf.Tensor);
    const pooled = model.pooling.apply([h, validLens]) as tf.Tensor;
    const logits = model.head.apply(pooled) as tf.Tensor;
    const direct = model.apply(ids, { validLens }) as tf.Tensor;
    return tf.max(tf.abs(tf.sub(logits, direct))).dataSync()[0]!;
  });
  assert.ok(gap < 1e-6, `max gap ${gap}`);
  model.dispose();
});

test("seeded: one config gives one model; getConfig → fromConfig rebuilds it", async () => {
  await useBackend("wasm");
  const a = new PoolingClassifier(small).ensureBuilt();
  const b = new PoolingClassifier(small).ensureBuilt();
  const c = new PoolingClassifier({ ...small, seed: 6 }).ensureBuilt();
  const copy = roundTrip(a).ensureBuilt();
  assert.ok(sameWeights(a, b));
  assert.ok(!sameWeights(a, c));
  assert.ok(sameWeights(a, copy));
  assert.deepEqual(copy.config, a.config);
  assertClose(logitsOf(copy, IDS, LENS), logitsOf(a, IDS, LENS), 0, "same logits");
  for (const m of [a, b, c, copy]) m.dispose();
});

test("training: one Adam step lowers the loss; 50 steps leave no tensor behind", async () => {
  await useBackend("wasm");
  const model = new PoolingClassifier(small).ensureBuilt();
  const optimizer = tf.train.adam(0.01);
  const ids = int(IDS);
  const validLens = tf.tensor1d(LENS, "int32");
  const labels = tf.tensor2d([[1], [0]]);
  const loss = () =>
    tf.losses.sigmoidCrossEntropy(
      labels,
      model.apply(ids, { validLens, training: true }) as tf.Tensor,
    ) as tf.Scalar;
  const first = tf.tidy(() => loss().dataSync()[0]!);
  optimizer.minimize(loss);
  const second = tf.tidy(() => loss().dataSync()[0]!);
  assert.ok(second < first, `${second} < ${first}`);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 50; i++) tf.dispose(optimizer.minimize(loss, true) ?? []);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([ids, validLens, labels]);
  optimizer.dispose();
  model.dispose();
});

test("bad options and inputs are errors that name the key, the value and what is allowed", async () => {
  await useBackend("wasm");
  assert.throws(() => new PoolingClassifier({ vocabSize: 10 } as never), /options.maxLength/);
  assert.throws(
    () => new PoolingClassifier({ ...small, dmodel: 8 } as never),
    /unknown option "dmodel" \(did you mean "dModel"\?\)/,
  );
  assert.throws(
    () => new PoolingClassifier({ ...small, dModel: 9 }),
    /dModel 9 is not divisible by numHeads 2/,
  );
  assert.throws(() => new PoolingClassifier({ ...small, pooling: "max" as never }), /options.pooling/);
  assert.throws(() => new PoolingClassifier({ ...small, dFF: -1 }), /options.dFF/);
  const model = new PoolingClassifier(small).ensureBuilt();
  const tooLong = int([[1, 2, 3, 4, 5, 6, 7]]);
  assert.throws(() => model.apply(tooLong), /7 tokens exceed maxLength 6/);
  const outside = int([[1, 12]]);
  assert.throws(() => model.apply(outside), /token ids must be integers in \[0, 12\) \(vocabSize\), got 12/);
  const ids = int(IDS);
  assert.throws(
    () => model.apply(ids, { validLens: [4, 6] }),
    /validLens\[1\] must be an integer in \[0, 5\]/,
  );
  assert.throws(() => model.apply(ids, { validLen: [4, 2] } as never), /unknown option "validLen"/);
  assert.throws(() => model.applyWithAttention(ids, { returnAttention: true } as never), /returnAttention/);
  assert.throws(() => model.apply([ids, ids]), /expects one input, token ids \[B, T\], got 2 inputs/);
  tf.dispose([tooLong, outside, ids]);
  model.dispose();
});

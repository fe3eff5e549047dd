/**
 * MultiHeadAttention against tier-1 `multiHeadAttend` with the same weights (output and per-head weights to
 * 1e-5, with and without padding and causal masks, self- and cross-attention), on wasm and cpu; plus shape,
 * mask effect, config round trip, a training step and no leaks.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { MultiHeadAttention } from "../../lib/layers/multiHeadAttention.js";
import { buildMask, type MaskSpec, multiHeadAttend } from "../../lib/math/index.js";
import { assertClose } from "../helpers.js";
import { BACKENDS, batch, buildWith, matrix, roundTrip, tensors, useBackend } from "./attentionHelpers.js";

const [B, T, S, E, N] = [2, 3, 4, 8, 2];
const W = { wq: matrix(E, E, 1), wk: matrix(E, E, 2), wv: matrix(E, E, 3), wo: matrix(E, E, 4) };
const BIAS = {
  bq: matrix(1, E, 5)[0]!,
  bk: matrix(1, E, 6)[0]!,
  bv: matrix(1, E, 7)[0]!,
  bo: matrix(1, E, 8)[0]!,
};

/** Tier-1 local-window masks `[B][T][S]`, the explicit-mask case. */
const windowMasks = (window: number, s: number) =>
  Array.from({ length: B }, () => buildMask(T, s, { window }));

function layerWithWeights(): MultiHeadAttention {
  const layer = buildWith(new MultiHeadAttention({ numHeads: N }), [
    [1, T, E],
    [1, S, E],
  ]);
  layer.setWeights(tensors([W.wq, W.wk, W.wv, W.wo, BIAS.bq, BIAS.bk, BIAS.bv, BIAS.bo]));
  return layer;
}

const cases: { name: string; self: boolean; lens?: number[]; causal?: boolean; window?: number }[] = [
  { name: "cross, no mask", self: false },
  { name: "cross, padding (one row fully masked)", self: false, lens: [0, 3] },
  { name: "cross, explicit [B, T, S] window mask", self: false, window: 1 },
  { name: "self (fused QKV), no mask", self: true },
  { name: "self, padding + causal", self: true, lens: [2, 3], causal: true },
];

for (const backend of BACKENDS) {
  for (const c of cases) {
    test(`parity with multiHeadAttend on ${backend}: ${c.name}`, async () => {
      await useBackend(backend);
      const layer = layerWithWeights();
      const qs = batch(B, T, E, 11);
      const vs = c.self ? qs : batch(B, S, E, 12);
      const s = c.self ? T : S;
      const [out, weights] = tf.tidy(() => {
        const q = tf.tensor(qs);
        const inputs = c.self ? q : [q, tf.tensor(vs)];
        const { output, attention: weights } = layer.applyWithAttention(inputs, {
          validLens: c.lens === undefined ? undefined : tf.tensor1d(c.lens, "int32"),
          causal: c.causal,
          attentionMask:
            c.window === undefined
              ? undefined
              : tf.tensor(windowMasks(c.window, s).map((m) => m.map((r) => r.map(Number)))),
        });
        return [output.arraySync() as number[][][], weights.arraySync() as number[][][][]];
      });
      for (let b = 0; b < B; b++) {
        const mask: MaskSpec | undefined =
          c.window !== undefined
            ? { window: c.window }
            : c.lens === undefined && !c.causal
              ? undefined
              : { validLens: c.lens?.[b] ?? s, causal: c.causal };
        const want = multiHeadAttend(qs[b]!, vs[b]!, vs[b]!, { numHeads: N, ...W, ...BIAS, mask });
        assertClose(out[b]!, want.output, 1e-5, `output[${b}]`);
        want.heads.forEach((h, n) => assertClose(weights[b]![n]!, h.weights, 1e-5, `weights[${b}][${n}]`));
      }
      layer.dispose();
    });
  }
}

test("shape, masks change the output, causal weights are lower-triangular", async () => {
  await useBackend("wasm");
  const layer = layerWithWeights();
  tf.tidy(() => {
    const q = tf.tensor(batch(B, T, E, 21));
    const v = tf.tensor(batch(B, S, E, 22));
    const plain = layer.apply([q, v]) as tf.Tensor;
    assert.deepEqual(plain.shape, [B, T, E]);
    assert.deepEqual(layer.computeOutputShape([q.shape, v.shape]), [B, T, E]);
    const padded = layer.apply([q, v], { validLens: tf.tensor1d([1, 2], "int32") }) as tf.Tensor;
    assert.ok((tf.max(tf.abs(tf.sub(plain, padded))).arraySync() as number) > 1e-3);
    const keyMask = layer.apply([q, v], {
      attentionMask: tf.tensor2d([
        [1, 0, 0, 0],
        [1, 1, 0, 0],
      ]),
    }) as tf.Tensor;
    assertClose(
      keyMask.arraySync() as number[][][],
      padded.arraySync() as number[][][],
      1e-6,
      "[B, S] mask = lens",
    );
    const narrow = new MultiHeadAttention({ numHeads: N, keyDim: 3, outputDim: 5, useBias: false });
    assert.deepEqual((narrow.apply([q, v]) as tf.Tensor).shape, [B, T, 5]);
    assert.deepEqual(
      narrow.getWeights().map((w) => w.shape),
      [
        [E, 6],
        [E, 6],
        [E, 6],
        [6, 5],
      ],
    );
    narrow.dispose();
    const causal = new MultiHeadAttention({ numHeads: N, useCausalMask: true });
    const w = causal.applyWithAttention(q).attention.arraySync() as number[][][][];
    assert.equal(w[0]![1]![0]![2], 0);
    assert.equal(w[1]![0]![1]![2], 0);
    // useCausalMask is the default of the call option: a call can still turn it off
    const open = causal.applyWithAttention(q, { causal: false }).attention.arraySync() as number[][][][];
    assert.ok(open[0]![1]![0]![2]! > 0, "causal: false overrides useCausalMask");
    causal.dispose();
  });
  layer.dispose();
});

for (const backend of BACKENDS) {
  test(`getConfig → fromConfig, dropout, a training step lowers the loss, no leaks on ${backend}`, async () => {
    await useBackend(backend);
    const layer = new MultiHeadAttention({ numHeads: N, dropout: 0.1, seed: 3, useBias: false });
    const x = tf.tensor(batch(B, T, E, 31));
    const target = tf.tensor(batch(B, T, E, 32));
    layer.apply(x);
    const [eval1, train1, train2] = tf.tidy(() =>
      [layer.apply(x), layer.apply(x, { training: true }), layer.apply(x, { training: true })].map(
        (y) => (y as tf.Tensor).arraySync() as number[][][],
      ),
    );
    assert.notDeepEqual(train1, eval1, "dropout acts while training");
    assert.notDeepEqual(train2, train1, "a fresh dropout mask each call");
    const copy = roundTrip(layer);
    assert.deepEqual(copy.getConfig(), { ...layer.getConfig(), name: copy.name });
    buildWith(copy, [x.shape]);
    copy.setWeights(layer.getWeights());
    assertClose(
      tf.tidy(() => (copy.apply(x) as tf.Tensor).arraySync() as number[][][]),
      tf.tidy(() => (layer.apply(x) as tf.Tensor).arraySync() as number[][][]),
      1e-6,
      "fromConfig",
    );
    const optimizer = tf.train.adam(0.01);
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const loss = () =>
      tf.losses.meanSquaredError(target, layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
    const losses: number[] = [];
    for (let k = 0; k < 5; k++) {
      const cost = optimizer.minimize(loss, true, vars)!;
      losses.push(cost.dataSync()[0]!);
      cost.dispose();
    }
    assert.ok(losses[4]! < losses[0]!, `loss ${losses}`);
    const settled = tf.memory().numTensors;
    optimizer.minimize(loss, false, vars);
    assert.equal(tf.memory().numTensors, settled, "tensors leaked in a step");
    tf.dispose([x, target]);
    optimizer.dispose();
    layer.dispose();
    copy.dispose();
  });
}

test("applyWithAttention: the doc example; the caller owns output and attention, nothing else survives", async () => {
  await useBackend("wasm");
  const layer = new MultiHeadAttention({ numHeads: 2 });
  const x = tf.ones([1, 3, 4]);
  const first = layer.applyWithAttention(x, { causal: true }); // builds the layer (its 8 weights)
  tf.dispose([first.output, first.attention]);
  const before = tf.memory().numTensors;
  const { output, attention } = layer.applyWithAttention(x, { causal: true });
  assert.equal(tf.memory().numTensors, before + 2, "exactly the output and the attention survive");
  assert.deepEqual(output.shape, [1, 3, 4]);
  assert.deepEqual(attention.shape, [1, 2, 3, 3]);
  const w = attention.arraySync() as number[][][][];
  for (const head of w[0]!) assertClose(head[0]!, [1, 0, 0], 1e-6, "row 0 sees key 0 only");
  tf.dispose([output, attention]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(
    () => layer.applyWithAttention(x, { causal: 1 } as never),
    /^TypeError: MultiHeadAttention\.applyWithAttention: options\.causal must be a boolean/,
  );
  assert.equal(tf.memory().numTensors, before, "the error path leaves no tensors");
  x.dispose();
  layer.dispose(); // tracked by apply, so dispose works
});

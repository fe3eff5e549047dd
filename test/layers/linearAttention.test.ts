/**
 * LinearAttention against tier-1 `linearAttend` per head with the same weights (projections by tier-1 matmul,
 * padded keys left out of the key list rather than zeroed), output and implied weights to 1e-5, self and cross
 * attention, causal, key padding by validLens [B] and attentionMask [B, S], on wasm and cpu; the sliding-window
 * pattern on MultiHeadAttention through `attentionMask` equal to tier-1 `multiHeadAttend` with the same mask;
 * a fully masked example gives zeros, not NaN, with finite gradients; config round trip; training; bad input;
 * no tensor leaks on success or error.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { LinearAttention } from "../../lib/layers/linearAttention.js";
import { MultiHeadAttention } from "../../lib/layers/multiHeadAttention.js";
import { slidingWindowAttentionMask } from "../../lib/layers/slidingWindowMask.js";
import {
  addRowVector,
  concatHeads,
  linearAttend,
  linearAttentionWeights,
  type Matrix,
  matmul,
  multiHeadAttend,
  slidingWindowMask,
  splitHeads,
} from "../../lib/math/index.js";
import { assertClose } from "../helpers.js";
import { BACKENDS, batch, buildWith, matrix, roundTrip, useBackend } from "./attentionHelpers.js";

const [B, T, S, E, N] = [2, 4, 5, 6, 2];

/** Weights in the layer's order: Wq, Wk, Wv, Wo, bq, bk, bv, bo. */
const W = {
  wq: matrix(E, E, 1),
  wk: matrix(E, E, 2),
  wv: matrix(E, E, 3),
  wo: matrix(E, E, 4),
  bq: matrix(1, E, 5)[0]!,
  bk: matrix(1, E, 6)[0]!,
  bv: matrix(1, E, 7)[0]!,
  bo: matrix(1, E, 8)[0]!,
};
/** Sets the weights of `layer` (the tensors made for it are disposed: setWeights copies). */
function setLayerWeights(layer: tf.layers.Layer): void {
  const ws = [W.wq, W.wk, W.wv, W.wo, W.bq, W.bk, W.bv, W.bo].map((w) => tf.tensor(w));
  layer.setWeights(ws);
  tf.dispose(ws);
}

/** Tier 1: project, split heads, linearAttend per head over the kept keys, concat, project. */
function reference(
  q: Matrix,
  kv: Matrix,
  keep: number[],
  causal: boolean,
): { output: Matrix; weights: Matrix[] } {
  const proj = (x: Matrix, w: Matrix, b: number[]) => addRowVector(matmul(x, w), b);
  const [qh, kh, vh] = [
    splitHeads(proj(q, W.wq, W.bq), N),
    splitHeads(proj(kv, W.wk, W.bk), N),
    splitHeads(proj(kv, W.wv, W.bv), N),
  ];
  const pick = (m: Matrix) => keep.map((j) => m[j]!);
  const heads = qh.map((qn, n) => linearAttend(qn, pick(kh[n]!), pick(vh[n]!), { causal }).output);
  const weights = qh.map((qn, n) => {
    const w = linearAttentionWeights(qn, pick(kh[n]!), { causal });
    return w.map((row) => kv.map((_, j) => (keep.includes(j) ? row[keep.indexOf(j)]! : 0))); // back to [T, S]
  });
  return { output: addRowVector(matmul(concatHeads(heads), W.wo), W.bo), weights };
}

const cases: { name: string; self: boolean; causal?: boolean; lens?: number[]; keyMask?: number[][] }[] = [
  { name: "cross, no mask", self: false },
  { name: "cross, validLens [B]", self: false, lens: [3, 5] },
  {
    name: "cross, attentionMask [B, S]",
    self: false,
    keyMask: [
      [1, 0, 1, 1, 0],
      [0, 1, 1, 1, 1],
    ],
  },
  { name: "self, causal", self: true, causal: true },
  { name: "cross T < S, causal", self: false, causal: true },
];

for (const backend of BACKENDS) {
  for (const c of cases) {
    test(`LinearAttention parity with linearAttend per head on ${backend}: ${c.name}`, async () => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      const qs = batch(B, T, E, 11);
      const vs = c.self ? qs : batch(B, S, E, 12);
      const layer = buildWith(
        new LinearAttention({ numHeads: N }),
        c.self
          ? [[1, T, E]]
          : [
              [1, T, E],
              [1, S, E],
            ],
      );
      setLayerWeights(layer);
      const [out, weights] = tf.tidy(() => {
        const inputs = c.self ? tf.tensor(qs) : [tf.tensor(qs), tf.tensor(vs)];
        const kwargs = {
          ...(c.causal ? { causal: true } : {}),
          ...(c.lens ? { validLens: tf.tensor1d(c.lens, "int32") } : {}),
          ...(c.keyMask ? { attentionMask: c.keyMask } : {}),
        };
        const r = layer.applyWithAttention(inputs, kwargs);
        return [r.output.arraySync() as number[][][], r.attention.arraySync() as number[][][][]];
      });
      for (let b = 0; b < B; b++) {
        const len = vs[b]!.length;
        const keep = Array.from({ length: len }, (_, j) => j).filter(
          (j) =>
            (c.lens === undefined || j < c.lens[b]!) && (c.keyMask === undefined || c.keyMask[b]![j] === 1),
        );
        const want = reference(qs[b]!, vs[b]!, keep, c.causal ?? false);
        assertClose(out[b]!, want.output, 1e-5, `output[${b}]`);
        assertClose(weights[b]!, want.weights, 1e-5, `weights[${b}]`);
      }
      layer.dispose();
      assert.equal(tf.memory().numTensors, before, "tensors leaked");
    });
  }

  test(`sliding window + global tokens on MultiHeadAttention via attentionMask equals multiHeadAttend on ${backend}`, async () => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const n = 7;
    const opts = { window: 1, globalTokens: [0] };
    const xs = batch(B, n, E, 31);
    const mha = buildWith(new MultiHeadAttention({ numHeads: N }), [[1, n, E]]);
    setLayerWeights(mha);
    const [out, att] = tf.tidy(() => {
      const mask = slidingWindowAttentionMask(B, n, opts);
      const r = mha.applyWithAttention(tf.tensor(xs), { attentionMask: mask });
      return [r.output.arraySync() as number[][][], r.attention.arraySync() as number[][][][]];
    });
    const mask = slidingWindowMask(n, opts);
    for (let b = 0; b < B; b++) {
      const want = multiHeadAttend(xs[b]!, xs[b]!, xs[b]!, { numHeads: N, ...W, mask });
      assertClose(out[b]!, want.output, 1e-5, `output[${b}]`);
      assertClose(
        att[b]!,
        want.heads.map((h) => h.weights),
        1e-5,
        `weights[${b}]`,
      );
      for (const row of att[b]![0]!.keys())
        for (let j = 0; j < n; j++) if (!mask[row]![j]) assert.equal(att[b]![0]![row]![j], 0);
    }
    mha.dispose();
    assert.equal(tf.memory().numTensors, before, "tensors leaked");
  });
}

test("a fully padded example gives a zero row and finite gradients (no NaN); training lowers the loss", async () => {
  await useBackend("cpu");
  const before = tf.memory().numTensors;
  const [q, v] = [tf.tensor(batch(B, T, E, 41)), tf.tensor(batch(B, S, E, 42))];
  const target = tf.tensor(batch(B, T, E, 43));
  const layer = buildWith(new LinearAttention({ numHeads: N, useBias: false }), [q.shape, v.shape]);
  const lens = tf.tensor1d([0, 5], "int32");
  const outs = tf.tidy(
    () => (layer.apply([q, v], { validLens: lens }) as tf.Tensor).arraySync() as number[][][],
  );
  assert.ok(
    outs[0]!.flat().every((x) => x === 0),
    "no key: zero output (no bias)",
  );
  assert.ok(outs[1]!.flat().every(Number.isFinite));
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = () =>
    tf.losses.meanSquaredError(
      target,
      layer.apply([q, v], { validLens: lens, causal: true }) as tf.Tensor,
    ) as tf.Scalar;
  const { grads, value } = tf.variableGrads(loss, vars);
  for (const g of Object.values(grads)) assert.ok(Array.from(g.dataSync()).every(Number.isFinite));
  tf.dispose([grads, value]);
  const optimizer = tf.train.adam(0.05);
  const costs = [0, 1, 2, 3].map(() => {
    const cost = optimizer.minimize(loss, true, vars)!;
    const value = cost.dataSync()[0]!;
    cost.dispose();
    return value;
  });
  assert.ok(costs[3]! < costs[0]!, `loss ${costs}`);
  optimizer.dispose();
  const copy = buildWith(roundTrip(layer), [q.shape, v.shape]);
  copy.setWeights(layer.getWeights());
  const run = (l: tf.layers.Layer) =>
    tf.tidy(() => (l.apply([q, v], { causal: true }) as tf.Tensor).arraySync() as number[][][]);
  assertClose(run(copy), run(layer), 1e-6, "fromConfig");
  assert.deepEqual(layer.computeOutputShape([q.shape, v.shape]), [B, T, E]);
  const causalByDefault = buildWith(
    new LinearAttention({ numHeads: N, useBias: false, useCausalMask: true }),
    [q.shape],
  );
  causalByDefault.setWeights(layer.getWeights());
  assertClose(run(causalByDefault), run(layer), 1e-6, "useCausalMask");
  tf.dispose([q, v, target, lens]);
  for (const l of [layer, copy, causalByDefault]) l.dispose();
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
});

test("bad input: per-query masks, unknown options and bad arguments are clear errors; nothing leaks", async () => {
  await useBackend("cpu");
  const x = tf.tensor(batch(B, T, E, 51));
  const layer = buildWith(new LinearAttention({ numHeads: N }), [x.shape]);
  const [perQuery, value, longKey] = [tf.ones([B, T, T]), tf.ones([B, S, E]), tf.ones([B, S + 1, E])];
  const before = tf.memory().numTensors;
  const err = (f: () => unknown, re: RegExp) => assert.throws(f, re);
  err(
    () =>
      layer.apply(x, {
        validLens: [
          [1, 2, 3, 4],
          [1, 2, 3, 4],
        ],
      }),
    /LinearAttention: validLens must be \[B\].*per-query lengths \[B, T\]/,
  );
  err(
    () => layer.apply(x, { attentionMask: perQuery }),
    /attentionMask must be \[B, S\].*sliding window needs the \[T, S\] scores/,
  );
  err(() => layer.apply(x, { casual: true }), /unknown option "casual" \(did you mean "causal"\?\)/);
  err(() => layer.apply(x, { validLens: [9, 1] }), /LinearAttention: validLens/);
  err(
    () => layer.applyWithAttention(x, { returnAttention: true } as never),
    /LinearAttention.applyWithAttention: unknown option "returnAttention"/,
  );
  err(() => layer.apply([x, x, x, x]), /expects 1 to 3 inputs/);
  err(() => layer.apply([x, value, longKey]), /must have the same length S/);
  assert.equal(tf.memory().numTensors, before, "tensors leaked on an error path");
  err(
    () => new LinearAttention({ numHeads: 0 }),
    /LinearAttention: options.numHeads must be an integer ≥ 1, got 0/,
  );
  err(() => new LinearAttention({ numHeads: 2, dropout: 0.1 } as never), /unknown option "dropout"/);
  err(
    () => buildWith(new LinearAttention({ numHeads: 4 }), [[1, T, E]]),
    /query width 6 is not divisible by numHeads 4/,
  );
  err(
    () => slidingWindowAttentionMask(0, 4, { window: 1 }),
    /slidingWindowAttentionMask: batch must be a positive integer/,
  );
  layer.dispose();
  tf.dispose([x, perQuery, value, longKey]);
});

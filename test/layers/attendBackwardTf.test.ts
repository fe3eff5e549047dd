/**
 * Tier 1's attendBackward against tf.grads on tier 2 (issue #19): the same computation written with tfjs ops —
 * the scores of each score function, scale, temperature, tier 2's `maskedSoftmax` (−1e9 then × mask) and the
 * product with the values — differentiated by tfjs autodiff in float32, and the tier-2 GeneralAttention and
 * AdditiveAttention layers themselves (their kernels set to tier 1's parameters, tf.variableGrads for the
 * parameters). Agreement to 1e-5 (float32); no tensor is left behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { AdditiveAttention } from "../../lib/layers/additiveAttention.js";
import { maskedSoftmax } from "../../lib/layers/attentionMask.js";
import { GeneralAttention } from "../../lib/layers/generalAttention.js";
import { type AttendOptions, attendBackward, buildMask, type MaskSpec, maxAbsDiff } from "../../lib/index.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { BACKENDS, buildWith, useBackend } from "./attentionHelpers.js";

const [T, S, D, DV, H] = [3, 5, 4, 3, 6];
const rng = mulberry32(219);
const Q = rng.matrix(T, D, -1, 1);
const K = rng.matrix(S, D, -1, 1);
const V = rng.matrix(S, DV, -1, 1);
const DO = rng.matrix(T, DV, -1, 1);
const W = rng.matrix(D, D, -0.8, 0.8);
const WQ = rng.matrix(D, H, -0.8, 0.8);
const WK = rng.matrix(D, H, -0.8, 0.8);
const VA = rng.matrix(1, H, -1, 1)[0]!;
const TOL = 1e-5;
const MASKS: (MaskSpec | undefined)[] = [
  undefined,
  { validLens: [2, 0, 5] },
  { causal: true },
  { window: 1 },
];

type Score = "dot" | "scaledDot" | "general" | "additive" | "cosine";

/** The raw scores [T, S] of `score`, in tfjs ops. */
function tfScores(score: Score, q: tf.Tensor2D, k: tf.Tensor2D, p: tf.Tensor[]): tf.Tensor2D {
  switch (score) {
    case "general":
      return tf.matMul(tf.matMul(q, p[0] as tf.Tensor2D), k, false, true); // Q W Kᵀ
    case "additive": {
      const a = tf.matMul(q, p[0] as tf.Tensor2D).expandDims(1); // [T, 1, h]
      const b = tf.matMul(k, p[1] as tf.Tensor2D).expandDims(0); // [1, S, h]
      return tf.sum(tf.mul(tf.tanh(tf.add(a, b)), p[2]!), -1) as tf.Tensor2D; // [T, S]
    }
    case "cosine": {
      const unit = (x: tf.Tensor2D) => tf.div(x, tf.norm(x, "euclidean", 1, true));
      return tf.matMul(unit(q), unit(k), false, true);
    }
    default:
      return tf.matMul(q, k, false, true);
  }
}

const plain = (t: tf.Tensor) => t.arraySync() as number[][];

test("attendBackward equals tf.grads of the same computation in tfjs ops, every score × scale/τ × mask", async () => {
  for (const backend of BACKENDS) {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    for (const score of ["dot", "scaledDot", "general", "additive", "cosine"] as Score[])
      for (const [scale, temperature] of [
        [undefined, 1],
        [0.7, 0.5],
      ] as const)
        for (const mask of MASKS) {
          const params =
            score === "general" ? { w: W } : score === "additive" ? { wq: WQ, wk: WK, v: VA } : {};
          const options = { score, temperature, ...params, ...(scale && { scale }), ...(mask && { mask }) };
          const g = attendBackward(Q, K, V, DO, options as AttendOptions);
          const factor = g.trace.scale / temperature;
          const keep = mask === undefined ? null : buildMask(T, S, mask).map((r) => r.map(Number));
          const got = tf.tidy(() => {
            const m = keep === null ? null : tf.tensor2d(keep);
            const p = Object.values(params).map((x) => tf.tensor(x));
            const f = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, ...ps: tf.Tensor[]) => {
              const s = tfScores(score, q as tf.Tensor2D, k as tf.Tensor2D, ps); // [T, S]
              return tf.matMul(maskedSoftmax(tf.mul(s, factor), m), v); // [T, d_v]
            };
            const inputs = [tf.tensor2d(Q), tf.tensor2d(K), tf.tensor2d(V), ...p];
            const grads = tf.grads((...xs: tf.Tensor[]) => f(xs[0]!, xs[1]!, xs[2]!, ...xs.slice(3)))(
              inputs,
              tf.tensor2d(DO),
            );
            const s0 = tfScores(score, inputs[0] as tf.Tensor2D, inputs[1] as tf.Tensor2D, p);
            const dS = tf.grad((s: tf.Tensor) => tf.matMul(maskedSoftmax(tf.mul(s, factor), m), inputs[2]!))(
              s0,
              tf.tensor2d(DO),
            );
            return {
              grads: grads.map((x) => (x.rank === 1 ? [x.arraySync() as number[]] : plain(x))),
              dS: plain(dS),
            };
          });
          const what = `${backend} ${score} scale ${scale} τ ${temperature} mask ${JSON.stringify(mask)}`;
          const want = [
            g.dQueries,
            g.dKeys,
            g.dValues,
            ...Object.values(g.dScoreParams ?? {}).map((x) =>
              Array.isArray(x[0]) ? (x as number[][]) : [x as number[]],
            ),
          ];
          assert.equal(got.grads.length, want.length, what);
          got.grads.forEach((x, i) =>
            assert.ok(maxAbsDiff(x, want[i]!) <= TOL, `${what} grad ${i}: ${maxAbsDiff(x, want[i]!)}`),
          );
          assert.ok(
            maxAbsDiff(got.dS, g.dScores) <= TOL,
            `${what} dScores: ${maxAbsDiff(got.dS, g.dScores)}`,
          );
        }
    assert.equal(tf.memory().numTensors, before, `${backend}: no tensor left behind`);
  }
});

test("the tier-2 GeneralAttention and AdditiveAttention layers: their input and kernel gradients equal attendBackward", async () => {
  await useBackend("cpu");
  const before = tf.memory().numTensors;
  const layers = [
    {
      layer: buildWith(new GeneralAttention(), [
        [1, T, D],
        [1, S, DV],
        [1, S, D],
      ]),
      weights: [W],
      options: { score: "general", w: W },
    },
    {
      layer: buildWith(new AdditiveAttention({ units: H }), [
        [1, T, D],
        [1, S, DV],
        [1, S, D],
      ]),
      weights: [WQ, WK, VA],
      options: { score: "additive", wq: WQ, wk: WK, v: VA },
    },
  ];
  for (const { layer, weights, options } of layers) {
    const ws = weights.map((w) => tf.tensor(w));
    layer.setWeights(ws);
    tf.dispose(ws);
    const g = attendBackward(Q, K, V, DO, { ...options, mask: { validLens: [2, 0, 5] } } as AttendOptions);
    const got = tf.tidy(() => {
      const [q, v, k] = [Q, V, K].map((m) => tf.tensor3d([m]));
      const dy = tf.tensor3d([DO]);
      const call = (qq: tf.Tensor, vv: tf.Tensor, kk: tf.Tensor) =>
        tf.sum(tf.mul(layer.apply([qq, vv, kk], { validLens: [[2, 0, 5]] }) as tf.Tensor, dy));
      const dInputs = tf
        .grads(call)([q!, v!, k!])
        .map((x) => (x.arraySync() as number[][][])[0]!);
      const { grads } = tf.variableGrads(
        () => call(q!, v!, k!) as tf.Scalar,
        layer.trainableWeights.map((w) => w.read() as tf.Variable),
      );
      return {
        dInputs,
        dKernels: Object.values(grads).map((x) => (x.rank === 1 ? [x.arraySync() as number[]] : plain(x))),
      };
    });
    const [dq, dv, dk] = got.dInputs;
    assert.ok(
      maxAbsDiff(dq!, g.dQueries) <= TOL &&
        maxAbsDiff(dk!, g.dKeys) <= TOL &&
        maxAbsDiff(dv!, g.dValues) <= TOL,
      options.score,
    );
    const want = Object.values(g.dScoreParams!).map((x) =>
      Array.isArray(x[0]) ? (x as number[][]) : [x as number[]],
    );
    got.dKernels.forEach((x, i) =>
      assert.ok(maxAbsDiff(x, want[i]!) <= TOL, `${options.score} kernel ${i}: ${maxAbsDiff(x, want[i]!)}`),
    );
    layer.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});

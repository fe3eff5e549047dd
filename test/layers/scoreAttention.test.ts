/**
 * AdditiveAttention and GeneralAttention against tier-1 `attend` (score "additive" / "general") with the same
 * weights, output and weights to 1e-5, with and without padding and causal masks, on wasm and cpu; plus shape,
 * config round trip and a training step.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { AdditiveAttention } from "../../lib/layers/additiveAttention.js";
import { GeneralAttention } from "../../lib/layers/generalAttention.js";
import type { ScoreAttention } from "../../lib/layers/scoreAttention.js";
import { type AttendOptions, attend } from "../../lib/math/index.js";
import { assertClose } from "../helpers.js";
import { BACKENDS, batch, buildWith, matrix, roundTrip, tensors, useBackend } from "./attentionHelpers.js";

const [B, T, S, DQ, DK, DV, U] = [2, 3, 4, 5, 6, 3, 7];
const ADD = { wq: matrix(DQ, U, 1), wk: matrix(DK, U, 2), v: matrix(1, U, 3)[0]! };
const GEN = { w: matrix(DQ, DK, 4) };

const makers: { name: string; make: () => ScoreAttention; score: AttendOptions }[] = [
  {
    name: "AdditiveAttention",
    make: () => new AdditiveAttention({ units: U }),
    score: { score: "additive", ...ADD },
  },
  { name: "GeneralAttention", make: () => new GeneralAttention(), score: { score: "general", ...GEN } },
];
const weightsOf = (name: string) => tensors(name === "AdditiveAttention" ? [ADD.wq, ADD.wk, ADD.v] : [GEN.w]);
const masks: { name: string; lens?: number[]; causal?: boolean }[] = [
  { name: "no mask" },
  { name: "padding", lens: [2, 4] },
  { name: "padding + causal", lens: [3, 4], causal: true },
];

for (const backend of BACKENDS) {
  for (const m of makers) {
    for (const mask of masks) {
      test(`${m.name} parity with attend on ${backend}: ${mask.name}`, async () => {
        await useBackend(backend);
        const layer = buildWith(m.make(), [
          [1, T, DQ],
          [1, S, DV],
          [1, S, DK],
        ]);
        layer.setWeights(weightsOf(m.name));
        const [qs, vs, ks] = [batch(B, T, DQ, 11), batch(B, S, DV, 12), batch(B, S, DK, 13)];
        const [out, weights] = tf.tidy(() => {
          const lens = mask.lens === undefined ? undefined : tf.tensor1d(mask.lens, "int32");
          const { output: o, attention: w } = layer.applyWithAttention(
            [tf.tensor(qs), tf.tensor(vs), tf.tensor(ks)],
            { validLens: lens, causal: mask.causal },
          );
          return [o.arraySync() as number[][][], w.arraySync() as number[][][]];
        });
        for (let b = 0; b < B; b++) {
          const spec =
            mask.lens === undefined ? undefined : { validLens: mask.lens[b]!, causal: mask.causal };
          const want = attend(qs[b]!, ks[b]!, vs[b]!, { ...m.score, mask: spec } as AttendOptions);
          assertClose(out[b]!, want.output, 1e-5, `output[${b}]`);
          assertClose(weights[b]!, want.weights, 1e-5, `weights[${b}]`);
        }
        layer.dispose();
      });
    }
  }
}

for (const [m, backend] of makers.flatMap((m) => BACKENDS.map((b) => [m, b] as const))) {
  test(`${m.name} on ${backend}: shape, config round trip, one training step lowers the loss, no leaks`, async () => {
    await useBackend(backend);
    const [q, v] = [tf.tensor(batch(B, T, DQ, 21)), tf.tensor(batch(B, S, DQ, 22))];
    const target = tf.tensor(batch(B, T, DQ, 23));
    const layer = buildWith(m.make(), [q.shape, v.shape]);
    assert.deepEqual(layer.computeOutputShape([q.shape, v.shape]), [B, T, DQ]);
    const copy = buildWith(roundTrip(layer), [q.shape, v.shape]);
    copy.setWeights(layer.getWeights());
    const run = (l: tf.layers.Layer) =>
      tf.tidy(() => (l.apply([q, v]) as tf.Tensor).arraySync() as number[][][]);
    assertClose(run(copy), run(layer), 1e-6, "fromConfig");
    const optimizer = tf.train.adam(0.05);
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const loss = () => tf.losses.meanSquaredError(target, layer.apply([q, v]) as tf.Tensor) as tf.Scalar;
    const costs = [0, 1, 2].map(() => {
      const cost = optimizer.minimize(loss, true, vars)!;
      const value = cost.dataSync()[0]!;
      cost.dispose();
      return value;
    });
    assert.ok(costs[2]! < costs[0]!, `loss ${costs}`);
    const settled = tf.memory().numTensors;
    optimizer.minimize(loss, false, vars);
    assert.equal(tf.memory().numTensors, settled, "tensors leaked in a step");
    tf.dispose([q, v, target]);
    optimizer.dispose();
    layer.dispose();
    copy.dispose();
  });
}

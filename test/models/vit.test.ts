/**
 * The Vision Transformer: config checks (unknown keys, patch sizes that do not divide the image, heads that do not
 * divide the width), shapes of the logits and per-block attention maps, every attention row summing to 1, the
 * parameter-count formula, the whole forward pass equal to tier 1 written out from the same weights (patchEmbed,
 * class token, positions, encoderBlock pre-LN, layerNorm, head; 1e-4), attention rollout by hand, vitPredict,
 * seeding, one Adam step lowering the loss, and no tensor leaks on success and error paths.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { attentionRollout, averageHeads } from "../../lib/math/attentionRollout.js";
import { blockWeightsFromList } from "../../lib/math/blockWeights.js";
import { layerNorm } from "../../lib/math/layerNorm.js";
import { matmul } from "../../lib/math/matrix.js";
import { patchEmbed } from "../../lib/math/patchEmbedding.js";
import { encoderBlock } from "../../lib/math/transformerBlock.js";
import { classCrossEntropy } from "../../lib/models/cnn/classify.js";
import { Vit } from "../../lib/models/vit.js";
import { DEFAULTS, PRESETS, vitConfig, vitParameterCount, vitPatchGrid } from "../../lib/models/vitConfig.js";
import { vitPredict } from "../../lib/models/vitPredict.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { countParameters, trainableVariables } from "../../lib/train/variables.js";
import { assertClose } from "../helpers.js";
import { roundTrip, useBackend } from "../layers/attentionHelpers.js";

const small = {
  height: 8,
  width: 12,
  channels: 2,
  patchSize: 4,
  classes: 3,
  dModel: 8,
  numHeads: 2,
  dFF: 16,
  numLayers: 2,
  seed: 3,
};

/** Seeded `[n, H, W, C]` images. */
function images(
  n: number,
  c: { height: number; width: number; channels: number },
  seed: number,
): number[][][][] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () =>
    Array.from({ length: c.height }, () =>
      Array.from({ length: c.width }, () => Array.from({ length: c.channels }, () => rng.uniform(-1, 1))),
    ),
  );
}

test("config: DEFAULTS, presets, overrides; unknown keys, bad values, patch and head sizes that do not divide are errors", () => {
  assert.deepEqual(vitConfig(), DEFAULTS);
  assert.equal(vitConfig({}, "tiny").dModel, PRESETS.tiny.dModel);
  assert.equal(vitConfig({ dFF: 7 }, "small").dFF, 7);
  assert.deepEqual(vitPatchGrid(), { rows: 6, cols: 6, patches: 36 });
  assert.throws(
    () => vitConfig({ patchSize: 5 }),
    /vitConfig: patchSize 5 must divide the height 24 and the width 24/,
  );
  assert.throws(() => vitConfig({ dModel: 10, numHeads: 4 }), /dModel 10 is not divisible by numHeads 4/);
  assert.throws(
    () => vitConfig({ patchSise: 4 } as never),
    /unknown option "patchSise" \(did you mean "patchSize"\?\)/,
  );
  assert.throws(
    () => new Vit({ activation: "tanh" } as never),
    /Vit: options.activation must be one of "relu", "gelu"/,
  );
  assert.throws(() => new Vit({ numLayers: 0 }), /Vit: options.numLayers must be an integer ≥ 1, got 0/);
  assert.throws(() => new Vit({ dropout: 1 }), /Vit: options.dropout/);
  assert.throws(() => new Vit({ height: 10 }), /Vit: patchSize 4 must divide the height 10/);
  assert.throws(() => vitConfig({}, "huge" as never), /preset must be one of "tiny", "small"/);
});

test("shapes, rows summing to 1, parameter count, config round trip, errors; no leaks", async () => {
  await useBackend("wasm");
  const model = new Vit(small).ensureBuilt();
  assert.equal(countParameters(model), vitParameterCount(small));
  // the formula counted by hand for `small`: patches (32+1)·8, class token 8, positions 7·8, 2 blocks, final LN, head
  const block = 4 * 64 + 4 * 8 + 2 * 8 * 16 + 16 + 8 + 4 * 8;
  assert.equal(vitParameterCount(small), 33 * 8 + 8 + 7 * 8 + 2 * block + 16 + 8 * 3 + 3);
  const x = tf.tensor4d(images(3, small, 1));
  const before = tf.memory().numTensors;
  const { output, attention } = model.applyWithAttention(x);
  assert.deepEqual(output.shape, [3, 3]);
  assert.deepEqual(
    attention.map((a) => a.shape),
    [
      [3, 2, 7, 7],
      [3, 2, 7, 7],
    ],
  );
  for (const a of attention) {
    for (const head of (a.arraySync() as number[][][][]).flat()) {
      for (const row of head) {
        assert.ok(row.every((w) => w >= 0));
        assertClose(
          row.reduce((s, w) => s + w, 0),
          1,
          1e-5,
          "attention row sum",
        );
      }
    }
  }
  const logits = output.arraySync();
  tf.dispose([output, attention]);
  assert.equal(tf.memory().numTensors, before, "applyWithAttention leaks");
  assert.deepEqual(
    tf.tidy(() => (model.apply(x) as tf.Tensor).arraySync()),
    logits,
  );
  assert.deepEqual(model.computeOutputShape([null, 8, 12, 2]), [null, 3]);
  // errors name the argument, and leave nothing behind
  const wrong = tf.zeros([2, 8, 8, 2]);
  assert.throws(() => model.apply(wrong), /Vit: images must be \[B, 8, 12, 2\].*got \[2,8,8,2\]/);
  assert.throws(
    () => model.applyWithAttention(x, { causal: true } as never),
    /Vit.applyWithAttention: unknown option "causal"/,
  );
  assert.throws(() => model.apply([x, x]), /Vit: expects one input/);
  assert.throws(
    () => model.applyWithAttention([1, 2] as never),
    /Vit.applyWithAttention: inputs must be tensors/,
  );
  wrong.dispose();
  assert.equal(tf.memory().numTensors, before, "a failed call leaks");
  // getConfig → fromConfig, the same weights, the same logits
  const copy = roundTrip(model).ensureBuilt();
  copy.setWeights(model.getWeights());
  assert.deepEqual(
    tf.tidy(() => (copy.apply(x) as tf.Tensor).arraySync()),
    logits,
  );
  copy.dispose();
  x.dispose();
  model.dispose();
});

test("the forward pass equals tier 1 written out from the same weights (eq. 1–4; logits and maps, 1e-4)", async () => {
  await useBackend("wasm");
  const model = new Vit({ ...small, numHeads: 2 }).ensureBuilt();
  // give every weight random values (the class token and biases start at zero)
  const rng = mulberry32(11);
  model.setWeights(
    model.getWeights().map((w) =>
      tf.tidy(() =>
        tf.tensor(
          Array.from({ length: w.size }, () => rng.uniform(-0.5, 0.5)),
          w.shape,
        ),
      ),
    ),
  );
  const data = images(2, small, 2);
  const got = tf.tidy(() => {
    const r = model.applyWithAttention(tf.tensor4d(data));
    return {
      logits: r.output.arraySync() as number[][],
      maps: r.attention.map((a) => a.arraySync() as number[][][][]),
    };
  });
  const w = model.getWeights().map((t) => t.arraySync()) as unknown[];
  const [cls, headKernel, headBias, patchKernel, patchBias, positions] = w as [
    number[],
    number[][],
    number[],
    number[][],
    number[],
    number[][],
  ];
  const blocks = [0, 1].map((l) => blockWeightsFromList("encoder", w.slice(6 + 16 * l, 22 + 16 * l)));
  const [gamma, beta] = w.slice(38) as [number[], number[]];
  data.forEach((im, b) => {
    const patches = patchEmbed(im, { patchSize: 4, kernel: patchKernel, bias: patchBias }).embeddings; // [N, D]
    let z = [cls, ...patches].map((row, t) => row.map((v, j) => v + positions[t]![j]!)); // z₀ [N + 1, D]
    blocks.forEach((weights, l) => {
      const t = encoderBlock(z, weights, { numHeads: 2, normFirst: true, activation: "gelu" });
      t.selfAttention.heads.forEach((h, n) =>
        assertClose(got.maps[l]![b]![n]!, h.weights, 1e-4, `block ${l} head ${n}`),
      );
      z = t.output;
    });
    const y = layerNorm([z[0]!], { gamma, beta }).output; // LN(z_L⁰) [1, D]
    const logits = matmul(y, headKernel)[0]!.map((v, k) => v + headBias[k]!);
    assertClose(got.logits[b]!, logits, 1e-4, `logits of image ${b}`);
  });
  model.dispose();
});

test("attention rollout and head averaging by hand; bad input is an error", () => {
  assert.deepEqual(averageHeads([[[1, 0]], [[0, 1]]]), [[0.5, 0.5]]);
  const a1 = [
    [0.2, 0.8],
    [0.6, 0.4],
  ];
  const a2 = [
    [1, 0],
    [0.5, 0.5],
  ];
  // Ã = ½A + ½I, then Ã₂ Ã₁ by hand
  const m1 = [
    [0.6, 0.4],
    [0.3, 0.7],
  ];
  const m2 = [
    [1, 0],
    [0.25, 0.75],
  ];
  const expected = [
    [m2[0]![0]! * m1[0]![0]! + m2[0]![1]! * m1[1]![0]!, m2[0]![0]! * m1[0]![1]! + m2[0]![1]! * m1[1]![1]!],
    [m2[1]![0]! * m1[0]![0]! + m2[1]![1]! * m1[1]![0]!, m2[1]![0]! * m1[0]![1]! + m2[1]![1]! * m1[1]![1]!],
  ];
  assertClose(attentionRollout([a1, a2]), expected, 1e-12);
  assertClose(attentionRollout([a1], { residual: 0 }), a1, 1e-12);
  for (const row of attentionRollout([a1, a2, a1])) assertClose(row[0]! + row[1]!, 1, 1e-12);
  assert.throws(
    () => attentionRollout([a1, [[1]]]),
    /attentionRollout: layers\[1\] must be a square \[2, 2\] map, got \[1, 1\]/,
  );
  assert.throws(() => attentionRollout([]), /attentionRollout: layers must be a non-empty list/);
  assert.throws(() => attentionRollout([a1], { residual: 1 }), /attentionRollout: options.residual/);
  assert.throws(() => attentionRollout([a1], { resid: 0.5 } as never), /unknown option "resid"/);
  assert.throws(
    () => averageHeads([[[1, 0]], [[1]]]),
    /averageHeads: heads\[1\] is \[1, 1\] but heads\[0\] is \[1, 2\]/,
  );
});

test("vitPredict: probabilities, class-token maps on the patch grid equal to the model's own maps; no leaks", async () => {
  await useBackend("wasm");
  const model = new Vit(small).ensureBuilt();
  const data = images(5, small, 4);
  const before = tf.memory().numTensors;
  const p = vitPredict(model, data, [4, 0, 2], { batchSize: 2 });
  assert.equal(tf.memory().numTensors, before, "vitPredict leaks");
  assert.equal(p.probs.length, 3);
  for (const row of p.probs)
    assertClose(
      row.reduce((s, v) => s + v, 0),
      1,
      1e-5,
    );
  const maps = tf.tidy(() =>
    model
      .applyWithAttention(tf.tensor4d([data[4]!]))
      .attention.map((a) => (a.arraySync() as number[][][][])[0]!),
  );
  const averaged = maps.map((heads) => averageHeads(heads));
  const lastRow = averaged[1]![0]!;
  assertClose(p.lastLayer[0]!, [lastRow.slice(1, 4), lastRow.slice(4, 7)], 1e-6);
  const rolled = attentionRollout(averaged)[0]!;
  assertClose(p.rollout[0]!, [rolled.slice(1, 4), rolled.slice(4, 7)], 1e-6);
  assert.throws(
    () => vitPredict(model, data, [0], { batchSize: 0 }),
    /vitPredict: opts.batchSize must be an integer ≥ 1/,
  );
  model.dispose();
});

test("seeded initialisation; dropout only while training; one Adam step lowers the loss; wasm = cpu (1e-5)", async () => {
  await useBackend("wasm");
  const [a, b, c] = [3, 3, 4].map((seed) => new Vit({ ...small, seed, dropout: 0.2 }).ensureBuilt());
  const x = tf.tensor4d(images(4, small, 5));
  const y = tf.tensor1d([0, 1, 2, 1], "int32");
  const logitsOf = (m: Vit) => tf.tidy(() => (m.apply(x) as tf.Tensor).arraySync());
  assert.deepEqual(logitsOf(a!), logitsOf(b!));
  assert.notDeepEqual(logitsOf(a!), logitsOf(c!));
  assert.notDeepEqual(
    tf.tidy(() => (a!.apply(x, { training: true }) as tf.Tensor).arraySync()),
    logitsOf(a!),
  );
  const loss = () => classCrossEntropy(tf.softmax(a!.apply(x) as tf.Tensor), y);
  const first = tf.tidy(() => loss().dataSync()[0]!);
  const optimizer = tf.train.adam(3e-3);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) optimizer.minimize(loss, false, trainableVariables(a!));
  const after = tf.tidy(() => loss().dataSync()[0]!);
  assert.ok(after < first, `loss ${first} → ${after}`);
  optimizer.dispose();
  assert.ok(
    tf.memory().numTensors <= before + 2 * trainableVariables(a!).length,
    "training leaks beyond Adam's moments",
  );
  const onWasm = logitsOf(a!);
  await useBackend("cpu");
  assertClose(logitsOf(a!), onWasm as number[][], 1e-5);
  await useBackend("wasm");
  tf.dispose([x, y]);
  for (const m of [a, b, c]) m!.dispose();
});

/**
 * Patch embedding: tier 1 (`patchify`, `patchEmbed`, `patchCenter`) on hand-checkable cases and an independent
 * index formula; the tier-2 `PatchEmbedding` layer equal to tier 1 with the same weights (1e-5, wasm and cpu);
 * shapes, bad input, config round trip, gradients reaching the kernel, and no tensor leaks.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { PatchEmbedding } from "../../lib/layers/patchEmbedding.js";
import { patchCenter, patchEmbed, patchify } from "../../lib/math/patchEmbedding.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { assertClose } from "../helpers.js";
import { BACKENDS, matrix, roundTrip, useBackend } from "./attentionHelpers.js";

/** A seeded `[H, W, C]` image. */
function image(h: number, w: number, c: number, seed: number): number[][][] {
  const rng = mulberry32(seed);
  return Array.from({ length: h }, () =>
    Array.from({ length: w }, () => Array.from({ length: c }, () => rng.uniform(-1, 1))),
  );
}

test("patchify: reading order, pixels row by row, channels innermost (hand example and index formula)", () => {
  const grey = [
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12],
    [13, 14, 15, 16],
  ];
  assert.deepEqual(patchify(grey, 2), [
    [1, 2, 5, 6],
    [3, 4, 7, 8],
    [9, 10, 13, 14],
    [11, 12, 15, 16],
  ]);
  assert.deepEqual(patchify(grey, 4), [grey.flat()]);
  assert.deepEqual(
    patchify(grey, 1),
    grey.flat().map((v) => [v]),
  );
  // an independent formula: entry (i·P + j)·C + c of patch r·cols + q is pixel (r·P + i, q·P + j), channel c
  const x = image(6, 9, 2, 4);
  const p = 3;
  const patches = patchify(x, p);
  assert.equal(patches.length, 2 * 3);
  for (let n = 0; n < patches.length; n++) {
    for (let k = 0; k < p * p * 2; k++) {
      const [pix, c] = [Math.floor(k / 2), k % 2];
      const [i, j] = [Math.floor(pix / p), pix % p];
      const [r, q] = [Math.floor(n / 3), n % 3];
      assert.equal(patches[n]![k], x[r * p + i]![q * p + j]![c], `patch ${n}, entry ${k}`);
    }
  }
});

test("patchEmbed: x_p E + b by hand; patchCenter; bad input names the argument", () => {
  const t = patchEmbed(
    [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ],
    {
      patchSize: 2,
      kernel: [
        [1, 0],
        [0, 0],
        [0, 1],
        [1, 1],
      ],
      bias: [0.5, -1],
    },
  );
  assert.deepEqual(t.grid, [1, 2]);
  assert.deepEqual(t.patches, [
    [1, 2, 5, 6],
    [3, 4, 7, 8],
  ]);
  assert.deepEqual(t.embeddings, [
    [1 + 6 + 0.5, 5 + 6 - 1],
    [3 + 8 + 0.5, 7 + 8 - 1],
  ]);
  assert.deepEqual(Object.keys(t.shapes), ["patches", "embeddings"]);
  assert.deepEqual(patchCenter(0, [6, 6], 4), [1.5, 1.5]);
  assert.deepEqual(patchCenter(35, [6, 6], 4), [21.5, 21.5]);
  assert.deepEqual(patchCenter(7, [2, 4], 3), [4, 10]);
  assert.throws(() => patchCenter(36, [6, 6], 4), /patchCenter: index must be an integer in \[0, 35\]/);
  const img = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  assert.throws(
    () => patchify(img, 2),
    /patchify: patchSize must be a positive integer dividing the image's height 2 and width 3, got 2/,
  );
  assert.throws(() => patchify([], 1), /patchify: image must be a non-empty/);
  assert.throws(() => patchify([[1, Number.NaN]], 1), /NaN|finite/);
  assert.throws(
    () => patchEmbed(img, { patchSize: 1, kernel: [[1], [2]] }),
    /options.kernel must have P²·C = 1²·1 = 1 rows/,
  );
  assert.throws(
    () => patchEmbed(img, { patchSize: 1, kernel: [[1]], bais: [1] } as never),
    /unknown option "bais"/,
  );
  assert.throws(
    () => patchEmbed(img, { patchSize: 1, kernel: [[1]], bias: [1, 2] }),
    /options.bias has shape \[2\]/,
  );
  assert.throws(() => patchEmbed(img, { kernel: [[1]] } as never), /options.patchSize/);
});

for (const backend of BACKENDS) {
  test(`PatchEmbedding = patchEmbed with the same weights (1e-5, ${backend}); shapes; no leaks`, async () => {
    await useBackend(backend);
    const [h, w, c, p, d] = [8, 12, 2, 4, 5];
    const images = [image(h, w, c, 1), image(h, w, c, 2)];
    const kernel = matrix(p * p * c, d, 3);
    const bias = matrix(1, d, 4)[0]!;
    const layer = new PatchEmbedding({ patchSize: p, dModel: d, seed: 7 });
    const x = tf.tensor4d(images);
    tf.tidy(() => void layer.apply(x)); // builds it
    const [k0, b0] = layer.getWeights();
    assert.deepEqual([k0!.shape, b0!.shape], [[p * p * c, d], [d]]);
    layer.setWeights([tf.tensor2d(kernel), tf.tensor1d(bias)]);
    const before = tf.memory().numTensors;
    const out = layer.apply(x) as tf.Tensor;
    assert.deepEqual(out.shape, [2, (h / p) * (w / p), d]);
    assert.deepEqual(layer.computeOutputShape([null, h, w, c]), [null, 6, d]);
    const got = out.arraySync() as number[][][];
    images.forEach((im, b) => {
      const t = patchEmbed(im, { patchSize: p, kernel, bias });
      assertClose(got[b]!, t.embeddings, 1e-5, `image ${b}`);
    });
    out.dispose();
    assert.equal(tf.memory().numTensors, before, "apply leaks");
    // getConfig → fromConfig, the same weights, the same output
    const copy = roundTrip(layer);
    tf.tidy(() => void copy.apply(x));
    copy.setWeights(layer.getWeights());
    assertClose(
      tf.tidy(() => (copy.apply(x) as tf.Tensor).arraySync() as number[][][]),
      got,
      0,
    );
    copy.dispose();
    x.dispose();
    layer.dispose();
  });
}

test("PatchEmbedding: no bias; gradients reach the kernel; bad shapes and options are errors without leaks", async () => {
  await useBackend("wasm");
  const layer = new PatchEmbedding({ patchSize: 2, dModel: 3, useBias: false });
  const x = tf.tensor4d([image(4, 4, 1, 5)]);
  tf.tidy(() => void layer.apply(x));
  assert.equal(layer.getWeights().length, 1);
  const kernel = layer.trainableWeights[0]!.read() as tf.Variable;
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar,
    [kernel],
  );
  const g = grads[kernel.name]!;
  assert.deepEqual(g.shape, [4, 3]);
  assert.ok(tf.tidy(() => g.abs().sum().dataSync()[0] ?? 0) > 0, "the kernel gets a gradient");
  tf.dispose([value, grads]);
  assert.equal(tf.memory().numTensors, before, "the gradient leaks");
  const [bad, flat] = [tf.zeros([1, 5, 4, 1]), tf.zeros([4, 4])];
  assert.throws(
    () => layer.apply(bad),
    /PatchEmbedding: input must be images \[B, H, W, C\] with H and W divisible by patchSize 2, got \[1,5,4,1\]/,
  );
  assert.throws(() => layer.apply(flat), /PatchEmbedding: input must be images/);
  assert.throws(
    () => layer.apply(x, { training: false, returnAttention: true } as never),
    /unknown option "returnAttention"/,
  );
  assert.equal(
    tf.memory().numTensors,
    before + 2,
    "a failed call leaks (only the two inputs made here stay)",
  );
  tf.dispose([bad, flat, x]);
  assert.throws(
    () => new PatchEmbedding({ patchSize: 0, dModel: 3 }),
    /PatchEmbedding: options.patchSize must be an integer ≥ 1, got 0/,
  );
  assert.throws(() => new PatchEmbedding({ patchSize: 2 } as never), /options.dModel/);
  assert.throws(
    () => new PatchEmbedding({ patchSize: 2, dModel: 3, pathSize: 2 } as never),
    /unknown option "pathSize"/,
  );
  layer.dispose();
});

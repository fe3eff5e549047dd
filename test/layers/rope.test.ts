/**
 * Tier-2 rotary positions (issue #19 item 4): `ropeRotate` equals tier-1 `applyRope` head by head in both
 * layouts; a MultiHeadAttention with `rope` scores a query and a key by their offset alone (shifting both
 * sequences leaves the weights unchanged); the Gpt and Transformer with `positional: "rope"` hold no positional
 * table and learn nothing extra; bad RoPE arguments are refused naming the argument.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { MultiHeadAttention } from "../../lib/layers/multiHeadAttention.js";
import { ropeRotate } from "../../lib/layers/rope.js";
import { TransformerDecoderLayer } from "../../lib/layers/transformerDecoderLayer.js";
import { TransformerEncoderLayer } from "../../lib/layers/transformerEncoderLayer.js";
import { applyRope } from "../../lib/math/rope.js";
import { Gpt } from "../../lib/models/gpt.js";
import { Transformer } from "../../lib/models/transformer.js";
import { assertClose } from "../helpers.js";

test("ropeRotate equals tier-1 applyRope on every head, both layouts, any start and base", () => {
  const x = tf.randomNormal([2, 3, 5, 8], 0, 1, "float32", 1);
  const rows = x.arraySync() as number[][][][];
  for (const layout of ["interleaved", "half"] as const) {
    for (const [start, base] of [
      [0, 10000],
      [7, 10000],
      [3, 100],
    ] as const) {
      const before = tf.memory().numTensors;
      const got = tf.tidy(() => ropeRotate(x, start, { layout, base }).arraySync()) as number[][][][];
      assert.equal(tf.memory().numTensors, before, "no tensor left behind");
      for (let b = 0; b < 2; b++)
        for (let n = 0; n < 3; n++) {
          const positions = Array.from({ length: 5 }, (_, i) => start + i);
          const want = applyRope(rows[b]![n]!, { layout, base, positions }).output;
          assertClose(got[b]![n]!, want, 1e-5, `${layout} start ${start} base ${base} [${b}, ${n}]`);
        }
    }
  }
  assert.throws(
    () => ropeRotate(x.slice([0, 0, 0, 0], [2, 3, 5, 7]), 0, { layout: "half", base: 1e4 }),
    /head size 7 is odd/,
  );
  assert.throws(
    () => ropeRotate(x, -1, { layout: "half", base: 1e4 }),
    /start must be an integer ≥ 0, got -1/,
  );
  assert.throws(
    () => ropeRotate(x.reshape([6, 5, 8]), 0, { layout: "half", base: 1e4 }),
    /x must be \[B, N, L, H\]/,
  );
  x.dispose();
});

test("MultiHeadAttention with rope: the weights depend on offsets only (a query and key sequence shifted together)", () => {
  for (const rope of ["interleaved", "half"] as const) {
    const mha = new MultiHeadAttention({ numHeads: 2, rope, seed: 4 });
    const plain = new MultiHeadAttention({ numHeads: 2, seed: 4 });
    const x = tf.randomNormal([1, 6, 8], 0, 1, "float32", 9);
    tf.tidy(() => {
      const r = mha.applyWithAttention(x, { causal: true }) as { output: tf.Tensor; attention: tf.Tensor };
      const p = plain.applyWithAttention(x, { causal: true }) as { output: tf.Tensor; attention: tf.Tensor };
      assert.deepEqual(r.output.shape, [1, 6, 8]);
      assert.ok(
        tf.max(tf.abs(tf.sub(r.attention, p.attention))).dataSync()[0]! > 1e-3,
        "rope changes the weights",
      );
      // the same tokens at positions 0..2 (a fresh pass) and at 3..5 (queryOffset 3 against keys 3..5 only)
      // score alike: project keys of the window, rotate as positions 0..2, vs. a pass over x[3:6] alone
      const tail = x.slice([0, 3, 0], [1, 3, 8]);
      const fresh = mha.applyWithAttention(tail, { causal: true }) as { attention: tf.Tensor };
      const kv = mha.projectKeyValues(x);
      const cached = mha.attendKeyValues(tail, kv.keys, kv.values, { causal: true, queryOffset: 3 });
      const last3 = cached.attention.slice([0, 0, 0, 3], [1, 2, 3, 3]); // weights on keys 3..5
      const rows = tf.sum(last3, -1); // mass on the window; renormalise to compare
      const renorm = tf.div(last3, rows.expandDims(-1));
      // the weights among keys 3..5 seen from queries 3..5 equal a fresh pass's among 0..2: offsets only
      assert.ok(tf.max(tf.abs(tf.sub(renorm, fresh.attention))).dataSync()[0]! < 1e-5);
    });
    assert.equal(mha.getConfig().rope, rope);
    assert.equal(mha.getConfig().ropeBase, 10000);
    assert.equal(plain.getConfig().rope, null);
    x.dispose();
    mha.dispose();
    plain.dispose();
  }
});

test("rope arguments: ropeBase without rope, an unknown layout, a base ≤ 1 and a negative queryOffset are refused", () => {
  assert.throws(
    () => new MultiHeadAttention({ numHeads: 2, ropeBase: 500 }),
    /ropeBase \(500\).*pass rope: "interleaved" or "half"/,
  );
  assert.throws(
    () => new MultiHeadAttention({ numHeads: 2, rope: "spiral" as never }),
    /rope must be one of "interleaved", "half", got "spiral"/,
  );
  assert.throws(() => new MultiHeadAttention({ numHeads: 2, rope: "half", ropeBase: 1 }), /ropeBase/);
  assert.throws(() => new TransformerEncoderLayer({ numHeads: 2, dFF: 8, ropeBase: 9 }), /ropeBase \(9\)/);
  assert.throws(() => new TransformerDecoderLayer({ numHeads: 2, dFF: 8, rope: "twist" as never }), /rope/);
  const mha = new MultiHeadAttention({ numHeads: 2, rope: "half" });
  const x = tf.ones([1, 2, 4]);
  tf.tidy(() => {
    mha.apply(x); // builds the weights
    const kv = mha.projectKeyValues(x);
    assert.throws(
      () => mha.attendKeyValues(x, kv.keys, kv.values, { causal: true, queryOffset: -1 }),
      /with rope, queryOffset \(-1\).*must be ≥ 0/,
    );
  });
  x.dispose();
  mha.dispose();
});

test('positional: "rope" models hold no positional table: parameters = the others minus the table', () => {
  const gptConfig = { vocabSize: 20, dModel: 16, numHeads: 2, dFF: 32, numLayers: 2, blockSize: 10, seed: 1 };
  const rope = new Gpt({ ...gptConfig, positional: "rope" }).ensureBuilt();
  const learned = new Gpt({ ...gptConfig, positional: "learned" }).ensureBuilt();
  const sinusoidal = new Gpt({ ...gptConfig, positional: "sinusoidal" }).ensureBuilt();
  assert.equal(rope.position, null);
  assert.equal(rope.countParams(), learned.countParams() - 10 * 16);
  assert.equal(rope.countParams(), sinusoidal.countParams());
  for (const m of [rope, learned, sinusoidal]) m.dispose();
  const tConfig = {
    srcVocab: 12,
    tgtVocab: 12,
    dModel: 16,
    numHeads: 2,
    dFF: 32,
    numEncoderLayers: 1,
    numDecoderLayers: 1,
    maxLength: 8,
    seed: 2,
  };
  const t = new Transformer({ ...tConfig, positional: "rope" }).ensureBuilt();
  const tl = new Transformer({ ...tConfig, positional: "learned" }).ensureBuilt();
  assert.deepEqual(t.positions, []);
  assert.equal(t.countParams(), tl.countParams() - 2 * 8 * 16);
  assert.equal(t.encoders[0]!.selfAttention.rope?.layout, "interleaved");
  assert.equal(t.decoders[0]!.crossAttention.rope, null, "cross-attention stays unrotated");
  t.dispose();
  tl.dispose();
});

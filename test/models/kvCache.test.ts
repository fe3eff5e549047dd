/**
 * The key/value cache in tier 2 (issue #19 item 3): the layers' `queryOffset` mask equals tier 1's; one cached
 * attention step equals the rows of a full causal pass; the Transformer's `decodeStep` and the Gpt's give the same
 * logits (1e-5) as the uncached passes, and `greedyDecode`, `beamSearch` and `generate` with `cache: true` the
 * same tokens; cross-attention keys are computed once per source; no tensor leaks on success and error paths;
 * bad input is refused naming the argument.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { attentionMask } from "../../lib/layers/attentionMask.js";
import { MultiHeadAttention } from "../../lib/layers/multiHeadAttention.js";
import { causalMask } from "../../lib/math/mask.js";
import { beamSearch, greedyDecode } from "../../lib/models/decoding.js";
import { generate } from "../../lib/models/generate.js";
import { Gpt } from "../../lib/models/gpt.js";
import { KeyValueCache } from "../../lib/models/keyValueCache.js";
import { Transformer } from "../../lib/models/transformer.js";

const TOL = 1e-5;
const ints = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length], "int32");
const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
/** Runs `f` and asserts it leaves no tensor behind. */
function noLeak<T>(name: string, f: () => T): T {
  const before = tf.memory().numTensors;
  const out = f();
  assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
  return out;
}

test("attentionMask with queryOffset equals tier 1's causalMask(T, S, offset)", () => {
  for (const [t, s, offset] of [
    [2, 5, 3],
    [3, 3, 0],
    [1, 4, 3],
    [3, 4, -1],
    [2, 6, 1],
  ] as const) {
    const m = attentionMask(1, t, s, { causal: true, queryOffset: offset })!;
    assert.deepEqual(
      (m.arraySync() as number[][][])[0]!.map((r) => r.map((x) => x === 1)),
      causalMask(t, s, offset),
    );
    m.dispose();
  }
  assert.throws(() => attentionMask(1, 2, 2, { queryOffset: 1 }), /queryOffset \(1\).*causal: true/);
  assert.throws(
    () => attentionMask(1, 2, 2, { causal: true, queryOffset: 0.5 }),
    /queryOffset must be an integer/,
  );
});

test("MultiHeadAttention: a cached step equals the rows of a full causal pass (1e-5); queryOffset checked", () => {
  const mha = new MultiHeadAttention({ numHeads: 2, seed: 3 });
  const x = tf.randomNormal([2, 5, 8], 0, 1, "float32", 7);
  tf.tidy(() => void mha.apply(x)); // builds the weights
  noLeak("mha step", () =>
    tf.tidy(() => {
      const full = mha.apply(x, { causal: true }) as tf.Tensor; // [2, 5, 8]
      const past = mha.projectKeyValues(x.slice([0, 0, 0], [2, 3, 8]));
      const xNew = x.slice([0, 3, 0], [2, 2, 8]);
      const now = mha.projectKeyValues(xNew);
      const keys = tf.concat([past.keys, now.keys], 2);
      const values = tf.concat([past.values, now.values], 2);
      const bottomRight = mha.attendKeyValues(xNew, keys, values, { causal: true, queryOffset: 3 });
      assert.ok(maxAbsDiff(bottomRight.output, full.slice([0, 3, 0], [2, 2, 8])) < TOL);
      assert.deepEqual(bottomRight.attention.shape, [2, 2, 2, 5]);
      // the top-left mask hides cached keys from the new queries: not the same rows
      const topLeft = mha.attendKeyValues(xNew, keys, values, { causal: true });
      assert.ok(maxAbsDiff(topLeft.output, full.slice([0, 3, 0], [2, 2, 8])) > 1e-3);
    }),
  );
  tf.tidy(() => {
    const kv = mha.projectKeyValues(x);
    assert.throws(
      () => mha.attendKeyValues(x, kv.keys, kv.values, { causal: true, queryOffset: 1.5 }),
      /queryOffset must be an integer, got 1\.5/,
    );
    assert.throws(
      () => mha.attendKeyValues(x, kv.keys, kv.values, { queryOffsett: 1 } as never),
      /queryOffsett/,
    );
    assert.throws(
      () => mha.attendKeyValues(x, kv.keys.reshape([2, 2, 20]), kv.values),
      /keys must be \[B, N, S, H\]/,
    );
    assert.throws(
      () => mha.apply(x, { causal: true, queryOffset: "1" } as never),
      /queryOffset must be an integer/,
    );
  });
  x.dispose();
  mha.dispose();
});

const src = [
  [3, 4, 5, 6, 7, 0],
  [8, 9, 10, 11, 0, 0],
];
const lens = [5, 4];

for (const normFirst of [false, true]) {
  for (const positional of ["sinusoidal", "learned", "rope"] as const) {
    test(`Transformer (normFirst ${normFirst}, ${positional}): decodeStep logits equal decode's (1e-5), cross keys once`, () => {
      const model = new Transformer({
        srcVocab: 16,
        tgtVocab: 16,
        dModel: 16,
        numHeads: 2,
        dFF: 32,
        numEncoderLayers: 2,
        numDecoderLayers: 2,
        maxLength: 12,
        dropout: 0.1,
        normFirst,
        positional,
        seed: 5,
      }).ensureBuilt();
      const tgt = [
        [1, 5, 9, 2, 4, 7, 3],
        [1, 6, 6, 12, 13, 3, 8],
      ];
      noLeak("decodeStep", () => {
        tf.tidy(() => {
          const srcValidLens = tf.tensor1d(lens, "int32");
          const { memory } = model.encode(ints(src), { srcValidLens });
          const full = model.decode(ints(tgt), memory, { srcValidLens }).logits; // [2, 7, 16]
          const cache = model.startCache(memory, { srcValidLens });
          // the prefix as a chunk of 3, then one token at a time
          const parts = [model.decodeStep(ints(tgt.map((r) => r.slice(0, 3))), cache)];
          for (let t = 3; t < 7; t++) parts.push(model.decodeStep(ints(tgt.map((r) => [r[t]!])), cache));
          assert.equal(cache.length, 7);
          const gap = maxAbsDiff(tf.concat(parts, 1), full);
          assert.ok(gap < TOL, `logits gap ${gap}`);
          cache.dispose();
        });
      });
      model.dispose();
    });
  }
}

test("greedyDecode and beamSearch with cache: true give the same tokens as without; cross keys computed once", () => {
  const model = new Transformer({
    srcVocab: 16,
    tgtVocab: 16,
    dModel: 16,
    numHeads: 2,
    dFF: 32,
    numEncoderLayers: 1,
    numDecoderLayers: 2,
    maxLength: 12,
    seed: 11,
  }).ensureBuilt();
  const o = { bos: 1, eos: 2, srcValidLens: lens, maxLength: 10 };
  const plain = noLeak("greedy", () => greedyDecode(model, src, o));
  let crossCalls = 0;
  const layer = model.decoders[0]!;
  const original = layer.memoryKeyValues.bind(layer);
  layer.memoryKeyValues = (m) => {
    crossCalls++;
    return original(m);
  };
  const cached = noLeak("greedy cached", () => greedyDecode(model, src, { ...o, cache: true }));
  assert.deepEqual(cached, plain);
  assert.equal(crossCalls, 1, "cross-attention keys and values once per decode, not per step");
  assert.ok(plain[0]!.length > 2, "a decode long enough to test");
  for (const beamWidth of [1, 3]) {
    const bo = { bos: 1, eos: 2, beamWidth, maxLength: 8, srcValidLens: [5] };
    const a = noLeak("beam", () => beamSearch(model, src[0]!, bo));
    const b = noLeak("beam cached", () => beamSearch(model, src[0]!, { ...bo, cache: true }));
    assert.deepEqual(
      b.map((h) => h.tokens),
      a.map((h) => h.tokens),
    );
    b.forEach((h, i) => {
      assert.ok(Math.abs(h.logProb - a[i]!.logProb) < 1e-4, `beam ${i} logProb`);
    });
  }
  model.dispose();
});

test("Gpt: decodeStep logits equal apply's (1e-5); generate with cache gives the same tokens, past blockSize too", () => {
  for (const positional of ["learned", "sinusoidal", "rope"] as const) {
    const model = new Gpt({
      vocabSize: 20,
      dModel: 16,
      numHeads: 2,
      dFF: 32,
      numLayers: 2,
      blockSize: 10,
      positional,
      seed: 2,
    }).ensureBuilt();
    const seq = [[3, 7, 1, 19, 4, 4, 8, 0, 12, 5]];
    noLeak("gpt decodeStep", () =>
      tf.tidy(() => {
        const full = model.apply(ints(seq)) as tf.Tensor; // [1, 10, 20]
        const cache = model.newCache();
        const parts = [model.decodeStep(ints([seq[0]!.slice(0, 4)]), cache)];
        for (let t = 4; t < 10; t++) parts.push(model.decodeStep(ints([[seq[0]![t]!]]), cache));
        const gap = maxAbsDiff(tf.concat(parts, 1), full);
        assert.ok(gap < TOL, `${positional}: logits gap ${gap}`);
        assert.equal(cache.length, 10);
        assert.equal(cache.bytes, 2 * 2 * 1 * 2 * 10 * 8 * 4);
        assert.throws(
          () => model.decodeStep(ints([[1]]), cache),
          /10 cached \+ 1 new positions exceed blockSize 10/,
        );
        cache.dispose();
        assert.throws(() => cache.self(0), /used after dispose/);
      }),
    );
    for (const shaping of [{ temperature: 0 }, { temperature: 0.9, topK: 5 }]) {
      const o = { maxNewTokens: 14, seed: 4, ...shaping }; // 3 + 14 > blockSize 10: the window slides
      const a = noLeak("generate", () => generate(model, [3, 7, 1], o));
      const b = noLeak("generate cached", () => generate(model, [3, 7, 1], { ...o, cache: true }));
      assert.deepEqual(b.tokens, a.tokens);
    }
    model.dispose();
  }
});

test("cache options and calls refuse bad input, and leak nothing on errors", () => {
  const gpt = new Gpt({
    vocabSize: 8,
    dModel: 8,
    numHeads: 2,
    dFF: 8,
    numLayers: 1,
    blockSize: 6,
  }).ensureBuilt();
  const tr = new Transformer({
    srcVocab: 8,
    tgtVocab: 8,
    dModel: 8,
    numHeads: 2,
    dFF: 8,
    numEncoderLayers: 1,
    numDecoderLayers: 1,
    maxLength: 6,
  }).ensureBuilt();
  noLeak("errors", () => {
    assert.throws(
      () => generate(gpt, [1], { maxNewTokens: 2, cache: "yes" } as never),
      /generate: options\.cache must be a boolean/,
    );
    assert.throws(
      () => greedyDecode(tr, [[1, 2]], { bos: 1, eos: 2, cache: 1 } as never),
      /options\.cache must be a boolean/,
    );
    assert.throws(() => greedyDecode(tr, [[1, 2]], { bos: 1, eos: 2, cached: true } as never), /cached/);
    const noCache = { config: gpt.config, apply: gpt.apply.bind(gpt) };
    assert.throws(
      () => generate(noCache, [1], { maxNewTokens: 1, cache: true }),
      /options\.cache needs a model with a key\/value cache/,
    );
    const {
      startCache: _s,
      decodeStep: _d,
      ...rest
    } = {
      config: tr.config,
      encode: tr.encode.bind(tr),
      decode: tr.decode.bind(tr),
      startCache: undefined,
      decodeStep: undefined,
    };
    assert.throws(
      () => greedyDecode(rest, [[1, 2]], { bos: 1, eos: 2, cache: true }),
      /greedyDecode: options\.cache needs/,
    );
    assert.throws(
      () => beamSearch(rest, [1, 2], { bos: 1, eos: 2, cache: true }),
      /beamSearch: options\.cache needs/,
    );
    assert.throws(
      () => tf.tidy(() => gpt.decodeStep(ints([[1]]), new KeyValueCache(3))),
      /Gpt\.decodeStep: cache must be a KeyValueCache from newCache \(1 blocks\)/,
    );
    assert.throws(
      () => tf.tidy(() => tr.decodeStep(ints([[1]]), {} as never)),
      /Transformer\.decodeStep: cache must be a KeyValueCache/,
    );
    const cache = gpt.newCache();
    assert.throws(() => tf.tidy(() => gpt.decodeStep(ints([[1, 9]]), cache)), /integer ids in \[0, 7\]/);
    assert.throws(
      () => tf.tidy(() => gpt.decodeStep(ints([[1, 2, 3, 4, 5, 6, 7]]), cache)),
      /exceed blockSize 6/,
    );
    cache.dispose();
    const memory = tf.tidy(() => tr.encode(ints([[1, 2]])).memory);
    assert.throws(() => tr.startCache(memory, { srcValidLens: [3] } as never), /srcValidLens/);
    assert.throws(
      () => tf.tidy(() => void tr.startCache(tf.zeros([2, 2]) as never)),
      /memory must be \[B, S, E\]/,
    );
    const c = tr.startCache(memory);
    assert.throws(() => c.reorder([0, 1]), /rows must be integers in \[0, 0\]/);
    tf.tidy(() => void tr.decodeStep(ints([[1, 2, 3, 4, 5]]), c));
    assert.throws(
      () => tf.tidy(() => tr.decodeStep(ints([[1, 2]]), c)),
      /5 cached \+ 2 new positions exceed maxLength 6/,
    );
    c.dispose();
    memory.dispose();
  });
  assert.throws(() => new KeyValueCache(0), /numLayers must be an integer ≥ 1, got 0/);
  gpt.dispose();
  tr.dispose();
});

/**
 * Tier-1 Transformer blocks against the tier-2 layers with the same weights (1e-5): `encoderBlock` vs
 * `TransformerEncoderLayer` and `decoderBlock` vs `TransformerDecoderLayer`, post-LN and pre-LN, with padding
 * masks (and the causal mask in the decoder): the output, every attention map, and every intermediate against
 * the tier-2 layer's own sublayers run in the same order. Also the parts alone (LayerNorm, FFN with ReLU and
 * GELU, embedding × √E + PE), the parameter count against `countParameters`, hand-checked small cases, and no
 * tensor leaks.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { PositionwiseFeedForward } from "../../lib/layers/feedForward.js";
import { LayerNorm } from "../../lib/layers/layerNorm.js";
import { SinusoidalPositionalEncoding } from "../../lib/layers/positionalEncoding.js";
import { TransformerDecoderLayer } from "../../lib/layers/transformerDecoderLayer.js";
import { TransformerEncoderLayer } from "../../lib/layers/transformerEncoderLayer.js";
import {
  blockParameterCount,
  blockWeightsFromList,
  decoderBlock,
  embedTokens,
  encoderBlock,
  feedForward,
  layerNorm,
  type Matrix,
  type MultiHeadTrace,
  maxAbsDiff,
  residualSublayer,
} from "../../lib/math/index.js";
import { countParameters } from "../../lib/train/variables.js";
import { batch, buildWith, matrix, useBackend } from "../layers/attentionHelpers.js";

const [B, T, S, E, N, DFF] = [2, 3, 4, 8, 2, 16];
const TOL = 1e-5;
const LENS = [2, 3]; // target / encoder padding: example 0 has one padded position
const MEMORY_LENS = [3, 4]; // source padding of the decoder's memory

/** The largest |diff| over a batch of matrices (tier 2 `[B, ·, ·]` against tier 1, one matrix per example). */
function batchDiff(tier2: tf.Tensor, tier1: Matrix[]): number {
  const got = tier2.arraySync() as number[][][];
  return Math.max(...tier1.map((m, b) => maxAbsDiff(got[b]!, m)));
}

/** The largest |diff| of attention maps `[B, N, T, S]` against tier-1 per-head weights. */
function headsDiff(tier2: tf.Tensor, tier1: Matrix[][]): number {
  const got = tier2.arraySync() as number[][][][];
  return Math.max(...tier1.flatMap((heads, b) => heads.map((w, n) => maxAbsDiff(got[b]![n]!, w))));
}

/**
 * Replaces the zero biases and unit/zero LayerNorm parameters of a built layer by seeded numbers (the kernels
 * keep their seeded initialisation), so every weight of the block matters in the comparison.
 */
function perturbFlatWeights(layer: tf.layers.Layer, seed: number): void {
  const weights = layer
    .getWeights()
    .map((w, i) =>
      w.rank === 1 ? tf.tensor1d(matrix(1, w.shape[0]!, seed + i)[0]!.map((v) => 1 + 0.5 * v)) : w,
    );
  layer.setWeights(weights);
  tf.dispose(weights.filter((w) => w.rank === 1));
}

/** The layer's weights as plain arrays, in `getWeights()` order. */
function plainWeights(layer: tf.layers.Layer): (number[] | number[][])[] {
  return layer.getWeights().map((w) => w.arraySync() as number[] | number[][]);
}

/** Runs `f` and asserts it leaves no tensor behind. */
async function noLeaks(f: () => void | Promise<void>): Promise<void> {
  const before = tf.memory().numTensors;
  await f();
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
}

/** One tier-2 residual sublayer's tensors: f's output, the residual sum, the LayerNorm's output, the result. */
interface Tier2Sublayer {
  sub: tf.Tensor;
  sum: tf.Tensor;
  normed: tf.Tensor;
  out: tf.Tensor;
}

/**
 * The block again from the tier-2 layer's own sublayers `fs` and LayerNorms, step by step (as its `residual`
 * does, without dropout), for comparing every intermediate.
 */
function tier2Chain(
  norms: tf.layers.Layer[],
  normFirst: boolean,
  x: tf.Tensor,
  fs: ((h: tf.Tensor) => tf.Tensor)[],
): Tier2Sublayer[] {
  const out: Tier2Sublayer[] = [];
  let h = x;
  fs.forEach((f, k) => {
    const norm = (v: tf.Tensor) => norms[k]!.apply(v) as tf.Tensor;
    if (normFirst) {
      const normed = norm(h);
      const sub = f(normed);
      const sum = tf.add(h, sub);
      out.push({ sub, sum, normed, out: sum });
    } else {
      const sub = f(h);
      const sum = tf.add(h, sub);
      const normed = norm(sum);
      out.push({ sub, sum, normed, out: normed });
    }
    h = out.at(-1)!.out;
  });
  return out;
}

/** Max |diff| of sublayer k (its trace field `name`, `residual{k}`, `norm{k}`) for every sublayer of the chain. */
function chainDiffs(chain: Tier2Sublayer[], names: string[], traces: object[]): Record<string, number> {
  const field = (t: object, key: string) => (t as Record<string, { output: Matrix } | Matrix>)[key]!;
  const output = (v: { output: Matrix } | Matrix) => (Array.isArray(v) ? v : v.output);
  const diffs: Record<string, number> = {};
  chain.forEach((r, i) => {
    const pairs: [string, tf.Tensor][] = [
      [names[i]!, r.sub],
      [`residual${i + 1}`, r.sum],
      [`norm${i + 1}`, r.normed],
    ];
    for (const [key, got] of pairs)
      diffs[key] = batchDiff(
        got,
        traces.map((t) => output(field(t, key))),
      );
  });
  return diffs;
}

/** Asserts every max |diff| is within {@link TOL} and prints them. */
function assertDiffs(what: string, diffs: Record<string, number>): void {
  console.log(`${what} max |diff|: ${JSON.stringify(diffs)}`);
  for (const [name, d] of Object.entries(diffs))
    assert.ok(d <= TOL, `${what} ${name}: max |diff| ${d} > ${TOL}`);
}

/** The outputs of tier-1 traces, one `[T, E]` matrix per example. */
const outputs = (traces: { output: Matrix }[]) => traces.map((t) => t.output);

/** The per-head weights `[N][T][S]` of each example's attention `part` (selfAttention or crossAttention). */
function headWeights<K extends string>(traces: Record<K, MultiHeadTrace>[], part: K): Matrix[][] {
  return traces.map((t) => t[part].heads.map((h) => h.weights));
}

for (const normFirst of [false, true]) {
  const form = normFirst ? "pre-LN" : "post-LN";

  test(`encoderBlock = TransformerEncoderLayer (${form}, padding mask): output, attention, every intermediate`, async () => {
    await useBackend("wasm");
    const layer = buildWith(new TransformerEncoderLayer({ numHeads: N, dFF: DFF, normFirst, seed: 3 }), [
      [B, T, E],
    ]);
    perturbFlatWeights(layer, 100);
    const weights = blockWeightsFromList("encoder", plainWeights(layer));
    const xs = batch(B, T, E, 21);
    const traces = xs.map((x, b) =>
      encoderBlock(x, weights, { numHeads: N, normFirst, mask: { validLens: LENS[b]! } }),
    );
    let diffs: Record<string, number> = {};
    await noLeaks(() =>
      tf.tidy(() => {
        const x = tf.tensor(xs);
        const validLens = tf.tensor1d(LENS, "int32");
        const { output, attention } = layer.applyWithAttention(x, { validLens });
        const chain = tier2Chain(layer.norms, normFirst, x, [
          (h) => layer.selfAttention.applyWithAttention(h, { validLens }).output,
          (h) => layer.feedForward.apply(h) as tf.Tensor,
        ]);
        diffs = {
          output: batchDiff(output, outputs(traces)),
          attention: headsDiff(attention, headWeights(traces, "selfAttention")),
          ...chainDiffs(chain, ["selfAttention", "ffn"], traces),
          chain: batchDiff(chain.at(-1)!.out, outputs(traces)),
        };
      }),
    );
    assertDiffs(`encoder ${form}`, diffs);
    const padded = traces[0]!.selfAttention.heads.every((h) => h.weights.every((row) => row[2] === 0));
    assert.ok(padded, "key 2 is padding in example 0: weight exactly 0");
    layer.dispose();
  });

  test(`decoderBlock = TransformerDecoderLayer (${form}, causal + padding masks, GELU, ε 1e-3): output, both attentions, intermediates`, async () => {
    await useBackend("wasm");
    const args = {
      numHeads: N,
      dFF: DFF,
      normFirst,
      seed: 4,
      activation: "gelu" as const,
      layerNormEpsilon: 1e-3,
    };
    const layer = buildWith(new TransformerDecoderLayer(args), [
      [B, T, E],
      [B, S, E],
    ]);
    perturbFlatWeights(layer, 200);
    const weights = blockWeightsFromList("decoder", plainWeights(layer));
    const [xs, mems] = [batch(B, T, E, 31), batch(B, S, E, 32)];
    const traces = xs.map((x, b) =>
      decoderBlock(x, mems[b]!, weights, {
        numHeads: N,
        normFirst,
        activation: "gelu",
        epsilon: 1e-3,
        mask: { validLens: LENS[b]! },
        memoryMask: { validLens: MEMORY_LENS[b]! },
      }),
    );
    let diffs: Record<string, number> = {};
    await noLeaks(() =>
      tf.tidy(() => {
        const [x, memory] = [tf.tensor(xs), tf.tensor(mems)];
        const [validLens, memoryValidLens] = [tf.tensor1d(LENS, "int32"), tf.tensor1d(MEMORY_LENS, "int32")];
        const { output, attention } = layer.applyWithAttention([x, memory], { validLens, memoryValidLens });
        const chain = tier2Chain(layer.norms, normFirst, x, [
          (h) => layer.selfAttention.applyWithAttention(h, { validLens }).output,
          (h) => layer.crossAttention.applyWithAttention([h, memory], { validLens: memoryValidLens }).output,
          (h) => layer.feedForward.apply(h) as tf.Tensor,
        ]);
        diffs = {
          output: batchDiff(output, outputs(traces)),
          selfWeights: headsDiff(attention.self, headWeights(traces, "selfAttention")),
          crossWeights: headsDiff(attention.cross, headWeights(traces, "crossAttention")),
          ...chainDiffs(chain, ["selfAttention", "crossAttention", "ffn"], traces),
          chain: batchDiff(chain.at(-1)!.out, outputs(traces)),
        };
      }),
    );
    assertDiffs(`decoder ${form}`, diffs);
    assert.deepEqual(traces[0]!.selfMask, [
      [true, false, false],
      [true, true, false],
      [true, true, false],
    ]);
    const padded = traces[0]!.crossAttention.heads.every((h) => h.weights.every((row) => row[3] === 0));
    assert.ok(padded, "memory key 3 is padding in example 0: weight exactly 0");
    layer.dispose();
  });
}

test("decoderBlock with no padding applies the causal mask alone, as TransformerDecoderLayer does", async () => {
  await useBackend("wasm");
  const layer = buildWith(new TransformerDecoderLayer({ numHeads: N, dFF: DFF, seed: 6 }), [
    [B, T, E],
    [B, S, E],
  ]);
  perturbFlatWeights(layer, 250);
  const weights = blockWeightsFromList("decoder", plainWeights(layer));
  const [xs, mems] = [batch(B, T, E, 61), batch(B, S, E, 62)];
  const traces = xs.map((x, b) => decoderBlock(x, mems[b]!, weights, { numHeads: N }));
  let diffs: Record<string, number> = {};
  await noLeaks(() =>
    tf.tidy(() => {
      const { output, attention } = layer.applyWithAttention([tf.tensor(xs), tf.tensor(mems)]);
      diffs = {
        output: batchDiff(output, outputs(traces)),
        selfWeights: headsDiff(attention.self, headWeights(traces, "selfAttention")),
      };
    }),
  );
  assertDiffs("decoder, causal only", diffs);
  assert.deepEqual(traces[1]!.selfMask, [
    [true, false, false],
    [true, true, false],
    [true, true, true],
  ]);
  layer.dispose();
});

test("the parts alone: layerNorm = LayerNorm, feedForward = PositionwiseFeedForward (relu, gelu), embedTokens = gather·√E + PE", async () => {
  await useBackend("wasm");
  const xs = batch(B, T, E, 41);
  await noLeaks(() => {
    const norm = buildWith(new LayerNorm({ epsilon: 1e-3 }), [[B, T, E]]);
    perturbFlatWeights(norm, 300);
    const [gamma, beta] = plainWeights(norm) as number[][];
    const gotNorm = tf.tidy(() => norm.apply(tf.tensor(xs)) as tf.Tensor);
    const normDiff = batchDiff(
      gotNorm,
      xs.map((x) => layerNorm(x, { gamma, beta, epsilon: 1e-3 }).output),
    );
    assert.ok(normDiff <= TOL, `layerNorm: ${normDiff}`);
    for (const activation of ["relu", "gelu"] as const) {
      const ffn = buildWith(new PositionwiseFeedForward({ dFF: DFF, activation, seed: 9 }), [[B, T, E]]);
      perturbFlatWeights(ffn, 400);
      const [w1, b1, w2, b2] = plainWeights(ffn) as [number[][], number[], number[][], number[]];
      const got = tf.tidy(() => ffn.apply(tf.tensor(xs)) as tf.Tensor);
      const d = batchDiff(
        got,
        xs.map((x) => feedForward(x, { w1, b1, w2, b2, activation }).output),
      );
      assert.ok(d <= TOL, `feedForward ${activation}: ${d}`);
      tf.dispose(got);
      ffn.dispose();
    }
    const table = matrix(5, E, 51);
    const tokens = [
      [4, 0, 2],
      [1, 1, 3],
    ];
    const pe = new SinusoidalPositionalEncoding({ maxLength: 8 });
    const gotEmbed = tf.tidy(() => {
      const rows = tf.gather(tf.tensor(table), tf.tensor2d(tokens, undefined, "int32")); // [B, T, E]
      return pe.apply(tf.mul(rows, Math.sqrt(E))) as tf.Tensor;
    });
    const embedDiff = batchDiff(
      gotEmbed,
      tokens.map((ids) => embedTokens(ids, table).output),
    );
    assert.ok(embedDiff <= TOL, `embedTokens: ${embedDiff}`);
    console.log(`parts max |diff|: layerNorm ${normDiff}, embedTokens ${embedDiff}`);
    tf.dispose([gotNorm, gotEmbed]);
    norm.dispose();
  });
});

test("blockParameterCount equals countParameters of the tier-2 layers", async () => {
  await useBackend("wasm");
  for (const [e, n, dFF] of [
    [8, 2, 16],
    [12, 3, 20],
  ] as const) {
    const enc = buildWith(new TransformerEncoderLayer({ numHeads: n, dFF }), [[1, 2, e]]);
    const dec = buildWith(new TransformerDecoderLayer({ numHeads: n, dFF }), [
      [1, 2, e],
      [1, 3, e],
    ]);
    assert.equal(
      blockParameterCount("encoder", e, n, dFF).total,
      countParameters(enc),
      `encoder ${e}/${n}/${dFF}`,
    );
    assert.equal(
      blockParameterCount("decoder", e, n, dFF).total,
      countParameters(dec),
      `decoder ${e}/${n}/${dFF}`,
    );
    enc.dispose();
    dec.dispose();
  }
  assert.deepEqual(blockParameterCount("encoder", 512, 8, 2048), {
    selfAttention: 1050624,
    crossAttention: 0,
    feedForward: 2099712,
    norms: 2048,
    total: 3152384,
  });
});

test("hand-checked: LayerNorm of [1, 3], the two residual forms, ReLU FFN, √E scaling", () => {
  const ln = layerNorm([[1, 3]], { epsilon: 1e-12 });
  assert.deepEqual([ln.mean, ln.variance], [[[2]], [[1]]]);
  assert.ok(maxAbsDiff(ln.output, [[-1, 1]]) < 1e-9);
  assert.deepEqual(
    layerNorm([[5, 5]], { beta: [1, 2] }).output,
    [[1, 2]],
    "a constant row gives β, never NaN",
  );
  const triple = (h: Matrix) => ({ output: h.map((r) => r.map((v) => 3 * v)) });
  const post = residualSublayer([[1, 3]], triple, { epsilon: 1e-12 });
  assert.deepEqual(post.sum, [[4, 12]]);
  assert.ok(maxAbsDiff(post.output, [[-1, 1]]) < 1e-9, "post-LN: LN(x + 3x)");
  const pre = residualSublayer([[1, 3]], triple, { normFirst: true, epsilon: 1e-12 });
  assert.ok(maxAbsDiff(pre.sublayer.output, [[-3, 3]]) < 1e-9);
  assert.ok(maxAbsDiff(pre.output, [[-2, 6]]) < 1e-9, "pre-LN: x + 3·LN(x)");
  const ffn = feedForward([[1, -1]], {
    w1: [
      [1, -1],
      [2, 0],
    ],
    b1: [0, 0.5],
    w2: [[1], [10]],
  });
  assert.deepEqual([ffn.preActivation, ffn.hidden, ffn.output], [[[-1, -0.5]], [[0, 0]], [[0]]]);
  const emb = embedTokens([0], [[1, 2, 3, 4]], { scale: 1 });
  assert.deepEqual(emb.output, [[1, 3, 3, 5]], "PE row 0 is [0, 1, 0, 1]");
});

test("the block traces name every step with its shape; a wrong weight shape names the weight", () => {
  const I = [
    [1, 0],
    [0, 1],
  ];
  const w = {
    selfAttention: { wq: I, wk: I, wv: I, wo: I },
    feedForward: {
      w1: [
        [1, 0, 0],
        [0, 1, 0],
      ],
      w2: [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
    },
  };
  const t = encoderBlock(
    [
      [1, 2],
      [3, 5],
      [0, 1],
    ],
    w,
    { numHeads: 2 },
  );
  assert.deepEqual(t.shapes, {
    selfAttention: [3, 2],
    residual1: [3, 2],
    norm1: [3, 2],
    ffn: [3, 2],
    residual2: [3, 2],
    output: [3, 2],
  });
  assert.deepEqual(t.ffn.shapes, { preActivation: [3, 3], hidden: [3, 3], output: [3, 2] });
  assert.equal(t.output, t.norm2.output, "post-LN: the output is LN₂");
  const pre = encoderBlock([[1, 2]], w, { numHeads: 1, normFirst: true });
  assert.deepEqual(
    pre.steps.map((s) => s.name),
    ["norm1", "selfAttention", "residual1", "norm2", "ffn", "output"],
  );
  assert.equal(pre.output, pre.residual2, "pre-LN: the output is the last residual sum");
  const bad = {
    ...w,
    selfAttention: {
      ...w.selfAttention,
      wk: [
        [1, 0, 0],
        [0, 1, 0],
      ],
    },
  };
  assert.throws(
    () => encoderBlock([[1, 2]], bad, { numHeads: 1 }),
    /^RangeError: encoderBlock: weights\.selfAttention\.wk has shape \[2, 3\] but must be \[2, 2\]/,
  );
});

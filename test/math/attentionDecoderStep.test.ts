/**
 * Tier-1 recurrent cells and attention decoder steps: `gruStep` / `lstmStep` equal tfjs's `gruCell` /
 * `lstmCell` (both gate activations); `bahdanauStep` / `luongStep` chained over a teacher-forced run equal the
 * tier-2 `AttentionRnnDecoder` (its own initial weights, and seeded weights inside a `Seq2seqRnn`; every cell
 * and score; with and without source padding; wasm and cpu) to 1e-5; a Bahdanau step computed by hand; bad
 * input is an error naming the argument; no tensor is left behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { AttentionRnnDecoder } from "../../lib/layers/attentionRnnDecoder.js";
import {
  type BahdanauWeights,
  bahdanauStep,
  type DecoderAttention,
  type DecoderStepTrace,
  decoderWeightsFromList,
  gruStep,
  type LuongWeights,
  lstmStep,
  luongStep,
  type WeightArray,
} from "../../lib/math/index.js";
import { Seq2seqRnn } from "../../lib/models/seq2seqRnn.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { assertClose } from "../helpers.js";
import { BACKENDS, batch, matrix, useBackend } from "../layers/attentionHelpers.js";

const [B, T, S, E, H, V] = [2, 4, 5, 3, 4, 6];
const LENS = [5, 2];
type Cell = "gru" | "lstm";
const CELLS: Cell[] = ["gru", "lstm"];
const ATTENTIONS: DecoderAttention[] = ["additive", "dot", "general"];
const arrays = (ws: tf.Tensor[]) => ws.map((w) => w.arraySync() as WeightArray);

/** Chains tier-1 steps over `embedded [T][E]` from `state`, attending over `memory [S][H]`. */
function tier1Run(
  attention: DecoderAttention,
  cell: Cell,
  weights: BahdanauWeights | LuongWeights,
  embedded: number[][],
  memory: number[][],
  state: { h: number[]; c?: number[] },
  validLens: number | undefined,
): DecoderStepTrace[] {
  const traces: DecoderStepTrace[] = [];
  let s = state;
  for (const x of embedded) {
    const pad = validLens === undefined ? {} : { validLens };
    const t =
      attention === "additive"
        ? bahdanauStep(x, memory, s, weights as BahdanauWeights, { cell, ...pad })
        : luongStep(x, memory, s, weights as LuongWeights, { cell, score: attention, ...pad });
    traces.push(t);
    s = t.state;
  }
  return traces;
}

test("gruStep and lstmStep equal tfjs's gruCell and lstmCell (sigmoid and hardSigmoid gates)", async () => {
  await useBackend("cpu");
  const before = tf.memory().numTensors;
  for (const recurrentActivation of ["sigmoid", "hardSigmoid"] as const) {
    const [x, h, c] = [matrix(2, E, 1), matrix(2, H, 2), matrix(2, H, 3)];
    const gru = tf.layers.gruCell({ units: H, recurrentActivation, biasInitializer: "glorotUniform" });
    const lstm = tf.layers.lstmCell({ units: H, recurrentActivation, biasInitializer: "glorotUniform" });
    gru.build([2, E]);
    lstm.build([2, E]);
    const [gruOut, lstmOut] = tf.tidy(() => {
      const g = gru.call([tf.tensor(x), tf.tensor(h)], {}) as tf.Tensor[];
      const l = lstm.call([tf.tensor(x), tf.tensor(h), tf.tensor(c)], {}) as tf.Tensor[];
      return [g[0]!.arraySync() as number[][], l.slice(1).map((t) => t.arraySync() as number[][])];
    });
    const [gk, gr, gb] = arrays(gru.getWeights());
    const [lk, lr, lb] = arrays(lstm.getWeights());
    const gw = { kernel: gk as number[][], recurrentKernel: gr as number[][], bias: gb as number[] };
    const lw = { kernel: lk as number[][], recurrentKernel: lr as number[][], bias: lb as number[] };
    for (let b = 0; b < 2; b++) {
      assertClose(gruStep(x[b]!, h[b]!, gw, { recurrentActivation }).h, gruOut[b]!, 1e-5, "gru h");
      const l = lstmStep(x[b]!, h[b]!, c[b]!, lw, { recurrentActivation });
      assertClose(l.h, lstmOut[0]![b]!, 1e-5, "lstm h");
      assertClose(l.c, lstmOut[1]![b]!, 1e-5, "lstm c");
    }
    for (const v of [...gru.weights, ...lstm.weights]) v.dispose(); // a cell called directly has no inbound node to dispose
  }
  assert.equal(tf.memory().numTensors, before, "no tensor left behind");
});

test("gruStep by hand: gate order z, r, h̃ and the reset applied before the recurrent product", () => {
  // H = 1, I = 1: kernel [x→z, x→r, x→h̃], recurrentKernel [h→z, h→r, h→h̃], bias [b_z, b_r, b_h]
  const w = { kernel: [[0.5, -1, 2]], recurrentKernel: [[1, 0.5, -2]], bias: [0.1, 0.2, 0.3] };
  const [x, h] = [0.8, -0.6];
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const z = sig(0.5 * x + 0.1 + 1 * h);
  const r = sig(-1 * x + 0.2 + 0.5 * h);
  const cand = Math.tanh(2 * x + 0.3 + -2 * (r * h));
  const t = gruStep([x], [h], w);
  assertClose([t.z[0]!, t.r[0]!, t.candidate[0]!, t.h[0]!], [z, r, cand, z * h + (1 - z) * cand], 1e-12);
  assert.deepEqual(
    t.steps.map((s) => [s.name, s.shape]),
    [
      ["z", [1, 1]],
      ["r", [1, 1]],
      ["candidate", [1, 1]],
      ["h", [1, 1]],
    ],
  );
});

test("bahdanauStep by hand: H = 1, two encoder states, the second padded away", () => {
  // E = 1, H = 1, U = 1; the GRU's kernel reads [emb; c]
  const cell = {
    kernel: [
      [0.3, -0.2, 0.5],
      [0.1, 0.4, -0.7],
    ],
    recurrentKernel: [[0.2, 0.1, 0.6]],
    bias: [0, 0, 0.1],
  };
  const w = {
    cell,
    wq: [[0.9]],
    wk: [[-0.4]],
    v: [1.5],
    outputKernel: [
      [1, -1],
      [0.5, 2],
    ],
    outputBias: [0.1, 0],
  };
  const [emb, memory, s0] = [[0.7], [[1.2], [-0.8]], [0.4]];
  const e = memory.map(([hj]) => 1.5 * Math.tanh(0.9 * s0[0]! - 0.4 * hj!));
  const alpha = [Math.exp(e[0]!), Math.exp(e[1]!)].map((v, _, a) => v / (a[0]! + a[1]!));
  const c = alpha[0]! * 1.2 + alpha[1]! * -0.8;
  const s1 = gruStep([emb[0]!, c], s0, cell).h[0]!;
  const full = bahdanauStep(emb, memory, { h: s0 }, w);
  assertClose(full.scores[0]!, e, 1e-12, "scores");
  assertClose(full.weights[0]!, alpha, 1e-12, "weights");
  assertClose(full.context, [c], 1e-12, "context");
  assertClose(full.cellInput, [0.7, c], 1e-12, "[emb; c]");
  assertClose(full.logits, [s1 * 1 + c * 0.5 + 0.1, -s1 + 2 * c], 1e-12, "logits from [s_t; c_t]");
  const padded = bahdanauStep(emb, memory, { h: s0 }, w, { validLens: 1 });
  assert.deepEqual(padded.weights, [[1, 0]]);
  assert.deepEqual(padded.masked, [[e[0], -Infinity]]);
  assertClose(padded.context, [1.2], 1e-12);
  assert.equal(full.masked, undefined, "no masked step without validLens");
  assert.deepEqual(
    padded.steps.map((s) => s.name),
    ["scores", "masked", "weights", "context", "cellInput", "h", "feature", "logits"],
  );
});

for (const backend of BACKENDS) {
  test(`${backend}: tier 1 equals AttentionRnnDecoder step by step (own initial weights, every cell and score)`, async () => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const embedded = batch(B, T, E, 4);
    const memory = batch(B, S, H, 5);
    const h0 = matrix(B, H, 6);
    const c0 = matrix(B, H, 7);
    for (const cell of CELLS) {
      for (const attention of ATTENTIONS) {
        const layer = new AttentionRnnDecoder({ units: H, vocabSize: V, cell, attention, seed: 9 });
        for (const padded of [false, true]) {
          const state = cell === "lstm" ? [h0, c0] : [h0];
          const run = tf.tidy(() => {
            const inputs = [tf.tensor(embedded), tf.tensor(memory), ...state.map((s) => tf.tensor(s))];
            const masks = padded ? { validLens: tf.tensor1d(LENS, "int32") } : {};
            layer.apply(inputs, masks); // builds the layer on first use
            const r = layer.run(inputs[0]!, inputs[1]!, inputs.slice(2), masks);
            return {
              logits: r.logits.arraySync() as number[][][],
              weights: r.weights.arraySync() as number[][][],
            };
          });
          const weights = decoderWeightsFromList(attention, arrays(layer.getWeights()));
          for (let b = 0; b < B; b++) {
            const s = cell === "lstm" ? { h: h0[b]!, c: c0[b]! } : { h: h0[b]! };
            const lens = padded ? LENS[b] : undefined;
            const steps = tier1Run(attention, cell, weights, embedded[b]!, memory[b]!, s, lens);
            steps.forEach((st, t) => {
              const at = `${cell}/${attention} padded=${padded} b=${b} t=${t}`;
              assertClose(st.weights[0]!, run.weights[b]![t]!, 1e-5, `${at} weights`);
              assertClose(st.logits, run.logits[b]![t]!, 1e-5, `${at} logits`);
              if (lens !== undefined) assert.ok(st.weights[0]!.slice(lens).every((a) => a === 0));
            });
          }
        }
        layer.dispose();
      }
    }
    assert.equal(tf.memory().numTensors, before, "no tensor left behind");
  });
}

test("inside a Seq2seqRnn with seeded weights: tier 1 from the model's embedding and encoder memory", async () => {
  await useBackend("wasm");
  const config = { srcVocab: 7, tgtVocab: 9, embedSize: 5, hiddenSize: 6, maxLength: 8, seed: 3 };
  const src = [
    [1, 2, 3, 4, 5],
    [6, 5, 4, 0, 0],
  ];
  const tgtIn = [
    [1, 3, 5, 7],
    [1, 8, 2, 4],
  ];
  const lens = [5, 3];
  for (const [cell, attention] of [
    ["gru", "additive"],
    ["lstm", "general"],
  ] as const) {
    const model = new Seq2seqRnn({ ...config, cell, attention }).ensureBuilt();
    const rng = mulberry32(11);
    const values = model.getWeights().map((w) =>
      tf.tensor(
        Array.from({ length: w.size }, () => rng.uniform(-1, 1)),
        w.shape,
      ),
    );
    model.setWeights(values);
    tf.dispose(values);
    const before = tf.memory().numTensors;
    const got = tf.tidy(() => {
      const kw = { srcValidLens: tf.tensor1d(lens, "int32") };
      const { memory } = model.encode(tf.tensor2d(src, undefined, "int32"), kw);
      const d = model.decode(tf.tensor2d(tgtIn, undefined, "int32"), memory, kw);
      return {
        memory: memory.map((m) => m.arraySync()) as [number[][][], number[][], number[][]?],
        logits: d.logits.arraySync() as number[][][],
      };
    });
    assert.equal(tf.memory().numTensors, before);
    const tgtEmbedding = model.getWeights()[1]!.arraySync() as number[][]; // [V_tgt, E]
    const weights = decoderWeightsFromList(attention, arrays(model.decoder.getWeights()));
    for (let b = 0; b < 2; b++) {
      const [outputs, h, c] = [got.memory[0][b]!, got.memory[1][b]!, got.memory[2]?.[b]];
      const state = cell === "lstm" ? { h, c: c! } : { h };
      const emb = tgtIn[b]!.map((id) => tgtEmbedding[id]!);
      tier1Run(attention, cell, weights, emb, outputs, state, lens[b]).forEach((st, t) => {
        assertClose(st.logits, got.logits[b]![t]!, 1e-5, `${cell}/${attention} b=${b} t=${t}`);
      });
    }
    model.dispose();
  }
});

test("bad input: errors name the argument, its value or shape, and what is allowed", () => {
  const cell = { kernel: matrix(E + H, 3 * H, 1), recurrentKernel: matrix(H, 3 * H, 2) };
  const w: BahdanauWeights = {
    cell,
    wq: matrix(H, 3, 3),
    wk: matrix(H, 3, 4),
    v: [1, 2, 3],
    outputKernel: matrix(2 * H, V, 5),
  };
  const luong: LuongWeights = {
    cell: { kernel: matrix(E, 3 * H, 1), recurrentKernel: matrix(H, 3 * H, 2) },
    combineKernel: matrix(2 * H, H, 6),
    outputKernel: matrix(H, V, 7),
  };
  const [emb, mem, st] = [[0.1, 0.2, 0.3], matrix(S, H, 8), { h: [0, 0, 0, 0] }];
  const cases: [() => unknown, RegExp][] = [
    [() => bahdanauStep(emb, mem, st, w, { casual: true } as never), /bahdanauStep: unknown option "casual"/],
    [
      () => bahdanauStep(emb, mem, st, w, { cell: "rnn" } as never),
      /options\.cell must be one of "gru", "lstm", got "rnn"/,
    ],
    [() => bahdanauStep(emb, mem, st, w, { validLens: 9 }), /options\.validLens.*\[0, 5\].*9/],
    [() => bahdanauStep(emb, mem, st, w, { validLens: 1.5 }), /options\.validLens/],
    [
      () => bahdanauStep(emb, matrix(S, 3, 1), st, w),
      /memory \[5, 3\] must have the width H = 4 of state\.h/,
    ],
    [
      () => bahdanauStep(emb, mem, st, { ...w, outputKernel: matrix(H, V, 1) }),
      /weights\.outputKernel has shape \[4, 6\] but the readout of \[s_t; c_t\] needs \[8, 6\]/,
    ],
    [() => bahdanauStep(emb, mem, st, { ...w, v: [1, 2] }), /must share the hidden size/],
    [
      () => bahdanauStep([0.1], mem, st, w),
      /weights\.cell \(a gru reading \[5\]\).*weights\.kernel has shape \[7, 12\]/,
    ],
    [
      () => bahdanauStep(emb, mem, { h: [0, 0, 0, 0], c: [0, 0, 0, 0] }, w),
      /state\.c is an LSTM's memory cell/,
    ],
    [() => bahdanauStep(emb, mem, st, w, { cell: "lstm" }), /bahdanauStep: state\.c is required/],
    [() => bahdanauStep(emb, mem, st, { ...w, wq: undefined } as never), /wq/],
    [() => bahdanauStep(emb, [[Number.NaN, 0, 0, 0]], st, w), /memory\[0\]\[0\] must be finite, got NaN/],
    [() => luongStep(emb, mem, st, luong, { score: "general" }), /luongStep: weights\.w is required/],
    [
      () => luongStep(emb, mem, st, { ...luong, w: matrix(H, H, 1) }),
      /weights\.w is the "general" score's W/,
    ],
    [() => luongStep(emb, mem, st, luong, { score: "additive" } as never), /options\.score/],
    [
      () => luongStep(emb, mem, st, { ...luong, combineKernel: matrix(2 * H, 3, 1) }),
      /combineKernel has shape \[8, 3\].*needs \[8, 4\]/,
    ],
    [
      () => luongStep(emb, mem, st, { ...luong, w: matrix(3, H, 1) }, { score: "general" }),
      /w has shape \[3, 4\]/,
    ],
    [
      () => gruStep([1], [0], { kernel: [[1, 2, 3]], recurrentKernel: [[1, 2, 3]], bias: [0, 0] }),
      /gruStep: weights\.bias has shape \[2\].*\[3\]/,
    ],
    [
      () => gruStep([1], [0], { kernel: [[1, 2, 3, 4]], recurrentKernel: [[1, 2, 3]] }),
      /gruStep: weights\.kernel has shape \[1, 4\] but x \[1\] needs \[1, 3\]/,
    ],
    [
      () =>
        gruStep([1], [0], { kernel: [[1, 2, 3]], recurrentKernel: [[1, 2, 3]] }, {
          recurrentActivation: "relu",
        } as never),
      /recurrentActivation/,
    ],
    [
      () => lstmStep([1], [0], [0, 1], { kernel: [[1, 2, 3, 4]], recurrentKernel: [[1, 2, 3, 4]] }),
      /lstmStep: c has shape \[2\] but h has \[1\]/,
    ],
    [
      () => decoderWeightsFromList("additive", [[1]]),
      /the "additive" decoder has 8 weights \(outputKernel, .*\), got 1 arrays/,
    ],
    [() => decoderWeightsFromList("bahdanau" as never, []), /attention must be one of/],
  ];
  const wrong = cases.flatMap(([f, want]) => {
    try {
      f();
      return [`no error for ${want}`];
    } catch (e) {
      return want.test((e as Error).message) ? [] : [`${want} did not match: ${(e as Error).message}`];
    }
  });
  assert.deepEqual(wrong, []);
});

test("a fully padded source (validLens 0) gives zero weights and context, never NaN", () => {
  const cell = { kernel: matrix(2, 3, 1), recurrentKernel: matrix(1, 3, 2) };
  const t = bahdanauStep(
    [1],
    [[2], [4]],
    { h: [0.5] },
    { cell, wq: [[1]], wk: [[1]], v: [1], outputKernel: [[1], [1]] },
    { validLens: 0 },
  );
  assert.deepEqual(t.weights, [[0, 0]]);
  assert.deepEqual(t.context, [0]);
  assert.ok(t.logits.every(Number.isFinite));
});

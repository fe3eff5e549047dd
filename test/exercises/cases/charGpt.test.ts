/**
 * The checks of notebooks/10-char-gpt.ipynb: right answers (computed here the way the solution computes them)
 * are right, typical mistakes are wrong with the intended hint and without the answer, undefined is "not yet",
 * malformed answers are wrong without a throw, and no check leaves a tensor behind.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../../lib/cases/exercises.js";
import { type CharGptData, charGptData, charWindows } from "../../../lib/cases/charGpt/data.js";
import { charGptBitsPerChar, charGptEvalWindows } from "../../../lib/cases/charGpt/experiment.js";
import { charGptModel } from "../../../lib/cases/charGpt/model.js";
import { bigramBaseline } from "../../../lib/metrics/charBaselines.js";
import type { Gpt } from "../../../lib/models/gpt.js";
import { nextTokenLoss } from "../../../lib/models/nextToken.js";
import { childSeed } from "../../../lib/random/childSeed.js";
import { mulberry32 } from "../../../lib/random/prng.js";
import { initBackend } from "../../../lib/tfjs/initBackend.js";
import { fitAdam } from "../../../lib/train/fitAdam.js";
import { trainableVariables } from "../../../lib/train/variables.js";
import { checkerFor } from "../checker.js";
import { assertNotYetAndMalformed } from "./caseSetHelpers.js";

const quiet = checkerFor("10-char-gpt");
before(() => initBackend());
/** Every check leaves the tensor count as it found it. */
const check = (n: number, answer: unknown) => {
  const before = tf.memory().numTensors;
  const result = quiet(n, answer);
  assert.equal(tf.memory().numTensors, before, `exercise ${n} leaked tensors`);
  return result;
};

/** The solution's add-one bigram, counted by hand: train counts, scored on `scored`. */
function addOneBits(counted: readonly number[], scored: readonly number[], V: number): number {
  const pairs = new Map<number, number>();
  const contexts: number[] = Array(V).fill(0);
  for (let t = 1; t < counted.length; t++) {
    const key = counted[t - 1]! * V + counted[t]!;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
    contexts[counted[t - 1]!]!++;
  }
  let bits = 0;
  for (let t = 1; t < scored.length; t++) {
    const [a, b] = [scored[t - 1]!, scored[t]!];
    bits -= Math.log2(((pairs.get(a * V + b) ?? 0) + 1) / (contexts[a]! + V));
  }
  return bits / (scored.length - 1);
}

test("exercise 1: the add-one bigram counted by hand is right; Witten–Bell, nats, wrong splits get their hints", () => {
  const d = charGptData({ corpus: "tang-quatrains" });
  const V = d.vocab.chars.length;
  const right = addOneBits(d.train, d.valid, V);
  const answer = (bitsPerChar: unknown) => ({ corpus: "tang-quatrains", bitsPerChar });
  const r = check(1, answer(right));
  assert.equal(r.status, "right");
  assert.match(check(1, answer(right + 5e-5)).status, /right/);
  const wb = bigramBaseline(d.train, d.valid, V).bitsPerChar;
  assert.ok(Math.abs(wb - right) > 0.01, "the two smoothings differ on the poems");
  const wrong = (bits: number, pattern: RegExp) => {
    const w = check(1, answer(bits));
    assert.equal(w.status, "wrong");
    assert.match(w.message, pattern);
    assert.ok(!w.message.includes(right.toFixed(3)), "the hint does not give the answer away");
  };
  wrong(wb, /Witten–Bell/);
  wrong(right * Math.LN2, /nats/);
  wrong(addOneBits(d.valid, d.valid, V), /validation text/);
  wrong(addOneBits(d.train, d.train, V), /scores the training text/);
  wrong(right + 0.05, /not the add-one bigram/);
  assert.match(check(1, { corpus: "moby", bitsPerChar: right }).message, /config\.corpus/);
  assert.match(check(1, answer(Number.NaN)).message, /finite number/);
  assert.match(check(1, right).message, /\{ corpus, bitsPerChar \}/);
  // the check scores the corpus the answer names
  const moby = charGptData({ corpus: "moby-dick" });
  const mobyRight = addOneBits(moby.train, moby.valid, moby.vocab.chars.length);
  assert.equal(check(1, { corpus: "moby-dick", bitsPerChar: mobyRight }).status, "right");
  assert.equal(check(1, { corpus: "moby-dick", bitsPerChar: right }).status, "wrong");
});

/** The solution's nucleus. */
function nucleus(probs: number[], p: number): number[] {
  const order = probs.map((_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
  const kept: number[] = [];
  let mass = 0;
  for (const i of order) {
    if (mass >= p) break;
    kept.push(i);
    mass += probs[i]!;
  }
  const out = probs.map(() => 0);
  for (const i of kept) out[i] = probs[i]! / mass;
  return out;
}

/** A nucleus with one thing changed: how it stops, what it returns. */
function variant(opts: {
  stop?: (mass: number, next: number, p: number, kept: number) => boolean;
  renormalise?: boolean;
  sortedOut?: boolean;
  inPlace?: boolean;
}) {
  return (probs: number[], p: number): number[] => {
    const order = probs.map((_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
    if (opts.inPlace) probs.sort((a, b) => b - a);
    const stop = opts.stop ?? ((mass, _next, q) => mass >= q);
    const kept: number[] = [];
    let mass = 0;
    for (const i of order) {
      if (stop(mass, probs[i]!, p, kept.length)) break;
      kept.push(i);
      mass += probs[i]!;
    }
    const out = probs.map(() => 0);
    for (const i of kept) out[i] = opts.renormalise === false ? probs[i]! : probs[i]! / mass;
    return opts.sortedOut ? [...out].sort((a, b) => b - a) : out;
  };
}

test("exercise 2: nucleus equal to topPFilter is right; typical mistakes get their hints", () => {
  assert.equal(check(2, nucleus).status, "right");
  const hint = (fn: unknown, pattern: RegExp) => {
    const r = check(2, fn);
    assert.equal(r.status, "wrong");
    assert.match(r.message, pattern);
  };
  hint(variant({ renormalise: false }), /does not renormalise/);
  hint(variant({ stop: (mass, _n, p) => mass > p }), /one token too many/);
  hint(variant({ stop: (mass, next, p, kept) => kept > 0 && mass + next > p }), /one token too few/);
  hint(variant({ inPlace: true }), /changed the probs/);
  hint(variant({ sortedOut: true }), /sorted order/);
  hint((probs: number[]) => probs.slice(1), /array of 3 numbers/);
  hint(() => {
    throw new Error("boom");
  }, /threw .*boom/);
  hint((probs: number[]) => probs.map(() => Number.NaN), /array of 3 numbers/);
  hint(0.9, /a function nucleus\(probs, p\)/);
  // the least probable first keeps other tokens
  const leastFirst = (probs: number[], p: number) => {
    const order = probs.map((_, i) => i).sort((a, b) => probs[a]! - probs[b]!);
    const out = probs.map(() => 0);
    let mass = 0;
    const kept: number[] = [];
    for (const i of order) {
      if (mass >= p) break;
      kept.push(i);
      mass += probs[i]!;
    }
    for (const i of kept) out[i] = probs[i]! / mass;
    return out;
  };
  assert.equal(check(2, leastFirst).status, "wrong");
});

/** The solution's training: the case's windows and loss, `epochs × steps` Adam steps. */
async function trained(d: CharGptData, blockSize: number, steps: number): Promise<Gpt> {
  const config = { seed: 0, blockSize, dModel: 16, numHeads: 2, numLayers: 1, dFF: 32, dropout: 0 };
  const model = charGptModel({ ...config, vocabSize: d.vocab.chars.length });
  if (steps === 0) return model;
  const rng = mulberry32(childSeed(0, "batches"));
  await fitAdam({
    adam: { learningRate: 0.003 },
    variables: trainableVariables(model),
    size: steps * 8,
    epochs: 1,
    batchSize: 8,
    shuffle: false,
    progress: "none",
    batch: (ix) => {
      const w = charWindows(d.train, { blockSize, batchSize: ix.length, rng });
      const rows = w.starts.map((s) => d.train.slice(s, s + blockSize + 1));
      return tf.tensor2d(rows, [ix.length, blockSize + 1], "int32");
    },
    loss: (tokens) => nextTokenLoss(model, tokens, { training: true }),
  });
  return model;
}

test("exercise 3: the re-scored bits/char of a trained blockSize-8 model is right; mistakes get hints", async () => {
  const d = charGptData({ corpus: "moby-dick" });
  const model = await trained(d, 8, 3);
  const fresh = await trained(d, 8, 0);
  const wide = await trained(d, 16, 2);
  try {
    const windows = charGptEvalWindows(d.valid, { blockSize: 8, evalWindows: 12 });
    const bits = charGptBitsPerChar(model, windows, 4);
    const answer = { model, windows, bitsPerChar: bits };
    const r = check(3, answer);
    assert.equal(r.status, "right");
    const wrong = (a: unknown, pattern: RegExp) => {
      const w = check(3, a);
      assert.equal(w.status, "wrong");
      assert.match(w.message, pattern);
      assert.ok(!w.message.includes(bits.toFixed(3)), "the hint does not give the answer away");
    };
    wrong({ ...answer, bitsPerChar: bits * Math.LN2 }, /nats/);
    wrong({ ...answer, bitsPerChar: bits + 0.01 }, /is not what charGptBitsPerChar/);
    wrong({ model: fresh, windows, bitsPerChar: charGptBitsPerChar(fresh, windows, 4) }, /initial weights/);
    wrong({ ...answer, model: wide }, /reads 16 characters/);
    const trainWindows = charGptEvalWindows(d.train, { blockSize: 8, evalWindows: 12 });
    wrong(
      { ...answer, windows: trainWindows, bitsPerChar: charGptBitsPerChar(model, trainWindows, 4) },
      /fixed validation windows/,
    );
    wrong(
      { ...answer, windows: charGptEvalWindows(d.valid, { blockSize: 4, evalWindows: 12 }) },
      /8 characters each/,
    );
    wrong({ ...answer, windows: { inputs: [[1]] } }, /`windows` should be/);
    wrong({ ...answer, model: {} }, /should be a Gpt/);
    wrong({ ...answer, bitsPerChar: "4.5" }, /finite number/);
    wrong(bits, /\{ model, windows, bitsPerChar \}/);
  } finally {
    for (const m of [model, fresh, wide]) m.dispose();
  }
});

test("every exercise: undefined is not yet; malformed answers are wrong, never a throw", () => {
  assertNotYetAndMalformed(check, 3, [{ a: 1 }]);
});

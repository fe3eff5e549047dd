/**
 * The checks of notebooks/08-transformer-block.ipynb: right answers are right (computed here independently of
 * the library: by hand-written formulas, a tier-2 layer's parameter count, a plain loop), typical mistakes are
 * wrong with a hint that does not hold the answer, undefined is "not yet", malformed answers are wrong without a
 * throw, and no check leaves a tensor behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { SUBLAYER_W, SUBLAYER_X } from "../../lib/exercises/transformerBlock.js";
import { TransformerDecoderLayer } from "../../lib/layers/transformerDecoderLayer.js";
import { TransformerEncoderLayer } from "../../lib/layers/transformerEncoderLayer.js";
import { buildWith, useBackend } from "../layers/attentionHelpers.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("08-transformer-block");
const [E, N, F] = [64, 4, 256];

/** The counts by formula, written out here: attention 4E² + 4E, FFN 2E·dFF + dFF + E, LayerNorm 2E. */
const ATTENTION = 4 * E * E + 4 * E;
const FFN = 2 * E * F + F + E;
const ENCODER = ATTENTION + FFN + 2 * 2 * E;
const DECODER = 2 * ATTENTION + FFN + 3 * 2 * E;

/** The message of a wrong answer, asserting it is wrong and does not print either right count. */
function wrongCount(answer: unknown): string {
  const r = check(1, answer);
  assert.equal(r.status, "wrong", JSON.stringify(answer));
  assert.ok(!r.message.includes(String(ENCODER)) && !r.message.includes(String(DECODER)), r.message);
  return r.message;
}

test("exercise 1: the counts by formula equal the tier-2 layers' countParams, pre- and post-LN", async () => {
  await useBackend("cpu");
  for (const normFirst of [false, true]) {
    const enc = buildWith(new TransformerEncoderLayer({ numHeads: N, dFF: F, normFirst }), [[1, 2, E]]);
    const dec = buildWith(new TransformerDecoderLayer({ numHeads: N, dFF: F, normFirst }), [
      [1, 2, E],
      [1, 3, E],
    ]);
    assert.deepEqual([enc.countParams(), dec.countParams()], [ENCODER, DECODER]);
    enc.dispose();
    dec.dispose();
  }
  assert.equal(check(1, { encoder: ENCODER, decoder: DECODER }).status, "right");
});

test("exercise 1: typical miscounts get a hint naming the part", () => {
  const dec = (decoder: number) => wrongCount({ encoder: ENCODER, decoder });
  const enc = (encoder: number) => wrongCount({ encoder, decoder: DECODER });
  assert.match(enc(ENCODER - 4 * E - F - E), /biases are missing/);
  assert.match(enc(ENCODER - 7), /count each part/);
  assert.match(dec(DECODER - 6 * E), /LayerNorm has parameters too/);
  assert.match(dec(DECODER - 3 * E), /two vectors/);
  assert.match(dec(DECODER - 2 * E), /decoder block has 3 LayerNorms/);
  assert.match(enc(ENCODER + 2 * E), /encoder block has 2 LayerNorms/);
  assert.match(dec(DECODER - ATTENTION), /two attentions/);
  assert.match(enc(ENCODER + 3 * ATTENTION), /share W_q/);
  assert.match(enc(ENCODER - F - E), /two biases/);
  assert.match(enc(DECODER), /the count of the decoder block/);
  assert.match(wrongCount({ encoder: DECODER, decoder: ENCODER }), /encoder is the count of the decoder/);
  assert.match(enc(12345), /count each part/);
});

test("exercise 1: malformed answers", () => {
  for (const bad of [ENCODER, [ENCODER, DECODER], { encoder: ENCODER }, null, "x"])
    assert.match(wrongCount(bad), /\{ encoder, decoder \}/);
  for (const v of [1.5, -3, 0, String(ENCODER), Number.NaN])
    assert.match(wrongCount({ encoder: v, decoder: DECODER }), /encoder should be a positive whole/);
});

/** LayerNorm of one row, written here independently: two passes, biased variance, ε inside the root. */
function reference(x: number[], g: number[], b: number[], eps: number): number[] {
  const mu = x.reduce((s, v) => s + v, 0) / x.length;
  const v = x.reduce((s, xi) => s + (xi - mu) ** 2, 0) / x.length;
  return x.map((xi, j) => (g[j]! * (xi - mu)) / Math.sqrt(v + eps) + b[j]!);
}

/** `reference` with one step changed by `bend(mu, centred, x)` returning the denominator. */
const bent =
  (den: (centred: number[], x: number[], eps: number) => number) =>
  (x: number[], g: number[], b: number[], eps: number) => {
    const mu = x.reduce((s, v) => s + v, 0) / x.length;
    const c = x.map((v) => v - mu);
    return c.map((v, j) => (g[j]! * v) / den(c, x, eps) + b[j]!);
  };
const sq = (c: number[]) => c.reduce((s, v) => s + v * v, 0);

test("exercise 2: a correct layerNormRow is right; each slip gets its hint", () => {
  assert.equal(check(2, reference).status, "right");
  const hint = (f: unknown) => {
    const r = check(2, f);
    assert.equal(r.status, "wrong");
    return r.message;
  };
  assert.match(hint(bent((c, x, eps) => Math.sqrt(sq(c) / (x.length - 1) + eps))), /E − 1/);
  assert.match(hint(bent((c, x, eps) => Math.sqrt(sq(c) / x.length) + eps)), /inside the square root/);
  assert.match(hint(bent((c, x, eps) => sq(c) / x.length + eps)), /not by the variance/);
  assert.match(
    hint((x: number[], g: number[], b: number[], e: number) => reference(x, b, g, e)),
    /swapped/,
  );
  const noAffine = (x: number[], g: number[], _b: number[], e: number) =>
    reference(
      x,
      g.map(() => 1),
      g.map(() => 0),
      e,
    );
  assert.match(hint(noAffine), /not applied/);
  assert.match(hint(bent((c, x) => Math.sqrt(sq(c) / x.length))), /constant row/);
  const oneShot = bent((_c, x, eps) => {
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    return Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length - mean * mean + eps);
  });
  assert.match(hint(oneShot), /large numbers .*subtract μ before squaring/);
  const inPlace = (x: number[], g: number[], b: number[], e: number) => {
    const y = reference(x, g, b, e);
    x.fill(0);
    return y;
  };
  assert.match(hint(inPlace), /changed its input/);
  assert.match(
    hint((x: number[]) => x.slice(1)),
    /should return/,
  );
  assert.match(
    hint(() => "row"),
    /should return/,
  );
  assert.match(
    hint((x: number[]) => x.map(() => 0.5)),
    /compare with y = γ/,
  );
  assert.match(
    hint(() => {
      throw new Error("boom");
    }),
    /could not be checked \(boom\)/,
  );
  assert.match(hint([1, 2]), /a function layerNormRow/);
});

/** Exercise 3 by hand: LN of each row (ε = 1e-5), times W, plus x. */
function preLn(): number[][] {
  const ln = SUBLAYER_X.map((r) => reference(r, [1, 1, 1, 1], [0, 0, 0, 0], 1e-5));
  return ln.map((r, i) =>
    r.map((_, j) => SUBLAYER_X[i]![j]! + r.reduce((s, v, k) => s + v * SUBLAYER_W[k]![j]!, 0)),
  );
}

test("exercise 3: x + f(LN(x)) is right; post-LN and the other slips get their hints", () => {
  const right = preLn();
  assert.equal(check(3, right).status, "right");
  const ln = SUBLAYER_X.map((r) => reference(r, [1, 1, 1, 1], [0, 0, 0, 0], 1e-5));
  const swap = (m: number[][]) => m.map((r) => [r[1]!, r[0]!, r[3]!, r[2]!]); // h·W for this W
  const add = (a: number[][], b: number[][]) => a.map((r, i) => r.map((v, j) => v + b[i]![j]!));
  const sum = add(SUBLAYER_X, swap(SUBLAYER_X));
  const postLn = sum.map((r) => reference(r, [1, 1, 1, 1], [0, 0, 0, 0], 1e-5));
  const wrong = (m: unknown) => {
    const r = check(3, m);
    assert.equal(r.status, "wrong");
    assert.ok(!r.message.includes(right[0]![0]!.toFixed(3)), r.message);
    return r.message;
  };
  assert.match(wrong(postLn), /post-LN/);
  assert.match(wrong(swap(ln)), /residual is missing/);
  assert.match(wrong(sum), /f reads LN\(x\)/);
  assert.match(wrong(right.map((r) => reference(r, [1, 1, 1, 1], [0, 0, 0, 0], 1e-5))), /no LayerNorm after/);
  assert.match(wrong(add(ln, swap(ln))), /adds x, not LN\(x\)/);
  assert.match(wrong(SUBLAYER_X), /row by row/);
  assert.match(wrong(right.slice(0, 1)), /2 rows of 4 entries/);
  assert.match(
    wrong([
      [1, 2, 3, Number.NaN],
      [1, 2, 3, 4],
    ]),
    /finite numbers/,
  );
});

test("undefined is not yet; malformed answers are wrong without a throw; no tensor is left behind", () => {
  const before = tf.memory().numTensors;
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [null, "abc", {}, [[1]], () => 1, Number.NaN, [[Number.POSITIVE_INFINITY]]]) {
      const { status, message } = check(n, bad);
      assert.equal(status, "wrong", `${n} ${String(bad)}`);
      assert.ok(message.length > 0);
    }
  }
  assert.equal(tf.memory().numTensors, before);
});

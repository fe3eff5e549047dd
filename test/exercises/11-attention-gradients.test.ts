/**
 * The checks of notebooks/11-attention-gradients.ipynb: right answers are right (computed here independently of
 * the library: the softmax backward and the attention backward pass written as plain loops, the steepest
 * temperature by a fine grid), typical mistakes are wrong with a hint that does not hold the answer, undefined is
 * "not yet", malformed answers are wrong without a throw, and no check leaves a tensor behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  GRAD_DO,
  GRAD_K,
  GRAD_Q,
  GRAD_V,
  SATURATION_LOGITS,
} from "../../lib/exercises/attentionGradients.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("11-attention-gradients");

const rowGrad = (p: number[], dp: number[]) => {
  const inner = p.reduce((s, x, j) => s + x * dp[j]!, 0);
  return p.map((x, j) => x * (dp[j]! - inner));
};

function wrong(n: number, answer: unknown, secret?: string): string {
  const r = check(n, answer);
  assert.equal(r.status, "wrong", `${n}: ${String(answer)}`);
  if (secret !== undefined) assert.ok(!r.message.includes(secret), r.message);
  return r.message;
}

test("exercise 1: p ⊙ (dp − ⟨dp, p⟩) is right; each slip gets its hint", () => {
  assert.equal(check(1, rowGrad).status, "right");
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  assert.match(
    wrong(1, (p: number[], dp: number[]) => p.map((x, j) => x * dp[j]!)),
    /subtract ⟨dp, p⟩/,
  );
  assert.match(
    wrong(1, (p: number[], dp: number[]) => p.map((x, j) => x * (dp[j]! - mean(dp)))),
    /weighted mean/,
  );
  const noP = (p: number[], dp: number[]) => dp.map((v) => v - p.reduce((s, x, j) => s + x * dp[j]!, 0));
  assert.match(wrong(1, noP), /multiplied by p/);
  assert.match(
    wrong(1, (p: number[], dp: number[]) => p.map((x, j) => x * (1 - x) * dp[j]!)),
    /only the diagonal/,
  );
  assert.match(
    wrong(1, (p: number[], dp: number[]) => rowGrad(p, dp).map((v) => -v)),
    /sign is flipped/,
  );
  const inPlace = (p: number[], dp: number[]) => {
    const g = rowGrad(p, dp);
    dp.fill(0);
    return g;
  };
  assert.match(wrong(1, inPlace), /changed its input/);
  assert.match(
    wrong(1, (p: number[]) => p.slice(1)),
    /should return/,
  );
  assert.match(
    wrong(1, (p: number[]) => p.map(() => 0.1)),
    /compare with ∂L\/∂z_j/,
  );
  assert.match(
    wrong(1, () => {
      throw new Error("boom");
    }),
    /could not be checked \(boom\)/,
  );
  assert.match(wrong(1, [1, 2]), /a function softmaxRowGrad/);
});

/** Exercise 2 by hand: causal scaled dot-product attention forward and backward, in plain loops. */
function byHand() {
  const d = GRAD_Q[0]!.length;
  const scores = GRAD_Q.map((q) => GRAD_K.map((k) => q.reduce((s, x, c) => s + x * k[c]!, 0) / Math.sqrt(d)));
  const alpha = scores.map((row, i) => {
    const e = row.map((s, j) => (j <= i ? Math.exp(s) : 0));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / z);
  });
  const dAlpha = GRAD_DO.map((o) => GRAD_V.map((v) => o.reduce((s, x, c) => s + x * v[c]!, 0)));
  const dS = alpha.map((p, i) => rowGrad(p, dAlpha[i]!).map((x) => x / Math.sqrt(d)));
  const dQ = dS.map((row) => GRAD_K[0]!.map((_, c) => row.reduce((s, x, j) => s + x * GRAD_K[j]![c]!, 0)));
  const dK = GRAD_K.map((_, j) =>
    GRAD_Q[0]!.map((_, c) => dS.reduce((s, row, i) => s + row[j]! * GRAD_Q[i]![c]!, 0)),
  );
  const dQNoSoftmax = dAlpha.map((row) =>
    GRAD_K[0]!.map((_, c) => row.reduce((s, x, j) => s + (x * GRAD_K[j]![c]!) / Math.sqrt(d), 0)),
  );
  return { dQ, dK, dQNoSoftmax, d };
}

test("exercise 2: dQ by hand is right; the usual slips get their hints", () => {
  const { dQ, dK, dQNoSoftmax, d } = byHand();
  assert.deepEqual(dQ[0], [0, 0, 0, 0]); // query 0 sees one key
  assert.equal(check(2, dQ).status, "right");
  const secret = dQ[1]![0]!.toFixed(3);
  const times = (m: number[][], c: number) => m.map((r) => r.map((v) => v * c));
  assert.match(wrong(2, times(dQ, Math.sqrt(d)), secret), /multiplied by 1\/√d/);
  assert.match(wrong(2, times(dQ, 1 / Math.sqrt(d)), secret), /enters once/);
  assert.match(wrong(2, dQNoSoftmax, secret), /skips the softmax/);
  assert.match(wrong(2, dK, secret), /that is dK/);
  assert.match(wrong(2, times(dQ, -1), secret), /sign is flipped/);
  assert.match(wrong(2, times(dQ, 0.9), secret), /go step by step/);
  assert.match(wrong(2, dQ.slice(0, 2), secret), /3 rows of 4 entries/);
  assert.match(wrong(2, [[1, 2, 3, Number.NaN], ...dQ.slice(1)]), /finite numbers/);
});

test("exercise 2: forgetting the causal mask is named", () => {
  const d = GRAD_Q[0]!.length;
  const scores = GRAD_Q.map((q) => GRAD_K.map((k) => q.reduce((s, x, c) => s + x * k[c]!, 0) / Math.sqrt(d)));
  const alpha = scores.map((row) => {
    const e = row.map(Math.exp);
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / z);
  });
  const dAlpha = GRAD_DO.map((o) => GRAD_V.map((v) => o.reduce((s, x, c) => s + x * v[c]!, 0)));
  const dS = alpha.map((p, i) => rowGrad(p, dAlpha[i]!).map((x) => x / Math.sqrt(d)));
  const dQ = dS.map((row) => GRAD_K[0]!.map((_, c) => row.reduce((s, x, j) => s + x * GRAD_K[j]![c]!, 0)));
  assert.match(wrong(2, dQ), /causal mask is missing/);
});

/** ‖(diag(p) − ppᵀ)/τ‖_F at p = softmax(z/τ), written out. */
function norm(tau: number): number {
  const e = SATURATION_LOGITS.map((z) => Math.exp(z / tau - Math.max(...SATURATION_LOGITS) / tau));
  const p = e.map((x) => x / e.reduce((a, b) => a + b, 0));
  let s = 0;
  for (let i = 0; i < p.length; i++)
    for (let j = 0; j < p.length; j++) s += (((i === j ? p[i]! : 0) - p[i]! * p[j]!) / tau) ** 2;
  return Math.sqrt(s);
}

test("exercise 3: the steepest temperature from a fine grid is right; too low, too high and a lost 1/τ are named", () => {
  let best = 0.01;
  for (let tau = 0.01; tau < 5; tau += 1e-4) if (norm(tau) > norm(best)) best = tau;
  assert.ok(norm(best) > norm(0.1) && norm(best) > norm(3), "the norm has an interior maximum");
  assert.equal(check(3, best).status, "right");
  const secret = best.toFixed(2);
  assert.match(wrong(3, best * 0.8, secret), /grows towards larger τ/);
  assert.match(wrong(3, best * 1.2, secret), /grows towards smaller τ/);
  assert.match(wrong(3, 100, secret), /lose its 1\/τ/);
  for (const bad of [0, -1, Number.NaN, "0.6", null]) assert.match(wrong(3, bad), /a temperature τ > 0/);
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

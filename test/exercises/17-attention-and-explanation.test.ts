/**
 * The checks of notebooks/17-attention-and-explanation.ipynb: right answers (computed here by hand, independently
 * of the library's rollout, erasure and rank code) are right, typical slips are wrong with a hint that does not
 * hold the answer, undefined is "not yet", malformed answers are wrong without a throw, and no tensor is left.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  ERASURE_FULL,
  ERASURE_LEFT_OUT,
  RHO_ATTENTION,
  RHO_DELTAS,
  ROLLOUT_LAYERS,
} from "../../lib/exercises/attentionExplanation.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("17-attention-and-explanation");
type M = number[][];
const mul = (a: M, b: M): M =>
  a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const mix = (a: M): M => a.map((row, i) => row.map((v, j) => 0.5 * v + (i === j ? 0.5 : 0)));

function wrong(n: number, answer: unknown, right: readonly number[]): string {
  const r = check(n, answer);
  assert.equal(r.status, "wrong", JSON.stringify(answer));
  for (const v of right) if (v !== 0 && v !== 1) assert.ok(!r.message.includes(v.toFixed(3)), r.message);
  return r.message;
}

test("exercise 1: Ã₂ Ã₁ by hand is right; the usual slips get their hints", () => {
  const [a1, a2] = ROLLOUT_LAYERS.map((m) => m.map((r) => [...r])) as [M, M];
  const right = mul(mix(a2), mix(a1));
  const flat = right.flat();
  assert.equal(check(1, right).status, "right");
  assert.match(wrong(1, mul(mix(a1), mix(a2)), flat), /last layer on the left/);
  assert.match(wrong(1, mul(a2, a1), flat), /mix in the residual first/);
  assert.match(wrong(1, mix(a2), flat), /last layer alone/);
  assert.match(wrong(1, mul(mix(a2), a1), flat), /first layer has a residual too/);
  assert.match(
    wrong(
      1,
      right.map((r) => r.map((v) => v + 0.01)),
      flat,
    ),
    /R = Ã₂ Ã₁/,
  );
  for (const bad of [[1, 2, 3], right.slice(1), [[Number.NaN, 0, 0], ...right.slice(1)], "R"])
    assert.match(wrong(1, bad, flat), /rollout R \[3, 3\]/);
});

test("exercise 2: Δp of the predicted (negative) class is right; the slips get their hints", () => {
  const c = 0; // p(negative) = 0.8 is the larger
  const right = ERASURE_LEFT_OUT.map((row) => ERASURE_FULL[c] - row[c]!);
  assert.equal(check(2, right).status, "right");
  assert.match(
    wrong(
      2,
      ERASURE_LEFT_OUT.map((row) => ERASURE_FULL[1] - row[1]!),
      right,
    ),
    /predicted class/,
  );
  assert.match(
    wrong(
      2,
      right.map((d) => -d),
      right,
    ),
    /predicted class .* full input first/,
  ); // = the positive class's Δp
  assert.match(
    wrong(
      2,
      ERASURE_LEFT_OUT.map((row) => row[0]!),
      right,
    ),
    /subtract it from p\(c \| x\)/,
  );
  assert.match(
    wrong(
      2,
      right.map((d) => d + 0.1),
      right,
    ),
    /for each token t/,
  );
  for (const bad of [right.slice(1), [0, 0, 0, Number.NaN], { deltas: right }, 0.5])
    assert.match(wrong(2, bad, right), /an array of 4 finite numbers/);
});

test("exercise 3: Spearman's ρ with average ranks is right; Pearson, ordinal ranks and the no-ties formula are not", () => {
  const [a, b] = [[...RHO_ATTENTION], [...RHO_DELTAS]];
  // by hand: a has three 0.05 tied at ranks 1–3 (2 each), then 0.25 (4), 0.6 (5); b has two 0 at 1–2 (1.5), 0.01 (3), 0.3 (4), 0.45 (5)
  const ra = [2, 5, 2, 4, 2];
  const rb = [3, 4, 1.5, 5, 1.5];
  const pear = (x: number[], y: number[]) => {
    const mx = x.reduce((s, v) => s + v, 0) / x.length;
    const my = y.reduce((s, v) => s + v, 0) / y.length;
    const sxy = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0);
    const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
    const syy = y.reduce((s, v) => s + (v - my) ** 2, 0);
    return sxy / Math.sqrt(sxx * syy);
  };
  const right = pear(ra, rb);
  assert.equal(check(3, right).status, "right");
  assert.match(wrong(3, pear(a, b), [right]), /Pearson's r of the raw values/);
  assert.match(wrong(3, pear([1, 5, 2, 4, 3], [3, 4, 1, 5, 2]), [right]), /share the mean of the ranks/);
  const d2 = ra.reduce((s, r, i) => s + (r - rb[i]!) ** 2, 0);
  assert.match(wrong(3, 1 - (6 * d2) / (5 * 24), [right]), /only without ties/);
  assert.match(wrong(3, right + 0.05, [right]), /rank each list/);
  for (const bad of ["0.8", [right], Number.NaN, null])
    assert.match(wrong(3, bad, [right]), /one finite number/);
});

test("undefined is not yet; no check leaves a tensor behind", () => {
  const before = tf.memory().numTensors;
  for (const n of [1, 2, 3]) assert.equal(check(n, undefined).status, "not yet");
  for (const n of [1, 2, 3]) check(n, [[1]]);
  assert.equal(tf.memory().numTensors, before);
});

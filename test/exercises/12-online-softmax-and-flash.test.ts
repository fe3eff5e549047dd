/**
 * The checks of notebooks/12-online-softmax-and-flash.ipynb: right answers are right (computed here independently
 * of the library's online and tiled code: prefix formulas, attend over all keys, central finite differences of
 * attend), typical slips are wrong with a hint that does not hold the answer, undefined is "not yet", malformed
 * answers are wrong without a throw, and no check leaves a tensor behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  GRAD_DOUTPUT,
  GRAD_KEYS,
  GRAD_QUERIES,
  GRAD_VALUES,
  MERGE_KEYS,
  MERGE_QUERY,
  MERGE_VALUES,
  RUNNING_LOGITS,
} from "../../lib/exercises/onlineSoftmax.js";
import { attend, type Matrix } from "../../lib/math/index.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("12-online-softmax-and-flash");

/** Asserts a wrong verdict whose hint holds none of the right numbers (to 3 decimals), and returns the hint. */
function wrong(n: number, answer: unknown, right: readonly number[]): string {
  const r = check(n, answer);
  assert.equal(r.status, "wrong", JSON.stringify(answer));
  for (const v of right) assert.ok(!r.message.includes(v.toFixed(3)), r.message);
  return r.message;
}

test("exercise 1: the running (m, l) by their definitions is right; each slip gets its hint", () => {
  const x = [...RUNNING_LOGITS];
  const m = x.map((_, j) => Math.max(...x.slice(0, j + 1)));
  const l = x.map((_, j) => x.slice(0, j + 1).reduce((s, v) => s + Math.exp(v - m[j]!), 0));
  assert.deepEqual(m, [1, 3, 3, 5, 5]);
  assert.equal(check(1, { m, l }).status, "right");
  const right = [...l];
  const noRescale = l.map((_, j) => x.slice(0, j + 1).reduce((s, v, i) => s + Math.exp(v - m[i]!), 0));
  const finalMax = x.map((_, j) => x.slice(0, j + 1).reduce((s, v) => s + Math.exp(v - 5), 0));
  const unshifted = x.map((_, j) => x.slice(0, j + 1).reduce((s, v) => s + Math.exp(v), 0));
  const flipped = [1];
  for (let j = 1; j < x.length; j++)
    flipped.push(flipped[j - 1]! * Math.exp(m[j]! - m[j - 1]!) + Math.exp(x[j]! - m[j]!));
  assert.match(wrong(1, { m, l: noRescale }, right), /multiply it by e\^\{m_old − m_new\}/);
  assert.match(wrong(1, { m, l: finalMax }, right), /final max/);
  assert.match(wrong(1, { m, l: unshifted }, right), /shifted by the running max/);
  assert.match(wrong(1, { m, l: flipped }, right), /at most 1/);
  assert.match(wrong(1, { m, l: l.map((v) => v + 0.5) }, right), /updated from the previous l/);
  assert.match(wrong(1, { m: x, l }, right), /not the element itself/);
  assert.match(wrong(1, { m: m.map((v) => v + 1), l }, right), /max of x_0 … x_j/);
  for (const bad of [{ m }, { m, l: l.slice(1) }, [m, l], { m, l: [1, 2, 3, 4, Number.NaN] }])
    assert.match(wrong(1, bad, right), /two arrays of 5 finite numbers/);
});

test("exercise 2: the merge equals attention over all keys; the usual slips get their hints", () => {
  const q = [[...MERGE_QUERY]];
  const right = attend(q, MERGE_KEYS, MERGE_VALUES, { score: "dot" }).output[0]!;
  assert.equal(check(2, right).status, "right");
  // each half by hand: scores, its own max, its sum and unnormalised output
  const half = (start: number) => {
    const s = MERGE_KEYS.slice(start, start + 2).map((k) => k[0]! * q[0]![0]! + k[1]! * q[0]![1]!);
    const mh = Math.max(...s);
    const e = s.map((v) => Math.exp(v - mh));
    const o = [0, 1].map((c) => e.reduce((acc, w, j) => acc + w * MERGE_VALUES[start + j]![c]!, 0));
    return { m: mh, l: e[0]! + e[1]!, o };
  };
  const [a, b] = [half(0), half(2)];
  const mm = Math.max(a.m, b.m);
  assert.ok(a.m !== b.m, "the halves have different maxes, so forgetting the rescale shows");
  const [ea, eb] = [Math.exp(a.m - mm), Math.exp(b.m - mm)];
  const merged = a.o.map((v, c) => (v * ea + b.o[c]! * eb) / (a.l * ea + b.l * eb));
  assert.ok(merged.every((v, c) => Math.abs(v - right[c]!) < 1e-12));
  assert.match(
    wrong(
      2,
      a.o.map((v, c) => (v + b.o[c]!) / (a.l + b.l)),
      right,
    ),
    /rescale each/,
  );
  assert.match(
    wrong(
      2,
      a.o.map((v, c) => (v / a.l + b.o[c]! / b.l) / 2),
      right,
    ),
    /do not weigh the same/,
  );
  assert.match(
    wrong(
      2,
      a.o.map((v, c) => v * ea + b.o[c]! * eb),
      right,
    ),
    /divide the merged Õ/,
  );
  const inverse = a.o.map((v, c) => (v / ea + b.o[c]! / eb) / (a.l / ea + b.l / eb));
  assert.match(wrong(2, inverse, right), /not its inverse/);
  assert.match(wrong(2, [0, 0], right), /merge as FlashAttention does/);
  for (const bad of [[1], [1, 2, 3], [[1, 2]], { o: right }, [1, Number.NaN]])
    assert.match(wrong(2, bad, right), /an array of 2 finite numbers/);
});

const H = 1e-6;

/** dQ by central finite differences of L = Σ attend(Q, K, V) ⊙ dO (scaledDot), independent of any backward code. */
function numericDq(): Matrix {
  const q = GRAD_QUERIES.map((r) => [...r]);
  const loss = () =>
    attend(q, GRAD_KEYS, GRAD_VALUES).output.reduce(
      (s, r, i) => s + r.reduce((t, o, c) => t + o * GRAD_DOUTPUT[i]![c]!, 0),
      0,
    );
  return q.map((row) =>
    row.map((_, c) => {
      const keep = row[c]!;
      row[c] = keep + H;
      const up = loss();
      row[c] = keep - H;
      const down = loss();
      row[c] = keep;
      return (up - down) / (2 * H);
    }),
  );
}

test("exercise 3: dQ equals finite differences of attend; forgetting D, its place or the scale gets a hint", () => {
  const right = numericDq();
  assert.equal(check(3, right).status, "right");
  // the slips, by hand: P, dP = dO Vᵀ, D = rowsum(dO ⊙ O)
  const t = attend(GRAD_QUERIES, GRAD_KEYS, GRAD_VALUES);
  const P = t.weights;
  const dP = GRAD_DOUTPUT.map((g) => GRAD_VALUES.map((v) => g[0]! * v[0]! + g[1]! * v[1]!));
  const D = GRAD_DOUTPUT.map((g, i) => g[0]! * t.output[i]![0]! + g[1]! * t.output[i]![1]!);
  const scale = 1 / Math.sqrt(2);
  const dq = (f: (p: number, dp: number, d: number) => number) =>
    P.map((row, i) =>
      [0, 1].map((c) => row.reduce((s, p, j) => s + f(p, dP[i]![j]!, D[i]!) * GRAD_KEYS[j]![c]!, 0)),
    );
  const flat = right.flat();
  assert.ok(Math.abs(dq((p, d, dd) => p * (d - dd) * scale)[0]![0]! - right[0]![0]!) < 1e-7, "the formula");
  assert.match(
    wrong(
      3,
      dq((p, d) => p * d * scale),
      flat,
    ),
    /subtract D_i/,
  );
  assert.match(
    wrong(
      3,
      dq((p, d, dd) => (p * d - dd) * scale),
      flat,
    ),
    /D is inside the product/,
  );
  assert.match(
    wrong(
      3,
      dq((p, d, dd) => p * (d - dd)),
      flat,
    ),
    /scale = 1\/√d/,
  );
  assert.match(
    wrong(
      3,
      [
        [0, 0],
        [0, 0],
      ],
      flat,
    ),
    /recompute P from m and l/,
  );
  assert.match(wrong(3, [right[0]], flat), /2 rows of 2 entries/);
  assert.match(
    wrong(
      3,
      [
        [1, Number.NaN],
        [1, 2],
      ],
      flat,
    ),
    /finite numbers/,
  );
});

test("undefined is not yet; malformed answers are wrong without a throw; no tensor is left behind", () => {
  const before = tf.memory().numTensors;
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [
      null,
      "abc",
      {},
      [[1]],
      () => 1,
      Number.NaN,
      [[Number.POSITIVE_INFINITY]],
      { m: "x", l: 1 },
    ]) {
      const { status, message } = check(n, bad);
      assert.equal(status, "wrong", `${n} ${String(bad)}`);
      assert.ok(message.length > 0);
    }
  }
  assert.equal(tf.memory().numTensors, before);
});

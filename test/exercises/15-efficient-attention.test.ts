/**
 * The checks of notebooks/15-efficient-attention.ipynb: right answers are right (computed here independently of
 * the library: the mask counted entry by entry from its definition, φ and the sums written out), typical slips are
 * wrong with a hint that does not hold the answer, undefined is "not yet", malformed answers are wrong without a
 * throw, and no check leaves a tensor behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  CAUSAL_KEYS,
  CAUSAL_QUERIES,
  CAUSAL_VALUES,
  PAIRS_SETTING,
  SUMMARY_KEYS,
  SUMMARY_VALUES,
} from "../../lib/exercises/efficientAttention.js";
import { attend, type Matrix } from "../../lib/math/index.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("15-efficient-attention");

function wrong(n: number, answer: unknown, right: readonly number[]): string {
  const r = check(n, answer);
  assert.equal(r.status, "wrong", JSON.stringify(answer));
  for (const v of right) assert.ok(!r.message.includes(v.toFixed(3)), r.message);
  if (right.every(Number.isInteger))
    for (const v of right) assert.ok(!new RegExp(`\\b${v}\\b`).test(r.message), r.message);
  return r.message;
}

const phi = (x: number) => (x > 0 ? x + 1 : Math.exp(x));

test("exercise 1: the pairs counted from the mask's definition are right; the usual slips get their hints", () => {
  const { length: n, window: w, globalTokens: g } = PAIRS_SETTING;
  let right = 0;
  let band = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const near = Math.abs(i - j) <= w;
      band += near ? 1 : 0;
      right += near || (g as readonly number[]).includes(i) || (g as readonly number[]).includes(j) ? 1 : 0;
    }
  assert.equal(check(1, right).status, "right");
  assert.match(wrong(1, n * (2 * w + 1), [right]), /cut at both ends/);
  assert.match(wrong(1, band, [right]), /add their rows and columns/);
  assert.match(wrong(1, band + 2 * g.length * n, [right]), /count each pair once/);
  assert.match(wrong(1, n * n, [right]), /that is full attention/);
  assert.match(wrong(1, right + 1, [right]), /count row by row/);
  for (const bad of ["60", [right], Number.NaN, null]) assert.match(wrong(1, bad, [right]), /one number/);
});

test("exercise 2: φ(K)ᵀV and z written out are right; forgetting φ, its + 1, or transposing gets a hint", () => {
  const [k, v] = [SUMMARY_KEYS, SUMMARY_VALUES];
  const sum = (f: (x: number) => number) =>
    [0, 1].map((a) => [0, 1].map((c) => k.reduce((s, kj, j) => s + f(kj[a]!) * v[j]![c]!, 0)));
  const kv = sum(phi);
  const z = [0, 1].map((a) => k.reduce((s, kj) => s + phi(kj[a]!), 0));
  assert.equal(check(2, { kv, z }).status, "right");
  const flat = [...kv.flat(), ...z];
  assert.match(wrong(2, { kv: sum((x) => x), z }, flat), /apply the feature map first/);
  assert.match(wrong(2, { kv: sum((x) => (x > 0 ? x : Math.exp(x) - 1)), z }, flat), /the \+ 1 keeps/);
  assert.match(wrong(2, { kv: sum(Math.exp), z }, flat), /e\^x only for x ≤ 0/);
  assert.match(
    wrong(
      2,
      {
        kv: [
          [kv[0]![0]!, kv[1]![0]!],
          [kv[0]![1]!, kv[1]![1]!],
        ],
        z,
      },
      flat,
    ),
    /one row per feature/,
  );
  assert.match(wrong(2, { kv, z: [0, 1].map((a) => k.reduce((s, kj) => s + kj[a]!, 0)) }, flat), /not of K/);
  assert.match(
    wrong(
      2,
      {
        kv: [
          [0, 0],
          [0, 0],
        ],
        z,
      },
      flat,
    ),
    /sum over the keys of the outer products/,
  );
  assert.match(wrong(2, [kv, z], flat), /the answer is \{ kv, z \}/);
  assert.match(wrong(2, { kv: [kv[0]], z }, flat), /2 rows of 2 entries/);
  assert.match(wrong(2, { kv, z: [1] }, flat), /z = φ\(K\)ᵀ1 should be an array of 2/);
});

test("exercise 3: causal linear attention by its prefix sums is right; non-causal, softmax, unnormalised get hints", () => {
  const [q, k, v] = [CAUSAL_QUERIES, CAUSAL_KEYS, CAUSAL_VALUES];
  const out = (causal: boolean, normalise: boolean): Matrix =>
    q.map((qi, i) => {
      const w = k.map((kj, j) => (causal && j > i ? 0 : qi.reduce((s, x, c) => s + phi(x) * phi(kj[c]!), 0)));
      const d = normalise ? w.reduce((a, b) => a + b, 0) : 1;
      return [0, 1].map((c) => w.reduce((s, wj, j) => s + wj * v[j]![c]!, 0) / d);
    });
  const right = out(true, true);
  assert.equal(check(3, right).status, "right");
  const flat = right.flat();
  assert.match(wrong(3, out(false, true), flat), /keys j ≤ i only/);
  assert.match(wrong(3, out(true, false), flat), /divide row i by its normaliser/);
  assert.match(
    wrong(3, attend(q, k, v, { score: "dot", mask: { causal: true } }).output, flat),
    /that is softmax attention/,
  );
  assert.match(
    wrong(
      3,
      [
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      flat,
    ),
    /S_i = Σ_\{j ≤ i\}/,
  );
  assert.match(wrong(3, right.slice(0, 2), flat), /3 rows of 2 entries/);
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
      { kv: "x", z: 1 },
    ]) {
      const { status, message } = check(n, bad);
      assert.equal(status, "wrong", `${n} ${String(bad)}`);
      assert.ok(message.length > 0);
    }
  }
  assert.equal(tf.memory().numTensors, before);
});

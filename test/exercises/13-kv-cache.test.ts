/**
 * The checks of notebooks/13-kv-cache.ipynb: right answers are right (computed here independently of the
 * library's cache code: the mask by its definition j ≤ i + S − T, the step by a softmax written out, the bytes by
 * the product of the shapes), typical slips are wrong with a hint that does not hold the answer, undefined is
 * "not yet", malformed answers are wrong without a throw, and no check leaves a tensor behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  OFFSET_SHAPE,
  SIZE_MODEL,
  STEP_CACHE_KEYS,
  STEP_CACHE_VALUES,
  STEP_KEY,
  STEP_QUERY,
  STEP_VALUE,
} from "../../lib/exercises/kvCache.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("13-kv-cache");

function wrong(n: number, answer: unknown, right: readonly number[] = []): string {
  const r = check(n, answer);
  assert.equal(r.status, "wrong", JSON.stringify(answer));
  for (const v of right) assert.ok(!r.message.includes(v.toFixed(3)), r.message);
  return r.message;
}

const maskFor = (offset: number) =>
  Array.from({ length: OFFSET_SHAPE.queries }, (_, i) =>
    Array.from({ length: OFFSET_SHAPE.keys }, (_, j) => j <= i + offset),
  );

test("exercise 1: the bottom-right mask is right (booleans or 0/1); top-left and off-by-one get hints", () => {
  const s = OFFSET_SHAPE.keys - OFFSET_SHAPE.queries;
  assert.equal(check(1, maskFor(s)).status, "right");
  assert.equal(
    check(
      1,
      maskFor(s).map((r) => r.map(Number)),
    ).status,
    "right",
  );
  assert.match(wrong(1, maskFor(0)), /top-left/);
  assert.match(wrong(1, maskFor(s + 1)), /must not see the second's key/);
  assert.match(wrong(1, maskFor(s - 1)), /off by one/);
  assert.match(wrong(1, maskFor(10)), /must not see the second's key/);
  assert.match(wrong(1, maskFor(-2)), /row i should be true/);
  for (const bad of [
    null,
    [[true]],
    maskFor(s).slice(1),
    [
      [1, 2, 0, 0, 0],
      [1, 1, 1, 1, 1],
    ],
    "mask",
  ])
    assert.match(wrong(1, bad), /a \[2, 5\] mask/);
});

/** softmax(q kᵀ · scale) V over the given rows, written out. */
function attendRow(q: readonly number[], keys: number[][], values: number[][], scale: number): number[] {
  const s = keys.map((k) => scale * k.reduce((a, x, c) => a + x * q[c]!, 0));
  const m = Math.max(...s);
  const e = s.map((x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b, 0);
  return values[0]!.map((_, c) => e.reduce((a, w, j) => a + (w / z) * values[j]![c]!, 0));
}

test("exercise 2: the step over all four rows is right; forgetting the new row, √d or the offset gets a hint", () => {
  const keys = [...STEP_CACHE_KEYS, [...STEP_KEY]];
  const values = [...STEP_CACHE_VALUES, [...STEP_VALUE]];
  const right = attendRow(STEP_QUERY, keys, values, 1 / Math.sqrt(2));
  assert.equal(check(2, right).status, "right");
  const cacheOnly = attendRow(STEP_QUERY, STEP_CACHE_KEYS, STEP_CACHE_VALUES, 1 / Math.sqrt(2));
  assert.match(wrong(2, cacheOnly, right), /join the cache/);
  assert.match(wrong(2, attendRow(STEP_QUERY, keys, values, 1), right), /√d/);
  assert.match(wrong(2, [...values[0]!], right), /top-left causal mask/);
  assert.match(
    wrong(
      2,
      right.map((v) => v + 0.1),
      right,
    ),
    /append the new key/,
  );
  for (const bad of [null, [1], [1, Number.NaN], { x: 1 }])
    assert.match(wrong(2, bad, right), /2 finite numbers/);
});

test("exercise 3: 2·L·B·N·S·H·4 bytes is right; each missing factor gets its hint", () => {
  const { numLayers: l, numHeads: n, headSize: h, length: s, batch: b } = SIZE_MODEL;
  const right = 2 * l * b * n * s * h * 4;
  assert.equal(right, 1610612736);
  assert.equal(check(3, right).status, "right");
  const r = [right];
  assert.match(wrong(3, right / 2, r), /keys and values/);
  assert.match(wrong(3, right / l, r), /every layer/);
  assert.match(wrong(3, right / 4, r), /4 bytes/);
  assert.match(wrong(3, right / b, r), /each sequence of the batch/);
  assert.match(wrong(3, right / n, r), /each head/);
  assert.match(wrong(3, right + 1000, r), /count the tensors/);
  for (const bad of [null, "600 MB", Number.POSITIVE_INFINITY, [right]])
    assert.match(wrong(3, bad, r), /number of bytes/);
});

test("undefined is not yet; malformed answers are wrong without a throw; no tensor is left behind", () => {
  const before = tf.memory().numTensors;
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [null, {}, [], "x", 1n, Symbol("s"), () => 1])
      assert.equal(check(n, bad).status, "wrong");
  }
  assert.equal(tf.memory().numTensors, before);
});

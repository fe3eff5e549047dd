/**
 * Tier-1 sampling: temperature → 0 and topK = 1 are the argmax, temperature 1 is plain softmax, top-p keeps the
 * smallest most-probable set whose mass is ≥ p (checked against brute force over every subset), the draw follows
 * the filtered distribution (frequencies over 20 000 draws), the same seed gives the same samples, masked logits
 * are never drawn. Bad inputs are rows of the bad-input table (badSampling.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  drawToken,
  sampleToken,
  samplingDistribution,
  topKFilter,
  topPFilter,
} from "../../lib/math/sampling.js";
import { softmax } from "../../lib/math/softmax.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { assertClose } from "../helpers.js";

const LOGITS = [1.5, -0.3, 2.7, 0.4, 2.6, -1.2];
const ARGMAX = 2;

test("temperature → 0 and topK = 1 give the argmax; temperature 1 is softmax", () => {
  const rng = mulberry32(3);
  for (const temperature of [1e-3, 1e-6, 0]) {
    for (let i = 0; i < 50; i++) assert.equal(sampleToken(LOGITS, { temperature, rng }).token, ARGMAX);
  }
  for (let i = 0; i < 50; i++)
    assert.equal(sampleToken(LOGITS, { topK: 1, temperature: 5, rng }).token, ARGMAX);
  const greedy = sampleToken(LOGITS, { temperature: 0 });
  assert.equal(greedy.draw, null);
  assert.deepEqual(greedy.probs, [0, 0, 1, 0, 0, 0]);
  assert.equal(sampleToken([0, 3, 3], { temperature: 0 }).token, 1, "first on ties");
  assertClose(samplingDistribution(LOGITS).probs, softmax(LOGITS), 1e-15);
  const hot = samplingDistribution(LOGITS, { temperature: 100 }).probs;
  assert.ok(Math.max(...hot) - Math.min(...hot) < 0.05, "a high temperature flattens towards uniform");
});

test("top-k keeps exactly k (first on ties) and renormalises; k ≥ V keeps all", () => {
  const p = softmax(LOGITS);
  const two = topKFilter(p, 2);
  assert.deepEqual(
    two.map((x) => x > 0),
    [false, false, true, false, true, false],
  );
  assertClose(two[2]! + two[4]!, 1, 1e-15);
  assertClose(two[2]! / two[4]!, p[2]! / p[4]!, 1e-12);
  assert.deepEqual(topKFilter([0.25, 0.25, 0.25, 0.25], 2), [0.5, 0.5, 0, 0]);
  assertClose(topKFilter(p, 99), p, 1e-15);
  const d = samplingDistribution(LOGITS, { topK: 3 });
  assert.deepEqual(d.kept, [2, 4, 0]);
  assert.deepEqual(d.filtered, d.topK);
});

test("top-p keeps the smallest set whose mass ≥ p (brute force over every subset)", () => {
  const rng = mulberry32(11);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + rng.int(0, 6);
    const p = softmax(Array.from({ length: n }, () => rng.normal(0, 2)));
    const target = rng.uniform(0.05, 1);
    const kept = topPFilter(p, target).flatMap((x, i) => (x > 0 ? [i] : []));
    // the smallest size of any subset with mass ≥ target
    let best = n;
    for (let mask = 1; mask < 1 << n; mask++) {
      const ids = p.flatMap((_, i) => ((mask >> i) & 1 ? [i] : []));
      if (ids.reduce((s, i) => s + p[i]!, 0) >= target - 1e-12) best = Math.min(best, ids.length);
    }
    assert.equal(kept.length, best, `trial ${trial}: p = ${p}, target ${target}`);
    const mass = kept.reduce((s, i) => s + p[i]!, 0);
    assert.ok(mass >= target - 1e-12, `kept mass ${mass} < ${target}`);
    const rest = p.filter((_, i) => !kept.includes(i));
    assert.ok(
      rest.every((x) => x <= Math.min(...kept.map((i) => p[i]!))),
      "kept are the most probable",
    );
  }
  assertClose(topPFilter([0.5, 0.3, 0.2], 0.8), [0.625, 0.375, 0], 1e-15);
  assert.deepEqual(topPFilter([0.5, 0.3, 0.2], 1), [0.5, 0.3, 0.2]);
  assert.deepEqual(topPFilter([0.2, 0.5, 0.3], 0.01), [0, 1, 0]);
});

test("top-k then top-p: the nucleus is taken of the renormalised top-k distribution", () => {
  const d = samplingDistribution(LOGITS, { topK: 3, topP: 0.6 });
  const afterK = topKFilter(softmax(LOGITS), 3);
  assert.deepEqual(d.topK, afterK);
  assert.deepEqual(d.filtered, topPFilter(afterK, 0.6));
  assert.deepEqual(d.kept, [2, 4]);
});

test("draws follow the filtered distribution; the same seed gives the same samples", () => {
  const rng = mulberry32(5);
  const options = { temperature: 0.8, topK: 4, topP: 0.95, rng };
  const counts = new Array<number>(LOGITS.length).fill(0);
  const n = 20_000;
  for (let i = 0; i < n; i++) counts[sampleToken(LOGITS, options).token]!++;
  const { filtered } = samplingDistribution(LOGITS, { temperature: 0.8, topK: 4, topP: 0.95 });
  let maxGap = 0;
  filtered.forEach((q, i) => {
    maxGap = Math.max(maxGap, Math.abs(counts[i]! / n - q));
    if (q === 0) assert.equal(counts[i], 0, `token ${i} was filtered out but drawn`);
  });
  assert.ok(maxGap < 0.015, `frequencies differ from the distribution by ${maxGap}`);
  const run = (seed: number) => {
    const r = mulberry32(seed);
    return Array.from({ length: 30 }, () => sampleToken(LOGITS, { rng: r }).token);
  };
  assert.deepEqual(run(9), run(9));
  assert.notDeepEqual(run(9), run(10));
  const one = sampleToken(LOGITS, { rng: mulberry32(42) });
  assert.equal(one.draw, mulberry32(42).next());
  assert.equal(one.token, drawToken(one.filtered, one.draw!));
});

test("drawToken is the inverse CDF; masked logits (−Infinity) are never drawn", () => {
  assert.equal(drawToken([0.2, 0.5, 0.3], 0), 0);
  assert.equal(drawToken([0.2, 0.5, 0.3], 0.2), 1);
  assert.equal(drawToken([0.2, 0.5, 0.3], 0.6999), 1);
  assert.equal(drawToken([0.2, 0.5, 0.3], 0.7), 2);
  assert.equal(drawToken([0, 1, 0], 0.9999999), 1);
  const rng = mulberry32(1);
  for (let i = 0; i < 500; i++) {
    const t = sampleToken([0, -Infinity, 0, -Infinity], { temperature: 3, rng }).token;
    assert.ok(t === 0 || t === 2, `drew masked token ${t}`);
  }
  assert.equal(sampleToken([-Infinity, 5, -Infinity], { temperature: 0 }).token, 1);
});

/**
 * The checks of notebooks/cases/09-time-series-attention.ipynb: right answers (computed the way the solution
 * computes them) are right, typical mistakes are wrong with the intended hint, undefined is "not yet",
 * malformed answers are wrong without a throw, and the checks leave no tensor behind.
 */
import "../../../lib/cases/exercises.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { loadStockPrices, stockSplits, stocksData } from "../../../lib/cases/stocks/data.js";
import { STOCKS_DEFAULTS } from "../../../lib/cases/stocks/experiment.js";
import { type LaggedSeries, laggedSeries } from "../../../lib/cases/timeSeries/data.js";
import { timeSeriesEvaluate } from "../../../lib/cases/timeSeries/experiment.js";
import { timeSeriesModel } from "../../../lib/cases/timeSeries/model.js";
import { initBackend } from "../../../lib/tfjs/initBackend.js";
import { checkerFor } from "../checker.js";

const check = checkerFor("cases/09-time-series-attention");

test("exercise 1: the lag-12 index measured as the solution does is right; 15, 12 and ±1 get their hints", () => {
  // the solution: the window index whose s correlates most with the target
  const set = laggedSeries({ seed: 0, size: 2000, lag: 12 });
  const corr = Array.from({ length: 20 }, (_, i) => {
    const s = set.x.map((w) => w[i]![1]!);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const [ms, my] = [mean(s), mean(set.y)];
    const cov = s.reduce((a, v, k) => a + (v - ms) * (set.y[k]! - my), 0);
    const sd = (v: number[], m: number) => Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0));
    return cov / (sd(s, ms) * sd(set.y, my));
  });
  const right = corr.indexOf(Math.max(...corr));
  assert.equal(right, set.lagIndex);
  assert.equal(check(1, right).status, "right");
  assert.match(check(1, 15).message, /default lag 5/);
  assert.match(check(1, 12).message, /12 is the lag/);
  assert.match(check(1, right - 1).message, /off by one/);
  assert.match(check(1, right + 1).message, /off by one/);
  assert.match(check(1, 2).message, /measure it/);
  assert.match(check(1, 20).message, /whole number from 0/);
  assert.match(check(1, 8.5).message, /whole number from 0/);
});

/** The solution's function. */
const reverseWindows = (split: LaggedSeries): LaggedSeries => ({
  x: split.x.map((w) => [...w].reverse()),
  y: split.y,
  lagIndex: split.x[0]!.length - 1 - split.lagIndex,
});

test("exercise 2: reverseWindows with the reversed R² is right; typical mistakes get their hints", async () => {
  await initBackend();
  const model = timeSeriesModel({ seed: 0, window: 20, dModel: 4 });
  const test = laggedSeries({ seed: 5, size: 40 });
  try {
    const r2 = timeSeriesEvaluate(model, reverseWindows(test)).metrics.r2;
    const inOrder = timeSeriesEvaluate(model, test).metrics.r2;
    const answer = { reverseWindows, model, test, r2 };
    const before = tf.memory().numTensors;
    assert.equal(check(2, answer).status, "right");
    assert.match(check(2, { ...answer, r2: inOrder }).message, /original order/);
    assert.match(check(2, { ...answer, r2: r2 + 0.01 }).message, /is not what timeSeriesEvaluate/);
    assert.equal(tf.memory().numTensors, before, "the check leaks no tensor");
    const wrong = (fn: (s: LaggedSeries) => unknown) => check(2, { ...answer, reverseWindows: fn }).message;
    assert.match(
      wrong((s) => ({ ...s, x: s.x.map((w) => w.reverse()), lagIndex: 0 })),
      /changed the split it was given/,
    );
    assert.match(
      wrong((s) => ({ ...s, x: [...s.x].reverse() })),
      /order of the windows/,
    );
    assert.match(
      wrong((s) => ({ ...s, x: s.x.map((w) => w.map((step) => [...step].reverse())) })),
      /swaps r and s/,
    );
    assert.match(
      wrong((s) => ({ ...s })),
      /original order/,
    );
    assert.match(
      wrong((s) => ({ ...s, x: s.x.map((w) => [...w].reverse()) })),
      /lagIndex still/,
    );
    assert.match(
      wrong((s) => ({ ...s, x: s.x.map((w) => [...w].reverse()), lagIndex: 19 - s.lagIndex })),
      /whatever their length/,
    );
    assert.match(
      wrong((s) => ({ ...reverseWindows(s), y: [...s.y].reverse() })),
      /belong to their windows/,
    );
    assert.match(
      wrong(() => {
        throw new Error("boom");
      }),
      /threw .*boom/,
    );
    assert.match(
      wrong(() => 3),
      /should return a split/,
    );
    assert.match(check(2, { ...answer, reverseWindows: 1 }).message, /should be a function/);
    assert.match(check(2, { ...answer, model: {} }).message, /trained part-1 model/);
    assert.match(check(2, { ...answer, test: { x: [], y: [] } }).message, /held-out split/);
    const short = laggedSeries({ seed: 5, size: 5, window: 6, lag: 2 });
    assert.match(check(2, { ...answer, test: short }).message, /windows of 20 steps/);
    assert.match(check(2, { ...answer, r2: "0.1" }).message, /finite number/);
    assert.equal(tf.memory().numTensors, before, "the checks leak no tensor");
  } finally {
    model.dispose();
  }
});

test("exercise 3: the training windows of 3 and 24 months are right; swapped, all splits, 12 months are wrong", () => {
  const count = (w: number) => stocksData({ ...STOCKS_DEFAULTS, window: w }).train.y.length;
  const [n3, n24] = [count(3), count(24)];
  assert.ok(n3 > count(12) && count(12) > n24);
  assert.equal(check(3, { 3: n3, 24: n24 }).status, "right");
  assert.equal(check(3, { 3: n3, 24: n24, 12: 1 }).status, "right");
  assert.match(check(3, { 3: n24, 24: n3 }).message, /swapped/);
  const all = (w: number) => {
    const s = stockSplits(loadStockPrices(), { window: w });
    return s.train.y.length + s.valid.y.length + s.test.y.length;
  };
  assert.match(check(3, { 3: all(3), 24: n24 }).message, /all three splits/);
  assert.match(check(3, { 3: n3, 24: count(12) }).message, /default 12 months/);
  const valid = stockSplits(loadStockPrices(), { window: 24 }).valid.y.length;
  assert.match(check(3, { 3: n3, 24: valid }).message, /another split/);
  assert.match(check(3, { 3: n3 + 1, 24: n24 }).message, /for 3 months is off/);
  assert.match(check(3, { 3: n3 }).message, /\{ 3: count, 24: count \}/);
  assert.match(check(3, [n3, n24]).message, /\{ 3: count, 24: count \}/);
});

test("every exercise: undefined is not yet; malformed answers are wrong, never a throw", () => {
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    const throwing = () => {
      throw new Error("nope");
    };
    for (const bad of [null, "x", {}, Number.NaN, [], throwing, { a: 1 }]) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `exercise ${n}: ${String(bad)}`);
      assert.ok(r.message.length > 0);
    }
  }
});

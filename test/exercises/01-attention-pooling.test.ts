/**
 * The checks of notebooks/01-attention-pooling.ipynb: right answers (computed here with kernelPooling, the way
 * the notebook computes them) are right, typical mistakes are wrong with the expected hint, undefined is
 * "not yet", and malformed answers are wrong without a throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { kernelPooling } from "../../lib/math/kernelPooling.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("01-attention-pooling");

// the notebook's data and sweep, as a learner writes them
const truth = (x: number) => 2 * Math.sin(x) + x ** 0.8;
function makeData(seed: number, noise: number) {
  const rng = mulberry32(seed);
  const xTrain = Array.from({ length: 50 }, () => rng.uniform(0, 5)).sort((a, b) => a - b);
  const yTrain = xTrain.map((x) => truth(x) + rng.normal(0, noise));
  const xTest = Array.from({ length: 50 }, (_, i) => i * 0.1);
  return { xTrain, yTrain, xTest, yTest: xTest.map(truth) };
}
const mse = (p: number[], t: number[]) => p.reduce((s, x, i) => s + (x - t[i]!) ** 2, 0) / p.length;
const fullGrid = [0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5];
const argmin = (grid: number[], loss: (v: number) => number) =>
  grid.reduce((a, b) => (loss(b) < loss(a) ? b : a));
const bestBandwidth = (noise: number) => {
  const d = makeData(0, noise);
  return argmin(fullGrid, (h) =>
    mse(kernelPooling(d.xTest, d.xTrain, d.yTrain, { bandwidth: h }).output, d.yTest),
  );
};

test("exercise 1: the best bandwidth as a function of the noise", () => {
  assert.equal(check(1, bestBandwidth).status, "right");
  assert.ok(bestBandwidth(0.1) < bestBandwidth(1), "the exercise's point: more noise, wider bandwidth");
  const fixed = bestBandwidth(0.5);
  assert.match(check(1, () => fixed).message, /same h at noise 0\.1 as at 0\.5/);
  assert.match(check(1, () => 0.25).message, /not a bandwidth of the full grid/);
  const other = fullGrid.find((h) => h !== fixed)!;
  assert.match(check(1, () => other).message, /default noise 0\.5/);
  assert.match(
    check(1, (n: number) => (n === 0.5 ? fixed : fixed === 5 ? 3 : 5)).message,
    /right at noise 0\.5/,
  );
  assert.match(
    check(1, () => {
      throw new Error("oops");
    }).message,
    /threw: oops/,
  );
  assert.match(check(1, 0.2).message, /is a function/);
});

test("exercise 2: the boxcar kernel's empty rows", () => {
  const d = makeData(0, 0.5);
  const t = kernelPooling(d.xTest, d.xTrain, d.yTrain, { kernel: "boxcar", bandwidth: 0.05 });
  const empty = t.weights.filter((r) => r.every((w) => w === 0)).length;
  assert.ok(empty > 0 && empty < 50);
  const prediction = t.output[t.weights.findIndex((r) => r.every((w) => w === 0))]!;
  assert.equal(check(2, { count: empty, prediction }).status, "right");
  assert.match(check(2, { count: 50 - empty, prediction }).message, /do have a key in range/);
  assert.match(check(2, { count: empty + 1, prediction }).message, /all zero/);
  assert.match(check(2, { count: empty, prediction: Number.NaN }).message, /never returns NaN/);
  assert.match(check(2, { count: empty, prediction: prediction + 1 }).message, /count is right/);
  assert.match(check(2, { count: 2.5, prediction }).message, /whole number/);
});

test("exercise 3: w by grid search on the held-out half", () => {
  const d = makeData(0, 0.5);
  const even = (v: number[]) => v.filter((_, i) => i % 2 === 0);
  const odd = (v: number[]) => v.filter((_, i) => i % 2 === 1);
  // the learner's own softmax weights: α_j = softmax_j(−(x − x_j)² w² / 2)
  const heldOut = (w: number) => {
    const pred = odd(d.xTrain).map((x) => {
      const logits = even(d.xTrain).map((xj) => (-((x - xj) ** 2) * w * w) / 2);
      const m = Math.max(...logits);
      const e = logits.map((l) => Math.exp(l - m));
      const z = e.reduce((a, b) => a + b, 0);
      return e.reduce((s, a, j) => s + (a / z) * even(d.yTrain)[j]!, 0);
    });
    return mse(pred, odd(d.yTrain));
  };
  const wGrid = [0.5, 1, 2, 3, 4, 5, 7, 10, 20];
  const bestW = argmin(wGrid, heldOut);
  assert.equal(check(3, bestW).status, "right");
  assert.match(check(3, 1 / bestW).message, /that is a bandwidth h/);
  assert.match(check(3, 6).message, /from the grid/);
  const onTest = argmin(wGrid, (w) =>
    mse(kernelPooling(d.xTest, d.xTrain, d.yTrain, { bandwidth: 1 / w }).output, d.yTest),
  );
  assert.notEqual(onTest, bestW, "the held-out choice differs from peeking at the test set");
  assert.match(check(3, onTest).message, /best on the test set/);
  const worse = wGrid.find((w) => w !== bestW && w !== onTest)!;
  assert.match(check(3, worse).message, /held-out MSE \d\.\d{4}, and a lower one/);
});

test("undefined is not yet; malformed answers are wrong, never a throw", () => {
  for (const n of [1, 2, 3]) assert.equal(check(n, undefined).status, "not yet");
  for (const bad of [
    null,
    "abc",
    -42,
    [[1, 0]],
    { a: 1 },
    Number.NaN,
    () => "x",
    { count: "3", prediction: 0 },
  ]) {
    for (const n of [1, 2, 3]) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `${n} ${String(bad)}`);
      assert.ok(r.message.length > 0);
    }
  }
});

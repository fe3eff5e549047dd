/**
 * Metrics against hand-computed values and independent formulas (AUC by counting pairs, BLEU by hand), and
 * their errors: mismatched lengths, empty input, NaN, one-class labels.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  accuracy,
  bleu,
  exactMatch,
  macroF1,
  mae,
  meanDistance,
  pointingGame,
  r2,
  rocAuc,
} from "../../lib/metrics/index.js";
import { mulberry32 } from "../../lib/random/prng.js";

test("rocAuc equals the fraction of correctly ordered positive–negative pairs (ties ½) on random data", () => {
  const rng = mulberry32(3);
  for (let trial = 0; trial < 20; trial++) {
    const n = 5 + rng.int(0, 40);
    const scores = Array.from({ length: n }, () => Math.round(rng.next() * 10) / 10); // many ties
    const labels = Array.from({ length: n }, (_, i) => (i < 2 ? i : rng.int(0, 1)));
    let pairs = 0;
    let good = 0;
    labels.forEach((li, i) => {
      labels.forEach((lj, j) => {
        if (li !== 1 || lj !== 0) return;
        pairs++;
        good += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      });
    });
    assert.ok(Math.abs(rocAuc(scores, labels) - good / pairs) < 1e-12);
  }
});

test("rocAuc: perfect, reversed and constant scores", () => {
  assert.equal(rocAuc([0.9, 0.8, 0.1], [1, 1, 0]), 1);
  assert.equal(rocAuc([0.1, 0.2, 0.9], [1, 1, 0]), 0);
  assert.equal(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0]), 0.5);
});

test("bleu: identical text is 1, no overlap is 0, and a hand-computed bigram case", () => {
  assert.equal(bleu([["a", "b", "c", "d"]], [["a", "b", "c", "d"]]), 1);
  assert.equal(bleu([["x", "y", "z", "w"]], [["a", "b", "c", "d"]]), 0);
  // candidate "a b c x" vs "a b c d", maxN 2: p1 = 3/4, p2 = 2/3, no brevity penalty.
  assert.ok(
    Math.abs(bleu([["a", "b", "c", "x"]], [["a", "b", "c", "d"]], { maxN: 2 }) - Math.sqrt(0.75 * (2 / 3))) <
      1e-12,
  );
  // brevity: "a b" vs "a b c d", maxN 1: p1 = 1, BP = exp(1 − 4/2).
  assert.ok(Math.abs(bleu([["a", "b"]], [["a", "b", "c", "d"]], { maxN: 1 }) - Math.exp(-1)) < 1e-12);
  // clipping: "the the the" vs "the cat": p1 = 1/3.
  assert.ok(Math.abs(bleu([["the", "the", "the"]], [["the", "cat"]], { maxN: 1 }) - 1 / 3) < 1e-12);
});

test("accuracy, exactMatch, macroF1, r2, mae, pointingGame, meanDistance on hand cases", () => {
  assert.equal(accuracy(["a", "b"], ["a", "c"]), 0.5);
  assert.equal(
    exactMatch(
      [[1, 2], [3]],
      [
        [1, 2],
        [3, 4],
      ],
    ),
    0.5,
  );
  assert.equal(macroF1([1, 1, 1], [1, 1, 1]), 1);
  assert.equal(r2([1, 2, 3], [1, 2, 3]), 1);
  assert.ok(Math.abs(r2([2, 2, 2], [1, 2, 3])) < 1e-15, "predicting the mean gives R² = 0");
  assert.equal(mae([0, 0], [1, -3]), 2);
  assert.equal(pointingGame([[0, 0]], [[3, 3]], 3), 1);
  assert.equal(pointingGame([[0, 0]], [[3, 4]], 3), 0);
  assert.equal(meanDistance([[0, 0]], [[3, 4]]), 5);
});

test("metrics name the arguments and lengths on bad input instead of returning NaN", () => {
  assert.throws(() => accuracy([1, 2], [1]), /accuracy: predicted has 2 entries but expected has 1/);
  assert.throws(() => rocAuc([], []), /rocAuc: scores and labels are empty/);
  assert.throws(() => rocAuc([0.1, Number.NaN], [0, 1]), /rocAuc: scores\[1\] is NaN/);
  assert.throws(() => rocAuc([0.1, 0.2], [1, 1]), /2 positives and 0 negatives/);
  assert.throws(() => rocAuc([0.1, 0.2], [1, 2]), /labels\[1\] is 2/);
  assert.throws(() => r2([1, 2], [3, 3]), /actual is constant/);
  assert.throws(() => mae([1], [Number.POSITIVE_INFINITY]), /mae: actual\[0\] is Infinity/);
  assert.throws(() => bleu([["a"]], [["a"]], { maxN: 0 }), /maxN must be ≥ 1/);
  assert.throws(() => pointingGame([[0, 0]], [[0, 0]], -1), /tolerance must be ≥ 0/);
});

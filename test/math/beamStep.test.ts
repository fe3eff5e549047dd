/**
 * beamStep (notebook 09, exercise 3): one beam-search step on plain arrays against a brute-force enumeration
 * written here (every (beam, token) pair, its sum, a full sort), ties, k larger than n·V, and bad input.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { beamStep } from "../../lib/math/beamStep.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { assertClose } from "../helpers.js";

test("a hand example: the best beam's two tokens beat the second beam's best", () => {
  const r = beamStep(
    [-0.1, -2.3],
    [
      [-1.2, -0.4],
      [-0.1, -2.4],
    ],
    3,
  );
  assert.deepEqual(
    r.kept.map((c) => [c.beam, c.token]),
    [
      [0, 1],
      [0, 0],
      [1, 0],
    ],
  );
  assertClose(
    r.kept.map((c) => c.logProb),
    [-0.5, -1.3, -2.4],
    1e-12,
  );
  assert.equal(r.candidates.length, 4);
});

test("equals brute force on random log-probabilities", () => {
  const rng = mulberry32(9);
  for (let trial = 0; trial < 20; trial++) {
    const n = 1 + (trial % 4);
    const v = 3 + (trial % 5);
    const logRow = () => {
      const z = Array.from({ length: v }, () => 3 * rng.next());
      const lse = Math.log(z.reduce((s, x) => s + Math.exp(x), 0));
      return z.map((x) => x - lse);
    };
    const next = Array.from({ length: n }, logRow);
    const scores = Array.from({ length: n }, () => -5 * rng.next());
    const k = 1 + (trial % 6);
    const all: [number, number, number][] = [];
    for (let b = 0; b < n; b++) for (let t = 0; t < v; t++) all.push([scores[b]! + next[b]![t]!, b, t]);
    all.sort((x, y) => y[0] - x[0]);
    const got = beamStep(scores, next, k).kept;
    assert.equal(got.length, Math.min(k, n * v));
    got.forEach((c, i) => {
      assert.deepEqual([c.beam, c.token], [all[i]![1], all[i]![2]], `trial ${trial} rank ${i}`);
      assertClose(c.logProb, all[i]![0], 1e-12);
    });
  }
});

test("ties keep the lower beam, then the lower token; k ≥ n·V keeps every candidate", () => {
  const r = beamStep(
    [0, 0],
    [
      [-1, -1],
      [-1, -1],
    ],
    10,
  );
  assert.deepEqual(
    r.kept.map((c) => [c.beam, c.token]),
    [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ],
  );
});

test("bad input names the argument", () => {
  const rows: [() => unknown, RegExp][] = [
    [
      () =>
        beamStep(
          [0],
          [
            [0, -1],
            [0, -1],
          ],
          2,
        ),
      /nextLogProbs has 2 rows but hypothesisLogProbs has 1/,
    ],
    [() => beamStep([0], [[0, -1]], 0), /beamStep: k must be an integer ≥ 1, got 0/],
    [() => beamStep([0], [[0, -1]], 1.5), /k must be an integer ≥ 1/],
    [() => beamStep([], [[0]], 1), /beamStep: hypothesisLogProbs must have at least one entry/],
    [() => beamStep([Number.NaN], [[0]], 1), /hypothesisLogProbs\[0\]/],
    [() => beamStep([0], [[0], [1, 2]], 1), /nextLogProbs is ragged/],
    [() => beamStep([0], "x" as unknown as number[][], 1), /nextLogProbs must be a matrix/],
  ];
  for (const [f, message] of rows) assert.throws(f, message);
});

/**
 * Tier 1 token cross-entropy with label smoothing (issue #18), on hand-checkable numbers: ln 2 for two equal
 * logits, ln V for uniform logits at any ε, a worked ε = 0.2 example, the smoothed target distribution (rows sum
 * to 1, ε/V on every class, zeros at padding), the identity L = (1 − ε)·NLL + ε·mean_v(−log p), padding = leaving
 * the pad rows out, shift invariance and huge logits.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { crossEntropy } from "../../lib/math/crossEntropy.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { assertClose } from "../helpers.js";

test("two equal logits give ln 2; uniform logits give ln V whatever ε", () => {
  assertClose(crossEntropy([[0, 0]], [1]).loss, Math.log(2), 1e-15);
  for (const labelSmoothing of [0, 0.1, 0.3, 0.9]) {
    assertClose(crossEntropy([[2, 2, 2, 2, 2]], [3], { labelSmoothing }).loss, Math.log(5), 1e-12);
  }
});

test("a worked example: logits [0, ln 3], target 1, ε 0.2", () => {
  // p = [1/4, 3/4], q = [0.2/2, 0.8 + 0.2/2] = [0.1, 0.9], ℓ = −(0.1 ln 1/4 + 0.9 ln 3/4)
  const t = crossEntropy([[0, Math.log(3)]], [1], { labelSmoothing: 0.2 });
  assertClose(t.logProbs, [[Math.log(0.25), Math.log(0.75)]], 1e-15);
  assertClose(t.smoothedTargets, [[0.1, 0.9]], 1e-15);
  assertClose(t.loss, -(0.1 * Math.log(0.25) + 0.9 * Math.log(0.75)), 1e-15);
  assertClose(t.loss, 0.397543, 1e-6);
});

test("the smoothed targets: one-hot at ε 0, ε/V everywhere plus 1 − ε on the target, zeros at padding", () => {
  const z = [
    [1, 2, 3, 4],
    [0, 0, 0, 0],
    [4, 3, 2, 1],
  ];
  assert.deepEqual(crossEntropy(z, [2, 0, 1]).smoothedTargets, [
    [0, 0, 1, 0],
    [1, 0, 0, 0],
    [0, 1, 0, 0],
  ]);
  const t = crossEntropy(z, [2, 0, 1], { padId: 0, labelSmoothing: 0.4 });
  assertClose(
    t.smoothedTargets,
    [
      [0.1, 0.1, 0.7, 0.1],
      [0, 0, 0, 0],
      [0.1, 0.7, 0.1, 0.1],
    ],
    1e-15,
  );
  assert.deepEqual(t.counted, [true, false, true]);
  assert.equal(t.count, 2);
  assert.equal(t.perToken[1], 0);
});

test("L = (1 − ε)·NLL + ε·mean_v(−log p), and padding = leaving the pad rows out", () => {
  const rng = mulberry32(7);
  const z = rng.matrix(6, 9, -4, 4);
  const y = [3, 0, 8, 0, 5, 1];
  for (const eps of [0, 0.1, 0.3]) {
    const t = crossEntropy(z, y, { padId: 0, labelSmoothing: eps });
    const rows = [0, 2, 4, 5];
    const nll = rows.reduce((s, i) => s - t.logProbs[i]![y[i]!]!, 0) / rows.length;
    const uniform = rows.reduce((s, i) => s - t.logProbs[i]!.reduce((a, b) => a + b, 0) / 9, 0) / rows.length;
    assertClose(t.loss, (1 - eps) * nll + eps * uniform, 1e-12, `ε ${eps}`);
    const kept = crossEntropy(
      rows.map((i) => z[i]!),
      rows.map((i) => y[i]!),
      { labelSmoothing: eps },
    );
    assertClose(t.loss, kept.loss, 1e-12, `ε ${eps}, pad rows left out`);
  }
});

test("adding a constant to a row changes nothing; logits of 1e4 stay finite", () => {
  const a = crossEntropy([[1, -2, 0.5]], [2], { labelSmoothing: 0.1 });
  const b = crossEntropy([[1001, 998, 1000.5]], [2], { labelSmoothing: 0.1 });
  assertClose(b.loss, a.loss, 1e-10);
  const big = crossEntropy([[1e4, 0, -1e4]], [0], { labelSmoothing: 0.3 });
  assert.ok(Number.isFinite(big.loss));
  assertClose(big.loss, (0.3 / 3) * (0 + 1e4 + 2e4), 1e-6); // −Σ q log p with log p = [0, −1e4, −2e4]
});

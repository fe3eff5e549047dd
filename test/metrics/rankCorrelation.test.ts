/**
 * Rank agreement against hand computations and independent formulas: Spearman's ρ without ties equals
 * 1 − 6Σd²/(n(n²−1)); Kendall's τ without ties equals 1 − 4·inversions/(n(n−1)); τ_b with ties by counting pairs
 * by hand; and the errors (lengths, one entry, NaN, not arrays).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { averageRanks, kendallTau, pearson, rankAgreement, spearman } from "../../lib/metrics/index.js";
import { mulberry32 } from "../../lib/random/prng.js";

const near = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test("averageRanks: tied values share the mean of the ranks they span", () => {
  assert.deepEqual(averageRanks([10, 20, 30]), [1, 2, 3]);
  assert.deepEqual(averageRanks([0.3, 0.1, 0.3, 0.9]), [2.5, 1, 2.5, 4]);
  assert.deepEqual(averageRanks([5, 5, 5]), [2, 2, 2]);
});

test("spearman without ties equals 1 − 6Σd²/(n(n²−1)); kendallTau equals 1 − 4·inversions/(n(n−1))", () => {
  const rng = mulberry32(7);
  for (let trial = 0; trial < 20; trial++) {
    const n = 3 + rng.int(0, 12);
    const a = rng.shuffle(Array.from({ length: n }, (_, i) => i + 1));
    const b = rng.shuffle(Array.from({ length: n }, (_, i) => i + 1));
    const d2 = a.reduce((s, r, i) => s + (r - b[i]!) ** 2, 0);
    near(spearman(a, b), 1 - (6 * d2) / (n * (n * n - 1)));
    let inversions = 0;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) if ((a[i]! - a[j]!) * (b[i]! - b[j]!) < 0) inversions++;
    near(kendallTau(a, b), 1 - (4 * inversions) / (n * (n - 1)));
  }
});

test("spearman, kendallTau and pearson by hand, ties included", () => {
  // ranks of a: [1, 2, 3, 4]; of b: [1, 2.5, 2.5, 4]
  const [a, b] = [
    [1, 2, 3, 4],
    [0, 1, 1, 2],
  ];
  // centred ranks: a −1.5 −0.5 0.5 1.5, b −1.5 0 0 1.5: Σab = 4.5, Σa² = 5, Σb² = 4.5
  near(spearman(a, b), 4.5 / Math.sqrt(5 * 4.5));
  // pairs: (0,1) c, (0,2) c, (0,3) c, (1,2) tie in b, (1,3) c, (2,3) c: 5 concordant, 0 discordant, t_b = 1
  near(kendallTau(a, b), 5 / Math.sqrt(6 * 5));
  // b̄ = 13/3: centred a −1 0 1, b −7/3 −1/3 8/3: Σab = 5, Σa² = 2, Σb² = 38/3
  near(pearson([1, 2, 3], [2, 4, 7]), 5 / Math.sqrt(2 * (38 / 3)));
  near(pearson([1, 2, 3], [1, 2, 3]), 1);
  near(spearman([1, 2, 3], [30, 20, 10]), -1);
  near(kendallTau([1, 2, 3], [30, 20, 10]), -1);
});

test("a constant side gives 0, never NaN", () => {
  for (const f of [pearson, spearman, kendallTau]) {
    assert.equal(f([1, 1, 1], [1, 2, 3]), 0);
    assert.equal(f([1, 2, 3], [4, 4, 4]), 0);
  }
});

test("rankAgreement: ρ, τ and whether the maxima fall on the same item", () => {
  const r = rankAgreement([0.1, 0.6, 0.3], [0, 0.2, 0.5]);
  near(r.spearman, 0.5);
  near(r.kendall, 1 / 3);
  assert.equal(r.top1, false);
  assert.equal(rankAgreement([0.1, 0.6, 0.3], [0, 0.9, 0.5]).top1, true);
});

test("bad input names the function, the argument and what is allowed", () => {
  assert.throws(() => spearman([1, 2], [1, 2, 3]), /spearman: a has 2 entries but b has 3/);
  assert.throws(
    () => kendallTau([1], [2]),
    /kendallTau: a and b have 1 entry; a correlation needs at least 2/,
  );
  assert.throws(() => pearson([1, Number.NaN], [1, 2]), /pearson: a\[1\] is NaN, not a finite number/);
  assert.throws(() => rankAgreement([1, 2], [1, Infinity]), /rankAgreement: b\[1\] is Infinity/);
  assert.throws(() => spearman([], []), /spearman: a and b are empty/);
  assert.throws(
    () => spearman("12" as unknown as number[], [1, 2]),
    /spearman: a and b must be arrays of numbers/,
  );
  assert.throws(() => averageRanks([1, Number.NaN]), /averageRanks: values\[1\] is NaN/);
});

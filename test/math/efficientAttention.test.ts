/**
 * Efficient attention in tier 1. slidingWindowMask against its definition written out here (band ∨ global row ∨
 * global column, AND causal), attend under it equal to attend over each row's kept keys alone, and
 * slidingWindowPairs equal to the mask's count; linearAttend against the quadratic form computed here from φ by
 * hand (weights φ(q_i)·φ(k_j) normalised, times V, causal by truncating the sum) to 1e-12, for T = S and T ≠ S;
 * attentionCost by formula; bad input as clear errors naming the argument.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  attend,
  attentionCost,
  eluFeatureMap,
  linearAttend,
  linearAttentionWeights,
  localMask,
  type Matrix,
  slidingWindowMask,
  slidingWindowPairs,
} from "../../lib/math/index.js";
import { mulberry32 } from "../../lib/random/prng.js";

const maxDiff = (a: Matrix, b: Matrix) => {
  assert.deepEqual([a.length, a[0]!.length], [b.length, b[0]!.length]);
  return Math.max(...a.flatMap((r, i) => r.map((x, j) => Math.abs(x - b[i]![j]!))));
};

test("slidingWindowMask is band ∨ global row ∨ global column (AND j ≤ i when causal), for many cases", () => {
  const rng = mulberry32(7);
  for (let c = 0; c < 60; c++) {
    const n = 1 + Math.floor(rng.next() * 12);
    const window = Math.floor(rng.next() * 4);
    const globalTokens = [
      ...new Set(Array.from({ length: Math.floor(rng.next() * 3) }, () => Math.floor(rng.next() * n))),
    ];
    const causal = rng.next() < 0.5;
    const m = slidingWindowMask(n, { window, globalTokens, causal });
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const keep =
          (Math.abs(i - j) <= window || globalTokens.includes(i) || globalTokens.includes(j)) &&
          (!causal || j <= i);
        assert.equal(m[i]![j], keep, `n ${n} w ${window} G ${globalTokens} causal ${causal} [${i}, ${j}]`);
      }
    const count = m.flat().filter(Boolean).length;
    const p = slidingWindowPairs(n, { window, globalTokens, causal });
    assert.equal(p.pairs, count);
    assert.equal(p.fullPairs, causal ? (n * (n + 1)) / 2 : n * n);
    assert.equal(p.fraction, count / p.fullPairs);
  }
  assert.deepEqual(
    slidingWindowMask(5, { window: 1 }),
    localMask(5, 5, 1),
    "no global tokens: the band of localMask",
  );
  assert.deepEqual(
    slidingWindowMask(4, { window: 1, globalTokens: [0] }).map((r) => r.map((x) => (x ? 1 : 0)).join("")),
    ["1111", "1110", "1111", "1011"],
  );
});

test("attend under the sliding-window mask equals attend over each query's kept keys alone", () => {
  const rng = mulberry32(3);
  const [n, d] = [9, 3];
  const [q, k, v] = [rng.matrix(n, d, -1, 1), rng.matrix(n, d, -1, 1), rng.matrix(n, 2, -1, 1)];
  const mask = slidingWindowMask(n, { window: 1, globalTokens: [0, 5] });
  const out = attend(q, k, v, { mask }).output;
  for (let i = 0; i < n; i++) {
    const kept = mask[i]!.flatMap((keep, j) => (keep ? [j] : []));
    const alone = attend(
      [q[i]!],
      kept.map((j) => k[j]!),
      kept.map((j) => v[j]!),
      { scale: 1 / Math.sqrt(d) },
    );
    assert.ok(maxDiff([out[i]!], alone.output) < 1e-12, `row ${i}`);
  }
});

test("slidingWindowPairs is linear in n for a fixed window: at most n(2w + 1) + 2|G|n", () => {
  for (const n of [100, 1000, 10000]) {
    const { pairs } = slidingWindowPairs(n, { window: 8 });
    assert.equal(pairs, n * 17 - 8 * 9, `${n}`); // the band loses w(w+1)/2 pairs at each end
    const g = slidingWindowPairs(n, { window: 8, globalTokens: [0] }).pairs;
    assert.ok(g <= n * 17 + 2 * n && g > pairs);
  }
});

/** φ(x) = elu(x) + 1 by its definition. */
const phi = (x: number) => (x > 0 ? x + 1 : Math.exp(x) - 1 + 1);

/** The quadratic form, written out: O_i = Σ_j w_ij v_j with w_ij = φ(q_i)·φ(k_j) / Σ_j' (j, j' ≤ i when causal). */
function quadratic(q: Matrix, k: Matrix, v: Matrix, causal: boolean): { weights: Matrix; output: Matrix } {
  const weights = q.map((qi, i) => {
    const kern = k.map((kj, j) =>
      causal && j > i ? 0 : qi.reduce((s, x, c) => s + phi(x) * phi(kj[c]!), 0),
    );
    const sum = kern.reduce((a, b) => a + b, 0);
    return kern.map((x) => x / sum);
  });
  const output = weights.map((w) => v[0]!.map((_, c) => w.reduce((s, wj, j) => s + wj * v[j]![c]!, 0)));
  return { weights, output };
}

test("linearAttend equals the quadratic form φ(q)·φ(k) normalised times V (1e-12), causal or not, T = S and T ≠ S", () => {
  const rng = mulberry32(11);
  for (const [t, s, d, dv] of [
    [5, 5, 3, 2],
    [3, 7, 4, 3],
    [8, 4, 2, 5],
    [1, 1, 1, 1],
  ] as const) {
    const [q, k, v] = [rng.matrix(t, d, -2, 2), rng.matrix(s, d, -2, 2), rng.matrix(s, dv, -3, 3)];
    for (const causal of [false, true]) {
      const tr = linearAttend(q, k, v, { causal });
      const ref = quadratic(q, k, v, causal);
      assert.ok(maxDiff(tr.output, ref.output) < 1e-12, `${t}×${s} causal ${causal}`);
      assert.ok(maxDiff(linearAttentionWeights(q, k, { causal }), ref.weights) < 1e-12);
      // the summaries by their definitions
      const kv = Array.from({ length: d }, (_, a) =>
        v[0]!.map((_, c) => k.reduce((acc, kj, j) => acc + phi(kj[a]!) * v[j]![c]!, 0)),
      );
      assert.ok(maxDiff(tr.kv, kv) < 1e-12);
      assert.ok(maxDiff([tr.z], [k[0]!.map((_, a) => k.reduce((acc, kj) => acc + phi(kj[a]!), 0))]) < 1e-12);
      assert.ok(tr.normaliser.every((x) => x > 0));
      assert.equal(tr.kvPrefix !== undefined, causal);
      if (causal) {
        assert.equal(tr.kvPrefix!.length, t);
        assert.ok(maxDiff(tr.kvPrefix!.at(-1)!, t >= s ? kv : tr.kvPrefix!.at(-1)!) < 1e-12);
      }
      assert.deepEqual(tr.shapes.kv, [d, dv]);
      assert.deepEqual(tr.shapes.output, [t, dv]);
    }
  }
  const big = linearAttend(
    [[50, -50]],
    [
      [40, 0],
      [-60, 10],
    ],
    [
      [1, 0],
      [0, 1],
    ],
  );
  assert.ok(big.output.flat().every(Number.isFinite), "large entries: φ is at most linear, no overflow");
});

test("eluFeatureMap is elu + 1; linearAttend's doc example", () => {
  assert.deepEqual(eluFeatureMap([[1, 0, -1]]), [[2, 1, Math.exp(-1)]]);
  const t = linearAttend(
    [[0, 0]],
    [
      [1, 0],
      [0, 1],
    ],
    [
      [1, 0],
      [0, 1],
    ],
  );
  assert.deepEqual(t.kv, [
    [2, 1],
    [1, 2],
  ]);
  assert.deepEqual(t.normaliser, [6]);
  assert.deepEqual(t.output, [[0.5, 0.5]]);
  assert.deepEqual(
    t.steps.map((s) => s.name),
    ["phiQueries", "phiKeys", "kv", "z", "numerator", "normaliser", "output"],
  );
});

test("attentionCost: n² pairs and held scores for full, the mask's pairs for sliding window, a d × d_v summary for linear", () => {
  const [d, dv] = [16, 8];
  for (const n of [64, 512]) {
    const full = attentionCost(n, { kind: "full", dim: d, valueDim: dv });
    assert.equal(full.pairs, n * n);
    assert.equal(full.flops, n * n * (2 * d + 3 + 2 * dv));
    assert.equal(full.held, n * n);
    assert.equal(attentionCost(n, { kind: "full", dim: d, causal: true }).pairs, (n * (n + 1)) / 2);
    const sw = attentionCost(n, {
      kind: "slidingWindow",
      dim: d,
      valueDim: dv,
      window: 4,
      globalTokens: [0],
    });
    assert.equal(sw.pairs, slidingWindowPairs(n, { window: 4, globalTokens: [0] }).pairs);
    assert.equal(sw.held, sw.pairs);
    const lin = attentionCost(n, { kind: "linear", dim: d, valueDim: dv });
    assert.equal(lin.pairs, 0);
    assert.equal(lin.held, d * dv + d);
    assert.equal(lin.flops, n * (4 * d * dv + 5 * d + dv));
  }
  const ratio = (kind: "full" | "linear") =>
    attentionCost(2048, { kind, dim: 8 }).flops / attentionCost(1024, { kind, dim: 8 }).flops;
  assert.equal(ratio("full"), 4);
  assert.equal(ratio("linear"), 2);
});

test("bad input: clear errors naming the argument, the value and what is allowed", () => {
  const err = (f: () => unknown, re: RegExp) => assert.throws(f, re);
  err(
    () => slidingWindowMask(4, { window: -1 }),
    /slidingWindowMask: options.window must be an integer ≥ 0, got -1/,
  );
  err(() => slidingWindowMask(4, {} as never), /options.window is required/);
  err(
    () => slidingWindowMask(4, { window: 1, globalTokens: [4] }),
    /globalTokens\[0\] must be a position, an integer in \[0, 4\), got 4/,
  );
  err(() => slidingWindowMask(4, { window: 1, globalTokens: [1, 1] }), /lists position 1 twice/);
  err(() => slidingWindowMask(4, { window: 1, globalTokens: 2 as never }), /globalTokens must be an array/);
  err(
    () => slidingWindowMask(4, { window: 1, global: [0] } as never),
    /unknown option "global"; allowed options: window, globalTokens, causal/,
  );
  err(
    () => slidingWindowMask(0, { window: 1 }),
    /slidingWindowMask: length must be a positive integer, got 0/,
  );
  err(() => slidingWindowPairs(2.5, { window: 1 }), /slidingWindowPairs: length/);
  err(
    () => linearAttend([[1, 2]], [[1, 2, 3]], [[1]]),
    /linearAttend: queries \[1, 2\] and keys \[1, 3\] must have the same width/,
  );
  err(() => linearAttend([[1]], [[1], [2]], [[1]]), /values \[1, 1\] must have one row per key/);
  err(
    () => linearAttend([[1]], [[1]], [[1]], { casual: true } as never),
    /unknown option "casual" \(did you mean "causal"\?\)/,
  );
  err(() => linearAttend([[1]], [[1]], [[1]], { causal: 1 } as never), /options.causal must be a boolean/);
  err(() => linearAttend([[Number.NaN]], [[1]], [[1]]), /linearAttend: queries/);
  err(
    () => linearAttentionWeights([[1]], [[1, 2]]),
    /linearAttentionWeights: queries \[1, 1\] and keys \[1, 2\]/,
  );
  err(
    () => attentionCost(8, { kind: "sparse" } as never),
    /options.kind must be one of "full", "slidingWindow", "linear"/,
  );
  err(() => attentionCost(8, { kind: "slidingWindow", dim: 2 }), /needs options.window/);
  err(() => attentionCost(8, { kind: "linear", dim: 2, window: 1 }), /are for kind "slidingWindow"/);
  err(() => attentionCost(0, { kind: "full", dim: 2 }), /attentionCost: n must be a positive integer/);
});

/**
 * Online softmax against the safe three-pass softmax (1e-12) and against running statistics recomputed here from
 * each prefix (m = max of the prefix, l = Σ e^{(x − m)/τ} over it): seeded random vectors, every block size,
 * temperatures, masked entries, fully masked vectors, logits far beyond exp's range; bad input is an error.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { onlineSoftmax, onlineUpdate, softmax } from "../../lib/math/index.js";
import { mulberry32 } from "../../lib/random/prng.js";

const TOL = 1e-12;

/** A seeded vector of n logits in ±spread, each masked (−∞) with probability `masked`. */
function logits(seed: number, n: number, spread: number, masked: number): number[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => (rng.next() < masked ? -Infinity : rng.uniform(-spread, spread)));
}

/** (m, l) of x_0 … x_{end−1}, computed directly: the max, then the shifted sum (the 3-pass way). */
function prefixStats(x: number[], end: number, tau: number): { max: number; sum: number } {
  const prefix = x.slice(0, end);
  const max = prefix.reduce((a, b) => Math.max(a, b), -Infinity);
  if (max === -Infinity) return { max, sum: 0 };
  return { max, sum: prefix.reduce((s, v) => s + (v === -Infinity ? 0 : Math.exp((v - max) / tau)), 0) };
}

const closeTo = (a: number, b: number, what: string) =>
  assert.ok(a === b || Math.abs(a - b) <= TOL * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test("equals softmax to 1e-12 and (m, l) after every step equal the prefix statistics", () => {
  let cases = 0;
  for (let seed = 0; seed < 120; seed++) {
    const rng = mulberry32(1000 + seed);
    const n = rng.int(1, 24);
    const spread = rng.pick([1, 10, 100, 2000]); // 2000: e^{2000} overflows a naive softmax
    const x = logits(seed, n, spread, rng.pick([0, 0.2, 0.6, 1]));
    const temperature = rng.pick([1, 0.25, 3]);
    for (let blockSize = 1; blockSize <= n + 1; blockSize++) {
      const t = onlineSoftmax(x, { temperature, blockSize });
      const want = softmax(x, { temperature });
      t.probabilities.forEach((p, i) => {
        assert.ok(Number.isFinite(p), `seed ${seed}: p[${i}] = ${p}`);
        closeTo(p, want[i]!, `seed ${seed} B=${blockSize} p[${i}]`);
      });
      assert.equal(t.steps.length, Math.ceil(n / blockSize));
      for (const s of t.steps) {
        assert.equal(s.end - s.start, Math.min(blockSize, n - s.start));
        const { max, sum } = prefixStats(x, s.end, temperature);
        assert.equal(s.max, max);
        closeTo(s.sum, sum, `seed ${seed} l after ${s.end}`);
        assert.equal(s.blockMax, Math.max(...x.slice(s.start, s.end)));
      }
      const last = prefixStats(x, n, temperature);
      assert.equal(t.max, last.max);
      closeTo(t.sum, last.sum, `seed ${seed} final l`);
      cases++;
    }
  }
  assert.ok(cases > 1000, `${cases} cases`);
});

test("the rescale factor: 1 while the max stays, e^{(m_old − m)/τ} when it grows, 0 after only masked entries", () => {
  const t = onlineSoftmax([-Infinity, 2, 1, 4, 4], { temperature: 2 });
  assert.deepEqual(
    t.steps.map((s) => s.max),
    [-Infinity, 2, 2, 4, 4],
  );
  assert.deepEqual(
    t.steps.map((s) => s.rescale),
    [1, 0, 1, Math.exp((2 - 4) / 2), 1],
  );
  closeTo(t.steps[2]!.sum, 1 + Math.exp(-1 / 2), "l after [2, 1]");
  closeTo(t.steps[3]!.sum, (1 + Math.exp(-1 / 2)) * Math.exp(-1) + 1, "l after [2, 1, 4]");
  assert.deepEqual(onlineUpdate(-Infinity, 0, [-Infinity], 1), { max: -Infinity, rescale: 1, sum: 0 });
});

test("masked entries get exactly 0; a fully masked vector gives all zeros, as softmax", () => {
  const all = onlineSoftmax([-Infinity, -Infinity, -Infinity], { blockSize: 2 });
  assert.deepEqual(all.probabilities, [0, 0, 0]);
  assert.deepEqual([all.max, all.sum], [-Infinity, 0]);
  assert.deepEqual(all.probabilities, softmax([-Infinity, -Infinity, -Infinity]));
  const some = onlineSoftmax([-Infinity, 0, -Infinity, 0]);
  assert.deepEqual(some.probabilities, [0, 0.5, 0, 0.5]);
  const huge = onlineSoftmax([1e300, -1e300, 1e300]);
  assert.deepEqual(huge.probabilities, [0.5, 0, 0.5]);
});

test("typed arrays are read as vectors", () => {
  const x = Float64Array.of(0.5, -1, 2);
  assert.deepEqual(onlineSoftmax(x).probabilities, softmax([0.5, -1, 2]));
});

test("bad input is an error naming the argument and what is allowed", () => {
  const bad: [unknown, unknown, RegExp][] = [
    [[1, Infinity], {}, /x\[1\] is \+Infinity/],
    [[1, Number.NaN], {}, /x\[1\] must be finite, got NaN/],
    [[], {}, /x must have at least one entry/],
    [[[1, 2]], {}, /x\[0\] must be a number/],
    ["abc", {}, /x must be a vector/],
    [[1, 2], { blockSize: 0 }, /options.blockSize must be an integer ≥ 1, got 0/],
    [[1, 2], { blockSize: 1.5 }, /options.blockSize must be an integer ≥ 1, got 1.5/],
    [[1, 2], { blockSize: "2" }, /options.blockSize must be an integer ≥ 1, got "2"/],
    [[1, 2], { temperature: 0 }, /options.temperature must be a finite number > 0, got 0/],
    [[1, 2], { axis: 0 }, /unknown option "axis"; allowed options: temperature, blockSize/],
    [[1, 2], { blocksize: 2 }, /unknown option "blocksize" \(did you mean "blockSize"\?\)/],
  ];
  for (const [x, options, message] of bad) {
    assert.throws(
      () => onlineSoftmax(x as number[], options as object),
      (e: Error) => /^onlineSoftmax: /.test(e.message) && message.test(e.message),
      `${JSON.stringify(x)} ${JSON.stringify(options)}`,
    );
  }
});

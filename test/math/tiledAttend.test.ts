/**
 * tiledAttend against attend (1e-12) for every block size 1…S+1, every mask kind (padding with empty rows,
 * causal, local, explicit with fully masked rows, combinations), dot / scaledDot / cosine, scales and temperatures,
 * over seeded random cases; each block's trace against attention over the keys read so far (attend on the
 * prefix) and against (m, l) recomputed here. tiledAttendBackward against central finite differences of attend
 * (float64), against attendBackward (1e-12) and against the PyTorch float64 autograd references (1e-9). The
 * memory counts by formula, and bad input (block size, unknown keys, untiled scores, shapes) as clear errors.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  type AttendOptions,
  attend,
  attendBackward,
  type BoolMatrix,
  buildMask,
  MASK_SPEC_RULES,
  type MaskSpec,
  type Matrix,
  type TiledAttendOptions,
  tiledAttend,
  tiledAttendBackward,
  tiledAttendMemory,
} from "../../lib/math/index.js";
import { mulberry32 } from "../../lib/random/prng.js";

const TOL = 1e-12;

/** max |a − b| over two matrices of the same shape (asserted). */
function diff(a: Matrix, b: Matrix, what: string): number {
  assert.equal(a.length, b.length, `${what}: rows`);
  let d = 0;
  a.forEach((row, i) => {
    assert.equal(row.length, b[i]!.length, `${what}: row ${i}`);
    row.forEach((x, j) => {
      assert.ok(Number.isFinite(x), `${what}[${i}][${j}] = ${x}`);
      d = Math.max(d, Math.abs(x - b[i]![j]!));
    });
  });
  return d;
}

const cols = <T>(m: T[][], end: number) => m.map((r) => r.slice(0, end));

/** A seeded case: sizes, matrices, and one mask of each kind the rng picks. */
function randomCase(seed: number) {
  const rng = mulberry32(7000 + seed);
  const [t, s, d, dv] = [rng.int(1, 6), rng.int(1, 9), rng.int(1, 5), rng.int(1, 4)];
  const spread = rng.pick([1, 3, 30]); // 30: logits of hundreds, e^{x} far out of range
  const q = rng.matrix(t, d, -spread, spread);
  const [k, v, dO] = [rng.matrix(s, d), rng.matrix(s, dv, -2, 2), rng.matrix(t, dv)];
  const lens = Array.from({ length: t }, () => rng.int(0, s)); // 0: a fully masked row
  const explicit: BoolMatrix = Array.from({ length: t }, () =>
    Array.from({ length: s }, () => rng.next() < 0.5),
  );
  const masks: (MaskSpec | BoolMatrix | undefined)[] = [
    undefined,
    { validLens: lens },
    { causal: true },
    { window: rng.int(0, 3) },
    explicit,
    { validLens: lens, causal: true, window: 2 },
  ];
  // the key/value cache's bottom-right causal mask, where mask.ts has it (query i sees keys j ≤ i + S − T)
  if ("queryOffset" in MASK_SPEC_RULES) masks.push({ causal: true, queryOffset: s - t } as MaskSpec);
  const score = rng.pick(["dot", "scaledDot", "cosine"] as const);
  const extra = rng.pick([{}, { scale: 0.37 }, { temperature: 0.3 }, { scale: 2, temperature: 4 }]);
  return { t, s, q, k, v, dO, masks, options: { score, ...extra } };
}

test("equals attend to 1e-12 for every block size and mask, over seeded cases", () => {
  let cases = 0;
  for (let seed = 0; seed < 60; seed++) {
    const { s, q, k, v, masks, options } = randomCase(seed);
    for (const mask of masks) {
      const want = attend(q, k, v, { ...options, mask } as AttendOptions);
      for (let blockSize = 1; blockSize <= s + 1; blockSize++) {
        const got = tiledAttend(q, k, v, { ...options, mask, blockSize });
        const where = `seed ${seed} ${JSON.stringify(mask)} B=${blockSize}`;
        assert.ok(diff(got.output, want.output, where) <= TOL, where);
        assert.equal(got.blocks.length, Math.ceil(s / Math.min(blockSize, s)));
        assert.equal(got.scale, want.scale);
        cases++;
      }
    }
  }
  assert.ok(cases > 1500, `${cases} cases`);
});

test("each block: (m, l) of the keys read so far, Õ = l · O, and O = attention over those keys", () => {
  for (let seed = 0; seed < 30; seed++) {
    const { s, q, k, v, masks, options } = randomCase(100 + seed);
    const tau = (options as { temperature?: number }).temperature ?? 1;
    for (const mask of masks) {
      const full = mask === undefined ? undefined : buildMask(q.length, s, mask);
      const logits = attend(q, k, v, { ...options, mask } as AttendOptions);
      const z = logits.masked ?? logits.scaledScores ?? logits.scores; // [T, S], −∞ where masked
      for (const blockSize of [1, 2, 3]) {
        for (const b of tiledAttend(q, k, v, { ...options, mask, blockSize }).blocks) {
          assert.equal(b.logits[0]!.length, b.end - b.start, "the block holds B scores per query");
          const seen = attend(q, k.slice(0, b.end), v.slice(0, b.end), {
            ...options,
            mask: full && cols(full, b.end),
          } as AttendOptions);
          assert.ok(diff(b.output, seen.output, `block ${b.start}…${b.end}`) <= TOL);
          z.forEach((row, i) => {
            const m = Math.max(...row.slice(0, b.end));
            const l =
              m === -Infinity ? 0 : row.slice(0, b.end).reduce((a, x) => a + Math.exp((x - m) / tau), 0);
            assert.equal(b.rowMax[i], m);
            assert.ok(Math.abs(b.rowSum[i]! - l) <= TOL * Math.max(1, l), `l ${b.rowSum[i]} vs ${l}`);
            b.partial[i]!.forEach((o, c) =>
              assert.ok(Math.abs(o - l * b.output[i]![c]!) <= 1e-11 * Math.max(1, l)),
            );
          });
        }
      }
    }
  }
});

test("the rescaling in numbers: a later, larger score multiplies the old l and Õ by e^{m_old − m_new}", () => {
  const t = tiledAttend([[1]], [[0], [2], [1]], [[1], [3], [5]], { score: "dot", blockSize: 1 });
  assert.deepEqual(
    t.blocks.map((b) => b.rowMax[0]),
    [0, 2, 2],
  );
  assert.deepEqual(
    t.blocks.map((b) => b.rescale[0]),
    [0, Math.exp(-2), 1],
  );
  const l = 1 + Math.exp(-2) + Math.exp(-1);
  assert.ok(Math.abs(t.rowSum[0]! - l) < TOL);
  assert.ok(Math.abs(t.output[0]![0]! - (Math.exp(-2) * 1 + 3 + Math.exp(-1) * 5) / l) < TOL);
});

test("fully masked rows give zero rows and never NaN; huge logits stay finite", () => {
  const mask = [
    [false, false, false],
    [true, false, true],
  ];
  const t = tiledAttend([[1e3], [1e3]], [[1], [2], [3]], [[1], [2], [3]], {
    score: "dot",
    mask,
    blockSize: 2,
  });
  assert.deepEqual(t.output, [[0], [(Math.exp(-2000) * 1 + 3) / (1 + Math.exp(-2000))]]);
  assert.deepEqual([t.rowMax[0], t.rowSum[0]], [-Infinity, 0]);
  assert.deepEqual(
    t.output,
    attend([[1e3], [1e3]], [[1], [2], [3]], [[1], [2], [3]], { score: "dot", mask }).output,
  );
});

test("memory: one [T, B] block of scores against the [T, S] matrix, as counted by formula", () => {
  const t = tiledAttend(
    mulberry32(1).matrix(5, 3),
    mulberry32(2).matrix(12, 3),
    mulberry32(3).matrix(12, 2),
    {
      blockSize: 4,
    },
  );
  assert.deepEqual(t.memory, {
    fullScores: 60,
    tiledScores: 20,
    statistics: 10,
    output: 10,
    full: 70,
    tiled: 40,
  });
  assert.ok(t.blocks.every((b) => b.logits.length * b.logits[0]!.length <= t.memory.tiledScores));
  assert.equal(tiledAttendMemory(4096, 4096, 128, 64).fullScores, 4096 * 4096);
  assert.equal(tiledAttendMemory(4096, 4096, 128, 64).tiledScores, 4096 * 128);
  assert.equal(tiledAttendMemory(3, 5, 9, 1).tiledScores, 15, "a block larger than S holds S scores");
  for (const bad of [0, 1.5, -2, Number.NaN])
    assert.throws(
      () => tiledAttendMemory(3, 5, bad, 1),
      /tiledAttendMemory: blockSize must be a positive integer/,
    );
});

test("bad input: the block size, unknown keys, untiled scores and shapes are errors naming them", () => {
  const [q, k, v] = [
    [[1, 0]],
    [
      [1, 0],
      [0, 1],
    ],
    [[1], [2]],
  ];
  const bad: [unknown, RegExp][] = [
    [{}, /options.blockSize is required \(an integer ≥ 1\)/],
    [undefined, /options.blockSize is required/],
    [{ blockSize: 0 }, /options.blockSize must be an integer ≥ 1, got 0/],
    [{ blockSize: -1 }, /options.blockSize must be an integer ≥ 1, got -1/],
    [{ blockSize: 1.5 }, /options.blockSize must be an integer ≥ 1, got 1.5/],
    [{ blockSize: Number.NaN }, /options.blockSize must be an integer ≥ 1, got NaN/],
    [{ blockSize: "2" }, /options.blockSize must be an integer ≥ 1, got "2"/],
    [
      { blockSize: 1, casual: true },
      /unknown option "casual"; allowed options: blockSize, score, scale, temperature, mask/,
    ],
    [{ blocksize: 1 }, /unknown option "blocksize" \(did you mean "blockSize"\?\)/],
    [
      { blockSize: 1, score: "additive" },
      /options.score "additive" is not supported here; allowed: dot, scaledDot, cosine/,
    ],
    [
      { blockSize: 1, score: "general", w: [[1]] },
      /options.score "general" is not supported here.*use attend\(\)/,
    ],
    [
      { blockSize: 1, score: "scaled" },
      /options.score must be one of "dot", "scaledDot", "cosine", got "scaled"/,
    ],
    [{ blockSize: 1, temperature: 0 }, /options.temperature must be a finite number > 0/],
    [
      { blockSize: 1, mask: { validLens: [3] } },
      /options.mask.validLens\[0\] must be an integer in \[0, 2\]/,
    ],
    [{ blockSize: 1, mask: [[true]] }, /options.mask has shape \[1, 1\] but the scores have shape \[1, 2\]/],
  ];
  for (const [options, message] of bad) {
    assert.throws(
      () => tiledAttend(q, k, v, options as TiledAttendOptions),
      (e: Error) => e.message.startsWith("tiledAttend: ") && message.test(e.message),
      JSON.stringify(options),
    );
  }
  assert.throws(
    () => tiledAttend(q, k, [[1]], { blockSize: 1 }),
    /tiledAttend: values \[1, 1\] must have one row per key: keys \[2, 2\]/,
  );
  assert.throws(
    () => tiledAttend(q, [[1, 2, 3]], [[1]], { blockSize: 1 }),
    /tiledAttend: queries \[1, 2\] and keys \[1, 3\] must have the same width/,
  );
  assert.throws(
    () => tiledAttend([[Number.NaN, 0]], k, v, { blockSize: 1 }),
    /tiledAttend: queries\[0\]\[0\] must be finite, got NaN/,
  );
});

// ---- the backward pass by recomputation ----

const H = 1e-6;

/** Central differences of L = Σ attend(...).output ⊙ dO with respect to every entry of `x` (mutated and restored). */
function numeric(x: Matrix, loss: () => number): Matrix {
  return x.map((row, i) =>
    row.map((_, j) => {
      const keep = x[i]![j]!;
      x[i]![j] = keep + H;
      const up = loss();
      x[i]![j] = keep - H;
      const down = loss();
      x[i]![j] = keep;
      return (up - down) / (2 * H);
    }),
  );
}

test("backward: dQ, dK, dV equal central finite differences of attend (float64) for masks and block sizes", () => {
  for (let seed = 0; seed < 12; seed++) {
    const { s, q, k, v, dO, masks } = randomCase(300 + seed);
    const qs = q.map((r) => r.map((x) => x / 10)); // keep the logits moderate: finite differences need curvature
    const options = mulberry32(seed).pick([{ score: "dot" as const }, { scale: 0.6, temperature: 0.8 }, {}]);
    for (const mask of masks) {
      const loss = () =>
        attend(qs, k, v, { ...options, mask } as AttendOptions).output.reduce(
          (a, r, i) => a + r.reduce((b, o, c) => b + o * dO[i]![c]!, 0),
          0,
        );
      const [nq, nk, nv] = [numeric(qs, loss), numeric(k, loss), numeric(v, loss)];
      for (const blockSize of [1, 2, s]) {
        const g = tiledAttendBackward(qs, k, v, dO, { ...options, mask, blockSize });
        const where = `seed ${seed} ${JSON.stringify(mask)} B=${blockSize}`;
        assert.ok(diff(g.dQueries, nq, `${where} dQ`) < 1e-7, where);
        assert.ok(diff(g.dKeys, nk, `${where} dK`) < 1e-7, where);
        assert.ok(diff(g.dValues, nv, `${where} dV`) < 1e-7, where);
      }
    }
  }
});

test("backward: equal to attendBackward to 1e-12; recomputed P, dP and dS are attend's, block by block", () => {
  for (let seed = 0; seed < 40; seed++) {
    const { s, q, k, v, dO, masks, options } = randomCase(500 + seed);
    const opts = { ...options, score: options.score === "cosine" ? ("scaledDot" as const) : options.score };
    for (const mask of masks) {
      const want = attendBackward(q, k, v, dO, { ...opts, mask } as AttendOptions);
      for (let blockSize = 1; blockSize <= s; blockSize++) {
        const g = tiledAttendBackward(q, k, v, dO, { ...opts, mask, blockSize });
        const where = `seed ${seed} ${JSON.stringify(mask)} B=${blockSize}`;
        const scaleOf = (m: Matrix) => Math.max(1, ...m.flat().map(Math.abs));
        for (const name of ["dQueries", "dKeys", "dValues"] as const)
          assert.ok(
            diff(g[name], want[name], `${where} ${name}`) <= TOL * scaleOf(want[name]),
            `${where} ${name}`,
          );
        assert.ok(diff(g.output, want.trace.output, where) <= TOL);
        for (const b of g.blocks) {
          const part = (m: Matrix) => m.map((r) => r.slice(b.start, b.end));
          assert.ok(diff(b.weights, part(want.trace.weights), `${where} P`) <= TOL);
          assert.ok(diff(b.dWeights, part(want.dWeights), `${where} dP`) <= TOL);
          assert.ok(diff(b.dScores, part(want.dScores), `${where} dS`) <= TOL * scaleOf(want.dScores));
        }
        // D = rowsum(dO ⊙ O) equals rowsum(P ⊙ dP), the term it replaces
        want.trace.weights.forEach((p, i) => {
          const d = p.reduce((a, pij, j) => a + pij * want.dWeights[i]![j]!, 0);
          assert.ok(Math.abs(g.delta[i]! - d) <= 1e-12 * Math.max(1, Math.abs(d)));
        });
      }
    }
  }
});

interface Reference {
  name: string;
  options: AttendOptions;
  queries: Matrix;
  keys: Matrix;
  values: Matrix;
  dOutput: Matrix;
  output: Matrix;
  dQueries: Matrix;
  dKeys: Matrix;
  dValues: Matrix;
}

test("forward and backward equal the PyTorch float64 autograd references (1e-9) for every block size", () => {
  const url = "test/fixtures/pytorch/attention-gradients.json";
  const refs = (JSON.parse(readFileSync(url, "utf8")) as { attention: Reference[] }).attention.filter((r) =>
    ["dot", "scaledDot", undefined].includes(r.options.score),
  );
  assert.ok(refs.length >= 5, `${refs.length} dot/scaledDot references`);
  for (const r of refs) {
    const options = r.options as Omit<TiledAttendOptions, "blockSize">;
    for (let blockSize = 1; blockSize <= r.keys.length; blockSize++) {
      const g = tiledAttendBackward(r.queries, r.keys, r.values, r.dOutput, { ...options, blockSize });
      assert.ok(
        diff(tiledAttend(r.queries, r.keys, r.values, { ...options, blockSize }).output, r.output, r.name) <
          1e-9,
      );
      for (const name of ["dQueries", "dKeys", "dValues"] as const)
        assert.ok(diff(g[name], r[name], `${r.name} ${name}`) < 1e-9);
    }
  }
});

test("backward: fully masked rows pass nothing back; bad input names tiledAttendBackward", () => {
  const [q, k, v] = [
    [
      [1, 2],
      [3, 4],
    ],
    [
      [1, 0],
      [0, 1],
      [1, 1],
    ],
    [[1], [2], [3]],
  ];
  const g = tiledAttendBackward(q, k, v, [[1], [1]], { blockSize: 2, mask: { validLens: [0, 3] } });
  assert.deepEqual(g.dQueries[0], [0, 0]);
  assert.equal(g.delta[0], 0);
  assert.throws(
    () => tiledAttendBackward(q, k, v, [[1], [1]], { blockSize: 1, score: "cosine" }),
    /tiledAttendBackward: options.score "cosine" is not supported here; allowed: dot, scaledDot.*attendBackward\(\)/,
  );
  assert.throws(
    () => tiledAttendBackward(q, k, v, [[1, 2]], { blockSize: 1 }),
    /tiledAttendBackward: dOutput has shape \[1, 2\] but the output has shape \[2, 1\]/,
  );
  assert.throws(
    () => tiledAttendBackward(q, k, v, [[1], [1]], { blockSize: 0 }),
    /tiledAttendBackward: options.blockSize must be an integer ≥ 1/,
  );
  assert.throws(
    () => tiledAttendBackward(q, k, v, [[1], [Number.NaN]], { blockSize: 1 }),
    /tiledAttendBackward: dOutput\[1\]\[0\] must be finite/,
  );
});

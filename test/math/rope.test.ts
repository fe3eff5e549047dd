/**
 * applyRope (issue #19 item 4): both layouts equal PyTorch's two formulations (complex multiplication for
 * interleaved pairs, rotate_half for half pairs; scripts/references/rope.py) to 1e-9; the score of a rotated query
 * and key depends only on their positions' difference; the interleaved rotation is notebook 05's R(δ); bad input
 * is refused naming the argument.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { applyRope, matmul, positionalShift, transpose } from "../../lib/math/index.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { assertClose } from "../helpers.js";

interface RopeCase {
  name: string;
  base: number;
  positions: number[];
  x: number[][];
  keys: number[][];
  interleaved: { output: number[][]; keysOutput: number[][]; scores: number[][] };
  half: { output: number[][]; keysOutput: number[][]; scores: number[][] };
}
const fixture = JSON.parse(
  readFileSync(join(__dirname, "..", "fixtures", "pytorch", "rope.json"), "utf8"),
) as { torch: string; cases: RopeCase[] };

test(`applyRope equals PyTorch ${fixture.torch} in both layouts (${fixture.cases.length} cases, 1e-9)`, () => {
  for (const c of fixture.cases) {
    for (const layout of ["interleaved", "half"] as const) {
      const o = { base: c.base, positions: c.positions, layout };
      const q = applyRope(c.x, o).output;
      const k = applyRope(c.keys, o).output;
      assertClose(q, c[layout].output, 1e-9, `${c.name} ${layout} queries`);
      assertClose(k, c[layout].keysOutput, 1e-9, `${c.name} ${layout} keys`);
      assertClose(matmul(q, transpose(k)), c[layout].scores, 1e-9, `${c.name} ${layout} scores`);
    }
  }
});

const rand = (seed: number, rows: number, cols: number) => {
  const r = mulberry32(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => r.uniform(-1, 1)));
};

test("after RoPE a query–key score depends on the offset m − n only", () => {
  const q = rand(1, 1, 8)[0]!;
  const k = rand(2, 1, 8)[0]!;
  for (const layout of ["interleaved", "half"] as const) {
    const score = (m: number, n: number) => {
      const qm = applyRope([q], { positions: [m], layout }).output[0]!;
      const kn = applyRope([k], { positions: [n], layout }).output[0]!;
      return qm.reduce((s, v, i) => s + v * kn[i]!, 0);
    };
    for (const [m, n] of [
      [3, 1],
      [10, 2],
      [0, 5],
    ] as const) {
      for (const shift of [1, 7, 100]) {
        assert.ok(
          Math.abs(score(m, n) - score(m + shift, n + shift)) < 1e-12,
          `${layout}: (${m}, ${n}) + ${shift}`,
        );
      }
    }
    assert.ok(
      Math.abs(score(0, 0) - q.reduce((s, v, i) => s + v * k[i]!, 0)) < 1e-15,
      "offset 0: the plain dot",
    );
    assert.ok(
      Math.abs(score(4, 1) - score(1, 4)) > 1e-3,
      `${layout}: +3 and −3 differ (RoPE is not symmetric)`,
    );
  }
});

test("interleaved RoPE at position p is the row times notebook 05's rotation R(p); norms are kept", () => {
  const x = rand(3, 5, 6);
  const rope = applyRope(x);
  rope.output.forEach((row, p) => {
    assertClose(row, matmul([x[p]!], positionalShift(p, 6))[0]!, 1e-12, `position ${p}`);
    const norm = (v: number[]) => Math.hypot(...v);
    assert.ok(Math.abs(norm(row) - norm(x[p]!)) < 1e-12, "a rotation keeps the norm");
  });
  assert.deepEqual(rope.shapes, { angles: [5, 3], output: [5, 6] });
  assert.deepEqual(rope.pairs, [
    [0, 1],
    [2, 3],
    [4, 5],
  ]);
  assert.deepEqual(applyRope(x, { layout: "half" }).pairs, [
    [0, 3],
    [1, 4],
    [2, 5],
  ]);
  assertClose(rope.frequencies, [1, 10000 ** (-2 / 6), 10000 ** (-4 / 6)], 1e-15);
});

// biome-ignore format: a table reads best as one row per line
const BAD: [string, () => unknown, RegExp][] = [
  ["odd D", () => applyRope([[1, 2, 3]]), /applyRope: x has 3 columns; RoPE rotates pairs of features, so D must be even/],
  ["positions too short", () => applyRope([[1, 2], [3, 4]], { positions: [0] }), /applyRope: options\.positions has 1 entries but x has 2 rows/],
  ["position NaN", () => applyRope([[1, 2]], { positions: [Number.NaN] }), /applyRope: options\.positions/],
  ["position too large", () => applyRope([[1, 2]], { positions: [1e300] }), /applyRope: position 1e\+300 is too large/],
  ["base 1", () => applyRope([[1, 2]], { base: 1 }), /applyRope: options\.base must be a finite number > 1, got 1/],
  ["base NaN", () => applyRope([[1, 2]], { base: Number.NaN }), /applyRope: options\.base must be a finite number > 1, got NaN/],
  ["layout", () => applyRope([[1, 2]], { layout: "neox" as never }), /applyRope: options\.layout must be one of "interleaved", "half", got "neox"/],
  ["unknown key", () => applyRope([[1, 2]], { offset: 3 } as never), /applyRope: unknown option "offset"/],
  ["NaN in x", () => applyRope([[1, Number.NaN]]), /applyRope: x/],
  ["empty x", () => applyRope([]), /applyRope: x/],
];

test(`applyRope refuses bad input naming the argument (${BAD.length} cases)`, () => {
  for (const [what, call, expected] of BAD) assert.throws(call, expected, what);
});

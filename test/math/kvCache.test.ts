/**
 * The key/value cache in tier 1 (issue #19 item 3): the causal mask with `queryOffset` equals PyTorch's
 * `tril(ones(T, S), diagonal=offset)` and the attention through it (scripts/references/cached-causal-mask.py) to
 * 1e-9; the default 0 is the old top-left mask; a loop of cached steps equals full causal attention (and a naive
 * loop written here) to 1e-12; bad input is refused naming the argument.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  attend,
  buildMask,
  cachedAttend,
  causalMask,
  emptyKvCache,
  incrementalAttend,
  kvCacheAppend,
  localMask,
} from "../../lib/math/index.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { assertClose } from "../helpers.js";

interface MaskCase {
  name: string;
  T: number;
  S: number;
  queryOffset: number;
  queries: number[][];
  keys: number[][];
  values: number[][];
  mask: boolean[][];
  weights: number[][];
  output: number[][];
}
const fixture = JSON.parse(
  readFileSync(join(__dirname, "..", "fixtures", "pytorch", "cached-causal-mask.json"), "utf8"),
) as { torch: string; cases: MaskCase[] };

const randomMatrix = (rng: { next: () => number }, rows: number, cols: number) =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 * rng.next() - 1));

test(`causal masks with queryOffset equal PyTorch ${fixture.torch} tril(ones(T, S), offset) (${fixture.cases.length} cases)`, () => {
  for (const c of fixture.cases) {
    assert.deepEqual(causalMask(c.T, c.S, c.queryOffset), c.mask, c.name);
    assert.deepEqual(buildMask(c.T, c.S, { causal: true, queryOffset: c.queryOffset }), c.mask, c.name);
  }
});

test("attend through the offset causal mask equals PyTorch's float64 attention to 1e-9", () => {
  for (const c of fixture.cases) {
    const t = attend(c.queries, c.keys, c.values, { mask: { causal: true, queryOffset: c.queryOffset } });
    assertClose(t.weights, c.weights, 1e-9, `${c.name} weights`);
    assertClose(t.output, c.output, 1e-9, `${c.name} output`);
  }
});

test("queryOffset 0 is today's top-left mask; S − T is bottom-right (the last query sees every key)", () => {
  assert.deepEqual(causalMask(2, 4), causalMask(2, 4, 0));
  assert.deepEqual(causalMask(2, 4), [
    [true, false, false, false],
    [true, true, false, false],
  ]);
  assert.deepEqual(causalMask(2, 4, 2), [
    [true, true, true, false],
    [true, true, true, true],
  ]);
  // windows move with the queries too: query i stands at key i + offset
  assert.deepEqual(localMask(1, 4, 1, 3), [[false, false, true, true]]);
  assert.deepEqual(buildMask(1, 4, { window: 1, queryOffset: 3 }), [[false, false, true, true]]);
});

test("queryOffset is validated: an integer, only with causal or window", () => {
  assert.throws(() => causalMask(2, 3, 1.5), /causalMask: queryOffset must be an integer, got 1\.5/);
  assert.throws(() => causalMask(2, 3, "1" as unknown as number), /queryOffset must be an integer/);
  assert.throws(() => localMask(2, 3, 1, Number.NaN), /localMask: queryOffset/);
  assert.throws(
    () => buildMask(2, 3, { causal: true, queryOffset: 0.5 }),
    /buildMask: spec\.queryOffset must be an integer, got 0\.5/,
  );
  assert.throws(
    () => buildMask(2, 3, { queryOffset: 1 }),
    /spec\.queryOffset \(1\).*causal: true or a window/,
  );
  assert.throws(
    () => attend([[1]], [[1]], [[1]], { mask: { causal: true, queryoffset: 1 } as never }),
    /queryoffset/,
  );
});

/** Causal attention by a naive loop over positions (row t: softmax over keys 0 … t of q·k/√d), in the test. */
function naiveCausal(q: number[][], k: number[][], v: number[][]): number[][] {
  const d = q[0]!.length;
  return q.map((qi, t) => {
    const s = k.slice(0, t + 1).map((kj) => qi.reduce((a, x, c) => a + x * kj[c]!, 0) / Math.sqrt(d));
    const m = Math.max(...s);
    const e = s.map((x) => Math.exp(x - m));
    const z = e.reduce((a, b) => a + b, 0);
    return v[0]!.map((_, c) => e.reduce((a, w, j) => a + (w / z) * v[j]![c]!, 0));
  });
}

test("a loop of cached steps equals full causal attention to 1e-12 (seeded, several sizes)", () => {
  const rng = mulberry32(19);
  for (const [t, d, dv] of [
    [1, 2, 1],
    [5, 4, 3],
    [12, 8, 5],
  ] as const) {
    const [q, k, v] = [randomMatrix(rng, t, d), randomMatrix(rng, t, d), randomMatrix(rng, t, dv)];
    const full = attend(q, k, v, { mask: { causal: true } });
    const inc = incrementalAttend(q, k, v);
    assertClose(inc.output, full.output, 1e-12, `T=${t} vs attend`);
    assertClose(inc.output, naiveCausal(q, k, v), 1e-12, `T=${t} vs naive`);
    assert.equal(inc.cache.keys.length, t);
    assert.deepEqual(
      inc.weights.map((w) => w.length),
      Array.from({ length: t }, (_, i) => i + 1),
    );
    inc.weights.forEach((w, i) => {
      assertClose(w, full.weights[i]!.slice(0, i + 1), 1e-12, `weights row ${i}`);
    });
  }
});

test("a chunk of T new queries over a cache uses the bottom-right mask and equals the last T rows", () => {
  const rng = mulberry32(3);
  const [q, k, v] = [randomMatrix(rng, 6, 4), randomMatrix(rng, 6, 4), randomMatrix(rng, 6, 2)];
  const full = attend(q, k, v, { mask: { causal: true } }).output;
  const prefix = kvCacheAppend(emptyKvCache(), k.slice(0, 4), v.slice(0, 4));
  const step = cachedAttend(prefix, q.slice(4), k.slice(4), v.slice(4), { temperature: 1 });
  assert.equal(step.queryOffset, 4);
  assert.deepEqual(step.trace.mask, causalMask(2, 6, 4));
  assertClose(step.trace.output, full.slice(4), 1e-12);
  assert.equal(prefix.keys.length, 4, "the old cache is left as it was");
  // the top-left mask would hide cached keys from the new queries: a different (wrong) answer
  const wrong = attend(q.slice(4), k, v, { mask: { causal: true } }).output;
  assert.ok(Math.abs(wrong[0]![0]! - full[4]![0]!) > 1e-6);
});

test("the cache functions refuse bad input naming the argument", () => {
  const c = kvCacheAppend(emptyKvCache(), [[1, 2]], [[3]]);
  assert.throws(
    () => kvCacheAppend(c, [[1, 2, 3]], [[1]]),
    /kvCacheAppend: new keys have width 3 but the cached keys 2/,
  );
  assert.throws(
    () => kvCacheAppend(c, [[1, 2]], [[1, 2]]),
    /new values have width 2 but the cached values 1/,
  );
  assert.throws(() => kvCacheAppend(c, [[1, 2]], [[1], [2]]), /same number of rows/);
  assert.throws(() => kvCacheAppend(null as never, [[1]], [[1]]), /kvCacheAppend: cache must be \{ keys/);
  assert.throws(
    () => kvCacheAppend({ keys: [[1]], values: [] }, [[1]], [[1]]),
    /cache\.keys has 1 rows but cache\.values 0/,
  );
  assert.throws(() => kvCacheAppend({ ...c, extra: 1 } as never, [[1, 2]], [[1]]), /extra/);
  assert.throws(
    () => cachedAttend(c, [[1, 2]], [[1, 2]], [[1]], { mask: {} } as never),
    /cachedAttend.*mask/,
  );
  assert.throws(
    () =>
      cachedAttend(
        c,
        [
          [1, 2],
          [1, 2],
        ],
        [[1, 2]],
        [[1]],
      ),
    /one row per new position/,
  );
  assert.throws(() => cachedAttend(c, [[1, 2]], [[Number.NaN, 2]], [[1]]), /keys/);
  assert.throws(() => incrementalAttend([[1]], [[1], [2]], [[1]]), /one row per position/);
  assert.throws(() => incrementalAttend([[1]], [[1]], [[1]], { scale: -1 }), /scale/);
});

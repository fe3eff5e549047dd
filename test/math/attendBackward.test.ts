/**
 * attendBackward and the softmax Jacobian against central finite differences in float64, for every combination of
 * score function, scale, temperature and mask that `attend` takes: the loss is L = Σ O ⊙ dO, so ∂L/∂O = dO, and
 * each gradient entry is compared with (L(x + h) − L(x − h)) / 2h of attend itself. dScores and dWeights are
 * checked the same way on the softmax-and-values part alone (maskedSoftmax, matmul). Also: masked entries get
 * exactly 0, a fully masked row passes nothing back, and bad input gives errors naming attendBackward.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type AttendOptions,
  attend,
  attendBackward,
  buildMask,
  type MaskSpec,
  maskedSoftmax,
  softmax,
  softmaxBackward,
  softmaxJacobian,
} from "../../lib/index.js";
import { mulberry32 } from "../../lib/random/prng.js";

const [T, S, D, DV, H] = [3, 4, 3, 2, 4];
const rng = mulberry32(1919);
const Q = rng.matrix(T, D, -1, 1);
const K = rng.matrix(S, D, -1, 1);
const V = rng.matrix(S, DV, -1, 1);
const DO = rng.matrix(T, DV, -1, 1);
const PARAMS = {
  general: { w: rng.matrix(D, D, -0.8, 0.8) },
  additive: {
    wq: rng.matrix(D, H, -0.8, 0.8),
    wk: rng.matrix(D, H, -0.8, 0.8),
    v: rng.matrix(1, H, -1, 1)[0]!,
  },
};
const SCORES = ["dot", "scaledDot", "general", "additive", "cosine"] as const;
const MASKS: (MaskSpec | boolean[][] | undefined)[] = [
  undefined,
  { validLens: [2, 4, 1] },
  { causal: true },
  { validLens: [1, 0, 3], causal: true }, // row 1 is fully masked
  { window: 1 },
  [
    [true, false, true, false],
    [false, false, false, false],
    [true, true, false, true],
  ],
];
const H_STEP = 1e-6;

const loss = (o: number[][]) => o.reduce((s, r, i) => s + r.reduce((t, x, j) => t + x * DO[i]![j]!, 0), 0);
const copy = (m: number[][]) => m.map((r) => [...r]);

/** Central differences of `f` with respect to every entry of `x` (which `f` reads through the closure). */
function numericGradient(x: number[][], f: () => number): number[][] {
  return x.map((row, i) =>
    row.map((_, j) => {
      const keep = x[i]![j]!;
      x[i]![j] = keep + H_STEP;
      const up = f();
      x[i]![j] = keep - H_STEP;
      const down = f();
      x[i]![j] = keep;
      return (up - down) / (2 * H_STEP);
    }),
  );
}

function assertClose(got: number[][], want: number[][], what: string, tol = 1e-6): void {
  assert.equal(got.length, want.length, what);
  got.forEach((r, i) =>
    r.forEach((x, j) => {
      const w = want[i]![j]!;
      assert.ok(Number.isFinite(x), `${what}[${i}][${j}] = ${x}`);
      assert.ok(Math.abs(x - w) <= tol * Math.max(1, Math.abs(w)), `${what}[${i}][${j}]: ${x} vs ${w}`);
    }),
  );
}

function optionsFor(
  score: (typeof SCORES)[number],
  scale: number | undefined,
  temperature: number,
  mask: unknown,
) {
  const base: Record<string, unknown> = { score, temperature };
  if (scale !== undefined) base.scale = scale;
  if (mask !== undefined) base.mask = mask;
  if (score === "general" || score === "additive") Object.assign(base, PARAMS[score]);
  return base as AttendOptions;
}

const label = (o: AttendOptions) =>
  JSON.stringify(o, (k, v) => (["w", "wq", "wk", "v"].includes(k) ? undefined : v));

test("every score × scale × temperature × mask: dQ, dK, dV and the score parameters equal finite differences", () => {
  let combos = 0;
  for (const score of SCORES)
    for (const scale of [undefined, 0.6])
      for (const temperature of [1, 0.5, 2.5])
        for (const mask of MASKS) {
          const options = optionsFor(score, scale, temperature, mask);
          const [q, k, v] = [copy(Q), copy(K), copy(V)];
          const params = options as unknown as Record<string, number[][] | number[]>;
          const forwardLoss = () => loss(attend(q, k, v, options).output);
          const g = attendBackward(q, k, v, DO, options);
          const what = label(options);
          assertClose(g.dQueries, numericGradient(q, forwardLoss), `${what} dQueries`);
          assertClose(g.dKeys, numericGradient(k, forwardLoss), `${what} dKeys`);
          assertClose(g.dValues, numericGradient(v, forwardLoss), `${what} dValues`);
          if (score === "general") {
            const w = copy(params.w as number[][]);
            const o = { ...options, w } as AttendOptions;
            const d = g.dScoreParams as { w: number[][] };
            assertClose(
              d.w,
              numericGradient(w, () => loss(attend(q, k, v, o).output)),
              `${what} dW`,
            );
          }
          if (score === "additive") {
            const [wq, wk, sv] = [
              copy(params.wq as number[][]),
              copy(params.wk as number[][]),
              [[...(params.v as number[])]],
            ];
            const o = () => ({ ...options, wq, wk, v: sv[0]! }) as AttendOptions;
            const f = () => loss(attend(q, k, v, o()).output);
            const d = g.dScoreParams as { wq: number[][]; wk: number[][]; v: number[] };
            assertClose(d.wq, numericGradient(wq, f), `${what} dWq`);
            assertClose(d.wk, numericGradient(wk, f), `${what} dWk`);
            assertClose([d.v], numericGradient(sv, f), `${what} dv`);
          }
          if (score !== "general" && score !== "additive") assert.equal(g.dScoreParams, undefined);
          combos++;
        }
  assert.equal(combos, SCORES.length * 2 * 3 * MASKS.length);
});

test("dScores and dWeights equal finite differences of the softmax-and-values part; dLogits = dScores · τ/scale", () => {
  for (const temperature of [1, 0.4, 3])
    for (const mask of MASKS) {
      const options = optionsFor("scaledDot", 0.8, temperature, mask);
      const g = attendBackward(Q, K, V, DO, options);
      const scores = copy(g.trace.scores);
      const fromScores = () => {
        const logits = scores.map((r) => r.map((x) => x * 0.8));
        const w =
          mask === undefined
            ? softmax(logits, { temperature })
            : maskedSoftmax(logits, mask, { temperature });
        return loss(w.map((r) => V[0]!.map((_, c) => r.reduce((s, a, j) => s + a * V[j]![c]!, 0))));
      };
      assertClose(g.dScores, numericGradient(scores, fromScores), `${label(options)} dScores`);
      const weights = copy(g.trace.weights);
      const fromWeights = () =>
        loss(weights.map((r) => V[0]!.map((_, c) => r.reduce((s, a, j) => s + a * V[j]![c]!, 0))));
      assertClose(g.dWeights, numericGradient(weights, fromWeights), `${label(options)} dWeights`);
      assertClose(
        g.dLogits,
        g.dScores.map((r) => r.map((x) => (x * temperature) / 0.8)),
        "dLogits",
        1e-12,
      );
    }
});

test("masked entries get exactly 0 in dScores; a fully masked row passes nothing to Q; unseen keys get no dK, dV", () => {
  const mask = { validLens: [1, 0, 3], causal: true };
  const g = attendBackward(Q, K, V, DO, { mask });
  const keep = buildMask(T, S, mask);
  keep.forEach((r, i) => r.forEach((k, j) => k || assert.equal(g.dScores[i]![j], 0)));
  assert.ok(
    g.dQueries[1]!.every((x) => x === 0),
    "the fully masked query",
  );
  assert.ok(
    g.dKeys[3]!.every((x) => x === 0) && g.dValues[3]!.every((x) => x === 0),
    "key 3 is seen by no query",
  );
  assert.ok(
    g.dWeights[1]!.some((x) => x !== 0),
    "dWeights is ∂L/∂α, nonzero even where α is held at 0",
  );
});

test("the doc example: one query, two keys", () => {
  const g = attendBackward(
    [[1, 0]],
    [
      [1, 0],
      [0, 1],
    ],
    [
      [10, 0],
      [0, 10],
    ],
    [[1, 0]],
    { score: "dot" },
  );
  const [a, b] = softmax([1, 0]);
  assertClose(
    g.dValues,
    [
      [a!, 0],
      [b!, 0],
    ],
    "dValues",
    1e-15,
  );
  assertClose(g.dScores, [[a! * b! * 10, -a! * b! * 10]], "dScores", 1e-12);
});

test("cosine: a zero query or key gets gradient 0; huge and tiny vectors stay finite", () => {
  const q = [[0, 0, 0], ...Q.slice(1)];
  const g = attendBackward(q, K, V, DO, { score: "cosine" });
  assert.deepEqual(g.dQueries[0], [0, 0, 0]);
  for (const c of [1e200, 1e-200]) {
    const big = attendBackward(
      Q.map((r) => r.map((x) => x * c)),
      K,
      V,
      DO,
      { score: "cosine" },
    );
    const unit = attendBackward(Q, K, V, DO, { score: "cosine" });
    assertClose(
      big.dQueries.map((r) => r.map((x) => x * c)),
      unit.dQueries,
      `cosine at scale ${c}`,
      1e-9,
    );
  }
});

test("softmaxJacobian: diag(p) − ppᵀ over τ equals finite differences of softmax(z/τ); softmaxBackward = J·dp", () => {
  const z = [0.3, -1.2, 2, 0.7, -0.1];
  for (const temperature of [1, 0.3, 4]) {
    const p = softmax(z, { temperature });
    const J = softmaxJacobian(p, { temperature });
    const numeric = z.map((_, j) => {
      const [up, down] = [H_STEP, -H_STEP].map((h) =>
        softmax(
          z.map((x, c) => (c === j ? x + h : x)),
          { temperature },
        ),
      );
      return up!.map((u, i) => (u - down![i]!) / (2 * H_STEP)); // column j, as a row
    });
    assertClose(
      J,
      numeric[0]!.map((_, i) => numeric.map((col) => col[i]!)),
      `J at τ = ${temperature}`,
      1e-8,
    );
    J.forEach((r, i) => {
      assert.ok(Math.abs(r.reduce((s, x) => s + x, 0)) < 1e-15, "rows sum to 0");
      r.forEach((x, j) => assert.equal(x, J[j]![i]));
    });
    const dp = [1, -2, 0.5, 3, 0];
    const vjp = softmaxBackward(p, dp, { temperature });
    assertClose([vjp], [J.map((r) => r.reduce((s, x, j) => s + x * dp[j]!, 0))], "vjp", 1e-14);
  }
  assert.deepEqual(softmaxJacobian([1, 0, 0]), [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ]);
  assert.deepEqual(softmaxJacobian([0, 0]), [
    [0, 0],
    [0, 0],
  ]);
  assert.deepEqual(softmaxBackward([[0.5, 0.5, 0]], [[1, 0, 7]]), [[0.25, -0.25, 0]]);
});

test("bad input: errors name attendBackward, the argument, the value and what is allowed", () => {
  assert.throws(() => attendBackward(Q, K, V, [[1, 2]]), {
    name: "RangeError",
    message: /attendBackward: dOutput has shape \[1, 2\] but the output has shape \[3, 2\]/,
  });
  assert.throws(
    () =>
      attendBackward(Q, K, V, [
        [1, 2],
        [3, Number.NaN],
        [5, 6],
      ]),
    /attendBackward: dOutput/,
  );
  assert.throws(() => attendBackward(Q, K, V, DO, { casual: true } as AttendOptions), {
    name: "TypeError",
    message: /^attendBackward: unknown option "casual" \(did you mean options.mask: \{ causal: … \}\?\)/,
  });
  assert.throws(
    () => attendBackward(Q, K, V, DO, { temperature: 0 }),
    /RangeError: attendBackward: options.temperature must be/,
  );
  assert.throws(
    () => attendBackward(Q, K, V, DO, { score: "additive" } as AttendOptions),
    /TypeError: attendBackward: score "additive" needs/,
  );
  assert.throws(
    () => attendBackward(Q, [[1, 2]], [[1, 1]], DO),
    /attendBackward: queries \[3, 3\] and keys \[1, 2\]/,
  );
  assert.throws(() => softmaxJacobian([0.5, 0.6]), {
    name: "RangeError",
    message: /softmaxJacobian: p sums to 1.1/,
  });
  assert.throws(() => softmaxJacobian([1.5, -0.5]), /softmaxJacobian: p\[0\] is 1.5; .* entries in \[0, 1\]/);
  assert.throws(
    () => softmaxJacobian([0.5, 0.5], { tau: 2 } as never),
    /softmaxJacobian: unknown option "tau"/,
  );
  assert.throws(
    () => softmaxBackward([0.5, 0.5], [1]),
    /softmaxBackward: dp has shape \[1\] but p has shape \[2\]/,
  );
  assert.throws(
    () =>
      softmaxBackward(
        [[0.5, 0.5]],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    /dp has shape \[2, 2\] but p has shape \[1, 2\]/,
  );
});

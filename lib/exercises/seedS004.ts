/**
 * The exercises of notebooks/seeds/S004.ipynb: "spot the error" drills on the source's worked example
 * (X = W_Q hides the convention error of S004-F9), S004-F1 (cosine weights need a temperature), S004-F8
 * (gated fusion of heads) and LayerNorm on D = 2. Right answers are computed here from the library
 * (`attend`, `multiHeadAttend`, `softmax`, `matmul`, the notebook's seeded draws), never typed in; the hints
 * say what is off.
 */
import { attend } from "../math/attend.js";
import { maxAbsDiff } from "../math/inspect.js";
import { matmul } from "../math/matrix.js";
import { multiHeadAttend } from "../math/multiHead.js";
import { softmax } from "../math/softmax.js";
import { mulberry32 } from "../random/prng.js";
import { defineExercises, type Verdict } from "./exercise.js";
import { asFiniteNumber, asNumberMatrix } from "./matrixAnswer.js";

/** W_Q of the source's worked example (§4.3, E2). */
const WQ = [
  [0.1, 0.2],
  [0.3, 0.4],
];

function hidingInput(answer: unknown): Verdict {
  const x = asNumberMatrix(answer, 2, 2, "a 2×2 input X");
  if (typeof x === "string") return { right: false, hint: x };
  const size = Math.max(1, ...x.flat().map(Math.abs));
  if (maxAbsDiff(x, WQ) <= 1e-9)
    return { right: false, hint: "that is W_Q itself, the source's choice; find another X" };
  if (x[0]![1] === 0 && x[1]![0] === 0 && x[0]![0] === x[1]![1]) {
    return {
      right: false,
      hint: "a multiple of the identity commutes with every matrix, W_Q or not; find another X",
    };
  }
  const gap = maxAbsDiff(matmul(x, WQ), matmul(WQ, x));
  if (gap <= 1e-9 * size)
    return { right: true, note: "X W_Q = W_Q X: this example would hide the error too" };
  return {
    right: false,
    hint:
      `X W_Q and W_Q X differ by up to ${gap.toPrecision(3)}: this X reveals the error; ` +
      "find one that hides it",
  };
}

/** The three tokens of S004-F1's demo. */
const TOKENS = [
  [1, 0.2],
  [0.3, 1],
  [-1, 0.4],
];

/** The smallest weight a token of S004-F1's demo puts on itself, at cosine scores and temperature τ. */
function weakestSelfWeight(tau: number): number {
  const w = attend(TOKENS, TOKENS, TOKENS, { score: "cosine", temperature: tau }).weights;
  return Math.min(...w.map((row, i) => row[i]!));
}

/**
 * The largest τ at which every token puts at least 0.9 on itself. Its own cosine (1) is the largest in each
 * row, so the weight on it falls as τ grows: bisection between τ = 0.001 (≈ 1) and τ = 1 (< 0.9).
 */
function selfTemperature(): number {
  let [lo, hi] = [1e-3, 1];
  if (!(weakestSelfWeight(lo) > 0.9 && weakestSelfWeight(hi) < 0.9)) {
    throw new Error("S004.2: the self-weights do not cross 0.9 between τ = 0.001 and τ = 1");
  }
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (weakestSelfWeight(mid) >= 0.9) lo = mid;
    else hi = mid;
  }
  return lo;
}

function selfTau(answer: unknown): Verdict {
  const tau = asFiniteNumber(answer, "a temperature τ (a finite number)");
  if (typeof tau === "string") return { right: false, hint: tau };
  if (tau <= 0) return { right: false, hint: "a temperature must be positive" };
  const right = selfTemperature();
  if (Math.abs(tau - right) <= 0.01)
    return { right: true, note: "at any lower τ the self-weights only grow" };
  const weakest = weakestSelfWeight(tau);
  if (tau > right) {
    return {
      right: false,
      hint: `at τ = ${tau} some token puts only ${weakest.toFixed(3)} on itself: τ must be lower`,
    };
  }
  return {
    right: false,
    hint: `at τ = ${tau} every token puts at least 0.9 on itself, as it does at larger τ: find the largest`,
  };
}

/** The head outputs of S004-F4's demo: mulberry32(4), D = 4, H = 2, weights drawn as W_Q, W_K, W_V, W_O. */
function demoHeads(): number[][][] {
  const rng = mulberry32(4);
  const x = rng.matrix(3, 4, -1, 1);
  const w = () => rng.matrix(4, 4, -0.8, 0.8);
  const opts = { numHeads: 2, wq: w(), wk: w(), wv: w(), wo: w() };
  return multiHeadAttend(x, x, x, opts).heads.map((h) => h.output);
}

/** Gated fusion A(g) = Σ_i softmax(g)_i head_i. */
function fuse(heads: number[][][], gates: number[]): number[][] {
  const p = softmax(gates);
  return heads[0]!.map((row, i) => row.map((_, j) => heads.reduce((s, h, k) => s + p[k]! * h[i]![j]!, 0)));
}

const GATES = [0.3, -0.2];

function gateGradient(answer: unknown): Verdict {
  const g = asNumberMatrix(answer, 3, 2, "∂A/∂g_1, a matrix shaped like one head's output (L × d_k = 3 × 2)");
  if (typeof g === "string") return { right: false, hint: g };
  const heads = demoHeads();
  const eps = 1e-6;
  const up = fuse(heads, [GATES[0]! + eps, GATES[1]!]);
  const down = fuse(heads, [GATES[0]! - eps, GATES[1]!]);
  const numeric = up.map((row, i) => row.map((v, j) => (v - down[i]![j]!) / (2 * eps)));
  if (maxAbsDiff(g, numeric) <= 1e-6) return { right: true, note: "it matches a central finite difference" };
  const p1 = softmax(GATES)[0]!;
  const fused = fuse(heads, GATES);
  const head1 = heads[0]!;
  const near = (m: number[][]) => maxAbsDiff(g, m) <= 1e-6;
  if (near(head1)) {
    return {
      right: false,
      hint: "that is head 1 itself: the derivative for raw gates α_i = g_i, not softmax gates",
    };
  }
  if (near(head1.map((r) => r.map((v) => p1 * v)))) {
    return {
      right: false,
      hint: "this treats the gates as independent: raising g_1 also lowers the other head's softmax weight",
    };
  }
  if (near(head1.map((r, i) => r.map((v, j) => v - fused[i]![j]!)))) {
    return { right: false, hint: "the direction is right, but the size is off by a factor" };
  }
  if (near(numeric.map((r) => r.map((v) => -v)))) return { right: false, hint: "the sign is flipped" };
  return {
    right: false,
    hint: "compare with a finite difference: (A(g_1 + ε) − A(g_1 − ε)) / 2ε with g = [0.3, −0.2]",
  };
}

/** LayerNorm of one row without gain or bias: (x − mean) / √(variance + ε), as the notebook's `layerNorm`. */
function layerNormRow(row: readonly number[], eps: number): number[] {
  const m = row.reduce((a, b) => a + b, 0) / row.length;
  const variance = row.reduce((a, b) => a + (b - m) ** 2, 0) / row.length;
  return row.map((x) => (x - m) / Math.sqrt(variance + eps));
}

/** |LN([0, gap])_1| with ε = 1e-5: the s of LN(a, b) = (∓s, ±s) for |a − b| = gap (whatever a is). */
const lnSize = (gap: number) => Math.abs(layerNormRow([0, gap], 1e-5)[0]!);

/** The smallest gap at which s reaches 0.99 (s grows with the gap: bisection on [0, 1]). */
function smallestGap(): number {
  let [lo, hi] = [0, 1];
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (lnSize(mid) >= 0.99) hi = mid;
    else lo = mid;
  }
  return hi;
}

function minGap(answer: unknown): Verdict {
  const gap = asFiniteNumber(answer, "a gap |a − b| (a finite number)");
  if (typeof gap === "string") return { right: false, hint: gap };
  if (gap <= 0) return { right: false, hint: "a gap |a − b| between distinct entries is positive" };
  const right = smallestGap();
  if (Math.abs(gap - right) <= 0.01 * right)
    return { right: true, note: "below it, ε stops LN from reaching ±1" };
  if (gap < right) {
    return {
      right: false,
      hint: `at that gap LN gives only ±${lnSize(gap).toFixed(4)}: a larger gap is needed`,
    };
  }
  return { right: false, hint: "LN already gives at least 0.99 at smaller gaps; find the smallest" };
}

export const S004_EXERCISES = defineExercises("S004", [
  {
    n: 1,
    answer: "xHides",
    title: "worked example: a 2×2 X ≠ W_Q, not a multiple of I, with X W_Q = W_Q X",
    check: hidingInput,
  },
  {
    n: 2,
    answer: "tauSelf",
    title: "S004-F1: the largest τ at which every token puts ≥ 0.9 of its cosine weight on itself",
    check: selfTau,
  },
  {
    n: 3,
    answer: "gradG1",
    title: "S004-F8: ∂A/∂g_1 of the softmax-gated fusion of the two heads",
    check: gateGradient,
  },
  {
    n: 4,
    answer: "minGap",
    title: "LayerNorm with D = 2: the smallest |a − b| at which LN(a, b) reaches ±0.99",
    check: minGap,
  },
]);

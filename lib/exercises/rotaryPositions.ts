/**
 * The exercises of notebooks/14-rotary-positions.ipynb. Every right answer is computed here from the library
 * (`applyRope`), never typed in; a hint says what is off without giving the answer. Follows: Su et al. 2021
 * (RoFormer) eq. 13–16 (the rotation, and q̃_m · k̃_n = qᵀ R((n − m)θ) k); GPT-NeoX / LLaMA for the "half" layout.
 */
import { applyRope } from "../math/rope.js";
import { isFiniteNumber } from "./answerGuards.js";
import { defineExercises, type Verdict } from "./exercise.js";

/** Exercise 1: one row rotated in the "half" layout. */
export const ROTATE_ROW = { x: [1, 2, 3, 4], position: 2, base: 100 } as const;
/** Exercise 2: the slowest pair of a head of this size, at this base. */
export const SLOWEST_PAIR = { headSize: 64, base: 10000 } as const;
/** Exercise 3: a query at position m, a key at n (interleaved, base 10000), unscaled dot product. */
export const OFFSET_SCORE = {
  q: [1, 0.5, -1, 2],
  k: [0.5, 1, 2, -1],
  queryPosition: 9,
  keyPosition: 4,
  base: 10000,
} as const;

const close = (a: readonly number[], b: readonly number[], tol = 1e-9) =>
  a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= tol * Math.max(1, Math.abs(b[i]!)));
const near = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);

function rotated(answer: unknown): Verdict {
  const { x, position, base } = ROTATE_ROW;
  if (!Array.isArray(answer) || answer.length !== x.length || !answer.every(isFiniteNumber))
    return { right: false, hint: `the answer is the rotated row: an array of ${x.length} finite numbers` };
  const rope = (o: { positions?: number[]; base?: number; layout?: "interleaved" | "half" }) =>
    applyRope([[...x]], { positions: [position], base, layout: "half", ...o }).output[0]!;
  if (close(answer, rope({})))
    return { right: true, note: "pair 0 (features 0 and 2) turned 2 radians, pair 1 (1 and 3) 0.2" };
  const slips: [number[], string][] = [
    [
      rope({ layout: "interleaved" }),
      "that pairs neighbours (0, 1) and (2, 3): the half layout pairs i with i + D/2",
    ],
    [
      rope({ positions: [-position] }),
      "rotated the wrong way: (a, b) turns to (a cos φ − b sin φ, a sin φ + b cos φ)",
    ],
    [rope({ base: 10000 }), "the exercise's base is 100"],
    [rope({ positions: [position - 1] }), "the angle is the position (2) times the pair's frequency"],
    [[...x], "the row has not turned: each pair turns by its angle p·θ_i"],
  ];
  const slip = slips.find(([s]) => close(answer, s));
  return { right: false, hint: slip?.[1] ?? "each pair (x_i, x_{i+2}) turns by 2·θ_i, θ_i = 100^{−2i/4}" };
}

function slowestPeriod(answer: unknown): Verdict {
  if (!isFiniteNumber(answer)) return { right: false, hint: "the answer is a number of positions" };
  const { headSize, base } = SLOWEST_PAIR;
  const frequencies = applyRope([new Array<number>(headSize).fill(0)], { base }).frequencies;
  const right = (2 * Math.PI) / frequencies[frequencies.length - 1]!;
  if (near(answer, right, 1e-6))
    return {
      right: true,
      note: "tens of thousands of positions: the slow pairs barely turn within a context",
    };
  const slips: [number, string][] = [
    [right / (2 * Math.PI), "one turn is 2π radians: the period is 2π / θ"],
    [2 * Math.PI * base, "the last pair is i = H/2 − 1, so its exponent is (H − 2)/H, just short of 1"],
    [(2 * Math.PI) / frequencies[0]!, "that is the fastest pair (i = 0)"],
  ];
  const slip = slips.find(([s]) => near(answer, s, 1e-6));
  return { right: false, hint: slip?.[1] ?? "θ_i = base^{−2i/H}; the slowest pair has the largest i" };
}

function offsetScore(answer: unknown): Verdict {
  if (!isFiniteNumber(answer)) return { right: false, hint: "the answer is one number, the unscaled score" };
  const { q, k, queryPosition: m, keyPosition: n, base } = OFFSET_SCORE;
  const rope = (x: readonly number[], p: number) => applyRope([[...x]], { positions: [p], base }).output[0]!;
  const right = dot(rope(q, m), rope(k, n));
  if (near(answer, right))
    return { right: true, note: "the same number as rotating q to 9 and k to 4: only the offset counts" };
  const slips: [number, string][] = [
    [dot(q, k), "no rotation at all: RoPE turns the pairs before the dot product"],
    [dot(q, rope(k, m - n)), "rotate k by n − m (the key's position minus the query's), not m − n"],
    [right / 2, "the exercise asks for the unscaled score (no 1/√D)"],
  ];
  const slip = slips.find(([s]) => near(answer, s));
  return { right: false, hint: slip?.[1] ?? "q̃_m · k̃_n = qᵀ R((n − m)θ) k: turn k alone by the offset" };
}

/** The rotary-positions exercises, in notebook order. */
export const ROTARY_POSITIONS_EXERCISES = defineExercises("14-rotary-positions", [
  { n: 1, answer: "rotated", title: "one row rotated by hand in the half layout", check: rotated },
  {
    n: 2,
    answer: "slowestPeriod",
    title: "the period, in positions, of a head's slowest rotating pair",
    check: slowestPeriod,
  },
  {
    n: 3,
    answer: "offsetScore",
    title: "a RoPE score from the offset alone: rotate the key by n − m",
    check: offsetScore,
  },
]);

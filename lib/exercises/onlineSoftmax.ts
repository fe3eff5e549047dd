/**
 * The exercises of notebooks/12-online-softmax-and-flash.ipynb. Every right answer is computed here from the
 * library (`onlineSoftmax`, `tiledAttend`, `tiledAttendBackward`), never typed in; a hint says what is off without
 * giving the answer. Follows: Milakov & Gimelshein 2018 (online normaliser); Dao et al. 2022 and Dao 2023
 * (FlashAttention's rescaled merge and the backward by recomputation).
 */
import type { Matrix } from "../math/matrix.js";
import { onlineSoftmax } from "../math/onlineSoftmax.js";
import { tiledAttend } from "../math/tiledAttend.js";
import { tiledAttendBackward } from "../math/tiledAttendBackward.js";
import { isRecord } from "./answerGuards.js";
import { defineExercises, type Verdict } from "./exercise.js";
import { asNumberMatrix } from "./matrixAnswer.js";

/** Exercise 1's logits: the max grows three times, and stays twice. */
export const RUNNING_LOGITS = [1, 3, 2, 5, 4] as const;

/** Exercise 2's query, keys and values: dot scores, two blocks of two keys, the larger scores in the second. */
export const MERGE_QUERY = [1, 2] as const;
export const MERGE_KEYS: Matrix = [
  [1, 0],
  [0, 0.25],
  [1, 1],
  [2, 1],
];
export const MERGE_VALUES: Matrix = [
  [1, 0],
  [0, 1],
  [2, 2],
  [-1, 3],
];

/** Exercise 3's attention (scaledDot, d = 2) and upstream gradient dO. */
export const GRAD_QUERIES: Matrix = [
  [1, 0],
  [0.5, -1],
];
export const GRAD_KEYS: Matrix = [
  [1, 1],
  [0, 2],
  [-1, 0.5],
];
export const GRAD_VALUES: Matrix = [
  [1, 2],
  [0, -1],
  [3, 0],
];
export const GRAD_DOUTPUT: Matrix = [
  [1, 0],
  [0, 1],
];

const close = (a: readonly number[], b: readonly number[], tol = 1e-9) =>
  a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= tol * Math.max(1, Math.abs(b[i]!)));

const numbers = (v: unknown, n: number): v is number[] =>
  Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number" && Number.isFinite(x));

/** Running sums as learners often write them, each with what is off. */
function sumSlips(x: readonly number[], m: readonly number[]): [number[], string][] {
  const last = m[m.length - 1]!;
  const prefix = (f: (v: number, j: number) => number) =>
    x.map((_, j) => x.slice(0, j + 1).reduce((s, v) => s + f(v, j), 0));
  const [noRescale, flipped]: [number[], number[]] = [[], []];
  x.forEach((v, j) => {
    const e = Math.exp(v - m[j]!);
    noRescale.push((noRescale[j - 1] ?? 0) + e);
    flipped.push(j === 0 ? e : flipped[j - 1]! * Math.exp(m[j]! - m[j - 1]!) + e);
  });
  return [
    [
      prefix((v) => Math.exp(v)),
      "l is shifted by the running max: add e^{x_j − m}, not e^{x_j} (which overflows)",
    ],
    [
      prefix((v) => Math.exp(v - last)),
      "that shifts by the final max, which a single pass does not know yet",
    ],
    [
      noRescale,
      "when m grows, the old l was shifted by the old max: multiply it by e^{m_old − m_new} before adding",
    ],
    [flipped, "the rescale factor is e^{m_old − m_new}, at most 1: the old terms shrink when the max grows"],
  ];
}

function runningStats(answer: unknown): Verdict {
  const n = RUNNING_LOGITS.length;
  if (!isRecord(answer) || !numbers(answer.m, n) || !numbers(answer.l, n))
    return {
      right: false,
      hint: `the answer is { m, l }: two arrays of ${n} finite numbers, one entry per element`,
    };
  const steps = onlineSoftmax(RUNNING_LOGITS).steps;
  const [m, l] = [steps.map((s) => s.max), steps.map((s) => s.sum)];
  if (!close(answer.m, m)) {
    const same = close(answer.m, RUNNING_LOGITS);
    return {
      right: false,
      hint: same
        ? "m is the max of the elements read so far, not the element itself"
        : "m after element j is the max of x_0 … x_j",
    };
  }
  if (close(answer.l, l))
    return { right: true, note: "one pass: l ends as Σ e^{x − max x}, the safe softmax's sum" };
  const slip = sumSlips(RUNNING_LOGITS, m).find(([s]) => close(answer.l as number[], s));
  return {
    right: false,
    hint: slip?.[1] ?? "l after element j is Σ_{i ≤ j} e^{x_i − m_j}, updated from the previous l",
  };
}

/** The two halves of exercise 2, each attended alone: (m, l, Õ) of keys 0–1 and of keys 2–3. */
export function mergeHalves(): { m: number; l: number; o: number[] }[] {
  return [0, 2].map((start) => {
    const keys = MERGE_KEYS.slice(start, start + 2);
    const t = tiledAttend([[...MERGE_QUERY]], keys, MERGE_VALUES.slice(start, start + 2), {
      score: "dot",
      blockSize: 2,
    });
    return { m: t.rowMax[0]!, l: t.rowSum[0]!, o: t.blocks[0]!.partial[0]! };
  });
}

function merged(answer: unknown): Verdict {
  const width = MERGE_VALUES[0]!.length;
  if (!numbers(answer, width))
    return { right: false, hint: `the answer is the output row: an array of ${width} finite numbers` };
  const q = [[...MERGE_QUERY]];
  const right = tiledAttend(q, MERGE_KEYS, MERGE_VALUES, { score: "dot", blockSize: 2 }).output[0]!;
  if (close(answer, right))
    return { right: true, note: "the same row as attention over all four keys at once" };
  const [a, b] = mergeHalves();
  const m = Math.max(a!.m, b!.m);
  const [ea, eb] = [Math.exp(a!.m - m), Math.exp(b!.m - m)];
  const slips: [number[], string][] = [
    [
      a!.o.map((v, c) => (v + b!.o[c]!) / (a!.l + b!.l)),
      "the halves' sums are shifted by different maxes: rescale each by e^{m_half − m} first",
    ],
    [
      a!.o.map((v, c) => (v / a!.l + b!.o[c]! / b!.l) / 2),
      "the halves do not weigh the same: weight each by its (rescaled) share of l",
    ],
    [a!.o.map((v, c) => v * ea + b!.o[c]! * eb), "divide the merged Õ by the merged l"],
    [
      a!.o.map((v, c) => (v / ea + b!.o[c]! / eb) / (a!.l / ea + b!.l / eb)),
      "the factor is e^{m_half − m} ≤ 1, not its inverse",
    ],
  ];
  const slip = slips.find(([s]) => close(answer, s));
  return {
    right: false,
    hint: slip?.[1] ?? "merge as FlashAttention does: m = max, rescale l and Õ of each half, then O = Õ / l",
  };
}

const GRAD_OPTIONS = { score: "scaledDot", blockSize: 1 } as const;

function dQueries(answer: unknown): Verdict {
  const m = asNumberMatrix(answer, 2, 2, "dQ, a [2, 2] matrix,");
  if (typeof m === "string") return { right: false, hint: m };
  const g = tiledAttendBackward(GRAD_QUERIES, GRAD_KEYS, GRAD_VALUES, GRAD_DOUTPUT, GRAD_OPTIONS);
  const near = (x: Matrix) => x.every((r, i) => close(m[i]!, r, 1e-6));
  if (near(g.dQueries))
    return { right: true, note: "from O, m and l alone: no [T, S] matrix was kept from the forward" };
  const scale = 1 / Math.sqrt(2);
  const through = (dS: Matrix) =>
    dS.map((r) => GRAD_KEYS[0]!.map((_, c) => r.reduce((s, x, j) => s + x * GRAD_KEYS[j]![c]!, 0)));
  const perBlock = (f: (p: number, dp: number, d: number) => number) =>
    through(
      GRAD_QUERIES.map((_, i) => g.blocks.map((b) => f(b.weights[i]![0]!, b.dWeights[i]![0]!, g.delta[i]!))),
    );
  const slips: [Matrix, string][] = [
    [
      perBlock((p, dp) => p * dp * scale),
      "subtract D_i = rowsum(dO ⊙ O) from dP before multiplying by P: dS = P ⊙ (dP − D)",
    ],
    [
      perBlock((p, dp, d) => (p * dp - d) * scale),
      "D is inside the product: dS = P ⊙ (dP − D), not P ⊙ dP − D",
    ],
    [perBlock((p, dp, d) => p * (dp - d)), "the scores were multiplied by scale = 1/√d: dQ = dS K · scale"],
  ];
  const slip = slips.find(([s]) => near(s));
  return {
    right: false,
    hint: slip?.[1] ?? "recompute P from m and l, then dP = dO Vᵀ, D, dS = P ⊙ (dP − D), dQ = dS K · scale",
  };
}

export const ONLINE_SOFTMAX_EXERCISES = defineExercises("12-online-softmax-and-flash", [
  {
    n: 1,
    answer: "runningStats",
    title: "the running max m and sum l of an online softmax after each element",
    check: runningStats,
  },
  {
    n: 2,
    answer: "mergedOutput",
    title: "merge two blocks' (m, l, Õ) into the attention output, as FlashAttention rescales",
    check: merged,
  },
  {
    n: 3,
    answer: "dQ",
    title: "dQ of scaled dot-product attention by recomputation from O, m and l",
    check: dQueries,
  },
]);

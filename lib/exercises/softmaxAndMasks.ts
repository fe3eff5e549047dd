/**
 * The exercises of notebooks/03-softmax-and-masks.ipynb. Every right answer is computed here from the library
 * (`buildMask`, `softmax`), never typed in; a hint says what is off without giving the answer.
 */
import { buildMask } from "../math/mask.js";
import { softmax } from "../math/softmax.js";
import { defineExercises, type Verdict } from "./exercise.js";

const sameMask = (a: readonly (readonly boolean[])[], b: readonly (readonly boolean[])[]) =>
  a.length === b.length &&
  a.every((row, i) => row.length === b[i]?.length && row.every((v, j) => v === b[i]?.[j]));

/** A boolean `[rows, cols]` matrix, or a hint saying what the answer is instead. */
function asMask(answer: unknown, rows: number, cols: number): boolean[][] | string {
  if (
    !Array.isArray(answer) ||
    !answer.every((r) => Array.isArray(r) && r.every((v) => typeof v === "boolean"))
  ) {
    return "the answer should be a matrix of booleans (an array of rows), as buildMask returns";
  }
  const m = answer as boolean[][];
  if (m.length !== rows || m.some((r) => r.length !== cols)) {
    return `the mask should have ${rows} rows of ${cols} entries (one row per query, one column per key)`;
  }
  return m;
}

function decoderWindow(answer: unknown): Verdict {
  const m = asMask(answer, 6, 6);
  if (typeof m === "string") return { right: false, hint: m };
  if (sameMask(m, buildMask(6, 6, { causal: true, window: 2 }))) return { right: true };
  if (sameMask(m, buildMask(6, 6, { causal: true })))
    return { right: false, hint: "this is the causal mask alone: every query still sees all earlier keys" };
  if (sameMask(m, buildMask(6, 6, { window: 2 })))
    return { right: false, hint: "this window also lets a query see the keys after it" };
  if (m.some((row, i) => row.some((v, j) => v && j > i)))
    return { right: false, hint: "some query may see a later key: a decoder must not look ahead" };
  if (m.some((row, i) => !row[i]))
    return { right: false, hint: "some query may not see itself: its own position is allowed" };
  return {
    right: false,
    hint: "the causal part is right; check how far back each query may see (|i − j| ≤ 2)",
  };
}

function lastQueryKeys(answer: unknown): Verdict {
  if (typeof answer !== "number" || !Number.isInteger(answer)) {
    return { right: false, hint: "the answer is a count of keys: a whole number" };
  }
  const right = buildMask(3, 5, { causal: true })[2]!.filter(Boolean).length;
  if (answer === right)
    return { right: true, note: "query i sees keys j ≤ i, so the keys after the last query stay hidden" };
  if (answer === 5) {
    return { right: false, hint: "that is every key: the causal mask lets query i see only keys j ≤ i" };
  }
  return {
    right: false,
    hint: "count the true entries in the last row of buildMask(3, 5, { causal: true })",
  };
}

function sharpScale(answer: unknown): Verdict {
  if (typeof answer !== "number" || !Number.isFinite(answer)) {
    return { right: false, hint: "the answer is a finite number c that multiplies the scores" };
  }
  const top = softmax([1, 2, 3].map((s) => s * answer))[2]!;
  if (top >= 0.99) return { right: true, note: `softmax(c·s) puts ${top.toFixed(4)} on the largest score` };
  if (answer <= 0) return { right: false, hint: "a factor ≤ 0 flattens or reverses the ranking; try c > 1" };
  return {
    right: false,
    hint: `softmax(c·s) puts only ${top.toFixed(3)} on the largest score; a larger c (a lower τ = 1/c) sharpens it`,
  };
}

export const SOFTMAX_AND_MASKS_EXERCISES = defineExercises("03-softmax-and-masks", [
  {
    n: 1,
    answer: "decoderMask",
    title: "the 6×6 mask of a decoder that sees itself and the two tokens before it",
    check: decoderWindow,
  },
  {
    n: 2,
    answer: "lastQuerySees",
    title: "how many of S = 5 keys the last of T = 3 causal queries sees",
    check: lastQueryKeys,
  },
  {
    n: 3,
    answer: "scale",
    title: "a factor c with softmax(c · [1, 2, 3]) ≥ 0.99 on the largest score",
    check: sharpScale,
  },
]);

/**
 * The exercises of notebooks/02-scoring-functions.ipynb. Every right answer is computed here from the library
 * (`additive`, `dot`, `softmax`, `entropy`), never typed in; a hint says what is off without giving the answer.
 */
import { entropy } from "../math/distribution.js";
import type { Matrix } from "../math/matrix.js";
import { additive, dot } from "../math/scores.js";
import { softmax } from "../math/softmax.js";
import { mulberry32 } from "../random/prng.js";
import { defineExercises, type Verdict } from "./exercise.js";

function mixedWidths(answer: unknown): Verdict {
  if (typeof answer !== "object" || answer === null) {
    return { right: false, hint: "the answer is the additive parameters: an object { wq, wk, v }" };
  }
  const rng = mulberry32(31);
  const [queries, keys] = [rng.matrix(2, 3), rng.matrix(4, 5)]; // widths 3 and 5, as in the exercise
  let scores: Matrix;
  try {
    scores = additive(queries, keys, answer as Parameters<typeof additive>[2]);
  } catch (error) {
    return { right: false, hint: `additive refused them: ${(error as Error).message ?? String(error)}` };
  }
  if (scores.length !== 2 || scores.some((r) => r.length !== 4 || !r.every(Number.isFinite))) {
    return { right: false, hint: "the scores should be a finite [2, 4] matrix: one row per query" };
  }
  return { right: true, note: "wq and wk map both widths into one hidden space, where they can be added" };
}

/** Unscaled dot scores of one query against 10 keys, d = 128, for 200 seeded draws (computed once). */
let scoreSamples: Matrix | undefined;
function samples(): Matrix {
  if (scoreSamples === undefined) {
    const rng = mulberry32(128);
    const d = 128;
    const vector = () => Array.from({ length: d }, () => rng.normal());
    scoreSamples = Array.from({ length: 200 }, () => dot([vector()], Array.from({ length: 10 }, vector))[0]!);
  }
  return scoreSamples;
}
const meanEntropy = (tau: number) =>
  samples().reduce((s, row) => s + entropy(softmax(row.map((x) => x / tau))), 0) / samples().length;

function matchingTemperature(answer: unknown): Verdict {
  if (typeof answer !== "number" || !Number.isFinite(answer) || answer <= 0) {
    return { right: false, hint: "a temperature τ is a finite number > 0" };
  }
  const target = meanEntropy(Math.sqrt(128)); // what scaledDot gives at d = 128
  const got = meanEntropy(answer);
  const verdict = `mean entropy ${got.toFixed(3)} nats against ${target.toFixed(3)} for the scaled scores`;
  if (Math.abs(got / target - 1) <= 0.05) return { right: true, note: verdict };
  return {
    right: false,
    hint: `${verdict}: ${got < target ? "still too sharp, try a larger τ" : "too flat, try a smaller τ"}`,
  };
}

function cosineCap(answer: unknown): Verdict {
  if (typeof answer !== "number" || !Number.isFinite(answer)) {
    return { right: false, hint: "the answer is a weight: a number between 0 and 1" };
  }
  const cap = softmax([1, ...Array.from({ length: 9 }, () => -1)])[0]!;
  if (Math.abs(answer - cap) < 1e-3) {
    return { right: true, note: "however well a key matches, softmax of cosines cannot focus on it" };
  }
  const near = (x: number) => Math.abs(answer - x) < 1e-3;
  if (answer >= 0.999) {
    return { right: false, hint: "scores within [−1, 1] cannot push the other nine weights to 0" };
  }
  if (near(softmax([1, ...Array.from({ length: 9 }, () => 0)])[0]!)) {
    return { right: false, hint: "the other keys can score lower than 0: cosine goes down to −1" };
  }
  if (near(0.1)) {
    return { right: false, hint: "that is the uniform weight of 10 equal scores; make one key stand out" };
  }
  return {
    right: false,
    hint: "give one key the largest cosine and the other nine the smallest cosine allows, then take the softmax",
  };
}

export const SCORING_FUNCTIONS_EXERCISES = defineExercises("02-scoring-functions", [
  {
    n: 1,
    answer: "mixedParams",
    title: "additive parameters that score queries of width 3 against keys of width 5",
    check: mixedWidths,
  },
  {
    n: 2,
    answer: "tau",
    title: "a temperature that gives unscaled d = 128 scores the entropy of the scaled ones",
    check: matchingTemperature,
  },
  {
    n: 3,
    answer: "maxCosineWeight",
    title: "the largest weight softmax of cosine scores can give one of 10 keys",
    check: cosineCap,
  },
]);

/**
 * The exercises of notebooks/seeds/S003.ipynb: "spot the error" drills on the source's formulas S003-F1
 * (rows as samples), S003-F4 (the scale factor d) and S003-F5 (X' = XW). Every right answer is computed
 * here from the library (`attend`, `rowEntropy`, `matmul`, seeded `mulberry32` draws as in the notebook),
 * never typed in; a hint says what is off without giving the answer.
 */
import { attend } from "../math/attend.js";
import { rowEntropy } from "../math/distribution.js";
import { maxAbsDiff } from "../math/inspect.js";
import { matmul } from "../math/matrix.js";
import { mulberry32 } from "../random/prng.js";
import { defineExercises, type Verdict } from "./exercise.js";
import { asFiniteNumber, asNumberMatrix } from "./matrixAnswer.js";

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * S003-F4's set-up for width `d`: a fresh `mulberry32(34)` draws 8 queries, then 10 keys, with N(0, 1)
 * entries; the mean row entropy (nats) of the weights at temperature τ (`scale: 1/τ` on dot scores).
 */
function meanEntropy(d: number, tau: number): number {
  const rng = mulberry32(34);
  const draw = (rows: number) =>
    Array.from({ length: rows }, () => Array.from({ length: d }, () => rng.normal()));
  const q = draw(8);
  const k = draw(10);
  return mean(rowEntropy(attend(q, k, k, { score: "dot", scale: 1 / tau }).weights));
}

function entropyAtD(answer: unknown): Verdict {
  const h = asFiniteNumber(answer, "a mean entropy in nats (a finite number)");
  if (typeof h === "string") return { right: false, hint: h };
  const close = (x: number) => Math.abs(h - x) <= 1e-6;
  if (close(meanEntropy(256, 256))) {
    return {
      right: true,
      note: `ln 10 − H = ${(Math.log(10) - h).toExponential(2)}: τ = d flattens the weights`,
    };
  }
  if (h < 0 || h > Math.log(10) + 1e-12) {
    return { right: false, hint: "the entropy of weights over 10 keys lies between 0 and ln 10" };
  }
  if (close(Math.log(10)))
    return { right: false, hint: "that is ln 10 itself, the entropy of exactly uniform weights" };
  if (close(meanEntropy(256, 16)))
    return { right: false, hint: "that is τ = √d; the exercise asks for τ = d = 256" };
  if (close(meanEntropy(64, 64)))
    return { right: false, hint: "that is the notebook's d = 64; redo it with d = 256" };
  if (close(meanEntropy(256, 1)))
    return { right: false, hint: "that is τ = 1 (no scaling); use scale: 1 / 256" };
  return {
    right: false,
    hint:
      "recompute with a fresh mulberry32(34): 8 queries, then 10 keys, d = 256, scale: 1 / 256, " +
      "and the mean of rowEntropy",
  };
}

/** The two 3-token sentences of S003-F1 (mulberry32(31), entries in [−1, 1)). */
function sentences(): [number[][], number[][]] {
  const rng = mulberry32(31);
  return [rng.matrix(3, 4, -1, 1), rng.matrix(3, 4, -1, 1)];
}

function blockMask(answer: unknown): Verdict {
  if (
    !Array.isArray(answer) ||
    !answer.every((r) => Array.isArray(r) && r.every((v) => typeof v === "boolean"))
  ) {
    return {
      right: false,
      hint: "the answer should be a matrix of booleans (an array of rows), true = may attend",
    };
  }
  const m = answer as boolean[][];
  if (m.length !== 6 || m.some((r) => r.length !== 6)) {
    return {
      right: false,
      hint: "the mask should have 6 rows of 6 entries (one per token of the two sentences)",
    };
  }
  const [s1, s2] = sentences();
  const x = [...s1, ...s2];
  const masked = attend(x, x, x, { mask: m }).output;
  const perSentence = [...attend(s1, s1, s1).output, ...attend(s2, s2, s2).output];
  if (maxAbsDiff(masked, perSentence) <= 1e-12) {
    return { right: true, note: "with the mask the 6-token attention equals the per-sentence one: no leak" };
  }
  const sentence = (i: number) => (i < 3 ? 1 : 2);
  if (m.some((row, i) => row.some((v, j) => v && sentence(i) !== sentence(j)))) {
    return {
      right: false,
      hint: "some token may still see a token of the other sentence, so the leak stays",
    };
  }
  return {
    right: false,
    hint: "no leak now, but some token may not see all of its own sentence, as it does per sentence",
  };
}

function commutingInput(answer: unknown): Verdict {
  const x = asNumberMatrix(answer, 3, 3, "a 3×3 input X (m = d = 3)");
  if (typeof x === "string") return { right: false, hint: x };
  const size = Math.max(...x.flat().map(Math.abs));
  if (size === 0) return { right: false, hint: "X = 0 makes both products 0 trivially; find a non-zero X" };
  const alpha = attend(x, x, x).weights;
  const gap = maxAbsDiff(matmul(x, alpha), matmul(alpha, x));
  if (gap <= 1e-9 * Math.max(1, size)) {
    return { right: true, note: "here the seed's X·α happens to equal α·X; for a general X it does not" };
  }
  return {
    right: false,
    hint:
      `X·α and α·X differ by up to ${gap.toPrecision(3)}; look for an X that commutes with any matrix, ` +
      "or whose α is forced to be simple",
  };
}

export const S003_EXERCISES = defineExercises("S003", [
  {
    n: 1,
    answer: "entropyAtD",
    title: "S003-F4: the mean attention entropy at τ = d for d = 256",
    check: entropyAtD,
  },
  {
    n: 2,
    answer: "sentenceMask",
    title: "S003-F1: the 6×6 mask that stops the 'samples' reading from leaking across sentences",
    check: blockMask,
  },
  {
    n: 3,
    answer: "xCommutes",
    title: "S003-F5: a non-zero 3×3 X for which the seed's X·α equals α·X",
    check: commutingInput,
  },
]);

/**
 * The exercises of notebooks/seeds/S001.ipynb: the worked example that repairs S001-F5 (the "similarity of A
 * and B" that never reads B), varied four ways: character tokens, a sharper softmax, B asking A, and dense
 * embeddings. Every right answer is computed here from the library (`attend`, `identity`, the worked example's
 * `workedEmbed` and `meanAlignedCosine`, seeded `mulberry32`), never typed in; a hint never gives the answer.
 */
import {
  meanAlignedCosine,
  SIMILARITY_WORKED,
  similarityWorkedExample,
  workedEmbed,
} from "../cases/similarity/worked.js";
import { attend } from "../math/attend.js";
import { identity } from "../math/matrix.js";
import { mulberry32 } from "../random/prng.js";
import { defineExercises, type Verdict } from "./exercise.js";
import { asFiniteNumber } from "./matrixAnswer.js";

const TOL = 1e-6;
const SIM = "a similarity (a finite number between −1 and 1)";
/** The worked example's one-hot sentences A and B. */
const [XA, XB] = [workedEmbed(SIMILARITY_WORKED.a), workedEmbed(SIMILARITY_WORKED.b)];

/** mean_i cos(x_i, attended_i) of cross-attention from `queries` to `keys` (keys = values), optional scale. */
function crossSimilarity(queries: number[][], keys: number[][], scale?: number): number {
  const out = attend(queries, keys, keys, scale === undefined ? {} : { scale }).output;
  return meanAlignedCosine(queries, out);
}

/** One-hot character rows of `sentence` over `chars`. */
function charRows(sentence: string, chars: readonly string[]): number[][] {
  const eye = identity(chars.length);
  return [...sentence].map((c) => eye[chars.indexOf(c)]!);
}

function characterSimilarity(answer: unknown): Verdict {
  const x = asFiniteNumber(answer, SIM);
  if (typeof x === "string") return { right: false, hint: x };
  const [a, b] = [SIMILARITY_WORKED.a.join(""), SIMILARITY_WORKED.b.join("")];
  const chars = [...new Set([...a, ...b])];
  const close = (y: number) => Math.abs(x - y) <= TOL;
  const at = (vocab: readonly string[], scale?: number) =>
    crossSimilarity(charRows(a, vocab), charRows(b, vocab), scale);
  if (close(at(chars))) return { right: true, note: `${chars.length} characters, scale 1/√${chars.length}` };
  if (close(crossSimilarity(XA, XB))) return { right: false, hint: "that is the word-level similarity" };
  if (close(at(chars, 1 / Math.sqrt(8)))) {
    return { right: false, hint: "the scale is 1/√d_k, with d_k the size of the character vocabulary" };
  }
  const withControl = [...new Set([...chars, ...SIMILARITY_WORKED.control.join("")])];
  if (close(at(withControl))) {
    return {
      right: false,
      hint: "the vocabulary holds only the characters of A and B (no control sentence)",
    };
  }
  return {
    right: false,
    hint: "one token per character (A has 6, B has 8), one-hot rows, then attend(A, B, B)",
  };
}

function sharpMultiplier(answer: unknown): Verdict {
  if (typeof answer !== "number" || !Number.isInteger(answer) || answer < 1) {
    return { right: false, hint: "the answer is a whole number c ≥ 1 (the logits are multiplied by c)" };
  }
  const sim = (c: number) => crossSimilarity(XA, XB, c / Math.sqrt(8));
  const s = sim(answer);
  if (s <= 0.95)
    return { right: false, hint: `at c = ${answer} the similarity is ${s.toFixed(4)}: not above 0.95` };
  if (answer > 1 && sim(answer - 1) > 0.95) {
    return { right: false, hint: "a smaller whole number also gives a similarity above 0.95" };
  }
  const below = answer > 1 ? `, ${sim(answer - 1).toFixed(4)} at c = ${answer - 1}` : "";
  return { right: true, note: `similarity ${s.toFixed(4)} at c = ${answer}${below}` };
}

function reverseSimilarity(answer: unknown): Verdict {
  const x = asFiniteNumber(answer, SIM);
  if (typeof x === "string") return { right: false, hint: x };
  const close = (y: number) => Math.abs(x - y) <= TOL;
  if (close(crossSimilarity(XB, XA)))
    return { right: true, note: "lower than A→B: 的 and 很 have no partner in A" };
  if (close(crossSimilarity(XA, XB)))
    return { right: false, hint: "that is A→B; here B's words are the queries" };
  if (close(similarityWorkedExample().precision))
    return { right: false, hint: "that is greedy precision; use the cross-attention readout" };
  return {
    right: false,
    hint: "attend(B, A, A), then the mean cosine between each word of B and its output row",
  };
}

/** The 8 × 8 dense embedding table of exercise 4: row i for word i of the worked vocabulary. */
const denseRows = (words: readonly string[]) => {
  const table = mulberry32(0).matrix(8, 8);
  return words.map((w) => table[SIMILARITY_WORKED.vocab.indexOf(w as never)]!);
};

function denseControl(answer: unknown): Verdict {
  const x = asFiniteNumber(answer, SIM);
  if (typeof x === "string") return { right: false, hint: x };
  const [a, b, c] = [SIMILARITY_WORKED.a, SIMILARITY_WORKED.b, SIMILARITY_WORKED.control].map(denseRows);
  const close = (y: number) => Math.abs(x - y) <= TOL;
  if (close(crossSimilarity(a!, c!))) {
    return { right: true, note: "far from 0: random dense vectors make unrelated words look alike" };
  }
  if (close(0)) return { right: false, hint: "0 is the one-hot result; dense rows are no longer orthogonal" };
  if (close(crossSimilarity(a!, b!)))
    return { right: false, hint: "that is A against B; use the control sentence" };
  return {
    right: false,
    hint: "embed with rows of mulberry32(0).matrix(8, 8) (row = vocab index), then attend(A, C, C)",
  };
}

export const S001_EXERCISES = defineExercises("S001", [
  {
    n: 1,
    answer: "charSimilarity",
    title: "similarity A→B with character tokens",
    check: characterSimilarity,
  },
  {
    n: 2,
    answer: "multiplier",
    title: "the smallest whole logit multiplier with similarity A→B above 0.95",
    check: sharpMultiplier,
  },
  { n: 3, answer: "simBA", title: "the similarity B→A (B's words as queries)", check: reverseSimilarity },
  {
    n: 4,
    answer: "denseControlSim",
    title: "the control similarity with dense random embeddings",
    check: denseControl,
  },
]);

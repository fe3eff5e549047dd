/**
 * The exercises of notebooks/04-multi-head-attention.ipynb. Every right answer is computed here from the
 * library (`multiHeadAttend`, `zeros`, the notebook's seeded example rebuilt from `mulberry32` and
 * `sinusoidalPositionalEncoding`), never typed in; a hint says what is off without giving the answer.
 */
import { type Matrix, zeros } from "../math/matrix.js";
import { type MultiHeadTrace, multiHeadAttend } from "../math/multiHead.js";
import { sinusoidalPositionalEncoding } from "../math/positional.js";
import { mulberry32 } from "../random/prng.js";
import { defineExercises, type Verdict } from "./exercise.js";
import { asNumberMatrix } from "./matrixAnswer.js";

/** The notebook's example at its default settings: 8 tokens, E = 16, N = 4, seed 5 (its `example()` cell). */
const TOKENS = 8;
const E = 16;
const NUM_HEADS = 4;
const H = E / NUM_HEADS;

interface Example {
  X: Matrix;
  wq: Matrix;
  wk: Matrix;
  wv: Matrix;
  wo: Matrix;
}

/** The same draws, in the same order, as the notebook's `example()`. */
function example(): Example {
  const rng = mulberry32(5);
  const pe = sinusoidalPositionalEncoding(TOKENS, E);
  const X = rng.matrix(TOKENS, E).map((row, i) => row.map((x, j) => x + pe[i]![j]!));
  const [wq, wk, wv, wo] = [0, 1, 2, 3].map(() => rng.matrix(E, E, -0.6, 0.6)) as Matrix[];
  return { X, wq: wq!, wk: wk!, wv: wv!, wo: wo! };
}

function attendExample(ex: Example, causal: boolean): MultiHeadTrace {
  const { X, wq, wk, wv, wo } = ex;
  return multiHeadAttend(X, X, X, {
    numHeads: NUM_HEADS,
    wq,
    wk,
    wv,
    wo,
    mask: causal ? { causal } : undefined,
  });
}

const close = (a: Matrix, b: Matrix, tol = 1e-9) =>
  a.every((r, i) => r.every((x, j) => Math.abs(x - b[i]![j]!) <= tol));
const block = (m: Matrix, n: number) => m.map((r) => r.slice(n * H, (n + 1) * H));

/** Parameter counts of multi-head attention (width E, N heads) from the shapes multiHeadAttend takes. */
function parameterCounts(
  dModel: number,
  numHeads: number,
): { weights: number; biases: number; output: number } {
  const w = () => zeros(dModel, dModel);
  const b = () => new Array<number>(dModel).fill(0);
  const o = { numHeads, wq: w(), wk: w(), wv: w(), wo: w(), bq: b(), bk: b(), bv: b(), bo: b() };
  multiHeadAttend([b()], [b()], [b()], o); // throws if these shapes were not valid for N heads
  const size = (m: Matrix) => m.length * m[0]!.length;
  return {
    weights: size(o.wq) + size(o.wk) + size(o.wv) + size(o.wo),
    biases: o.bq.length + o.bk.length + o.bv.length + o.bo.length,
    output: size(o.wo) + o.bo.length, // W_O and b_O
  };
}

let counts512: ReturnType<typeof parameterCounts> | undefined;

function parameterCount(answer: unknown): Verdict {
  if (typeof answer !== "number" || !Number.isInteger(answer) || answer <= 0) {
    return { right: false, hint: "the answer is a count of numbers: a positive whole number" };
  }
  counts512 ??= parameterCounts(512, 8);
  const { weights, biases, output } = counts512;
  const right = weights + biases;
  if (answer === right) {
    return { right: true, note: "the same for any N that divides E: the heads share out E columns" };
  }
  if (answer === weights)
    return { right: false, hint: "that counts the four weight matrices only; add the biases" };
  if (answer === right - output || answer === (weights * 3) / 4) {
    return { right: false, hint: "that leaves out the output projection W_O and its bias" };
  }
  if (answer === right * 8 || answer === weights * 8) {
    return {
      right: false,
      hint: "the heads do not each get their own E × E matrices: head n owns H = E/N columns",
    };
  }
  if (answer === right / 8 || answer === weights / 8) {
    return { right: false, hint: "that is one head's share; the N heads together use all E columns" };
  }
  return {
    right: false,
    hint: "count the entries of wq, wk, wv, wo (each E × E) and of bq, bk, bv, bo (each E) for E = 512",
  };
}

/** Head 2 (columns H … 2H − 1) gets head 1's columns (0 … H − 1) in wq, wk and wv. */
function tieHead2ToHead1(w: Matrix): Matrix {
  return w.map((r) => r.map((x, j) => (j >= H && j < 2 * H ? r[j - H]! : x)));
}

function tiedHeads(answer: unknown): Verdict {
  const m = asNumberMatrix(answer, TOKENS, E, "the concat [8, 16]");
  if (typeof m === "string") return { right: false, hint: m };
  const ex = example();
  const untied = attendExample(ex, true);
  const tied = attendExample(
    { ...ex, wq: tieHead2ToHead1(ex.wq), wk: tieHead2ToHead1(ex.wk), wv: tieHead2ToHead1(ex.wv) },
    true,
  );
  if (close(m, tied.concat)) {
    return {
      right: true,
      note: "head 2's block repeats head 1's: two identical heads add nothing a single one lacks",
    };
  }
  if (close(m, tied.output))
    return { right: false, hint: "that is the output after W_O; the exercise asks for the concat" };
  if (close(m, untied.concat)) {
    return {
      right: false,
      hint: "this is the concat of the untied weights: copy the columns in wq, wk and wv first",
    };
  }
  if (!close(block(m, 0), block(m, 1))) {
    return {
      right: false,
      hint: "heads 1 and 2 still differ: copy the same columns in all three of wq, wk and wv",
    };
  }
  return {
    right: false,
    hint:
      "the two heads agree, but not with head 1: copy columns 0–3 into 4–7 (not the other way) " +
      "and keep the causal mask",
  };
}

/** Σ |Δα| per head between the causal and the unmasked example (twice the weight put on later keys). */
function changes(): number[] {
  const ex = example();
  const [causal, full] = [attendExample(ex, true), attendExample(ex, false)];
  return causal.heads.map((h, n) =>
    h.weights.reduce(
      (s, row, i) => s + row.reduce((t, w, j) => t + Math.abs(w - full.heads[n]!.weights[i]![j]!), 0),
      0,
    ),
  );
}

function mostChanged(answer: unknown): Verdict {
  if (typeof answer !== "number" || !Number.isInteger(answer) || answer < 0 || answer > NUM_HEADS) {
    return { right: false, hint: `the answer is a head number, 1 to ${NUM_HEADS}, as in the grid titles` };
  }
  if (answer === 0) return { right: false, hint: "heads are numbered from 1, as in the grid titles" };
  const change = changes();
  const right = change.indexOf(Math.max(...change)) + 1;
  if (answer === right) {
    return {
      right: true,
      note: `Σ|Δα| = ${change[right - 1]!.toFixed(2)}: it puts the most weight on later keys`,
    };
  }
  return {
    right: false,
    hint: `head ${answer} changes by Σ|Δα| = ${change[answer - 1]!.toFixed(2)}; another head changes more`,
  };
}

export const MULTI_HEAD_ATTENTION_EXERCISES = defineExercises("04-multi-head-attention", [
  {
    n: 1,
    answer: "mhaParams",
    title: "the number of parameters (weights and biases) of multi-head attention for E = 512, N = 8",
    check: parameterCount,
  },
  {
    n: 2,
    answer: "tiedConcat",
    title: "the concat of the example when head 2 is given head 1's projection columns",
    check: tiedHeads,
  },
  {
    n: 3,
    answer: "mostChanged",
    title: "which head's weights change most when the causal mask is removed",
    check: mostChanged,
  },
]);

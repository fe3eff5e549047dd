/**
 * The exercises of notebooks/05-positional-encoding.ipynb. Every right answer is computed here from the
 * library (`positionalShift`, `sinusoidalPositionalEncoding`, `attend`, `mulberry32`), never typed in; a hint
 * says what is off without giving the answer.
 */
import { attend } from "../math/attend.js";
import { type Matrix, matmul, transpose } from "../math/matrix.js";
import { positionalShift, sinusoidalPositionalEncoding } from "../math/positional.js";
import { mulberry32 } from "../random/prng.js";
import { defineExercises, type Verdict } from "./exercise.js";
import { asNumberMatrix } from "./matrixAnswer.js";

/** The notebook's settings: 60 positions, width 32. */
const LENGTH = 60;
const D_MODEL = 32;

const maxDiff = (a: Matrix, b: Matrix) =>
  Math.max(...a.flatMap((r, i) => r.map((x, j) => Math.abs(x - b[i]![j]!))));

function composedShift(answer: unknown): Verdict {
  const m = asNumberMatrix(answer, D_MODEL, D_MODEL, `R(δ), a [${D_MODEL}, ${D_MODEL}] matrix,`);
  if (typeof m === "string") return { right: false, hint: m };
  const R = (delta: number) => positionalShift(delta, D_MODEL);
  const error = maxDiff(m, R(3 + 4));
  if (error < 1e-9) return { right: true, note: `max |R(3)·R(4) − R(7)| = ${error.toExponential(1)}` };
  if (maxDiff(m, R(3 * 4)) < 1e-9)
    return { right: false, hint: "that is the shift by δ1·δ2: shifts add, they do not multiply" };
  if (maxDiff(m, R(3)) < 1e-9 || maxDiff(m, R(4)) < 1e-9) {
    return { right: false, hint: "that is one factor alone; multiply the two rotations with matmul" };
  }
  if (maxDiff(m, R(1)) < 1e-9 || maxDiff(m, R(-1)) < 1e-9) {
    return {
      right: false,
      hint: "one factor is transposed (R(δ)ᵀ = R(−δ)); use positionalShift's matrices as they are",
    };
  }
  const entrywise = R(3).map((r, i) => r.map((x, j) => x * R(4)[i]![j]!));
  if (maxDiff(m, entrywise) < 1e-9) {
    return {
      right: false,
      hint: "that multiplies entry by entry; the composition is the matrix product (matmul)",
    };
  }
  return {
    right: false,
    hint: `the answer is off by up to ${error.toPrecision(2)}; compute matmul(R(3), R(4))`,
  };
}

/** Wavelength 2π/ω of every column, reading ω_i = atan2(PE(1, 2i), PE(1, 2i+1)) off the encoding itself. */
function wavelengths(): number[] {
  const pe1 = sinusoidalPositionalEncoding(2, D_MODEL)[1]!;
  return pe1.map((_, j) => {
    const pair = Math.floor(j / 2);
    return (2 * Math.PI) / Math.atan2(pe1[2 * pair]!, pe1[2 * pair + 1]!);
  });
}

function slowColumn(answer: unknown): Verdict {
  if (typeof answer !== "number" || !Number.isInteger(answer) || answer < 0 || answer >= D_MODEL) {
    return { right: false, hint: `the answer is a column index, a whole number from 0 to ${D_MODEL - 1}` };
  }
  const lambda = wavelengths();
  const right = lambda.findIndex((l) => l > LENGTH);
  if (answer === right) {
    return {
      right: true,
      note: `wavelength ${lambda[right]!.toFixed(1)}: over ${LENGTH} positions, less than one period`,
    };
  }
  if (answer * 2 === right) {
    return { right: false, hint: "that is a pair index i; the columns of pair i are 2i and 2i + 1" };
  }
  if (lambda[answer]! <= LENGTH) {
    return {
      right: false,
      hint: `column ${answer} has wavelength ${lambda[answer]!.toFixed(1)}, not above ${LENGTH}`,
    };
  }
  const own = `column ${answer}'s wavelength ${lambda[answer]!.toFixed(1)} is above ${LENGTH}`;
  return { right: false, hint: `${own}; an earlier one's too` };
}

/** The claims of the notebook, each tested on an encoding `[60, 32]`. */
const CLAIMS: Record<string, (enc: Matrix) => boolean> = {
  /** Adding the encoding to the keys makes swapping two keys (and their values) change the output. */
  orderSensitive: (enc) => {
    const rng = mulberry32(6);
    const x = rng.matrix(3, D_MODEL);
    const q = [x[0]!.map((v, j) => v + enc[0]![j]!)];
    const withPositions = (rows: Matrix) => rows.map((r, i) => r.map((v, j) => v + enc[i]![j]!));
    const swapped = [x[1]!, x[0]!, x[2]!];
    const a = attend(q, withPositions(x), x).output;
    const b = attend(q, withPositions(swapped), swapped).output;
    return maxDiff(a, b) > 1e-9;
  },
  /** PE(pos + δ) = R(δ) PE(pos) with R(δ) = positionalShift(δ, 32), for δ = 1, 2, 5, 10, 30. */
  shift: (enc) =>
    [1, 2, 5, 10, 30].every(
      (delta) =>
        maxDiff(
          matmul(enc.slice(0, LENGTH - delta), transpose(positionalShift(delta, D_MODEL))),
          enc.slice(delta),
        ) < 1e-9,
    ),
  /** PE(pos) · PE(pos + 5) is the same for pos = 0, 10, 20, 40. */
  distanceOnly: (enc) => {
    const dot = (a: number, b: number) => enc[a]!.reduce((s, x, j) => s + x * enc[b]![j]!, 0);
    return [10, 20, 40].every((pos) => Math.abs(dot(pos, pos + 5) - dot(0, 5)) < 1e-9);
  },
  /** Every entry lies in [−1, 1]. */
  bounded: (enc) => enc.every((r) => r.every((x) => Math.abs(x) <= 1)),
};

/** The names of the claims that hold for an encoding. */
export function claimsThatHold(enc: Matrix): string[] {
  return Object.keys(CLAIMS).filter((name) => CLAIMS[name]!(enc));
}

function learnedClaims(answer: unknown): Verdict {
  const names = Object.keys(CLAIMS);
  if (!Array.isArray(answer) || !answer.every((a) => typeof a === "string")) {
    return { right: false, hint: `the answer is an array of claim names from: ${names.join(", ")}` };
  }
  const unknown = answer.filter((a) => !names.includes(a));
  if (unknown.length > 0) {
    return {
      right: false,
      hint: `unknown claim ${JSON.stringify(unknown[0])}; the claims are ${names.join(", ")}`,
    };
  }
  const holds = claimsThatHold(mulberry32(7).matrix(LENGTH, D_MODEL));
  const listed = new Set(answer as string[]);
  const extra = [...listed].filter((a) => !holds.includes(a)).length;
  const missing = holds.filter((a) => !listed.has(a)).length;
  if (extra === 0 && missing === 0) {
    return {
      right: true,
      note: "order needs only distinct vectors; the shift and distance identities need the sinusoids",
    };
  }
  const counts = `claims you list that fail for \`learned\`: ${extra}`;
  return {
    right: false,
    hint: `${counts}; claims that hold but are missing: ${missing}; test each one on it`,
  };
}

export const POSITIONAL_ENCODING_EXERCISES = defineExercises("05-positional-encoding", [
  {
    n: 1,
    answer: "composed",
    title: "the product R(3)·R(4) for dModel = 32 (it equals R(7))",
    check: composedShift,
  },
  {
    n: 2,
    answer: "slowColumn",
    title: "the first column of the [60, 32] encoding whose wavelength exceeds 60",
    check: slowColumn,
  },
  {
    n: 3,
    answer: "stillHold",
    title: "which of the notebook's claims still hold for random (learned) position vectors",
    check: learnedClaims,
  },
]);

/**
 * The exercises of notebooks/06-transformer-copy-task.ipynb. Every right answer is computed here from the
 * library and the case's own data and models (`copySequences` with `reverseCopyTargets`, the kit's
 * `MultiHeadAttention` and `SinusoidalPositionalEncoding` layers, `copyTaskModel` with `countParameters`), never
 * typed in; a hint says what is off without giving the answer.
 */
import * as tf from "@tensorflow/tfjs";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { asNumberMatrix } from "../../exercises/matrixAnswer.js";
import { MultiHeadAttention } from "../../layers/multiHeadAttention.js";
import { SinusoidalPositionalEncoding } from "../../layers/positionalEncoding.js";
import { COPY_TASK, type CopyBatch, copySequences, copyTaskTensors } from "../../models/copyTask.js";
import { mulberry32 } from "../../random/prng.js";
import { countParameters } from "../../train/variables.js";
import { reverseCopyTargets } from "./data.js";
import { COPY_TASK_DEFAULTS } from "./experiment.js";
import { copyTaskModel } from "./model.js";

const LENGTH = COPY_TASK.length;

// ── 1. the cross-attention of a perfect reverse model ────────────────────────────────────────────────────────

/**
 * The alignment a batch's data implies: `A[i][j] = 1` when source position `j` holds the symbol that decoder
 * step `i` must emit (`tgtOut[i]`) in every sequence of the batch, for the `LENGTH` steps that emit a symbol.
 */
function impliedAlignment(batch: CopyBatch): number[][] {
  return Array.from({ length: LENGTH }, (_, i) =>
    Array.from({ length: LENGTH }, (_, j) => Number(batch.src.every((s, b) => s[j] === batch.tgtOut[b]![i]))),
  );
}

const sameMatrix = (a: number[][], b: number[][]) => a.every((r, i) => r.every((x, j) => x === b[i]![j]));

function reverseAlignment(answer: unknown): Verdict {
  const what = `the alignment [${LENGTH}, ${LENGTH}] (decoder steps × source positions)`;
  const m = asNumberMatrix(answer, LENGTH, LENGTH, what);
  if (typeof m === "string") {
    if (Array.isArray(answer) && answer.length === LENGTH + 1) {
      return {
        right: false,
        hint: `keep only the ${LENGTH} steps that emit a symbol: the last step emits the end token and has no source position to read`,
      };
    }
    return { right: false, hint: m };
  }
  if (!m.every((r) => r.every((x) => x === 0 || x === 1))) {
    return { right: false, hint: "a perfect alignment is a 0/1 matrix: 1 where a step reads, 0 elsewhere" };
  }
  const badRows = m.filter((r) => r.reduce<number>((a, b) => a + b, 0) !== 1).length;
  if (badRows > 0) {
    return {
      right: false,
      hint: `${badRows} row(s) do not have exactly one 1: each decoder step reads one source position`,
    };
  }
  const sources = copySequences(61, 64);
  const reverse = impliedAlignment(reverseCopyTargets(sources));
  if (sameMatrix(m, reverse)) {
    return {
      right: true,
      note: "the anti-diagonal: step i reads source position 9 − i, a pattern as simple as the copy's diagonal",
    };
  }
  if (sameMatrix(m, impliedAlignment(sources))) {
    return {
      right: false,
      hint: "that is the copy task's alignment; reversing the target changes which position each step reads",
    };
  }
  const wrong = m.filter((r, i) => !sameMatrix([r], [reverse[i]!])).length;
  return {
    right: false,
    hint:
      `${wrong} of the ${LENGTH} steps read a source position that does not hold the symbol they emit; ` +
      "compare tgtOut[i] with src[j] in reverseCopyTargets(copySequences(…)) to see which one does",
  };
}

// ── 2. without positions, self-attention is permutation-equivariant ──────────────────────────────────────────

type RowsFunction = (x: number[][]) => number[][];

/** max over i, j of |f(Px)[i][j] − (P f(x))[i][j]| with (Px)[i] = x[perm[i]]. */
function referenceGap(f: RowsFunction, x: number[][], perm: number[]): number {
  const permute = (m: number[][]) => perm.map((p) => m[p]!);
  const a = f(permute(x));
  const b = permute(f(x));
  return Math.max(...a.flatMap((r, i) => r.map((v, j) => Math.abs(v - b[i]![j]!))));
}

/** The same, but comparing with f(x) unpermuted (a typical slip). */
function unpermutedGap(f: RowsFunction, x: number[][], perm: number[]): number {
  const a = f(perm.map((p) => x[p]!));
  const b = f(x);
  return Math.max(...a.flatMap((r, i) => r.map((v, j) => Math.abs(v - b[i]![j]!))));
}

function equivarianceGap(answer: unknown): Verdict {
  if (typeof answer !== "function") {
    return {
      right: false,
      hint: "the answer is a function (f, x, perm) => number, where f maps [T, E] rows to [T, E] rows",
    };
  }
  const gap = answer as (f: RowsFunction, x: number[][], perm: number[]) => unknown;
  const T = LENGTH;
  const E = 16;
  const layer = new MultiHeadAttention({ numHeads: 2, seed: 3 });
  const positions = new SinusoidalPositionalEncoding({ maxLength: T });
  const rows = (y: tf.Tensor) => (y.arraySync() as number[][][])[0]!;
  const attend = (x: tf.Tensor, causal: boolean) =>
    layer.apply(x, causal ? { causal: true } : {}) as tf.Tensor;
  const cases: { name: string; f: RowsFunction }[] = [
    {
      name: "self-attention without positions",
      f: (x) => tf.tidy(() => rows(attend(tf.tensor3d([x]), false))),
    },
    {
      name: "self-attention with sinusoidal positions added first",
      f: (x) => tf.tidy(() => rows(attend(positions.apply(tf.tensor3d([x])) as tf.Tensor, false))),
    },
    { name: "causal self-attention", f: (x) => tf.tidy(() => rows(attend(tf.tensor3d([x]), true))) },
  ];
  const reverse = Array.from({ length: T }, (_, i) => T - 1 - i);
  const swap = Array.from({ length: T }, (_, i) => (i === 0 ? 3 : i === 3 ? 0 : i));
  const perms = [
    { name: "reversing the rows", perm: reverse },
    { name: "swapping rows 0 and 3", perm: swap },
  ];
  const x = mulberry32(21).matrix(T, E);
  try {
    for (const c of cases) {
      for (const p of perms) {
        const want = referenceGap(c.f, x, p.perm);
        let got: unknown;
        try {
          got = tf.tidy(() => {
            const value = gap(
              c.f,
              x.map((r) => [...r]),
              [...p.perm],
            );
            return typeof value === "number" ? value : NaN;
          });
        } catch (error) {
          return {
            right: false,
            hint: `your function threw on ${c.name}, ${p.name}: ${(error as Error).message ?? String(error)}`,
          };
        }
        if (typeof got !== "number" || !Number.isFinite(got)) {
          return {
            right: false,
            hint: "the function should return a finite number (the largest difference)",
          };
        }
        if (Math.abs(got - want) <= 1e-5 + 1e-4 * want) continue;
        const where = `on ${c.name}, ${p.name}`;
        if (Math.abs(got - unpermutedGap(c.f, x, p.perm)) <= 1e-5 + 1e-4 * got) {
          return {
            right: false,
            hint: `${where} you compare f(Px) with f(x); permute f(x)'s rows the same way (P·f(x)) first`,
          };
        }
        return {
          right: false,
          hint: `${where} your function gives ${got.toPrecision(3)}, not max |f(Px) − P·f(x)| over all entries`,
        };
      }
    }
  } finally {
    layer.dispose();
  }
  return {
    right: true,
    note: "without positions the gap is float32 rounding: the layer cannot tell where a row was; positions or a causal mask break the symmetry",
  };
}

// ── 3. what 1 and 4 heads of the same width cost ─────────────────────────────────────────────────────────────

/** Parameters of the copy model, and cross-attention weights one sequence produces, for `numHeads` heads. */
function headCostOf(numHeads: number): { parameters: number; crossWeights: number; maps: number } {
  const model = copyTaskModel({ seed: 0, dModel: COPY_TASK_DEFAULTS.dModel, numHeads });
  try {
    const parameters = countParameters(model);
    const batch = copySequences(5, 1);
    const t = copyTaskTensors(batch);
    const { output, attention } = model.applyWithAttention([t.src, t.tgtIn]);
    const crossWeights = attention.decoderCross.reduce((s, m) => s + m.size, 0) / batch.src.length;
    const maps = attention.decoderCross.reduce((s, m) => s + (m.shape[1] ?? 0), 0);
    tf.dispose([t.src, t.tgtIn, t.tgtOut, output, attention]);
    return { parameters, crossWeights, maps };
  } finally {
    model.dispose();
  }
}

const isCountPair = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === "number" && Number.isInteger(n) && n > 0);

function headCost(answer: unknown): Verdict {
  const shape = "{ parameters: [oneHead, fourHeads], crossWeights: [oneHead, fourHeads] }";
  const a = answer as { parameters?: unknown; crossWeights?: unknown } | null;
  if (typeof a !== "object" || a === null || !isCountPair(a.parameters) || !isCountPair(a.crossWeights)) {
    return { right: false, hint: `the answer is ${shape}, each entry a positive whole number` };
  }
  const [one, four] = [headCostOf(1), headCostOf(4)];
  const [p1, p4] = a.parameters;
  const [c1, c4] = a.crossWeights;
  if (p1 !== one.parameters || p4 !== four.parameters) {
    if (p4 === 4 * p1) {
      return {
        right: false,
        hint: "four heads of the same total width do not own four copies of the weights: head n owns E/N columns",
      };
    }
    return {
      right: false,
      hint: `count the parameters with countParameters on copyTaskModel({ ...run.config, numHeads }) at width ${COPY_TASK_DEFAULTS.dModel}`,
    };
  }
  if (c1 !== one.crossWeights || c4 !== four.crossWeights) {
    if (c1 === one.maps && c4 === four.maps) {
      return { right: false, hint: "that counts the maps; count the weights in them (every entry)" };
    }
    if (c1 === c4) return { right: false, hint: "every head computes its own map of weights" };
    return {
      right: false,
      hint: "read the cross-attention of one sequence from applyWithAttention: decoderCross is [B, N, T, S]; count its entries per sequence",
    };
  }
  return {
    right: true,
    note: `${one.parameters} parameters either way; 4 heads give ${four.crossWeights / one.crossWeights}× the attention weights, each head scoring with ${COPY_TASK_DEFAULTS.dModel / 4} columns`,
  };
}

export const COPY_TASK_EXERCISES = defineExercises("06-transformer-copy-task", [
  {
    n: 1,
    answer: "reverseAlignment",
    title: "the cross-attention alignment [10, 10] of a perfect model of the reverse task",
    check: reverseAlignment,
  },
  {
    n: 2,
    answer: "equivarianceGap",
    title: "a function measuring max |f(Px) − P·f(x)|: how far a layer is from permutation-equivariant",
    check: equivarianceGap,
  },
  {
    n: 3,
    answer: "headCost",
    title: "parameters and cross-attention weights of the copy model with 1 and 4 heads at width 32",
    check: headCost,
  },
]);

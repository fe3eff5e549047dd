/**
 * What the GRU and LSTM steps of tier 1 share: the weights of one recurrent cell in the layout of tfjs's
 * `gruCell` / `lstmCell` (`kernel [I, gH]`, `recurrentKernel [H, gH]`, `bias [gH]`, g gate blocks side by side),
 * their shape checks with errors naming the weight, the gate activations, and a row times a block of columns.
 * Follows: tfjs-layers `recurrent.ts` (GRUCell, LSTMCell `build` and `call`), Keras's weight layout.
 */
import { checkOptions, checkValue, opt } from "../check/options.js";
import { type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import { assertNoOverflow, formatShape, type Matrix, shapeOf } from "./matrix.js";

/** One cell's weights: `kernel [I, gH]` (input), `recurrentKernel [H, gH]` (state), `bias [gH]` (default zeros). */
export interface CellWeights {
  kernel: MatrixLike;
  recurrentKernel: MatrixLike;
  bias?: VectorLike;
}

/**
 * The gate nonlinearity: `"sigmoid"` 1/(1 + e^−x), what attnlab's layers use (`recurrentArgs`), or tfjs's own
 * default `"hardSigmoid"` clip(0.2x + 0.5, 0, 1).
 */
export type GateActivation = "sigmoid" | "hardSigmoid";

/** Options of a cell step. */
export interface CellStepOptions {
  /** The gate activation. Default "sigmoid" (as every attnlab layer builds its cells). */
  recurrentActivation?: GateActivation;
}

export const CELL_STEP_RULES = { recurrentActivation: opt.oneOf(["sigmoid", "hardSigmoid"]) } as const;

/** Checked weights and inputs of one step, as plain arrays. */
export interface CheckedCell {
  x: number[];
  h: number[];
  kernel: Matrix;
  recurrentKernel: Matrix;
  bias: number[];
  units: number;
  gate: (v: number) => number;
}

/**
 * Checks `x [I]`, `h [H]` and a cell with `gates` blocks: kernel `[I, gates·H]`, recurrentKernel `[H, gates·H]`,
 * bias `[gates·H]`; errors start with `where` and name the weight and both shapes.
 */
export function checkCell(
  where: string,
  x: VectorLike,
  h: VectorLike,
  weights: CellWeights,
  options: CellStepOptions | undefined,
  gates: number,
): CheckedCell {
  const o = checkOptions(where, options, CELL_STEP_RULES);
  const spec = {
    kernel: opt.any({ required: true }),
    recurrentKernel: opt.any({ required: true }),
    bias: opt.any(),
  };
  checkValue(where, "weights", weights, opt.object(spec, { required: true }));
  const w = weights;
  const [xs, hs] = [toNumberArray(`${where}: x`, x), toNumberArray(`${where}: h`, h)];
  const units = hs.length;
  const kernel = toMatrix(`${where}: weights.kernel`, w.kernel);
  const recurrentKernel = toMatrix(`${where}: weights.recurrentKernel`, w.recurrentKernel);
  const width = gates * units;
  const need = (name: string, shape: number[], want: number[], why: string) => {
    if (shape.some((n, i) => n !== want[i])) {
      throw new RangeError(
        `${where}: ${name} has shape ${formatShape(shape)} but ${why} needs ${formatShape(want)} (${gates} gate blocks of H = ${units} columns)`,
      );
    }
  };
  need("weights.kernel", shapeOf(kernel), [xs.length, width], `x [${xs.length}]`);
  need("weights.recurrentKernel", shapeOf(recurrentKernel), [units, width], `h [${units}]`);
  const bias =
    w.bias === undefined ? new Array<number>(width).fill(0) : toNumberArray(`${where}: weights.bias`, w.bias);
  need("weights.bias", [bias.length], [width], "the cell");
  const gate = o.recurrentActivation === "hardSigmoid" ? hardSigmoid : sigmoid;
  return { x: xs, h: hs, kernel, recurrentKernel, bias, units, gate };
}

/** v · M[:, block·H … (block+1)·H − 1]: a row vector times one gate block of columns → `[H]`. */
export function rowTimesBlock(
  where: string,
  v: readonly number[],
  m: Matrix,
  block: number,
  units: number,
): number[] {
  const out = new Array<number>(units).fill(0);
  for (let j = 0; j < units; j++) {
    let sum = 0;
    for (let i = 0; i < v.length; i++) sum += v[i]! * m[i]![block * units + j]!;
    out[j] = Number.isFinite(sum) ? sum : assertNoOverflow(where, sum, `[${j}]`);
  }
  return out;
}

/** The logistic function, written so that it never overflows: 1/(1 + e^−x) for x ≥ 0, e^x/(1 + e^x) below. */
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** tfjs's hard sigmoid: clip(0.2 v + 0.5, 0, 1). */
export function hardSigmoid(v: number): number {
  return Math.min(1, Math.max(0, 0.2 * v + 0.5));
}

/** Entry-wise `a + b (+ c)` of vectors of one length. */
export function addVectors(...vs: readonly (readonly number[])[]): number[] {
  return vs[0]!.map((_, j) => vs.reduce((s, v) => s + v[j]!, 0));
}

/** A vector as a one-row matrix `[1, n]`, the shape trace steps hold. */
export function asRow(v: readonly number[]): Matrix {
  return [[...v]];
}

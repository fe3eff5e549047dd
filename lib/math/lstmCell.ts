/**
 * One step of an LSTM cell on plain arrays, in the layout and equations of tfjs's `tf.layers.lstmCell`: gate
 * blocks in the order i (input), f (forget), g (candidate), o (output) along the columns of `kernel [I, 4H]`,
 * `recurrentKernel [H, 4H]` and `bias [4H]`; c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t).
 * Follows: Hochreiter & Schmidhuber 1997 with the forget gate of Gers et al. 2000, in the row convention;
 * tfjs-layers `LSTMCell.call`; d2l §10.1.
 */
import {
  addVectors,
  asRow,
  type CellStepOptions,
  type CellWeights,
  checkCell,
  rowTimesBlock,
} from "./cellWeights.js";
import { toNumberArray, type VectorLike } from "./input.js";
import { formatShape, type Shape } from "./matrix.js";
import { type StepRow, shapesOf, stepsFrom, type TraceStep } from "./trace.js";

/** Every intermediate of one LSTM step (vectors `[H]`). */
export interface LstmTrace {
  /** Input gate i = σ(x W_i + b_i + h U_i). */
  i: number[];
  /** Forget gate f = σ(x W_f + b_f + h U_f). */
  f: number[];
  /** Candidate g = tanh(x W_g + b_g + h U_g). */
  candidate: number[];
  /** Output gate o = σ(x W_o + b_o + h U_o). */
  o: number[];
  /** The new memory cell c_t = f ⊙ c_{t−1} + i ⊙ g. */
  c: number[];
  /** The new output h_t = o ⊙ tanh(c_t). */
  h: number[];
  steps: TraceStep[];
  shapes: Record<string, Shape>;
}

/**
 * One LSTM step: input `x [I]`, previous output `h [H]` and cell `c [H]`, tfjs's weights → the new h and c.
 * @example
 *   // H = 1, I = 1, zero weights but the candidate's input weight 1: i = f = o = 0.5, g = tanh(x)
 *   const t = lstmStep([2], [0], [1], { kernel: [[0, 0, 1, 0]], recurrentKernel: [[0, 0, 0, 0]] });
 *   t.c; // [0.982] (0.5 · 1 + 0.5 · tanh 2)
 *   t.h; // [0.3769] (0.5 · tanh 0.982)
 */
export function lstmStep(
  x: VectorLike,
  h: VectorLike,
  c: VectorLike,
  weights: CellWeights,
  options: CellStepOptions = {},
): LstmTrace {
  const where = "lstmStep";
  const w = checkCell(where, x, h, weights, options, 4);
  const prevC = toNumberArray(`${where}: c`, c);
  if (prevC.length !== w.units) {
    throw new RangeError(
      `${where}: c has shape ${formatShape([prevC.length])} but h has ${formatShape([w.units])}`,
    );
  }
  const n = w.units;
  const pre = (g: number) =>
    addVectors(
      rowTimesBlock(`${where}: x W`, w.x, w.kernel, g, n),
      w.bias.slice(g * n, (g + 1) * n),
      rowTimesBlock(`${where}: h U`, w.h, w.recurrentKernel, g, n),
    );
  // 1) the four gates from one product 2) the new cell 3) the new output
  const [i, f, o] = [pre(0).map(w.gate), pre(1).map(w.gate), pre(3).map(w.gate)];
  const candidate = pre(2).map(Math.tanh);
  const nextC = f.map((fj, j) => fj * prevC[j]! + i[j]! * candidate[j]!);
  const nextH = o.map((oj, j) => oj * Math.tanh(nextC[j]!));
  const values = {
    i: asRow(i),
    f: asRow(f),
    candidate: asRow(candidate),
    o: asRow(o),
    c: asRow(nextC),
    h: asRow(nextH),
  };
  const steps = stepsFrom(LSTM_STEPS, values, null);
  return { i, f, candidate, o, c: nextC, h: nextH, steps, shapes: shapesOf(steps) };
}

const LSTM_STEPS: readonly StepRow<null>[] = [
  { name: "i", symbol: "i", equation: "i = \\sigma(x W_i + b_i + h_{t-1} U_i)" },
  { name: "f", symbol: "f", equation: "f = \\sigma(x W_f + b_f + h_{t-1} U_f)" },
  { name: "candidate", symbol: "g", equation: "g = \\tanh(x W_g + b_g + h_{t-1} U_g)" },
  { name: "o", symbol: "o", equation: "o = \\sigma(x W_o + b_o + h_{t-1} U_o)" },
  { name: "c", symbol: "c_t", equation: "c_t = f \\odot c_{t-1} + i \\odot g" },
  { name: "h", symbol: "h_t", equation: "h_t = o \\odot \\tanh(c_t)" },
];

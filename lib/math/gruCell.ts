/**
 * One step of a GRU cell on plain arrays, in exactly the layout and equations of tfjs's `tf.layers.gruCell`:
 * gate blocks in the order z (update), r (reset), h̃ (candidate) along the columns of `kernel [I, 3H]`,
 * `recurrentKernel [H, 3H]` and `bias [3H]`; the reset gate applied to the state *before* its recurrent product
 * (Keras `reset_after = false`, the only mode tfjs has); h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃.
 * Follows: Cho et al. 2014 §2.3 (eq. 5–8) in the row convention; tfjs-layers `GRUCell.call`; d2l §10.2.
 */

import {
  addVectors,
  asRow,
  type CellStepOptions,
  type CellWeights,
  checkCell,
  rowTimesBlock,
} from "./cellWeights.js";
import type { VectorLike } from "./input.js";
import type { Shape } from "./matrix.js";
import { type StepRow, shapesOf, stepsFrom, type TraceStep } from "./trace.js";

/** Every intermediate of one GRU step (vectors `[H]`). */
export interface GruTrace {
  /** Update gate z = σ(x W_z + b_z + h U_z): how much of the old state to keep. */
  z: number[];
  /** Reset gate r = σ(x W_r + b_r + h U_r): how much of the old state the candidate reads. */
  r: number[];
  /** Candidate h̃ = tanh(x W_h + b_h + (r ⊙ h) U_h). */
  candidate: number[];
  /** The new state h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃. */
  h: number[];
  /** The steps above as one-row matrices `[1, H]`, with equations. */
  steps: TraceStep[];
  shapes: Record<string, Shape>;
}

/**
 * One GRU step: input `x [I]`, previous state `h [H]`, tfjs's weights → the new state and its gates.
 * @example
 *   // H = 1, I = 1; all weights 0 except the candidate's input weight 1: z = r = σ(0) = 0.5, h̃ = tanh(x)
 *   const t = gruStep([2], [0], { kernel: [[0, 0, 1]], recurrentKernel: [[0, 0, 0]] });
 *   t.candidate; // [0.964] (tanh 2)
 *   t.h; // [0.482] (0.5 · 0 + 0.5 · tanh 2)
 */
export function gruStep(
  x: VectorLike,
  h: VectorLike,
  weights: CellWeights,
  options: CellStepOptions = {},
): GruTrace {
  const where = "gruStep";
  const c = checkCell(where, x, h, weights, options, 3);
  const n = c.units;
  const input = (g: number) =>
    addVectors(rowTimesBlock(`${where}: x W`, c.x, c.kernel, g, n), c.bias.slice(g * n, (g + 1) * n));
  const recurrent = (v: number[], g: number) => rowTimesBlock(`${where}: h U`, v, c.recurrentKernel, g, n);
  // 1) update and reset gates 2) candidate from the reset state 3) interpolate
  const z = addVectors(input(0), recurrent(c.h, 0)).map(c.gate);
  const r = addVectors(input(1), recurrent(c.h, 1)).map(c.gate);
  const reset = r.map((rj, j) => rj * c.h[j]!); // r ⊙ h_{t−1}
  const candidate = addVectors(input(2), recurrent(reset, 2)).map(Math.tanh);
  const next = z.map((zj, j) => zj * c.h[j]! + (1 - zj) * candidate[j]!);
  const values = { z: asRow(z), r: asRow(r), candidate: asRow(candidate), h: asRow(next) };
  const steps = stepsFrom(GRU_STEPS, values, null);
  return { z, r, candidate, h: next, steps, shapes: shapesOf(steps) };
}

const GRU_STEPS: readonly StepRow<null>[] = [
  { name: "z", symbol: "z", equation: "z = \\sigma(x W_z + b_z + h_{t-1} U_z)" },
  { name: "r", symbol: "r", equation: "r = \\sigma(x W_r + b_r + h_{t-1} U_r)" },
  {
    name: "candidate",
    symbol: "\\tilde h",
    equation: "\\tilde h = \\tanh(x W_h + b_h + (r \\odot h_{t-1}) U_h)",
  },
  { name: "h", symbol: "h_t", equation: "h_t = z \\odot h_{t-1} + (1 - z) \\odot \\tilde h" },
];

/**
 * One step of an RNN decoder with attention on plain arrays, every intermediate named: Bahdanau (score from the
 * previous state s_{t−1}, context fed to the cell, readout of [s_t; c_t]) and Luong (cell first, score from its
 * output h_t, attentional state h̃_t = tanh(W_c [c_t; h_t]), logits from h̃_t). The same weights and equations
 * as the tier-2 `AttentionRnnDecoder`, which it equals step for step.
 * Follows: Bahdanau et al. 2015 §3.1 and App. A.2 (without the maxout readout); Luong et al. 2015 §3 eq. 5–8
 * (global attention, dot and general, no input feeding); d2l §11.4.
 */
import { checkOptions, checkValue, type OptionSpec, opt } from "../check/options.js";
import type { BahdanauWeights, LuongWeights } from "./attentionDecoderWeights.js";
import { asRow, CELL_STEP_RULES, type CellStepOptions, type CellWeights } from "./cellWeights.js";
import { type GruTrace, gruStep } from "./gruCell.js";
import { type MatrixLike, toMatrix, toNumberArray, type VectorLike } from "./input.js";
import { type LstmTrace, lstmStep } from "./lstmCell.js";
import { maskedSoftmaxFor } from "./maskedSoftmax.js";
import { addRowVector, formatShape, type Matrix, matmul, type Shape, shapeOf } from "./matrix.js";
import { scoresFor } from "./scores.js";
import { type StepRow, shapesOf, stepsFrom, type TraceStep } from "./trace.js";

/** The decoder state: `h` `[H]`, and for an LSTM its memory cell `c` `[H]`. */
export interface DecoderState {
  h: VectorLike;
  c?: VectorLike;
}

/** Options of {@link bahdanauStep}. */
export interface BahdanauStepOptions extends CellStepOptions {
  /** The recurrent cell. Default "gru". */
  cell?: "gru" | "lstm";
  /** Source padding: only the first `validLens` encoder states are attended to (0 … S). Default: all S. */
  validLens?: number;
}

/** Options of {@link luongStep}. */
export interface LuongStepOptions extends BahdanauStepOptions {
  /** Luong's score: "dot" hᵀ h̄, or "general" hᵀ W h̄ (needs `weights.w`). Default "dot". */
  score?: "dot" | "general";
}

const STEP_RULES = { ...CELL_STEP_RULES, cell: opt.oneOf(["gru", "lstm"]), validLens: opt.any() };

/** What both decoders trace: the attention over the memory, the cell, the next state and the logits. */
export interface DecoderStepTrace {
  /** The query that scored the memory, `[H]`: s_{t−1} (Bahdanau) or h_t (Luong). */
  query: number[];
  /** Scores e_j over the S encoder states, `[1, S]`. */
  scores: Matrix;
  /** The scores with padded positions at −∞, `[1, S]`; present when `validLens` was given. */
  masked?: Matrix;
  /** Attention weights α_j, `[1, S]`: sum 1 over the valid positions, 0 on padding. */
  weights: Matrix;
  /** Context c_t = Σ_j α_j h_j, `[H]`. */
  context: number[];
  /** What the cell read, `[E + H]` (Bahdanau: [embedding; c_t]) or `[E]` (Luong). */
  cellInput: number[];
  /** The cell's own trace (gates, candidate, new state). */
  cell: GruTrace | LstmTrace;
  /** The next decoder state, to feed the next step. */
  state: { h: number[]; c?: number[] };
  /** Logits over the target vocabulary, `[V]`. */
  logits: number[];
  steps: TraceStep[];
  shapes: Record<string, Shape>;
}

/** Bahdanau's trace adds the readout feature [s_t; c_t], `[2H]`. */
export interface BahdanauTrace extends DecoderStepTrace {
  feature: number[];
}

/** Luong's trace adds [c_t; h_t] `[2H]` and the attentional state h̃_t = tanh([c_t; h_t] W_c) `[H]`. */
export interface LuongTrace extends DecoderStepTrace {
  combined: number[];
  attentional: number[];
}

/**
 * One Bahdanau decoder step: 1) e_j = vᵀ tanh(s_{t−1} W_q + h_j W_k) 2) α = masked softmax(e) 3) c_t = Σ α_j h_j
 * 4) s_t = cell([embedding(y_{t−1}); c_t], s_{t−1}) 5) logits = [s_t; c_t] W_o + b_o.
 * `embedded [E]` is the target embedding of y_{t−1}, `memory [S, H]` the encoder states.
 * @example
 *   // H = 1, E = 1, two encoder states; every weight 0 except v: equal scores, so α = [0.5, 0.5]
 *   const cell = { kernel: [[0, 0, 0], [0, 0, 0]], recurrentKernel: [[0, 0, 0]] };
 *   const w = { cell, wq: [[0]], wk: [[0]], v: [1], outputKernel: [[1], [1]] };
 *   const t = bahdanauStep([1], [[2], [4]], { h: [0] }, w);
 *   t.weights; // [[0.5, 0.5]]
 *   t.context; // [3]
 *   bahdanauStep([1], [[2], [4]], { h: [0] }, w, { validLens: 1 }).context; // [2]
 */
export function bahdanauStep(
  embedded: VectorLike,
  memory: MatrixLike,
  state: DecoderState,
  weights: BahdanauWeights,
  options: BahdanauStepOptions = {},
): BahdanauTrace {
  const where = "bahdanauStep";
  const o = checkOptions(where, options, STEP_RULES);
  const w = checkNamed(where, "weights", weights, {
    cell: opt.any({ required: true }),
    wq: opt.any({ required: true }),
    wk: opt.any({ required: true }),
    v: opt.any({ required: true }),
    outputKernel: opt.any({ required: true }),
    outputBias: opt.any(),
  });
  const io = checkInputs(where, embedded, memory, state, o.cell ?? "gru");
  const query = io.h; // s_{t−1}
  // 1) score 2) masked softmax 3) context
  const a = attendMemory(where, query, io.memory, o.validLens, { wq: w.wq, wk: w.wk, v: w.v }, "additive");
  // 4) the cell reads [embedding(y_{t−1}); c_t]
  const cellInput = [...io.embedded, ...a.context];
  const cell = cellStep(where, cellInput, io, w.cell, o);
  // 5) readout of [s_t; c_t]
  const feature = [...cell.h, ...a.context];
  const logits = readout(where, feature, w.outputKernel, w.outputBias, 2 * io.units, "[s_t; c_t]");
  const values = {
    ...a.values,
    cellInput: asRow(cellInput),
    h: asRow(cell.h),
    feature: asRow(feature),
    logits: asRow(logits),
  };
  const steps = stepsFrom(BAHDANAU_STEPS, values, null);
  const next = io.cell === "lstm" ? { h: cell.h, c: (cell as LstmTrace).c } : { h: cell.h };
  return { query, ...a.trace, cellInput, cell, state: next, feature, logits, steps, shapes: shapesOf(steps) };
}

/**
 * One Luong decoder step: 1) h_t = cell(embedding(y_{t−1}), h_{t−1}) 2) e_j = h_tᵀ h̄_j (dot) or h_tᵀ W h̄_j
 * (general) 3) α = masked softmax(e) 4) c_t = Σ α_j h̄_j 5) h̃_t = tanh([c_t; h_t] W_c) 6) logits = h̃_t W_s + b.
 * @example
 *   // H = 1, E = 1; a zero cell keeps h = 0.5 · 0 + 0.5 · tanh(0) = 0: equal dot scores
 *   const cell = { kernel: [[0, 0, 0]], recurrentKernel: [[0, 0, 0]] };
 *   const w = { cell, combineKernel: [[1], [0]], outputKernel: [[1]] };
 *   const t = luongStep([1], [[2], [4]], { h: [0] }, w);
 *   t.weights; // [[0.5, 0.5]]
 *   t.attentional; // [0.9951] (tanh 3)
 */
export function luongStep(
  embedded: VectorLike,
  memory: MatrixLike,
  state: DecoderState,
  weights: LuongWeights,
  options: LuongStepOptions = {},
): LuongTrace {
  const where = "luongStep";
  const o = checkOptions(where, options, { ...STEP_RULES, score: opt.oneOf(["dot", "general"]) });
  const score = o.score ?? "dot";
  const w = checkNamed(where, "weights", weights, {
    cell: opt.any({ required: true }),
    w: opt.any({ required: score === "general" }),
    combineKernel: opt.any({ required: true }),
    outputKernel: opt.any({ required: true }),
    outputBias: opt.any(),
  });
  if (score === "dot" && w.w !== undefined) {
    throw new TypeError(
      `${where}: weights.w is the "general" score's W; options.score is "dot" (set score: "general")`,
    );
  }
  const io = checkInputs(where, embedded, memory, state, o.cell ?? "gru");
  // 1) the cell reads embedding(y_{t−1}) alone
  const cell = cellStep(where, io.embedded, io, w.cell, o);
  const query = cell.h; // h_t
  // 2) score with h_t 3) masked softmax 4) context
  const a = attendMemory(where, query, io.memory, o.validLens, { w: w.w }, score);
  // 5) h̃_t = tanh([c_t; h_t] W_c) (Luong eq. 5) 6) logits = h̃_t W_s + b (eq. 6)
  const combined = [...a.context, ...query];
  const combineKernel = weightMatrix(
    where,
    "weights.combineKernel",
    w.combineKernel,
    [2 * io.units, io.units],
    "[c_t; h_t] → h̃_t",
  );
  const attentional = matmul([combined], combineKernel, ["[c_t; h_t]", "weights.combineKernel"])[0]!.map(
    Math.tanh,
  );
  const logits = readout(where, attentional, w.outputKernel, w.outputBias, io.units, "h̃_t");
  const values = {
    h: asRow(query),
    ...a.values,
    combined: asRow(combined),
    attentional: asRow(attentional),
    logits: asRow(logits),
  };
  const steps = stepsFrom(LUONG_STEPS, values, score);
  const next = io.cell === "lstm" ? { h: cell.h, c: (cell as LstmTrace).c } : { h: cell.h };
  return {
    query,
    ...a.trace,
    cellInput: io.embedded,
    cell,
    state: next,
    combined,
    attentional,
    logits,
    steps,
    shapes: shapesOf(steps),
  };
}

/** Checks an object argument `name` against `spec` (errors say `weights.w is required`) and returns it. */
function checkNamed(where: string, name: string, value: unknown, spec: OptionSpec): Record<string, unknown> {
  checkValue(where, name, value, opt.object(spec, { required: true }));
  return value as Record<string, unknown>;
}

/** The checked inputs of a step. */
interface StepInputs {
  embedded: number[];
  memory: Matrix;
  h: number[];
  c: number[] | undefined;
  units: number;
  cell: "gru" | "lstm";
}

function checkInputs(
  where: string,
  embedded: VectorLike,
  memory: MatrixLike,
  state: DecoderState,
  cell: "gru" | "lstm",
): StepInputs {
  const s = checkNamed(where, "state", state, {
    h: opt.any({ required: true }),
    c: opt.any({ required: cell === "lstm" }),
  });
  if (cell === "gru" && s.c !== undefined) {
    throw new TypeError(
      `${where}: state.c is an LSTM's memory cell; options.cell is "gru" (set cell: "lstm")`,
    );
  }
  const h = toNumberArray(`${where}: state.h`, s.h);
  const c = s.c === undefined ? undefined : toNumberArray(`${where}: state.c`, s.c);
  const mem = toMatrix(`${where}: memory`, memory);
  const [rows, width] = shapeOf(mem);
  if (width !== h.length) {
    throw new RangeError(
      `${where}: memory ${formatShape([rows, width])} must have the width H = ${h.length} of state.h (the decoder attends over states of its own width)`,
    );
  }
  return {
    embedded: toNumberArray(`${where}: embedded`, embedded),
    memory: mem,
    h,
    c,
    units: h.length,
    cell,
  };
}

/** The cell's step on `input` from the state in `io`, errors naming the decoder. */
function cellStep(
  where: string,
  input: number[],
  io: StepInputs,
  weights: unknown,
  o: CellStepOptions,
): GruTrace | LstmTrace {
  if (typeof weights !== "object" || weights === null) {
    throw new TypeError(`${where}: weights.cell must be { kernel, recurrentKernel, bias? }`);
  }
  const w = weights as CellWeights;
  const options = { recurrentActivation: o.recurrentActivation };
  try {
    return io.cell === "lstm" ? lstmStep(input, io.h, io.c!, w, options) : gruStep(input, io.h, w, options);
  } catch (e) {
    if (e instanceof Error)
      e.message = `${where}: weights.cell (a ${io.cell} reading [${input.length}]): ${e.message}`;
    throw e;
  }
}

/** Scores, masked softmax and context of one query `[H]` over `memory [S, H]`. */
function attendMemory(
  where: string,
  query: number[],
  memory: Matrix,
  validLens: unknown,
  params: Record<string, unknown>,
  score: "additive" | "dot" | "general",
) {
  const scores = scoresFor(where, score, [query], memory, params as never); // [1, S]
  const mask = validLens === undefined ? {} : { validLens };
  const sm = maskedSoftmaxFor(where, "options", scores, mask, {});
  const context = matmul(sm.weights, memory, ["weights", "memory"])[0]!; // Σ_j α_j h_j, [H]
  const masked = validLens === undefined ? undefined : sm.masked;
  const trace = { scores, ...(masked === undefined ? {} : { masked }), weights: sm.weights, context };
  return { trace, context, values: { scores, masked, weights: sm.weights, context: asRow(context) } };
}

/** `feature [width] · outputKernel [width, V] + outputBias [V]` → logits `[V]`. */
function readout(
  where: string,
  feature: number[],
  kernel: unknown,
  bias: unknown,
  width: number,
  what: string,
): number[] {
  const k = toMatrix(`${where}: weights.outputKernel`, kernel);
  weightMatrix(where, "weights.outputKernel", k, [width, shapeOf(k)[1]], `the readout of ${what}`);
  const z = matmul([feature], k, [what, "weights.outputKernel"]);
  return (
    bias === undefined
      ? z
      : addRowVector(z, toNumberArray(`${where}: weights.outputBias`, bias), `${where}: weights.outputBias`)
  )[0]!;
}

/** A weight matrix of exactly `shape`, or an error naming it, both shapes and what it is for. */
function weightMatrix(
  where: string,
  name: string,
  value: unknown,
  shape: [number, number],
  why: string,
): Matrix {
  const m = toMatrix(`${where}: ${name}`, value);
  const got = shapeOf(m);
  if (got[0] !== shape[0] || got[1] !== shape[1]) {
    throw new RangeError(
      `${where}: ${name} has shape ${formatShape(got)} but ${why} needs ${formatShape(shape)}`,
    );
  }
  return m;
}

const ATTENTION_ROWS: readonly StepRow<unknown>[] = [
  {
    name: "masked",
    symbol: "\\tilde e",
    equation: "\\tilde e_j = e_j \\text{ if } j < \\text{validLens, else } -\\infty",
  },
  { name: "weights", symbol: "\\alpha", equation: (_, prev) => `\\alpha = \\operatorname{softmax}(${prev})` },
  { name: "context", symbol: "c_t", equation: "c_t = \\textstyle\\sum_j \\alpha_j h_j" },
];

const BAHDANAU_STEPS: readonly StepRow<unknown>[] = [
  { name: "scores", symbol: "e", equation: "e_j = v^\\top \\tanh(s_{t-1} W_q + h_j W_k)" },
  ...ATTENTION_ROWS,
  { name: "cellInput", symbol: "x_t", equation: "x_t = [\\operatorname{emb}(y_{t-1}); c_t]" },
  { name: "h", symbol: "s_t", equation: "s_t = \\operatorname{cell}(x_t, s_{t-1})" },
  { name: "feature", symbol: "o_t", equation: "o_t = [s_t; c_t]" },
  { name: "logits", symbol: "z_t", equation: "z_t = o_t W_o + b_o" },
];

const LUONG_STEPS: readonly StepRow<unknown>[] = [
  { name: "h", symbol: "h_t", equation: "h_t = \\operatorname{cell}(\\operatorname{emb}(y_{t-1}), h_{t-1})" },
  {
    name: "scores",
    symbol: "e",
    equation: (score) => (score === "general" ? "e_j = h_t^\\top W \\bar h_j" : "e_j = h_t^\\top \\bar h_j"),
  },
  ...ATTENTION_ROWS.map((r) =>
    r.name === "context" ? { ...r, equation: "c_t = \\textstyle\\sum_j \\alpha_j \\bar h_j" } : r,
  ),
  { name: "combined", symbol: "[c_t; h_t]", equation: "[c_t; h_t]" },
  { name: "attentional", symbol: "\\tilde h_t", equation: "\\tilde h_t = \\tanh([c_t; h_t] W_c)" },
  { name: "logits", symbol: "z_t", equation: "z_t = \\tilde h_t W_s + b_s" },
];

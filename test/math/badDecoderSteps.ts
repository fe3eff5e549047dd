/**
 * Bad-input rows for tier 1's RNN decoder steps, beam step and rotary positions (issues #18, #19): unknown
 * options, a missing weight or state, shapes that do not fit, NaN, an out-of-range valid length or k; typed arrays
 * give the plain-array answer.
 */
import * as m from "../../lib/math/index.js";
import { bad, type Row, same } from "./badInputRows.js";

const [H, E, V, U] = [2, 2, 3, 2];
const mat = (r: number, c: number) =>
  Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => 0.1 * (i - j + 1)));
const gru = { kernel: mat(E, 3 * H), recurrentKernel: mat(H, 3 * H), bias: new Array(3 * H).fill(0) };
const lstm = { kernel: mat(E, 4 * H), recurrentKernel: mat(H, 4 * H) };
const bw = {
  cell: { kernel: mat(E + H, 3 * H), recurrentKernel: mat(H, 3 * H) },
  wq: mat(H, U),
  wk: mat(H, U),
  v: [1, -1],
  outputKernel: mat(2 * H, V),
};
const lw = {
  cell: { kernel: mat(E, 3 * H), recurrentKernel: mat(H, 3 * H) },
  combineKernel: mat(2 * H, H),
  outputKernel: mat(H, V),
};
const mem = mat(3, H);
const h0 = { h: [0, 0] };

// biome-ignore format: a table reads best as one row per line
export const decoderStepRows: Row[] = [
  bad("gruStep", "{ foo: 1 }", () => m.gruStep([1, 2], [0, 0], gru, { foo: 1 } as never), /^gruStep: unknown option "foo"/),
  bad("gruStep", "recurrentActivation: relu", () => m.gruStep([1, 2], [0, 0], gru, { recurrentActivation: "relu" } as never), /^gruStep: options\.recurrentActivation must be one of "sigmoid", "hardSigmoid", got "relu"/),
  bad("gruStep", "x [1, NaN]", () => m.gruStep([1, Number.NaN], [0, 0], gru), /^gruStep: x\[1\] must be finite, got NaN/),
  bad("gruStep", "kernel of 2 gate blocks", () => m.gruStep([1, 2], [0, 0], { ...gru, kernel: mat(E, 2 * H) }), /^gruStep: weights\.kernel has shape \[2, 4\] but x \[2\] needs \[2, 6\] \(3 gate blocks/),
  same("gruStep", "x a Float32Array", () => m.gruStep(Float32Array.of(1, 2), [0, 0], gru).h, () => m.gruStep([1, 2], [0, 0], gru).h),
  bad("lstmStep", "c of the wrong length", () => m.lstmStep([1, 2], [0, 0], [0], lstm), /^lstmStep: c has shape \[1\] but h has \[2\]/),
  bad("lstmStep", "a GRU's kernel", () => m.lstmStep([1, 2], [0, 0], [0, 0], gru), /^lstmStep: weights\.kernel has shape \[2, 6\] but x \[2\] needs \[2, 8\] \(4 gate blocks/),
  bad("bahdanauStep", "validLens 4 > S", () => m.bahdanauStep([1, 2], mem, h0, bw, { validLens: 4 }), /^bahdanauStep: options\.validLens\[0\] must be an integer in \[0, 3\]/),
  bad("bahdanauStep", "no v", () => m.bahdanauStep([1, 2], mem, h0, { ...bw, v: undefined } as never), /^bahdanauStep: weights\.v is required$/),
  bad("bahdanauStep", "lstm without state.c", () => m.bahdanauStep([1, 2], mem, h0, bw, { cell: "lstm" }), /^bahdanauStep: state\.c is required$/),
  bad("bahdanauStep", "{ score: 'dot' }", () => m.bahdanauStep([1, 2], mem, h0, bw, { score: "dot" } as never), /^bahdanauStep: unknown option "score"/),
  bad("bahdanauStep", "memory [3, 3] for H = 2", () => m.bahdanauStep([1, 2], mat(3, 3), h0, bw), /^bahdanauStep: memory \[3, 3\] must have the width H = 2 of state\.h/),
  bad("luongStep", "general without w", () => m.luongStep([1, 2], mem, h0, lw, { score: "general" }), /^luongStep: weights\.w is required$/),
  bad("luongStep", "score: additive", () => m.luongStep([1, 2], mem, h0, lw, { score: "additive" } as never), /^luongStep: options\.score must be one of "dot", "general", got "additive"/),
  bad("decoderWeightsFromList", "attention: mlp", () => m.decoderWeightsFromList("mlp" as never, []), /^decoderWeightsFromList: attention must be one of "additive", "dot", "general", got "mlp"/),
  bad("decoderWeightsFromList", "one array for additive", () => m.decoderWeightsFromList("additive", [[1]] as never), /^decoderWeightsFromList: the "additive" decoder has 8 weights .*got 1 arrays/),
  bad("beamStep", "k: 0", () => m.beamStep([0], [[0, -1]], 0), /^beamStep: k must be an integer ≥ 1, got 0/),
  bad("beamStep", "2 hypotheses, 1 row", () => m.beamStep([0, -1], [[0, -1]], 1), /^beamStep: nextLogProbs has 1 rows but hypothesisLogProbs has 2 entries/),
  bad("beamStep", "hypothesis NaN", () => m.beamStep([Number.NaN], [[0, -1]], 1), /^beamStep: hypothesisLogProbs\[0\] must be finite, got NaN/),
  same("beamStep", "rows of Float64Array", () => m.beamStep([0], [Float64Array.of(-1, -2)] as never, 1), () => m.beamStep([0], [[-1, -2]], 1)),
  bad("applyRope", "odd D", () => m.applyRope([[1, 2, 3]]), /^applyRope: x has 3 columns; RoPE rotates pairs of features, so D must be even/),
  bad("applyRope", "{ offset: 3 }", () => m.applyRope([[1, 2]], { offset: 3 } as never), /^applyRope: unknown option "offset"/),
  bad("applyRope", "base: 1", () => m.applyRope([[1, 2]], { base: 1 }), /^applyRope: options\.base must be a finite number > 1, got 1/),
  bad("applyRope", "positions of the wrong length", () => m.applyRope([[1, 2], [3, 4]], { positions: [0] }), /^applyRope: options\.positions has 1 entries but x has 2 rows/),
  same("applyRope", "x a Float64Array row", () => m.applyRope([Float64Array.of(1, 2)] as never).output, () => m.applyRope([[1, 2]]).output),
];

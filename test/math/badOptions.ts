/**
 * Bad-input rows, options objects (issue #14 item 8): unknown keys, misspelt keys, values of the wrong type or
 * out of range, a string where a mask spec belongs, prototype names as values, options that are not objects.
 */
import * as m from "../../lib/math/index.js";
import { bad, hole, Q, type Row, V } from "./badInputRows.js";

const I = Q;
const heads = { numHeads: 1, wq: I, wk: I, wv: I, wo: I };
const attend = (o: unknown) => () => m.attend(Q, Q, V, o as m.AttendOptions);
const mha = (o: unknown) => () => m.multiHeadAttend(Q, Q, V, o as m.MultiHeadOptions);
const mask = (spec: unknown) => () => m.buildMask(2, 2, spec as m.MaskSpec);
const soft = (o: unknown) => () => m.softmax([1, 2], o as m.SoftmaxOptions);
const pool = (o: unknown) => () => m.kernelPooling([0], [1, 2], [3, 4], o as m.KernelPoolingOptions);
const trace = m.attend([[1]], [[1]], [[2]]);
const tex = (o: unknown) => () => m.traceToLatex(trace, o as m.LatexOptions);
const proto = JSON.parse('{"__proto__": {"causal": true}}');

/** attend: the ScoreOptions union checked per score, and its mask. */
// biome-ignore format: a table reads best as one row per line
const attendRows: Row[] = [
  bad("attend", "{ casual: true }", attend({ casual: true }), /^attend: unknown option "casual".*mask.*causal/),
  bad("attend", "{ validlens: 1 }", attend({ validlens: 1 }), /^attend: unknown option "validlens".*validLens/),
  bad("attend", "{ causal: true } at top level", attend({ causal: true }), /^attend: unknown option "causal"/),
  bad("attend", "{ scroe: 'dot' }", attend({ scroe: "dot" }), /^attend: unknown option "scroe" \(did you mean "score"\?\)/),
  bad("attend", "{ __proto__: … } own key", attend(proto), /^attend: unknown option "__proto__"/),
  bad("attend", 'score: "scaled"', attend({ score: "scaled" }), /^attend: options\.score must be one of "dot", .*got "scaled"/),
  bad("attend", 'score: "toString"', attend({ score: "toString" }), /^attend: options\.score must be one of .*got "toString"/),
  bad("attend", "score: 1", attend({ score: 1 }), /^attend: options\.score must be one of/),
  bad("attend", 'mask: "causal"', attend({ mask: "causal" }), /^attend: options\.mask must be a mask spec .*got "causal"/),
  bad("attend", "mask: true", attend({ mask: true }), /^attend: options\.mask must be a mask spec .*got true/),
  bad("attend", "mask: null", attend({ mask: null }), /^attend: options\.mask must be a mask spec .*got null/),
  bad("attend", "mask: a Map", attend({ mask: new Map() }), /^attend: options\.mask must be an object with keys validLens/),
  bad("attend", "mask: { casual: true }", attend({ mask: { casual: true } }), /^attend: unknown option "mask\.casual" \(did you mean "causal"\?\)/),
  bad("attend", 'mask.causal: "yes"', attend({ mask: { causal: "yes" } }), /^attend: options\.mask\.causal must be a boolean/),
  bad("attend", "mask.causal: 1", attend({ mask: { causal: 1 } }), /^attend: options\.mask\.causal must be a boolean/),
  bad("attend", "mask.window: 1.5", attend({ mask: { window: 1.5 } }), /^attend: options\.mask\.window must be an integer ≥ 0, got 1\.5/),
  bad("attend", "mask.window: -1", attend({ mask: { window: -1 } }), /^attend: options\.mask\.window must be an integer ≥ 0/),
  bad("attend", "mask.validLens: 3 > S", attend({ mask: { validLens: 3 } }), /^attend: options\.mask\.validLens\[0\] must be an integer in \[0, 2\]/),
  bad("attend", "mask.validLens: [1.5, 1]", attend({ mask: { validLens: [1.5, 1] } }), /options\.mask\.validLens\[0\] must be an integer/),
  bad("attend", 'mask.validLens: "1"', attend({ mask: { validLens: "1" } }), /^attend: options\.mask\.validLens must be an integer in \[0, 2\] or one per query row/),
  bad("attend", "mask.validLens: [1]", attend({ mask: { validLens: [1] } }), /^attend: options\.mask\.validLens has shape \[1\] but the scores have 2 query rows/),
  bad("attend", "mask.matrix of numbers", attend({ mask: { matrix: [[1, 0], [0, 1],], }, }), /^attend: options\.mask\.matrix\[0\]\[0\] must be a boolean, got 1/),
  bad("attend", "mask [[true]] of the wrong shape", attend({ mask: [[true]] }), /^attend: options\.mask has shape \[1, 1\] but the scores have shape \[2, 2\]/),
  bad("attend", "temperature: 0", attend({ temperature: 0 }), /^attend: options\.temperature must be a finite number > 0, got 0/),
  bad("attend", "temperature: NaN", attend({ temperature: Number.NaN }), /^attend: options\.temperature must be a finite number > 0, got NaN/),
  bad("attend", "temperature: Infinity", attend({ temperature: Infinity }), /^attend: options\.temperature must be a finite number/),
  bad("attend", 'temperature: "1"', attend({ temperature: "1" }), /^attend: options\.temperature must be a finite number > 0, got "1"/),
  bad("attend", "scale: 0", attend({ scale: 0 }), /^attend: options\.scale must be a finite number > 0, got 0/),
  bad("attend", "scale: -Infinity", attend({ scale: -Infinity }), /^attend: options\.scale must be a finite number > 0/),
  bad("attend", "w with the default score", attend({ w: I }), /^attend: options\.w is a parameter of score "general", but options\.score is "scaledDot"/),
  bad("attend", 'wq with score "dot"', attend({ score: "dot", wq: I }), /^attend: options\.wq is a parameter of score "additive"/),
  bad("attend", 'v with score "general"', attend({ score: "general", w: I, v: [1, 1] }), /^attend: options\.v is a parameter of score "additive", but options\.score is "general"/),
  bad("attend", 'score "general" without w', attend({ score: "general" }), /^attend: score "general" needs options\.w; missing options\.w/),
  bad("attend", 'score "additive" without v', attend({ score: "additive", wq: I, wk: I }), /^attend: score "additive" needs .*missing options\.v/),
  bad("attend", "an unknown key with cosine", attend({ score: "cosine", extra: 1 }), /^attend: unknown option "extra"; allowed options: score, scale, temperature, mask/),
  bad("attend", "options null", attend(null), /^attend: options must be an object/),
  bad("attend", 'options "dot"', attend("dot"), /^attend: options must be an object/),
  bad("attend", "options []", attend([]), /^attend: options must be an object/),
];

/** Masks: MaskSpec keys and values, specs that are neither objects nor boolean matrices, sizes. */
// biome-ignore format: a table reads best as one row per line
const maskRows: Row[] = [
  bad("buildMask", "{ casual: true }", mask({ casual: true }), /^buildMask: unknown option "spec\.casual" \(did you mean "causal"\?\)/),
  bad("buildMask", "{ validlens: 1 }", mask({ validlens: 1 }), /^buildMask: unknown option "spec\.validlens" \(did you mean "validLens"\?\)/),
  bad("buildMask", 'spec "causal"', mask("causal"), /^buildMask: spec must be a mask spec .*got "causal"/),
  bad("buildMask", "spec true", mask(true), /^buildMask: spec must be a mask spec .*got true/),
  bad("buildMask", "spec 1", mask(1), /^buildMask: spec must be a mask spec/),
  bad("buildMask", "spec a typed array", mask(Uint8Array.of(1, 0)), /^buildMask: spec must be a mask spec .*Uint8Array/),
  bad("buildMask", 'causal: "true"', mask({ causal: "true" }), /^buildMask: spec\.causal must be a boolean/),
  bad("buildMask", "window: Infinity", mask({ window: Infinity }), /^buildMask: spec\.window must be an integer ≥ 0, got Infinity/),
  bad("buildMask", 'matrix: "x"', mask({ matrix: "x" }), /^buildMask: spec\.matrix must be a boolean matrix, got "x"/),
  bad("buildMask", "a sparse boolean row", mask([[true, true], hole([true, true], 0)]), /^buildMask: spec\[1\]\[0\] is missing/),
  bad("buildMask", "queries 0", () => m.buildMask(0, 2, {}), /^buildMask: queries \(rows of the scores\) must be a positive integer, got 0/),
  bad("buildMask", "keys 2.5", () => m.buildMask(2, 2.5, {}), /^buildMask: keys \(columns of the scores\) must be a positive integer, got 2\.5/),
  bad("buildMask", 'queries "2"', () => m.buildMask("2" as unknown as number, 2, {}), /^buildMask: queries .* must be a positive integer, got "2"/),
  bad("buildMask", "1e5 × 1e5", () => m.buildMask(1e5, 1e5, {}), /^buildMask: the \[100000, 100000\] mask would have 10000000000 entries, more than the 16777216 \(2\^24\)/),
  bad("paddingMask", "validLens 4 > S", () => m.paddingMask(2, 3, [1, 4]), /^paddingMask: validLens\[1\] must be an integer in \[0, 3\]/),
  bad("paddingMask", 'validLens "1"', () => m.paddingMask(2, 3, "1" as unknown as number), /^paddingMask: validLens must be an integer in \[0, 3\] or one per query row/),
  bad("paddingMask", "validLens Float32Array [1.5, 1]", () => m.paddingMask(2, 3, Float32Array.of(1.5, 1) as unknown as number[]), /^paddingMask: validLens\[0\] must be an integer in \[0, 3\].*got 1\.5/),
  bad("paddingMask", "validLens BigInt64Array", () => m.paddingMask(2, 3, new BigInt64Array(2) as unknown as number[]), /^paddingMask: validLens must be an integer .*BigInt64Array/),
  bad("paddingMask", "validLens [1, hole]", () => m.paddingMask(2, 3, hole([1, 1], 1)), /^paddingMask: validLens\[1\] is missing/),
  bad("paddingMask", "1e5 × 1e5", () => m.paddingMask(1e5, 1e5, 1), /^paddingMask: the \[100000, 100000\] mask would have/),
  bad("causalMask", "queries 0", () => m.causalMask(0, 2), /^causalMask: queries \(rows of the scores\) must be a positive integer/),
  bad("causalMask", "keys NaN", () => m.causalMask(2, Number.NaN), /^causalMask: keys .* must be a positive integer, got NaN/),
  bad("causalMask", "1e5 × 1e5", () => m.causalMask(1e5, 1e5), /^causalMask: the \[100000, 100000\] mask would have/),
  bad("localMask", "window -1", () => m.localMask(3, 3, -1), /^localMask: window must be an integer ≥ 0, got -1/),
  bad("localMask", 'window "1"', () => m.localMask(3, 3, "1" as unknown as number), /^localMask: window must be an integer ≥ 0, got "1"/),
  bad("localMask", "window NaN", () => m.localMask(3, 3, Number.NaN), /^localMask: window must be an integer ≥ 0, got NaN/),
  bad("localMask", "1e5 × 1e5", () => m.localMask(1e5, 1e5, 1), /^localMask: the \[100000, 100000\] mask would have/),
  bad("resolveMask", "a string spec, named by the caller", () => m.resolveMask("myFn", "opts.m", 2, 2, "causal"), /^myFn: opts\.m must be a mask spec/),
  bad("maskedSoftmax", "{ validlens: 1 }", () => m.maskedSoftmax([[1, 1]], { validlens: 1 } as m.MaskSpec), /^maskedSoftmax: unknown option "mask\.validlens" \(did you mean "validLens"\?\)/),
  bad("maskedSoftmax", 'mask "causal"', () => m.maskedSoftmax([[1, 1]], "causal" as unknown as m.MaskSpec), /^maskedSoftmax: mask must be a mask spec .*got "causal"/),
  bad("maskedSoftmax", "mask null", () => m.maskedSoftmax([[1, 1]], null as unknown as m.MaskSpec), /^maskedSoftmax: mask must be a mask spec .*got null/),
  bad("maskedSoftmax", "axis 0", () => m.maskedSoftmax([[1, 1]], {}, { axis: 0 }), /^maskedSoftmax normalises over keys \(axis -1\); axis 0 is not allowed/),
  bad("maskedSoftmax", "{ temp: 1 }", () => m.maskedSoftmax([[1, 1]], {}, { temp: 1 } as m.SoftmaxOptions), /^maskedSoftmax: unknown option "temp"; allowed options: axis, temperature/),
  bad("maskedSoftmax", "temperature -1", () => m.maskedSoftmax([[1, 1]], {}, { temperature: -1 }), /^maskedSoftmax: options\.temperature must be a finite number > 0, got -1/),
  bad("maskedSoftmaxSteps", "causal: 1", () => m.maskedSoftmaxSteps([[1, 1]], { causal: 1 } as unknown as m.MaskSpec), /^maskedSoftmaxSteps: mask\.causal must be a boolean/),
  bad("maskedSoftmaxFor", "unknown option, named by the caller", () => m.maskedSoftmaxFor("myFn", "m", [[1]], {}, { tau: 1 } as m.SoftmaxOptions), /^myFn: unknown option "tau"/),
  bad("applyMask", 'mask "x"', () => m.applyMask([[1, 2]], "x" as unknown as m.MaskSpec), /^applyMask: mask must be a mask spec .*got "x"/),
  bad("applyMask", "mask of the wrong shape", () => m.applyMask([[1, 2]], [[true]]), /^applyMask: mask has shape \[1, 1\] but the scores have shape \[1, 2\]/),
];

/** softmax, kernelPooling, multiHeadAttend, LaTeX and scores with parameter objects. */
// biome-ignore format: a table reads best as one row per line
const otherRows: Row[] = [
  bad("softmax", "{ temperatur: 1 }", soft({ temperatur: 1 }), /^softmax: unknown option "temperatur" \(did you mean "temperature"\?\)/),
  bad("softmax", "{ tau: 1 }", soft({ tau: 1 }), /^softmax: unknown option "tau"; allowed options: axis, temperature/),
  bad("softmax", "axis 2", soft({ axis: 2 }), /^softmax: options\.axis must be one of -1, 0, 1, got 2/),
  bad("softmax", 'axis "0"', soft({ axis: "0" }), /^softmax: options\.axis must be one of -1, 0, 1, got "0"/),
  bad("softmax", "axis 1 on a vector", soft({ axis: 1 }), /^softmax: options\.axis 1 does not exist for a vector x/),
  bad("softmax", "temperature 0", soft({ temperature: 0 }), /^softmax: options\.temperature must be a finite number > 0, got 0/),
  bad("softmax", "temperature Infinity", soft({ temperature: Infinity }), /^softmax: options\.temperature must be a finite number > 0, got Infinity/),
  bad("softmax", "options null", soft(null), /^softmax: options must be an object/),
  bad("kernelPooling", 'kernel "toString"', pool({ kernel: "toString" }), /^kernelPooling: options\.kernel must be one of "gaussian", "boxcar", "epanechnikov", "constant", got "toString"/),
  bad("kernelPooling", 'kernel "__proto__"', pool({ kernel: "__proto__" }), /^kernelPooling: options\.kernel must be one of .*got "__proto__"/),
  bad("kernelPooling", 'kernel "tophat"', pool({ kernel: "tophat" }), /^kernelPooling: options\.kernel must be one of/),
  bad("kernelPooling", "{ kernal: 'boxcar' }", pool({ kernal: "boxcar" }), /^kernelPooling: unknown option "kernal" \(did you mean "kernel"\?\)/),
  bad("kernelPooling", "{ bandwith: 1 }", pool({ bandwith: 1 }), /^kernelPooling: unknown option "bandwith" \(did you mean "bandwidth"\?\)/),
  bad("kernelPooling", "bandwidth 0", pool({ bandwidth: 0 }), /^kernelPooling: options\.bandwidth must be a finite number > 0, got 0/),
  bad("kernelPooling", "bandwidth NaN", pool({ bandwidth: Number.NaN }), /^kernelPooling: options\.bandwidth must be a finite number > 0, got NaN/),
  bad("kernelPooling", "bandwidth Infinity", pool({ bandwidth: Infinity }), /^kernelPooling: options\.bandwidth must be a finite number > 0, got Infinity/),
  bad("kernelPooling", 'bandwidth "1"', pool({ bandwidth: "1" }), /^kernelPooling: options\.bandwidth must be a finite number > 0, got "1"/),
  bad("multiHeadAttend", "numHeads 0", mha({ ...heads, numHeads: 0 }), /^multiHeadAttend: options\.numHeads must be a positive integer, got 0/),
  bad("multiHeadAttend", "numHeads 1.5", mha({ ...heads, numHeads: 1.5 }), /^multiHeadAttend: options\.numHeads must be a positive integer, got 1\.5/),
  bad("multiHeadAttend", 'numHeads "1"', mha({ ...heads, numHeads: "1" }), /^multiHeadAttend: options\.numHeads must be a positive integer, got "1"/),
  bad("multiHeadAttend", "numHeads 3 does not divide 2", mha({ ...heads, numHeads: 3 }), /^multiHeadAttend: options\.numHeads 3 must divide the projected width 2 \(the columns of options\.wq\)/),
  bad("multiHeadAttend", "no options", () => m.multiHeadAttend(Q, Q, V, undefined as unknown as m.MultiHeadOptions), /^multiHeadAttend: options\.numHeads must be a positive integer, got undefined/),
  bad("multiHeadAttend", "{ casual: true }", mha({ ...heads, casual: true }), /^multiHeadAttend: unknown option "casual"/),
  bad("multiHeadAttend", "{ heads: 2 }", mha({ ...heads, heads: 2 }), /^multiHeadAttend: unknown option "heads"/),
  bad("multiHeadAttend", "missing wo", mha({ numHeads: 1, wq: I, wk: I, wv: I }), /^multiHeadAttend: options\.wo is required/),
  bad("multiHeadAttend", 'mask "causal"', mha({ ...heads, mask: "causal" }), /^multiHeadAttend: options\.mask must be a mask spec .*got "causal"/),
  bad("multiHeadAttend", "mask { casual: true }", mha({ ...heads, mask: { casual: true } }), /^multiHeadAttend: unknown option "mask\.casual" \(did you mean "causal"\?\)/),
  bad("multiHeadAttend", "temperature 0", mha({ ...heads, temperature: 0 }), /^multiHeadAttend: options\.temperature must be a finite number > 0/),
  bad("multiHeadAttend", "wk with other columns", mha({ ...heads, wk: [[1], [1]] }), /^multiHeadAttend: options\.wq \[2, 2\] and options\.wk \[2, 1\] must have the same number of columns/),
  bad("multiHeadAttend", 'bq "x"', mha({ ...heads, bq: "x" }), /^multiHeadAttend: options\.bq must be a vector/),
  bad("splitHeads", "numHeads 0", () => m.splitHeads(V, 0), /^splitHeads: numHeads must be a positive integer, got 0/),
  bad("splitHeads", 'numHeads "2"', () => m.splitHeads(V, "2" as unknown as number), /^splitHeads: numHeads must be a positive integer, got "2"/),
  bad("splitHeads", "numHeads 3 does not divide 2", () => m.splitHeads(V, 3), /^splitHeads: x \[2, 2\]: width 2 is not divisible by numHeads 3/),
  bad("traceToLatex", "{ digit: 3 }", tex({ digit: 3 }), /^traceToLatex: unknown option "digit" \(did you mean "digits"\?\)/),
  bad("traceToLatex", "digits -1", tex({ digits: -1 }), /^traceToLatex: options\.digits must be an integer ≥ 0 and ≤ 100, got -1/),
  bad("traceToLatex", "digits 1.5", tex({ digits: 1.5 }), /^traceToLatex: options\.digits must be an integer/),
  bad("traceToLatex", 'digits "3"', tex({ digits: "3" }), /^traceToLatex: options\.digits must be an integer .*got "3"/),
  bad("traceToLatex", 'only "weights"', tex({ only: "weights" }), /^traceToLatex: options\.only must be an array of step names/),
  bad("traceToLatex", "only [1]", tex({ only: [1] }), /^traceToLatex: options\.only must be an array of step names/),
  bad("traceToLatex", 'only ["nope"]', tex({ only: ["nope"] }), /^traceToLatex: options\.only: no step named nope; steps are scores, weights, output/),
  bad("traceToLatex", "trace null", () => m.traceToLatex(null as unknown as m.AttentionTrace), /^traceToLatex: trace must be a trace with a steps array, got null/),
  bad("traceToLatex", 'steps "x"', () => m.traceToLatex({ steps: "x" } as unknown as m.AttentionTrace), /^traceToLatex: trace must be a trace with a steps array/),
  bad("matrixToLatex", "digits 101", () => m.matrixToLatex([[1]], { digits: 101 }), /^matrixToLatex: options\.digits must be an integer ≥ 0 and ≤ 100, got 101/),
  bad("matrixToLatex", "{ precision: 2 }", () => m.matrixToLatex([[1]], { precision: 2 } as m.LatexOptions), /^matrixToLatex: unknown option "precision"; allowed options: digits/),
  bad("stepToLatex", "{ digts: 2 }", () => m.stepToLatex(trace.steps[0]!, { digts: 2 } as m.LatexOptions), /^stepToLatex: unknown option "digts" \(did you mean "digits"\?\)/),
  bad("stepToLatex", "step null", () => m.stepToLatex(null as unknown as m.TraceStep), /^stepToLatex: step must be a trace step/),
  bad("latexNumber", "digits -1", () => m.latexNumber(1, -1), /^latexNumber: digits must be an integer ≥ 0 and ≤ 100, got -1/),
  bad("latexNumber", 'x "1"', () => m.latexNumber("1" as unknown as number), /^latexNumber: x must be a number, got "1"/),
  bad("additive", "an extra parameter", () => m.additive(Q, Q, { wq: I, wk: I, v: [1, 1], w: I } as m.AdditiveParams), /^additive: unknown option "w".*; allowed options: wq, wk, v/),
  bad("additive", "no parameters", () => m.additive(Q, Q, undefined as unknown as m.AdditiveParams), /^additive: params \{ wq, wk, v \} are required/),
  bad("additive", "v missing", () => m.additive(Q, Q, { wq: I, wk: I } as unknown as m.AdditiveParams), /^additive: params\.v is required/),
  bad("general", "{ W: I }", () => m.general(Q, Q, { W: I } as unknown as m.GeneralParams), /^general: unknown option "W" \(did you mean "w"\?\)/),
  bad("general", "params null", () => m.general(Q, Q, null as unknown as m.GeneralParams), /^general: options must be an object with keys w/),
  bad("scaledDot", "scale 0", () => m.scaledDot(Q, Q, 0), /^scaledDot: scale must be a finite number > 0, got 0/),
  bad("scaledDot", 'scale "1"', () => m.scaledDot(Q, Q, "1" as unknown as number), /^scaledDot: scale must be a finite number > 0, got "1"/),
  bad("scoresFor", "a bad mask-free call named by the caller", () => m.scoresFor("myFn", "general", Q, Q, {}), /^myFn: params\.w is required/),
];

/** Every options row. */
export const optionRows: Row[] = [...attendRows, ...maskRows, ...otherRows];

/**
 * Bad-input rows for the tier-1 Transformer block and its parts (issue #18): layerNorm, feedForward, embedTokens,
 * residualSublayer, encoderBlock, decoderBlock, blockWeightsFromList, blockParameterCount — unknown and misspelt
 * options, weights of the wrong shape (named as weights.part.key), numHeads not dividing E, bad masks and token
 * ids, overflow named instead of NaN; typed arrays give the plain-array answer.
 */
import * as m from "../../lib/math/index.js";
import { bad, holds, near, type Row, same, typedRows } from "./badInputRows.js";

const I = [
  [1, 0],
  [0, 1],
];
const X = [
  [1, 2],
  [3, 5],
];
const A = { wq: I, wk: I, wv: I, wo: I };
const FFN = { w1: I, w2: I };
const ENC = { selfAttention: A, feedForward: FFN };
const DEC = { selfAttention: A, crossAttention: A, feedForward: FFN };
const enc =
  (w: unknown, o: unknown = { numHeads: 1 }) =>
  () =>
    m.encoderBlock(X, w as m.EncoderBlockWeights, o as m.EncoderBlockOptions);
const dec =
  (w: unknown, o: unknown = { numHeads: 1 }, memory: number[][] = [[0, 1]]) =>
  () =>
    m.decoderBlock(X, memory, w as m.DecoderBlockWeights, o as m.DecoderBlockOptions);
const ln =
  (o: unknown, x: number[][] = X) =>
  () =>
    m.layerNorm(x, o as m.LayerNormOptions);
const ffn = (o: unknown) => () => m.feedForward(X, o as m.FeedForwardOptions);
const embed =
  (tokens: unknown, o: unknown = {}) =>
  () =>
    m.embedTokens(tokens as number[], I, o as m.EmbedTokensOptions);
const twice = (h: m.Matrix) => ({ output: h.map((r) => r.map((v) => 2 * v)) });
const res =
  (f: unknown, o: unknown = {}) =>
  () =>
    m.residualSublayer(X, f as typeof twice, o as m.ResidualOptions);
/** An encoder layout of 1 × 1 kernels and length-1 vectors: W_q … W_o at 0–3, W_1 at 8, W_2 at 10. */
const list16 = () => Array.from({ length: 16 }, (_, i) => (i < 4 || i === 8 || i === 10 ? [[i]] : [i]));
const finite = (t: { output: m.Matrix }) => {
  if (!t.output.flat().every(Number.isFinite)) throw new Error(`not finite: ${JSON.stringify(t.output)}`);
};

// biome-ignore format: a table reads best as one row per line
export const transformerBlockRows: Row[] = [
  bad("layerNorm", "{ eps: 1e-5 }", ln({ eps: 1e-5 }), /^layerNorm: unknown option "eps"; allowed options: gamma, beta, epsilon/),
  bad("layerNorm", "epsilon: 0", ln({ epsilon: 0 }), /^layerNorm: options\.epsilon must be a finite number > 0, got 0/),
  bad("layerNorm", "gamma of length 1 for E = 2", ln({ gamma: [1] }), /^layerNorm: options\.gamma has shape \[1\] but x has 2 columns/),
  bad("layerNorm", "beta [NaN, 0]", ln({ beta: [Number.NaN, 0] }), /^layerNorm: options\.beta\[0\] must be finite, got NaN/),
  bad("layerNorm", "x [[1, NaN]]", ln({}, [[1, Number.NaN]]), /^layerNorm: x\[0\]\[1\] must be finite, got NaN/),
  bad("layerNorm", "x [[1e200, -1e200]] (variance overflows)", ln({}, [[1e200, -1e200]]), /^layerNorm: the variance of x overflowed to Infinity at row 0/),
  holds("layerNorm", "x [[1e150, -1e150]] (huge but finite)", ln({}, [[1e150, -1e150]]), (t) => near(t.output, [[1, -1]])),
  same("layerNorm", "typed rows and gamma", () => m.layerNorm(typedRows(X), { gamma: Float64Array.of(2, 1) as unknown as number[] }), () => m.layerNorm(X, { gamma: [2, 1] })),
  bad("feedForward", "no w2", ffn({ w1: I }), /^feedForward: options\.w2 is required/),
  bad("feedForward", 'activation: "tanh"', ffn({ ...FFN, activation: "tanh" }), /^feedForward: options\.activation must be one of "relu", "gelu", got "tanh"/),
  bad("feedForward", "{ w3: I }", ffn({ ...FFN, w3: I }), /^feedForward: unknown option "w3"/),
  bad("feedForward", "w1 [1, 2] for E = 2", ffn({ w1: [[1, 0]], w2: I }), /^matmul: x \[2, 2\] cannot multiply options\.w1 \[1, 2\] \(2 != 1\)/),
  bad("feedForward", "b1 of length 3", ffn({ ...FFN, b1: [0, 0, 0] }), /^feedForward: options\.b1 has shape \[3\] but the rows it is added to have 2 columns/),
  same("feedForward", "typed weights", () => m.feedForward(typedRows(X), { w1: typedRows(I), w2: typedRows(I), b2: Float32Array.of(1, 0) as unknown as number[] }), () => m.feedForward(X, { ...FFN, b2: [1, 0] })),
  bad("embedTokens", "token 2 with V = 2", embed([0, 2]), /^embedTokens: tokens\[1\] must be an integer in \[0, 1\] \(a row of the \[2, ·\] table\), got 2/),
  bad("embedTokens", "token 0.5", embed([0.5]), /^embedTokens: tokens\[0\] must be an integer in \[0, 1\].*got 0\.5/),
  bad("embedTokens", 'token "1"', embed(["1"]), /^embedTokens: tokens\[0\] must be an integer in \[0, 1\].*got "1"/),
  bad("embedTokens", "tokens []", embed([]), /^embedTokens: tokens must have at least one entry/),
  bad("embedTokens", 'tokens "ab"', embed("ab"), /^embedTokens: tokens must be an array of token ids, got "ab"/),
  bad("embedTokens", "scale: 0", embed([0], { scale: 0 }), /^embedTokens: options\.scale must be a finite number > 0, got 0/),
  bad("embedTokens", "{ sqrt: false }", embed([0], { sqrt: false }), /^embedTokens: unknown option "sqrt"; allowed options: scale, base/),
  bad("embedTokens", "table 1e308 × scale 10 (overflows)", () => m.embedTokens([0], [[1e308, 1]], { scale: 10 }), /^embedTokens: table rows · scale overflowed to Infinity at \[0, 0\]/),
  same("embedTokens", "tokens Int32Array", () => m.embedTokens(Int32Array.of(1, 0) as unknown as number[], I), () => m.embedTokens([1, 0], I)),
  bad("residualSublayer", "f not a function", res("LN"), /^residualSublayer: f must be a function, got "LN"/),
  bad("residualSublayer", "f returns a matrix, not a trace", res((h: m.Matrix) => h), /^residualSublayer: f must return a trace with an output matrix, got an array of length 2/),
  bad("residualSublayer", "f changes the width", res(() => ({ output: [[1], [2]] })), /^add: x has shape \[2, 2\] but f\(x\) has shape \[2, 1\]/),
  bad("residualSublayer", "{ normfirst: true }", res(twice, { normfirst: true }), /^residualSublayer: unknown option "normfirst" \(did you mean "normFirst"\?\)/),
  bad("residualSublayer", 'normFirst: "yes"', res(twice, { normFirst: "yes" }), /^residualSublayer: options\.normFirst must be a boolean/),
  bad("encoderBlock", "no numHeads", enc(ENC, {}), /^encoderBlock: options\.numHeads is required/),
  bad("encoderBlock", "numHeads 3 for E = 2", enc(ENC, { numHeads: 3 }), /^encoderBlock: options\.numHeads 3 must divide E = 2 \(the width of x\)/),
  bad("encoderBlock", "{ causal: true }", enc(ENC, { numHeads: 1, causal: true }), /^encoderBlock: unknown option "causal"; allowed options: numHeads, normFirst, epsilon, activation, mask/),
  bad("encoderBlock", "mask { casual: true }", enc(ENC, { numHeads: 1, mask: { casual: true } }), /^encoderBlock: unknown option "mask\.casual" \(did you mean "causal"\?\)/),
  bad("encoderBlock", "mask.validLens 3 > T", enc(ENC, { numHeads: 1, mask: { validLens: 3 } }), /^encoderBlock: options\.mask\.validLens\[0\] must be an integer in \[0, 2\]/),
  bad("encoderBlock", "weights null", enc(null), /^encoderBlock: weights must be an object with keys selfAttention, feedForward, norm1, norm2, got null/),
  bad("encoderBlock", "no feedForward", enc({ selfAttention: A }), /^encoderBlock: weights\.feedForward is required/),
  bad("encoderBlock", "weights.selfAtention", enc({ ...ENC, selfAtention: A }), /^encoderBlock: unknown option "weights\.selfAtention" \(did you mean "selfAttention"\?\)/),
  bad("encoderBlock", "selfAttention without wo", enc({ ...ENC, selfAttention: { wq: I, wk: I, wv: I } }), /^encoderBlock: weights\.selfAttention\.wo is required/),
  bad("encoderBlock", "wv [2, 3]", enc({ ...ENC, selfAttention: { ...A, wv: [[1, 0, 0], [0, 1, 0]] } }), /^encoderBlock: weights\.selfAttention\.wv has shape \[2, 3\] but must be \[2, 2\] \(E = 2, the width of x\)/),
  bad("encoderBlock", "bo of length 3", enc({ ...ENC, selfAttention: { ...A, bo: [0, 0, 0] } }), /^encoderBlock: weights\.selfAttention\.bo has shape \[3\] but must be \[2\]/),
  bad("encoderBlock", "w2 [3, 2] for dFF = 2", enc({ ...ENC, feedForward: { w1: I, w2: [[1, 0], [0, 1], [1, 1]] } }), /^encoderBlock: weights\.feedForward\.w2 has shape \[3, 2\] but must be \[2, 2\] \(E = 2, the width of x; dFF = 2, the columns of weights\.feedForward\.w1\)/),
  bad("encoderBlock", "norm2.gamma of length 1", enc({ ...ENC, norm2: { gamma: [1] } }), /^encoderBlock: weights\.norm2\.gamma has shape \[1\] but must be \[2\]/),
  bad("encoderBlock", "norm1 { gain }", enc({ ...ENC, norm1: { gain: [1, 1] } }), /^encoderBlock: unknown option "weights\.norm1\.gain"; allowed options: gamma, beta/),
  bad("encoderBlock", "wq with NaN", enc({ ...ENC, selfAttention: { ...A, wq: [[Number.NaN, 0], [0, 1]] } }), /^encoderBlock: weights\.selfAttention\.wq\[0\]\[0\] must be finite, got NaN/),
  same("encoderBlock", "typed rows everywhere", () => m.encoderBlock(typedRows(X), { selfAttention: { wq: typedRows(I), wk: I, wv: I, wo: I }, feedForward: { w1: typedRows(I), w2: I } }, { numHeads: 2 }), () => m.encoderBlock(X, ENC, { numHeads: 2 })),
  bad("decoderBlock", "no crossAttention", dec(ENC), /^decoderBlock: weights\.crossAttention is required/),
  bad("decoderBlock", "{ memoryMask: 'padding' }", dec(DEC, { numHeads: 1, memoryMask: "padding" }), /^decoderBlock: options\.memoryMask must be a mask spec .*got "padding"/),
  bad("decoderBlock", "memoryMask.validLens 2 > S", dec(DEC, { numHeads: 1, memoryMask: { validLens: 2 } }), /^decoderBlock: options\.memoryMask\.validLens\[0\] must be an integer in \[0, 1\]/),
  bad("decoderBlock", "mask [[true]] for T = 2", dec(DEC, { numHeads: 1, mask: [[true]] }), /^decoderBlock: options\.mask has shape \[1, 1\] but the scores have shape \[2, 2\]/),
  bad("decoderBlock", "memory of width 3, cross wk [2, 2]", dec(DEC, { numHeads: 1 }, [[0, 1, 2]]), /^decoderBlock: weights\.crossAttention\.wk has shape \[2, 2\] but must be \[3, 2\] \(E_m = 3, the width of memory; E = 2\)/),
  bad("decoderBlock", "memory []", dec(DEC, { numHeads: 1 }, []), /^decoderBlock: memory must have at least one row/),
  bad("decoderBlock", "{ memorymask }", dec(DEC, { numHeads: 1, memorymask: {} }), /^decoderBlock: unknown option "memorymask" \(did you mean "memoryMask"\?\)/),
  holds("decoderBlock", "fully masked memory (validLens 0): zero context, finite output", dec(DEC, { numHeads: 1, memoryMask: { validLens: 0 } }), finite),
  bad("blockWeightsFromList", 'kind "gpt"', () => m.blockWeightsFromList("gpt" as "encoder", list16()), /^blockWeightsFromList: kind must be one of "encoder", "decoder", got "gpt"/),
  bad("blockWeightsFromList", "15 arrays for an encoder", () => m.blockWeightsFromList("encoder", list16().slice(1)), /^blockWeightsFromList: list must hold the 16 weights of a encoder layer in getWeights\(\) order, got an array of length 15/),
  bad("blockWeightsFromList", "16 arrays for a decoder", () => m.blockWeightsFromList("decoder", list16()), /^blockWeightsFromList: list must hold the 26 weights of a decoder layer/),
  bad("blockWeightsFromList", "a vector where W_q goes", () => m.blockWeightsFromList("encoder", [[0], ...list16().slice(1)]), /^blockWeightsFromList: list\[0\] \(selfAttention\.wq\) must be a matrix, got an array of length 1/),
  bad("blockWeightsFromList", "a matrix where b_q goes", () => m.blockWeightsFromList("encoder", list16().map((w, i) => (i === 4 ? [[1]] : w))), /^blockWeightsFromList: list\[4\] \(selfAttention\.bq\) must be a vector/),
  bad("blockParameterCount", "numHeads 3 for dModel 8", () => m.blockParameterCount("encoder", 8, 3, 16), /^blockParameterCount: numHeads 3 must divide dModel 8/),
  bad("blockParameterCount", "dModel 0", () => m.blockParameterCount("encoder", 0, 1, 16), /^blockParameterCount: dModel must be a positive integer, got 0/),
  bad("blockParameterCount", 'dFF "16"', () => m.blockParameterCount("decoder", 8, 2, "16" as unknown as number), /^blockParameterCount: dFF must be a positive integer, got "16"/),
  bad("blockParameterCount", 'kind "Encoder"', () => m.blockParameterCount("Encoder" as "encoder", 8, 2, 16), /^blockParameterCount: kind must be one of "encoder", "decoder", got "Encoder"/),
];

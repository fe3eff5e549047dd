/**
 * Bad-input rows for tier 1's sampling (issue #18): options (unknown and misspelt keys, a temperature < 0 or NaN,
 * topK not an integer ≥ 1, topP outside (0, 1], a missing or fake generator), logits that are empty, NaN, +Infinity
 * or all masked, probabilities that are negative, all zero or do not sum to 1, a draw u outside [0, 1); typed
 * arrays give the plain-array answer.
 */
import * as m from "../../lib/math/index.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { bad, type Row, same } from "./badInputRows.js";

const Z = [1.5, -0.3, 2.7, 0.4];
const rng = () => mulberry32(0);
const sample = (o: unknown) => () => m.sampleToken(Z, o as m.SampleOptions);
const shape = (o: unknown) => () => m.samplingDistribution(Z, o as m.SamplingOptions);

// biome-ignore format: a table reads best as one row per line
export const samplingRows: Row[] = [
  bad("sampleToken", "no rng at temperature 1", sample({}), /^sampleToken: options\.rng is required when temperature > 0 \(pass mulberry32\(seed\)\)/),
  bad("sampleToken", "rng: Math.random", sample({ rng: Math.random }), /^sampleToken: options\.rng must be a generator from mulberry32\(seed\), got a function/),
  bad("sampleToken", "temperature: -1", sample({ temperature: -1, rng: rng() }), /^sampleToken: options\.temperature must be a finite number ≥ 0, got -1/),
  bad("sampleToken", "temperature: NaN", sample({ temperature: Number.NaN, rng: rng() }), /^sampleToken: options\.temperature must be .*got NaN/),
  bad("sampleToken", "topK: 0", sample({ topK: 0, rng: rng() }), /^sampleToken: options\.topK must be an integer ≥ 1, got 0/),
  bad("sampleToken", "topK: 1.5", sample({ topK: 1.5, rng: rng() }), /^sampleToken: options\.topK must be an integer ≥ 1, got 1\.5/),
  bad("sampleToken", "topP: 0", sample({ topP: 0, rng: rng() }), /^sampleToken: options\.topP must be a finite number > 0 and ≤ 1, got 0/),
  bad("sampleToken", "topP: 1.2", sample({ topP: 1.2, rng: rng() }), /^sampleToken: options\.topP must be .*got 1\.2/),
  bad("sampleToken", "{ top_k: 2 }", sample({ top_k: 2, rng: rng() }), /^sampleToken: unknown option "top_k" \(did you mean "topK"\?\)/),
  bad("sampleToken", "logits []", () => m.sampleToken([], { rng: rng() }), /^sampleToken: logits must have at least one entry/),
  bad("sampleToken", "logits [1, NaN]", () => m.sampleToken([1, Number.NaN], { rng: rng() }), /^sampleToken: logits\[1\]/),
  bad("sampleToken", "logits [1, +Infinity]", () => m.sampleToken([1, Infinity], { rng: rng() }), /^sampleToken: .*\+Infinity/),
  bad("sampleToken", "logits [1, +Infinity], greedy", () => m.sampleToken([1, Infinity], { temperature: 0 }), /^sampleToken: logits\[1\] is \+Infinity/),
  bad("sampleToken", "logits all -Infinity", () => m.sampleToken([-Infinity, -Infinity], { rng: rng() }), /^sampleToken: every logit is -Infinity/),
  bad("sampleToken", "logits all -Infinity, greedy", () => m.sampleToken([-Infinity, -Infinity], { temperature: 0 }), /^sampleToken: every logit is -Infinity/),
  same("sampleToken", "logits a Float64Array", () => m.sampleToken(Float64Array.from(Z), { rng: rng() }), () => m.sampleToken(Z, { rng: rng() })),
  bad("samplingDistribution", "{ rng } (it draws nothing)", shape({ rng: rng() }), /^samplingDistribution: unknown option "rng"/),
  bad("samplingDistribution", "{ temprature: 2 }", shape({ temprature: 2 }), /^samplingDistribution: unknown option "temprature" \(did you mean "temperature"\?\)/),
  same("samplingDistribution", "logits a Float32Array", () => m.samplingDistribution(Float32Array.of(1, 2, 3)), () => m.samplingDistribution([1, 2, 3])),
  bad("topKFilter", "k: 0", () => m.topKFilter([0.5, 0.5], 0), /^topKFilter: k must be an integer ≥ 1, got 0/),
  bad("topKFilter", "k missing", () => m.topKFilter([0.5, 0.5], undefined as never), /^topKFilter: k is required/),
  bad("topKFilter", "probs all 0", () => m.topKFilter([0, 0], 1), /^topKFilter: probs are all 0/),
  bad("topPFilter", "p: 2", () => m.topPFilter([0.5, 0.5], 2), /^topPFilter: p must be a finite number > 0 and ≤ 1, got 2/),
  bad("topPFilter", "probs [0.5, -0.5]", () => m.topPFilter([0.5, -0.5], 0.5), /^topPFilter: probs\[1\] must be ≥ 0 \(a probability\), got -0\.5/),
  bad("topPFilter", "probs [0.5, Infinity]", () => m.topPFilter([0.5, Infinity], 0.5), /^topPFilter: probs\[1\]/),
  bad("drawToken", "u: 1", () => m.drawToken([0.5, 0.5], 1), /^drawToken: u must be a finite number ≥ 0 and < 1, got 1/),
  bad("drawToken", "probs summing to 0.9", () => m.drawToken([0.5, 0.4], 0.5), /^drawToken: probs must sum to 1, got a sum of 0\.9/),
  same("drawToken", "probs a Float64Array", () => m.drawToken(Float64Array.of(0.2, 0.8), 0.5), () => m.drawToken([0.2, 0.8], 0.5)),
];

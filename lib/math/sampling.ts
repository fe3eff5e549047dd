/**
 * Choosing the next token from a model's logits, one visible step at a time: softmax with a temperature, the
 * top-k filter, the nucleus (top-p) filter, then a draw from a seeded generator. Follows: Hinton et al. 2015
 * eq. 1 (q_i = exp(z_i/T) / Σ_j exp(z_j/T)); Fan et al. 2018 (top-k sampling); Holtzman et al. 2020 §3.1,
 * eq. 2–3 (the top-p vocabulary V^(p) is the smallest set with Σ_{x∈V^(p)} P(x) ≥ p, rescaled by its mass);
 * the order temperature → top-k → top-p of Hugging Face's logits warpers.
 */
import { checkOptions, checkValue, describeValue, opt } from "../check/options.js";
import type { Rng } from "../random/prng.js";
import { toNumberArray, type VectorLike } from "./input.js";
import { softmax } from "./softmax.js";

/** How the distribution is shaped before the draw. */
export interface SamplingOptions {
  /** τ ≥ 0: probabilities softmax(logits / τ); τ = 0 is greedy (all mass on the argmax, first on ties). Default 1. */
  temperature?: number;
  /** Keep only the k most probable tokens (first on ties), an integer ≥ 1; k ≥ V keeps all. Default: all. */
  topK?: number;
  /** Keep the smallest most-probable set whose mass is ≥ p, p in (0, 1]; 1 keeps all. Default 1. */
  topP?: number;
}

/** Options of {@link sampleToken}: the shaping and the generator to draw with. */
export interface SampleOptions extends SamplingOptions {
  /** A seeded generator (`mulberry32(seed)`); required unless `temperature` is 0. */
  rng?: Rng;
}

/** Each stage of the distribution, every one a vector over the whole vocabulary `[V]`. */
export interface SamplingDistribution {
  /** softmax(logits / τ) (one-hot at the argmax when τ = 0). */
  probs: number[];
  /** After the top-k filter, renormalised (equal to `probs` without `topK`). */
  topK: number[];
  /** After the top-p filter as well, renormalised: the distribution the token is drawn from. */
  filtered: number[];
  /** The token ids with `filtered` > 0, most probable first. */
  kept: number[];
}

/** One sampled token and how it was chosen. */
export interface SampledToken extends SamplingDistribution {
  /** The uniform number u in [0, 1) drawn from the generator; `null` when τ = 0 (nothing is drawn). */
  draw: number | null;
  /** The chosen token id. */
  token: number;
}

const SAMPLING_SPEC = {
  temperature: opt.number({ min: 0 }),
  topK: opt.integer({ min: 1 }),
  topP: opt.number({ above: 0, max: 1 }),
};
const SAMPLE_SPEC = { ...SAMPLING_SPEC, rng: opt.any() };

/** Slack for rounding when the top-p mass is compared with p. */
const MASS_SLACK = 1e-12;

/**
 * The distribution a token is drawn from, stage by stage: p = softmax(logits / τ), then the top-k filter, then the
 * top-p filter (each renormalised). A `-Infinity` logit is masked (probability exactly 0).
 * @example
 *   samplingDistribution([2, 1, 0], { topK: 2 }).filtered; // [0.7311, 0.2689, 0]
 *   samplingDistribution([2, 1, 0], { temperature: 0 }).probs; // [1, 0, 0] (greedy)
 *   samplingDistribution([2, 1, 0], { topP: 0.7 }).kept; // [0, 1] (0.665 < 0.7 ≤ 0.665 + 0.245)
 */
export function samplingDistribution(
  logits: VectorLike,
  options: SamplingOptions = {},
): SamplingDistribution {
  return distributionOf(
    "samplingDistribution",
    logits,
    checkOptions("samplingDistribution", options, SAMPLING_SPEC),
  );
}

/**
 * Samples one token: {@link samplingDistribution}, then u = rng.next() and the token whose slice of [0, 1) under
 * the filtered distribution holds u ({@link drawToken}). With τ = 0 it is the argmax and draws nothing.
 * @example
 *   sampleToken([2, 1, 0], { temperature: 0 }).token; // 0
 *   sampleToken([2, 1, 0], { topK: 1, rng: mulberry32(1) }).token; // 0 (top-1 is greedy)
 *   sampleToken([0, 0, 0], { rng: mulberry32(42) }).token; // 1 (u = 0.601 lies in [1/3, 2/3))
 */
export function sampleToken(logits: VectorLike, options: SampleOptions = {}): SampledToken {
  const { rng, ...shaping } = checkOptions("sampleToken", options, SAMPLE_SPEC);
  const greedy = shaping.temperature === 0;
  if (rng !== undefined && typeof (rng as Partial<Rng> | null)?.next !== "function") {
    throw new TypeError(
      `sampleToken: options.rng must be a generator from mulberry32(seed), got ${describeValue(rng)}`,
    );
  }
  if (!greedy && rng === undefined) {
    throw new TypeError("sampleToken: options.rng is required when temperature > 0 (pass mulberry32(seed))");
  }
  const d = distributionOf("sampleToken", logits, shaping);
  if (greedy || rng === undefined) return { ...d, draw: null, token: d.kept[0]! };
  const u = rng.next();
  return { ...d, draw: u, token: drawToken(d.filtered, u) };
}

/**
 * Keeps the `k` largest probabilities (first on ties) and renormalises: p'_i = p_i / Σ_{j∈top k} p_j, else 0.
 * @example topKFilter([0.5, 0.3, 0.2], 2); // [0.625, 0.375, 0]
 */
export function topKFilter(probs: VectorLike, k: number): number[] {
  const p = checkProbs("topKFilter", probs);
  checkValue("topKFilter", "k", k, opt.integer({ min: 1, required: true }));
  return keepOnly(p, descending(p).slice(0, k));
}

/**
 * Nucleus filter: keeps V^(p), the smallest set of most probable tokens whose mass is ≥ `p` (up to 1e-12 of
 * rounding), and renormalises by that mass. Holtzman et al. 2020 eq. 2–3.
 * @example
 *   topPFilter([0.5, 0.3, 0.2], 0.8); // [0.625, 0.375, 0] (0.5 < 0.8 ≤ 0.5 + 0.3)
 *   topPFilter([0.5, 0.3, 0.2], 0.5); // [1, 0, 0]
 */
export function topPFilter(probs: VectorLike, p: number): number[] {
  const q = checkProbs("topPFilter", probs);
  checkValue("topPFilter", "p", p, opt.number({ above: 0, max: 1, required: true }));
  const order = descending(q);
  const total = q.reduce((s, x) => s + x, 0);
  let mass = 0;
  let size = 0;
  while (size < order.length && mass < (p - MASS_SLACK) * total) mass += q[order[size++]!]!;
  return keepOnly(q, order.slice(0, size));
}

/**
 * Inverse-CDF draw: the first token i with u < Σ_{j ≤ i} p_j (probabilities in id order), so token i owns a slice
 * of [0, 1) as wide as p_i. `u` must lie in [0, 1) and `probs` sum to 1 (within 1e-6; the rounding left over goes
 * to the last token with p > 0).
 * @example drawToken([0.2, 0.5, 0.3], 0.65); // 1 (0.2 ≤ 0.65 < 0.7)
 */
export function drawToken(probs: VectorLike, u: number): number {
  const p = checkProbs("drawToken", probs);
  checkValue("drawToken", "u", u, opt.number({ min: 0, below: 1, required: true }));
  const total = p.reduce((s, x) => s + x, 0);
  if (Math.abs(total - 1) > 1e-6)
    throw new RangeError(`drawToken: probs must sum to 1, got a sum of ${total}`);
  let last = -1;
  let cumulative = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) continue;
    cumulative += p[i]!;
    last = i;
    if (u < cumulative) return i;
  }
  return last;
}

/** The three stages for checked options (`where` names the caller in messages). */
function distributionOf(where: string, logits: VectorLike, options: SamplingOptions): SamplingDistribution {
  const z = checkLogits(where, logits);
  const { temperature = 1, topK, topP = 1 } = options;
  const probs = temperature === 0 ? oneHot(z.length, argmax(z)) : softmax(z, { temperature });
  const afterK = topK === undefined ? probs : topKFilter(probs, topK);
  const filtered = topP === 1 ? afterK : topPFilter(afterK, topP);
  return { probs, topK: afterK, filtered, kept: descending(filtered) };
}

/** Token ids with p > 0, most probable first, lower id first on ties. */
function descending(p: readonly number[]): number[] {
  const ids = p.flatMap((x, i) => (x > 0 ? [i] : []));
  return ids.sort((a, b) => p[b]! - p[a]! || a - b);
}

/** `p` restricted to `ids` and renormalised to sum 1. */
function keepOnly(p: readonly number[], ids: readonly number[]): number[] {
  const mass = ids.reduce((s, i) => s + p[i]!, 0);
  const out = new Array<number>(p.length).fill(0);
  for (const i of ids) out[i] = p[i]! / mass;
  return out;
}

function oneHot(n: number, at: number): number[] {
  return Array.from({ length: n }, (_, i) => (i === at ? 1 : 0));
}

/** Index of the largest logit, first on ties. */
function argmax(z: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < z.length; i++) if (z[i]! > z[best]!) best = i;
  return best;
}

/** Logits as a plain vector: finite or −Infinity (masked), never +Infinity, and not all masked. */
function checkLogits(where: string, logits: VectorLike): number[] {
  const z = toNumberArray(`${where}: logits`, logits, { allowInfinity: true });
  const high = z.indexOf(Infinity);
  if (high >= 0) throw new RangeError(`${where}: logits[${high}] is +Infinity (−Infinity means masked)`);
  if (z.every((x) => x === -Infinity)) {
    throw new RangeError(`${where}: every logit is -Infinity (masked); there is no token to sample`);
  }
  return z;
}

/** A vector of probabilities: finite, ≥ 0, with a positive sum. */
function checkProbs(where: string, probs: VectorLike): number[] {
  const p = toNumberArray(`${where}: probs`, probs);
  const bad = p.findIndex((x) => x < 0);
  if (bad >= 0) throw new RangeError(`${where}: probs[${bad}] must be ≥ 0 (a probability), got ${p[bad]}`);
  if (p.every((x) => x === 0)) throw new RangeError(`${where}: probs are all 0; at least one must be > 0`);
  return p;
}

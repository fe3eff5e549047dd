/**
 * Count-based baselines for a character language model, in bits per character on a validation text: the
 * unigram (each character's frequency, context ignored) and the bigram (the next character given the previous
 * one), both counted on the training ids only.
 * Follows: Chen & Goodman (1998), "An Empirical Study of Smoothing Techniques for Language Modeling":
 * additive (add-one, Laplace) smoothing, eq. 2, and Witten–Bell interpolation, eq. 8 with λ from eq. 13.
 *
 * Both baselines score the same M − 1 targets: validation character t (t = 1 … M − 1) after character t − 1,
 *   bits/char = −1/(M − 1) · Σ_t log₂ p(x_t | x_{t−1}),
 * which is the next-token cross-entropy of a model that sees one character of context (the unigram ignores it).
 */
import { checkOptions, checkValue, opt } from "../check/options.js";

/** The add-one unigram: counts on the training ids, the smoothed probabilities, and the validation score. */
export interface UnigramBaseline {
  /** `[V]` n_c: how often id c occurs in the training ids. */
  counts: number[];
  /** `[V]` p(c) = (n_c + 1) / (N + V); sums to 1. */
  probabilities: number[];
  /** M − 1: the validation characters scored (every one after the first). */
  targets: number;
  /** −1/(M − 1) · Σ_{t≥1} log₂ p(x_t). */
  bitsPerChar: number;
}

/** How the bigram spreads probability onto pairs it never saw in training. */
export type BigramSmoothing = "addOne" | "wittenBell";

/** Options of {@link bigramBaseline}. */
export interface BigramOptions {
  /**
   * `"wittenBell"` (default): p(b | a) = (n_ab + T_a · p_uni(b)) / (n_a + T_a), with T_a the number of distinct
   * characters seen after a and p_uni the add-one unigram (p_uni(b) alone when a never occurs as a context).
   * `"addOne"`: p(b | a) = (n_ab + 1) / (n_a + V), every unseen pair gets one pseudo-count.
   */
  smoothing?: BigramSmoothing;
}

/** The bigram's counts (training pairs only), its conditional probability, and the validation score. */
export interface BigramBaseline {
  smoothing: BigramSmoothing;
  /** `[V]` n_a: training pairs whose first character is a. */
  contextCounts: number[];
  /** `[V]` T_a: distinct characters that follow a in training. */
  followerTypes: number[];
  /** n_ab for the pairs that occur, keyed `a · V + b` (a V × V table would hold ~14 M cells for 3,754 ids). */
  pairCounts: ReadonlyMap<number, number>;
  /** p(b | a) under the smoothing; for every a, Σ_b p(b | a) = 1. */
  probability(a: number, b: number): number;
  /** M − 1: the validation characters scored. */
  targets: number;
  /** −1/(M − 1) · Σ_{t≥1} log₂ p(x_t | x_{t−1}). */
  bitsPerChar: number;
}

function checkIds(fn: string, name: string, ids: readonly number[], vocabSize: number, min: number): void {
  if (!Array.isArray(ids)) throw new TypeError(`${fn}: ${name} must be an array of ids, got ${typeof ids}`);
  if (ids.length < min) throw new RangeError(`${fn}: ${name} has ${ids.length} ids, need at least ${min}`);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(Number.isInteger(id) && id >= 0 && id < vocabSize))
      throw new RangeError(`${fn}: ${name}[${i}] is ${id}, not an integer id in [0, ${vocabSize - 1}]`);
  }
}

function checkArgs(
  fn: string,
  train: readonly number[],
  valid: readonly number[],
  vocabSize: number,
  minTrain: number,
) {
  checkValue(fn, "vocabSize", vocabSize, opt.integer({ min: 1, required: true }));
  checkIds(fn, "train", train, vocabSize, minTrain);
  checkIds(fn, "valid", valid, vocabSize, 2);
}

/** −1/(M − 1) · Σ_{t=1}^{M−1} log₂ p(x_{t−1}, x_t): the mean surprisal of the validation targets, in bits. */
function meanBits(valid: readonly number[], p: (a: number, b: number) => number): number {
  let bits = 0;
  for (let t = 1; t < valid.length; t++) bits -= Math.log2(p(valid[t - 1]!, valid[t]!));
  return bits / (valid.length - 1);
}

function unigramProbabilities(
  train: readonly number[],
  vocabSize: number,
): { counts: number[]; probabilities: number[] } {
  const counts = Array<number>(vocabSize).fill(0);
  for (const id of train) counts[id]!++;
  const probabilities = counts.map((n) => (n + 1) / (train.length + vocabSize)); // add-one: (n_c + 1) / (N + V)
  return { counts, probabilities };
}

/**
 * The add-one unigram baseline: p(c) = (n_c + 1) / (N + V) from the N training ids, scored on the validation
 * ids as bits per character (see the file header for which targets count).
 * @example
 *   // train "aab" (a = 0, b = 1): p(a) = 3/5, p(b) = 2/5; valid "aba" scores b and a
 *   unigramBaseline([0, 0, 1], [0, 1, 0], 2).bitsPerChar; // 1.0294468445267841 (= −(log₂ 0.4 + log₂ 0.6) / 2)
 */
export function unigramBaseline(
  train: readonly number[],
  valid: readonly number[],
  vocabSize: number,
): UnigramBaseline {
  checkArgs("unigramBaseline", train, valid, vocabSize, 1);
  const { counts, probabilities } = unigramProbabilities(train, vocabSize);
  const bitsPerChar = meanBits(valid, (_a, b) => probabilities[b]!);
  return { counts, probabilities, targets: valid.length - 1, bitsPerChar };
}

/**
 * The bigram baseline: pair counts n_ab over the consecutive training ids, smoothed by Witten–Bell
 * interpolation with the add-one unigram (default) or by add-one, scored on the validation ids as bits per
 * character.
 * @example
 *   // train "abab": n_ab = 2, n_ba = 1, T_a = T_b = 1; add-one p(b | a) = (2 + 1) / (2 + 2) = 0.75
 *   bigramBaseline([0, 1, 0, 1], [0, 1], 2, { smoothing: "addOne" }).probability(0, 1); // 0.75
 *   bigramBaseline([0, 1, 0, 1], [0, 1], 2).probability(0, 1); // 0.8333333333333334 (= (2 + 1 · ½) / (2 + 1), p_uni(b) = 3/6)
 */
export function bigramBaseline(
  train: readonly number[],
  valid: readonly number[],
  vocabSize: number,
  opts: BigramOptions = {},
): BigramBaseline {
  checkOptions("bigramBaseline", opts, { smoothing: opt.oneOf(["addOne", "wittenBell"]) });
  checkArgs("bigramBaseline", train, valid, vocabSize, 2);
  const smoothing = opts.smoothing ?? "wittenBell";
  const V = vocabSize;
  // 1) count the training pairs (a, b), the contexts n_a and the distinct followers T_a
  const pairCounts = new Map<number, number>();
  const contextCounts = Array<number>(V).fill(0);
  const followerTypes = Array<number>(V).fill(0);
  for (let t = 1; t < train.length; t++) {
    const a = train[t - 1]!;
    const key = a * V + train[t]!;
    const n = pairCounts.get(key) ?? 0;
    if (n === 0) followerTypes[a]!++;
    pairCounts.set(key, n + 1);
    contextCounts[a]!++;
  }
  // 2) the smoothed conditional p(b | a)
  const unigram = unigramProbabilities(train, V).probabilities;
  const probability = (a: number, b: number): number => {
    const nab = pairCounts.get(a * V + b) ?? 0;
    const na = contextCounts[a]!;
    if (smoothing === "addOne") return (nab + 1) / (na + V);
    if (na === 0) return unigram[b]!; // a never seen as a context: back off entirely
    const ta = followerTypes[a]!;
    return (nab + ta * unigram[b]!) / (na + ta);
  };
  // 3) score the validation targets
  const bitsPerChar = meanBits(valid, probability);
  return {
    smoothing,
    contextCounts,
    followerTypes,
    pairCounts,
    probability,
    targets: valid.length - 1,
    bitsPerChar,
  };
}

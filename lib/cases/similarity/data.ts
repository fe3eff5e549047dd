/**
 * Chinese sentence pairs for paraphrase detection (`datasets/similarity/README.md`), from a small pre-segmented
 * lexicon (no segmenter needed). A sentence fills a template of slots — time, place, topic noun, optional degree adverb,
 * predicate — e.g. 今天 | 天气 | 晴朗. Its partner is either a paraphrase (label 1: insert 的 / 很 / 了, or swap the
 * adverb for a synonym) or a non-paraphrase (label 0: one content word swapped within its class, e.g.
 * 晴朗 → 下雨, plus the same kind of harmless edits so that "was anything edited" is no cue). Train and test pairs
 * come from disjoint templates (different slot orders and lengths). `generatePairs` draws a set;
 * `similarityData(config)` draws the case's train and test pairs from its config, and `similarityBatch` turns
 * pairs into the tensors `fit` trains on.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, opt } from "../../check/options.js";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { drawSplits, type SplitSizes } from "../../random/drawSplits.js";
import { mulberry32, type Rng } from "../../random/prng.js";
import { take } from "../../train/batches.js";

/** Content words by slot, degree adverbs (synonyms of each other) and the function words that paraphrases insert. */
export const SIMILARITY_LEXICON = {
  time: ["今天", "明天", "昨天", "周末", "早上", "晚上"],
  place: ["北京", "上海", "这里", "城里", "山上", "海边"],
  noun: ["天气", "空气", "风景", "街道", "心情"],
  predicate: ["晴朗", "下雨", "寒冷", "炎热", "清新", "安静", "热闹", "美丽"],
  adverb: ["非常", "十分", "特别"],
  particles: ["的", "很", "了"],
} as const;

/** Slot kinds of a template. */
export type SimilaritySlot = "time" | "place" | "noun" | "adverb" | "predicate";

/** Sentence templates (slot orders). The last `testTemplates` of them are held out. */
export const SIMILARITY_TEMPLATES: readonly (readonly SimilaritySlot[])[] = [
  ["time", "noun", "predicate"],
  ["time", "place", "noun", "predicate"],
  ["place", "noun", "adverb", "predicate"],
  ["time", "noun", "adverb", "predicate"],
  ["place", "time", "noun", "predicate"],
  ["time", "place", "noun", "adverb", "predicate"],
  ["place", "noun", "predicate"],
  ["place", "time", "noun", "adverb", "predicate"],
];

/** The 8-word vocabulary of the worked example (`worked.ts`) comes first, so its ids are stable. */
export const SIMILARITY_VOCAB: readonly string[] = [
  "<pad>",
  ...new Set([
    "今天",
    "的",
    "天气",
    "很",
    "晴朗",
    "明天",
    "会",
    "下雨",
    ...Object.values(SIMILARITY_LEXICON).flat(),
  ]),
];

/** One labelled pair of segmented sentences. */
export interface SimilarityPair {
  a: string[];
  b: string[];
  /** 1 = paraphrase, 0 = different meaning. */
  label: number;
  template: number;
}

function sentence(rng: Rng, template: readonly SimilaritySlot[]): string[] {
  return template.map((slot) => rng.pick(SIMILARITY_LEXICON[slot]));
}

/** Harmless edits: swap the adverb for a synonym, insert 的 after the first word, 很 before the predicate (when there is no adverb), 了 at the end. */
function paraphrase(rng: Rng, words: string[], template: readonly SimilaritySlot[]): string[] {
  const adverb = template.indexOf("adverb");
  const possible = adverb >= 0 ? ["adverb", "de", "le"] : ["de", "hen", "le"];
  const edits = new Set(rng.shuffle(possible).slice(0, rng.int(1, 2)));
  const out = [...words];
  if (edits.has("adverb"))
    out[adverb] = rng.pick(SIMILARITY_LEXICON.adverb.filter((w) => w !== words[adverb]));
  if (edits.has("le")) out.push("了");
  if (edits.has("hen")) out.splice(words.length - 1, 0, "很"); // before the predicate (the last slot)
  if (edits.has("de")) out.splice(1, 0, "的");
  return out;
}

/** Swaps one content word (time, place, noun or predicate) for another of its class. */
function contentSwap(rng: Rng, words: string[], template: readonly SimilaritySlot[]): string[] {
  const slots = template.map((s, i) => [s, i] as const).filter(([s]) => s !== "adverb");
  const [slot, i] = rng.pick(slots);
  const out = [...words];
  out[i] = rng.pick(SIMILARITY_LEXICON[slot].filter((w) => w !== words[i]));
  return out;
}

/** Options of {@link generatePairs}. */
export interface PairOptions {
  seed: number;
  /** Number of pairs; they alternate paraphrase / different, so the classes are balanced. */
  size: number;
  /** Indices into {@link SIMILARITY_TEMPLATES}; each pair fills one of them, drawn uniformly. */
  templates: readonly number[];
}

const PAIR_OPTIONS = {
  seed: opt.integer({ min: 0, required: true }),
  size: opt.integer({ min: 0, required: true }),
  templates: opt.any({ required: true }),
};

/**
 * Draws `size` pairs from `seed`, each from one of `templates`; pair k is a paraphrase when k is even. The
 * order of the two sentences of a pair is random.
 * @example
 *   const pairs = generatePairs({ seed: 0, size: 4, templates: [0, 1] });
 *   pairs.map((p) => p.label); // [1, 0, 1, 0]
 */
export function generatePairs(opts: PairOptions): SimilarityPair[] {
  checkOptions("generatePairs", opts, PAIR_OPTIONS);
  const valid = (t: unknown) =>
    Number.isInteger(t) && (t as number) >= 0 && (t as number) < SIMILARITY_TEMPLATES.length;
  if (!Array.isArray(opts.templates) || opts.templates.length === 0 || !opts.templates.every(valid)) {
    throw new RangeError(
      `generatePairs: options.templates must be a non-empty array of template indices in [0, ${SIMILARITY_TEMPLATES.length}), got ${JSON.stringify(opts.templates)}`,
    );
  }
  const rng = mulberry32(opts.seed);
  const pair = (template: number, label: number): SimilarityPair => {
    const slots = SIMILARITY_TEMPLATES[template]!;
    const a = sentence(rng, slots);
    const b =
      label === 1
        ? paraphrase(rng, a, slots)
        : rng.next() < 0.5
          ? contentSwap(rng, a, slots)
          : paraphrase(rng, contentSwap(rng, a, slots), slots);
    return rng.next() < 0.5 ? { a, b, label, template } : { a: b, b: a, label, template };
  };
  return Array.from({ length: opts.size }, (_, k) => pair(rng.pick(opts.templates), k % 2 === 0 ? 1 : 0));
}

/** The case's data: training pairs (first templates), held-out pairs (last templates) and their descriptor. */
export interface SimilarityData {
  train: SimilarityPair[];
  test: SimilarityPair[];
  dataset: DatasetInfo;
}

/**
 * The pairs of a similarity config: `trainSize` pairs from the first templates and `testSize` from the last
 * `testTemplates` (held out: their sentence shapes never occur in training), each split seeded by
 * `childSeed(seed, "data/<split>")`.
 * @example
 *   const d = similarityData({ seed: 0, trainSize: 16, testSize: 4, testTemplates: 2 });
 *   d.test.every((p) => p.template >= 6); // true
 */
export function similarityData(config: SplitSizes & { testTemplates: number }): SimilarityData {
  const held = config.testTemplates;
  const count = SIMILARITY_TEMPLATES.length;
  if (!Number.isInteger(held) || held < 1 || held >= count) {
    throw new RangeError(
      `similarityData: testTemplates must be an integer in [1, ${count - 1}], got ${held}`,
    );
  }
  const first = count - held;
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  const templates = { train: range(0, first), test: range(first, count) };
  const { train, test } = drawSplits(config, (seed, size, split) =>
    generatePairs({ seed, size, templates: templates[split] }),
  );
  return { train, test, dataset: datasetInfo("similarity", { train, test }) };
}

/**
 * Token ids of segmented sentences, padded with 0 to `length`.
 * @example similarityIds([["今天", "天气"]], 3); // [[1, 3, 0]]
 */
export function similarityIds(sentences: readonly string[][], length: number): number[][] {
  return sentences.map((words) => {
    if (words.length > length) throw new RangeError(`similarityIds: ${words.length} words exceed ${length}`);
    return [
      ...words.map((w) => {
        const id = SIMILARITY_VOCAB.indexOf(w);
        if (id < 0) throw new RangeError(`similarityIds: "${w}" is not in the vocabulary`);
        return id;
      }),
      ...Array<number>(length - words.length).fill(0),
    ];
  });
}

/** Padded sentence length: the longest sentence has 7 words (5 slots and two edits), so 8 leaves one spare. */
export const SIMILARITY_MAX_LENGTH = 8;

/** The tensors of one batch of pairs. */
export type SimilarityBatch = {
  /** `[B, 8]` int32 word ids of the first sentences, padded with 0. */
  idsA: tf.Tensor2D;
  /** `[B]` int32: the number of words of each first sentence. */
  validLensA: tf.Tensor1D;
  /** `[B, 8]` int32 word ids of the second sentences. */
  idsB: tf.Tensor2D;
  validLensB: tf.Tensor1D;
  /** `[B, 1]` float32: 1 = paraphrase. */
  labels: tf.Tensor2D;
};

/** One batch of `set` at `indices` (the caller disposes the tensors). */
export function similarityBatch(set: readonly SimilarityPair[], indices: readonly number[]): SimilarityBatch {
  const rows = take(set, indices);
  const ids = (side: "a" | "b") =>
    tf.tensor2d(
      similarityIds(
        rows.map((p) => p[side]),
        SIMILARITY_MAX_LENGTH,
      ),
      [rows.length, SIMILARITY_MAX_LENGTH],
      "int32",
    );
  const lens = (side: "a" | "b") =>
    tf.tensor1d(
      rows.map((p) => p[side].length),
      "int32",
    );
  return {
    idsA: ids("a"),
    validLensA: lens("a"),
    idsB: ids("b"),
    validLensB: lens("b"),
    labels: tf.tensor2d(
      rows.map((p) => [p.label]),
      [rows.length, 1],
      "float32",
    ),
  };
}

/**
 * Chinese sentence pairs for paraphrase detection (catalog §3.2, C3), from a small pre-segmented lexicon (no
 * segmenter needed). A sentence fills a template of slots — time, place, topic noun, optional degree adverb,
 * predicate — e.g. 今天 | 天气 | 晴朗. Its partner is either a paraphrase (label 1: insert 的 / 很 / 了, or swap the
 * adverb for a synonym) or a non-paraphrase (label 0: one content word swapped within its class, e.g.
 * 晴朗 → 下雨, plus the same kind of harmless edits so that "was anything edited" is no cue). Train and test pairs
 * come from disjoint templates (different slot orders and lengths).
 */
import { mulberry32, type Rng } from "../../random/prng.js";

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

/** The 8-word vocabulary of the worked example (§2.2) comes first, so its ids are stable. */
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

/** Training pairs (first templates) and held-out pairs (last templates). */
export interface SimilarityData {
  train: SimilarityPair[];
  test: SimilarityPair[];
  vocab: readonly string[];
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

/**
 * `size` pairs, half paraphrases. `testTemplates` templates (the last ones) are held out: `testFraction` of the
 * pairs come from them and form the test set.
 * @example
 *   const d = similarityData({ seed: 0, size: 20 });
 *   d.train.length + d.test.length; // 20
 *   d.test.every((p) => p.template >= 6); // true
 */
export function similarityData(opts: {
  seed: number;
  size: number;
  testFraction?: number;
  testTemplates?: number;
}): SimilarityData {
  const rng = mulberry32(opts.seed * 7919 + 3);
  const held = opts.testTemplates ?? 2;
  const testSize = Math.round(opts.size * (opts.testFraction ?? 0.2));
  const firstTest = SIMILARITY_TEMPLATES.length - held;
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
  const make = (n: number, from: number, to: number) =>
    Array.from({ length: n }, (_, i) => pair(rng.int(from, to - 1), i % 2 === 0 ? 1 : 0));
  return {
    train: make(opts.size - testSize, 0, firstTest),
    test: make(testSize, firstTest, SIMILARITY_TEMPLATES.length),
    vocab: SIMILARITY_VOCAB,
  };
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

/** Longest sentence: 5 slots plus 的, 很/了 edits. */
export const SIMILARITY_MAX_LENGTH = 8;

/**
 * Generated "news" documents for extractive summarization (`datasets/summarization/README.md`). A document has
 * 6–8 sentences of 4–8 words. Exactly one sentence states the event — company, action, figure, e.g. "acme cut 300
 * jobs on monday" — and its action decides the event type (the weak label the model is trained on). The others
 * are filler (weather, markets, a conference) or distractors that reuse the event's company, a figure or an event
 * object without an action. The reference summary is the event sentence. `generateDocuments` draws a set;
 * `summarizationData(config)` draws the case's train and test sets, and `summarizationBatch` turns documents into
 * the tensors `fit` trains on.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, opt } from "../../check/options.js";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { drawSplits, type SplitSizes } from "../../random/drawSplits.js";
import { mulberry32, type Rng } from "../../random/prng.js";
import { take } from "../../train/batches.js";

/** Event types: the verbs and objects that state each one. */
export const SUMMARIZATION_EVENTS = [
  {
    type: "acquisition",
    verbs: ["acquired", "bought", "purchased"],
    objects: ["rival", "startup", "supplier"],
  },
  { type: "layoffs", verbs: ["cut", "eliminated", "shed"], objects: ["jobs", "positions", "roles"] },
  { type: "earnings", verbs: ["earned", "posted", "booked"], objects: ["profit", "revenue", "income"] },
  { type: "lawsuit", verbs: ["sued", "fined", "charged"], objects: ["regulators", "partners", "customers"] },
  { type: "launch", verbs: ["launched", "released", "unveiled"], objects: ["product", "phone", "service"] },
] as const;

const COMPANIES = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka"];
const FIGURES = ["12", "40", "300", "5", "80", "250"];
const UNITS = ["million", "billion", "percent"];
const DAYS = ["monday", "tuesday", "thursday", "friday", "sunday"];
const CITIES = ["paris", "tokyo", "boston", "berlin"];
const ADJECTIVES = ["mild", "cold", "sunny", "wet"];

/**
 * Filler and distractor templates: `$c` company, `$f` figure, `$u` unit, `$d` day, `$y` city, `$a` adjective, `$o`
 * an event object of any type (so objects alone do not mark the event sentence).
 */
const OTHER_TEMPLATES = [
  "the weather in $y was $a",
  "markets opened quietly on $d",
  "analysts expect a calm week",
  "the ceo spoke at a conference in $y",
  "$c shares were flat on $d",
  "$c is based in $y",
  "about $f people attended the meeting",
  "the report ran to $f pages",
  "$c will hold a meeting on $d",
  "traffic in $y was $a on $d",
  "$o was discussed on $d",
  "a report on $o came out in $y",
];

/** One document: sentences of words, the index of the event sentence and the event type. */
export interface SummarizationDoc {
  sentences: string[][];
  event: number;
  label: number;
}

/** Longest document (sentences) and sentence (words). */
export const SUMMARIZATION_SHAPE = { sentences: 8, words: 8 } as const;

/** Every word the generator can emit, in a fixed order, after `<pad>`. */
export const SUMMARIZATION_VOCAB: readonly string[] = [
  "<pad>",
  ...new Set([
    ...SUMMARIZATION_EVENTS.flatMap((e) => [...e.verbs, ...e.objects]),
    ...COMPANIES,
    ...FIGURES,
    ...UNITS,
    ...DAYS,
    ...CITIES,
    ...ADJECTIVES,
    ...OTHER_TEMPLATES.flatMap((t) => t.split(" ").filter((w) => !w.startsWith("$"))),
    "on",
    "for",
  ]),
];

function fill(rng: Rng, template: string, company: string): string[] {
  const slot: Record<string, () => string> = {
    $c: () => company,
    $f: () => rng.pick(FIGURES),
    $u: () => rng.pick(UNITS),
    $d: () => rng.pick(DAYS),
    $y: () => rng.pick(CITIES),
    $a: () => rng.pick(ADJECTIVES),
    $o: () => rng.pick(SUMMARIZATION_EVENTS.flatMap((e) => e.objects)),
  };
  return template.split(" ").map((w) => slot[w]?.() ?? w);
}

/** "acme cut 300 jobs", "acme cut 300 jobs on monday" or "globex acquired startup for 40 million" (4 or 6 words). */
function eventSentence(rng: Rng, label: number, company: string): string[] {
  const e = SUMMARIZATION_EVENTS[label]!;
  const [verb, object, figure] = [rng.pick(e.verbs), rng.pick(e.objects), rng.pick(FIGURES)];
  const core =
    rng.next() < 0.5
      ? [company, verb, figure, object]
      : [company, verb, object, "for", figure, rng.pick(UNITS)];
  return rng.next() < 0.5 && core.length <= 5 ? [...core, "on", rng.pick(DAYS)] : core;
}

/** Options of {@link generateDocuments}. */
export interface DocumentsOptions {
  seed: number;
  /** Number of documents; their event types cycle through {@link SUMMARIZATION_EVENTS}, so they are balanced. */
  size: number;
}

const DOCUMENTS_SPEC = {
  seed: opt.integer({ min: 0, max: 2 ** 32 - 1, required: true }),
  size: opt.integer({ min: 0, required: true }),
};

/**
 * Generates `size` documents from `seed`.
 * @example
 *   const docs = generateDocuments({ seed: 0, size: 5 });
 *   [docs.length, docs[0].sentences.length >= 6, docs.map((d) => d.label)]; // [5, true, [0, 1, 2, 3, 4]]
 */
export function generateDocuments(opts: DocumentsOptions): SummarizationDoc[] {
  checkOptions("generateDocuments", opts, DOCUMENTS_SPEC);
  const rng = mulberry32(opts.seed);
  return Array.from({ length: opts.size }, (_, i) => generateDocument(rng, i % SUMMARIZATION_EVENTS.length));
}

function generateDocument(rng: Rng, label: number): SummarizationDoc {
  const company = rng.pick(COMPANIES);
  const count = rng.int(6, SUMMARIZATION_SHAPE.sentences);
  const event = rng.int(0, count - 1);
  const others = rng.shuffle(OTHER_TEMPLATES).slice(0, count - 1);
  const sentences = others.map((t) => fill(rng, t, rng.next() < 0.5 ? company : rng.pick(COMPANIES)));
  sentences.splice(event, 0, eventSentence(rng, label, company));
  return { sentences, event, label };
}

/** The case's data: train and test documents drawn from the case seed, and the descriptor its record stores. */
export interface SummarizationData {
  train: SummarizationDoc[];
  test: SummarizationDoc[];
  dataset: DatasetInfo;
}

/**
 * The train and test documents of a summarization config (`trainSize`, `testSize`, each split seeded by
 * `childSeed(seed, "data/…")`).
 */
export function summarizationData(config: SplitSizes): SummarizationData {
  const { train, test } = drawSplits(config, (seed, size) => generateDocuments({ seed, size }));
  return { train, test, dataset: datasetInfo("summarization", { train, test }) };
}

/**
 * Ids `[S][W]` of a document in {@link SUMMARIZATION_VOCAB}, 0-padded to the fixed shape (0 = `<pad>`, so a
 * padding sentence is all 0s).
 * @example summarizationIds({ sentences: [["acme", "cut"]], event: 0, label: 1 })[1]; // [0, 0, 0, 0, 0, 0, 0, 0]
 */
export function summarizationIds(doc: SummarizationDoc): number[][] {
  const { sentences: s, words: w } = SUMMARIZATION_SHAPE;
  if (doc.sentences.length > s || doc.sentences.some((sentence) => sentence.length > w)) {
    throw new RangeError(`summarizationIds: a document has at most ${s} sentences of at most ${w} words`);
  }
  return Array.from({ length: s }, (_, k) =>
    Array.from({ length: w }, (_, j) => {
      const word = doc.sentences[k]?.[j];
      if (word === undefined) return 0;
      const id = VOCAB_IDS.get(word);
      if (id === undefined) throw new RangeError(`summarizationIds: "${word}" is not in the vocabulary`);
      return id;
    }),
  );
}

const VOCAB_IDS = new Map(SUMMARIZATION_VOCAB.map((word, id) => [word, id]));

/** One batch of `docs` at `indices`: ids `x [B, 8, 8]` and event types `y [B]` (both int32). */
export function summarizationBatch(
  docs: readonly SummarizationDoc[],
  indices: readonly number[],
): { x: tf.Tensor3D; y: tf.Tensor1D } {
  const picked = take(docs, indices);
  return {
    x: tf.tensor3d(picked.map(summarizationIds), undefined, "int32"),
    y: tf.tensor1d(
      picked.map((d) => d.label),
      "int32",
    ),
  };
}

/**
 * Generated "news" documents for extractive summarization (catalog §3.2, C2). A document has 6–8 sentences of
 * 4–8 words. Exactly one sentence states the event — company, action, figure, e.g. "acme cut 300 jobs on monday" —
 * and its action decides the event type (the weak label the model is trained on). The others are filler (weather,
 * markets, a conference) or distractors that reuse the event's company or a figure without an action. The
 * reference summary is the event sentence.
 */
import { mulberry32, type Rng } from "../../random/prng.js";

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

/** Training and held-out documents and the vocabulary (id 0 = `<pad>`). */
export interface SummarizationData {
  train: SummarizationDoc[];
  test: SummarizationDoc[];
  vocab: string[];
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

/** "acme cut 300 jobs on monday", "globex acquired startup for 40 million", … (4–7 words). */
function eventSentence(rng: Rng, label: number, company: string): string[] {
  const e = SUMMARIZATION_EVENTS[label]!;
  const [verb, object, figure] = [rng.pick(e.verbs), rng.pick(e.objects), rng.pick(FIGURES)];
  const core =
    rng.next() < 0.5
      ? [company, verb, figure, object]
      : [company, verb, object, "for", figure, rng.pick(UNITS)];
  return rng.next() < 0.5 && core.length <= 5 ? [...core, "on", rng.pick(DAYS)] : core;
}

/**
 * `trainSize` and `testSize` documents from one seeded stream; event types are balanced by cycling.
 * @example
 *   const d = summarizationData({ seed: 0, trainSize: 5, testSize: 2 });
 *   d.train[0].sentences.length >= 6; // true
 */
export function summarizationData(opts: {
  seed: number;
  trainSize: number;
  testSize: number;
}): SummarizationData {
  const rng = mulberry32(opts.seed * 104729 + 11);
  const doc = (i: number): SummarizationDoc => {
    const label = i % SUMMARIZATION_EVENTS.length;
    const company = rng.pick(COMPANIES);
    const count = rng.int(6, SUMMARIZATION_SHAPE.sentences);
    const event = rng.int(0, count - 1);
    const others = rng.shuffle(OTHER_TEMPLATES).slice(0, count - 1);
    const sentences = others.map((t) => fill(rng, t, rng.next() < 0.5 ? company : rng.pick(COMPANIES)));
    sentences.splice(event, 0, eventSentence(rng, label, company));
    return { sentences, event, label };
  };
  return {
    train: Array.from({ length: opts.trainSize }, (_, i) => doc(i)),
    test: Array.from({ length: opts.testSize }, (_, i) => doc(i)),
    vocab: [...SUMMARIZATION_VOCAB],
  };
}

/**
 * Ids `[S][W]` of a document (0-padded to the fixed shape) and its sentence lengths `[S]` (0 for padding sentences).
 * @example summarizationIds({ sentences: [["acme", "cut"]], event: 0, label: 1 }).lengths; // [2, 0, 0, 0, 0, 0, 0, 0]
 */
export function summarizationIds(doc: SummarizationDoc): { ids: number[][]; lengths: number[] } {
  const { sentences: s, words: w } = SUMMARIZATION_SHAPE;
  const ids = Array.from({ length: s }, (_, k) =>
    Array.from({ length: w }, (_, j) => {
      const word = doc.sentences[k]?.[j];
      if (word === undefined) return 0;
      const id = SUMMARIZATION_VOCAB.indexOf(word);
      if (id < 0) throw new RangeError(`summarizationIds: "${word}" is not in the vocabulary`);
      return id;
    }),
  );
  return { ids, lengths: Array.from({ length: s }, (_, k) => doc.sentences[k]?.length ?? 0) };
}

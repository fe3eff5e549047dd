/**
 * The exercises of notebooks/cases/05-summarization-hierarchical-attention.ipynb. Every right answer is computed
 * here from the library and the case's own data and models, never typed in: a measured quantity is recomputed
 * with `summarizationEvaluate` on the model and documents it was measured on, and a summary function is run on
 * the check's own documents (`generateDocuments`) and sentence weights. A hint says what is off without giving
 * the answer.
 */

import { isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { rouge1F } from "../../metrics/rouge.js";
import { HierarchicalAttention } from "../../models/hierarchicalAttention.js";
import { mulberry32 } from "../../random/prng.js";
import {
  generateDocuments,
  SUMMARIZATION_EVENTS,
  SUMMARIZATION_SHAPE,
  SUMMARIZATION_VOCAB,
  type SummarizationDoc,
} from "./data.js";
import { summarizationEvaluate } from "./experiment.js";

/** At most this many documents are re-evaluated by a check (the case's full test set has 400). */
const MAX_DOCS = 5000;
const TOLERANCE = 1e-6;

const isWords = (s: unknown) => Array.isArray(s) && s.every((w) => typeof w === "string");

/** Whether `d` looks like a generated document (sentences of words, the event sentence's index, the type). */
function isDoc(d: unknown): d is SummarizationDoc {
  if (!isRecord(d) || !Array.isArray(d.sentences) || !d.sentences.every(isWords)) return false;
  const { event, label } = d as { event: unknown; label: unknown };
  return (
    Number.isInteger(event) &&
    (event as number) >= 0 &&
    (event as number) < d.sentences.length &&
    Number.isInteger(label) &&
    (label as number) >= 0 &&
    (label as number) < SUMMARIZATION_EVENTS.length
  );
}

/** A run of the case's model with the setting `want`, and its documents, or a hint saying what is off. */
function asRun(
  answer: unknown,
  fields: readonly string[],
  want: {
    setting: string;
    ok: (m: HierarchicalAttention) => boolean;
    off: (m: HierarchicalAttention) => string;
  },
): { model: HierarchicalAttention; docs: SummarizationDoc[]; values: Record<string, number> } | string {
  const shape = `{ model, docs, ${fields.join(", ")} }`;
  if (!isRecord(answer)) return `the answer should be an object ${shape}`;
  const { model, docs } = answer;
  if (!(model instanceof HierarchicalAttention)) {
    return "`model` should be the trained HierarchicalAttention (artifacts.model of summarizationExperiment.run)";
  }
  if (
    model.config.vocabSize !== SUMMARIZATION_VOCAB.length ||
    model.config.classes !== SUMMARIZATION_EVENTS.length
  ) {
    return "`model` is not a summarization model: build it with summarizationModel (or the case's run) from the config";
  }
  if (!want.ok(model)) return `\`model\` should be trained with ${want.setting}; ${want.off(model)}`;
  if (!Array.isArray(docs) || docs.length === 0 || !docs.every(isDoc)) {
    return "`docs` should be the documents you measured on (a non-empty array like data.test)";
  }
  if (docs.length > MAX_DOCS) return `\`docs\` has ${docs.length} documents; measure on at most ${MAX_DOCS}`;
  const { sentences: s, words: w } = SUMMARIZATION_SHAPE;
  if (docs.some((d) => d.sentences.length > s || d.sentences.some((x) => x.length > w))) {
    return `\`docs\` holds a document longer than ${s} sentences of ${w} words: use generated documents`;
  }
  const values: Record<string, number> = {};
  for (const f of fields) {
    const v = answer[f];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 1) {
      return `\`${f}\` should be a share of the documents: a number from 0 to 1`;
    }
    values[f] = v;
  }
  return { model, docs: docs as SummarizationDoc[], values };
}

const near = (a: number, b: number) => Math.abs(a - b) < TOLERANCE;
const wrong = (hint: string): Verdict => ({ right: false, hint });
const share = (docs: readonly SummarizationDoc[], pick: (d: SummarizationDoc, i: number) => boolean) =>
  docs.filter(pick).length / docs.length;

function gruPicks(answer: unknown): Verdict {
  const run = asRun(answer, ["top1", "later"], {
    setting: 'encoder "gru"',
    ok: (m) => m.config.encoder === "gru",
    off: (m) => `this one reads the words with the "${m.config.encoder}" encoder`,
  });
  if (typeof run === "string") return wrong(run);
  const { model, docs, values } = run;
  const { metrics, summary } = summarizationEvaluate(model, docs);
  const after = share(docs, (d, i) => summary[i]! > d.event);
  const before = share(docs, (d, i) => summary[i]! < d.event);
  if (!near(values.top1!, metrics.top1)) {
    if (near(values.top1!, metrics.typeAccuracy)) {
      return wrong("`top1` is the event-type accuracy; top1 is about the picked sentence");
    }
    return wrong("`top1` is not what summarizationEvaluate gives for this model on these documents");
  }
  if (near(values.later!, after)) {
    return {
      right: true,
      note: `top1 ${metrics.top1.toFixed(3)}; the picked sentence comes after the event sentence in ${after.toFixed(3)} of the documents, before it in ${before.toFixed(3)}`,
    };
  }
  if (near(values.later!, before)) {
    return wrong("`later` counts the picks before the event sentence, not after it");
  }
  if (near(values.later!, 1 - metrics.top1)) {
    return wrong("`later` counts every miss; count only the picks whose index is larger than the event's");
  }
  return wrong(
    "`later` should be the share of documents whose picked sentence (argmax β) comes after the event sentence",
  );
}

function tinyWidth(answer: unknown): Verdict {
  const run = asRun(answer, ["typeAccuracy", "top1"], {
    setting: "dModel 2",
    ok: (m) => m.config.dModel === 2,
    off: (m) => `this one has dModel ${m.config.dModel}`,
  });
  if (typeof run === "string") return wrong(run);
  const { model, docs, values } = run;
  const { metrics } = summarizationEvaluate(model, docs);
  const [type, top1] = [values.typeAccuracy!, values.top1!];
  if (near(type, metrics.typeAccuracy) && near(top1, metrics.top1)) {
    return {
      right: true,
      note: `with dModel 2: event-type accuracy ${metrics.typeAccuracy.toFixed(3)}, top-1 summary sentence ${metrics.top1.toFixed(3)}`,
    };
  }
  if (near(type, metrics.top1) && near(top1, metrics.typeAccuracy) && !near(type, top1)) {
    return wrong("`typeAccuracy` and `top1` are swapped");
  }
  const off = [
    near(type, metrics.typeAccuracy) ? "" : "`typeAccuracy`",
    near(top1, metrics.top1) ? "" : "`top1`",
  ].filter((s) => s !== "");
  return wrong(
    `${off.join(" and ")} ${off.length > 1 ? "are" : "is"} not what summarizationEvaluate gives for this model on these documents`,
  );
}

/** The check's own documents and sentence weights: β > 0 on a document's sentences, 0 on padding, sum 1. */
function checkCases(): { doc: SummarizationDoc; beta: number[] }[] {
  const rng = mulberry32(5);
  return generateDocuments({ seed: 5, size: 30 }).map((doc) => {
    const raw = Array.from({ length: SUMMARIZATION_SHAPE.sentences }, (_, k) =>
      k < doc.sentences.length ? 0.05 + rng.next() : 0,
    );
    const total = raw.reduce((a, b) => a + b, 0);
    return { doc, beta: raw.map((b) => b / total) };
  });
}

/** The indices of the `n` largest weights among a document's sentences (the first on a tie), in document order. */
function topSentences(doc: SummarizationDoc, beta: readonly number[], n: number): number[] {
  return doc.sentences
    .map((_, k) => k)
    .sort((a, b) => beta[b]! - beta[a]! || a - b)
    .slice(0, n)
    .sort((a, b) => a - b);
}

const bag = (words: readonly string[]) => [...words].sort().join(" ");
const wordsOf = (doc: SummarizationDoc, picks: readonly number[]) => picks.flatMap((k) => doc.sentences[k]!);

function twoSentences(answer: unknown): Verdict {
  if (typeof answer !== "function") {
    return wrong("the answer is a function (doc, beta) => the words of the summary (an array of strings)");
  }
  const summarize = answer as (doc: SummarizationDoc, beta: number[]) => unknown;
  for (const { doc, beta } of checkCases()) {
    let got: unknown;
    try {
      got = summarize(structuredClone(doc), [...beta]);
    } catch (error) {
      return wrong(
        `twoSentenceSummary threw on a document of ${doc.sentences.length} sentences: ${(error as Error).message ?? String(error)}`,
      );
    }
    if (!isWords(got)) {
      return wrong("twoSentenceSummary should return the summary's words: an array of strings");
    }
    const words = got as string[];
    const right = wordsOf(doc, topSentences(doc, beta, 2));
    if (bag(words) === bag(right)) continue;
    const top = topSentences(doc, beta, 1);
    if (bag(words) === bag(wordsOf(doc, top)))
      return wrong("that is the one-sentence summary: take two sentences");
    if (bag(words) === bag(wordsOf(doc, [top[0]!, top[0]!])))
      return wrong("the summary repeats one sentence: take two different sentences");
    const low = doc.sentences
      .map((_, k) => k)
      .sort((a, b) => beta[a]! - beta[b]!)
      .slice(0, 2);
    if (bag(words) === bag(wordsOf(doc, low))) return wrong("these are the sentences with the smallest β");
    if (words.length === 0) return wrong("the summary is empty");
    return wrong(
      "on one of the check's documents the words are not those of the two sentences with the largest β",
    );
  }
  // What the exercise asks about: the event sentence among the two, and the ROUGE-1 F that is left (the
  // two-sentence summary, now that the learner's function is known to give it, of β that favour the event).
  const scores = checkCases().map(({ doc }) => {
    const beta = Array.from({ length: SUMMARIZATION_SHAPE.sentences }, (_, k) =>
      k === doc.event ? 0.5 : k < doc.sentences.length ? 0.5 / (k + 2) : 0,
    );
    return rouge1F(wordsOf(doc, topSentences(doc, beta, 2)), doc.sentences[doc.event]!);
  });
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  return {
    right: true,
    note: `with the event sentence among the two, the check's documents score a mean ROUGE-1 F of ${mean.toFixed(3)} (1 for the event sentence alone)`,
  };
}

export const SUMMARIZATION_EXERCISES = defineExercises("cases/05-summarization-hierarchical-attention", [
  {
    n: 1,
    answer: "gruRun",
    title: "top1 and the share of picks after the event sentence of the GRU encoder",
    check: gruPicks,
  },
  {
    n: 2,
    answer: "tinyRun",
    title: "event-type accuracy and top1 with dModel = 2",
    check: tinyWidth,
  },
  {
    n: 3,
    answer: "twoSentenceSummary",
    title: "a two-sentence extractive summary from the sentence weights β",
    check: twoSentences,
  },
]);

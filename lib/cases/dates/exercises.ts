/**
 * The exercises of notebooks/cases/02-dates-normalization.ipynb. Every right answer is computed here from the library and the case's
 * own data and models, never typed in; a hint says what is off without giving the answer.
 * A measured answer comes with what it was measured on (the model, the dates): the check measures it again.
 */
import * as tf from "@tensorflow/tfjs";
import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { Seq2seqRnn } from "../../models/seq2seqRnn.js";
import { Transformer } from "../../models/transformer.js";
import {
  DATE_DAYS,
  DATE_FORMATS,
  DATE_SOURCE_CHARS,
  DATE_TARGET,
  type DateExample,
  type DateFormat,
  datesArrays,
  formatDate,
} from "./data.js";
import { datesAttentionHits } from "./experiment.js";
import { datesCrossAttention, datesPredict } from "./model.js";

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9;
/** Most dates a check decodes (the full-mode held-out set has 800): keeps every check within a few seconds. */
const MAX_DATES = 1000;

/**
 * The held-out dates an answer was measured on, written again by `formatDate` from their ISO day and format
 * (so the check measures on real dates of the generator), or a hint.
 */
function asDates(test: unknown): DateExample[] | string {
  if (!Array.isArray(test) || test.length === 0 || test.length > MAX_DATES) {
    return `test should be the dates you measured on (such as data.test): an array of 1 to ${MAX_DATES} examples`;
  }
  const out: DateExample[] = [];
  for (const e of test) {
    const ok =
      isRecord(e) &&
      typeof e.text === "string" &&
      typeof e.iso === "string" &&
      DATE_FORMATS.includes(e.format as DateFormat) &&
      /^\d{4}-\d{2}-\d{2}$/.test(e.iso);
    if (!ok)
      return "every element of test should be a date example { text, iso, format, spans } of datesData";
    const [y, m, d] = (e.iso as string).split("-").map(Number) as [number, number, number];
    const day = Math.round((Date.UTC(y, m - 1, d) - Date.UTC(1950, 0, 1)) / 86_400_000);
    const written = day >= 0 && day < DATE_DAYS ? formatDate(day, e.format as DateFormat) : undefined;
    if (written === undefined || written.iso !== e.iso || written.text !== e.text) {
      return "some elements of test are not dates the generator writes (datesData, formatDate)";
    }
    out.push(written);
  }
  return out;
}

/** A hint when `model` does not read the dates' characters and write ISO characters. */
function notDates(model: Transformer | Seq2seqRnn, build: string): string | undefined {
  const { srcVocab, tgtVocab } = model.config;
  return srcVocab === DATE_SOURCE_CHARS.length + 1 && tgtVocab === DATE_TARGET.vocabSize
    ? undefined
    : `this model does not read date characters and write ISO characters (${srcVocab} → ${tgtVocab} tokens); build it with ${build}`;
}

/** `iso` with its month and day swapped. */
const swapped = (iso: string) => `${iso.slice(0, 4)}-${iso.slice(8, 10)}-${iso.slice(5, 7)}`;

/** Exercise 1: a model of width 16, its exact match per format and its day–month swaps. */
function dModel16(answer: unknown): Verdict {
  if (!isRecord(answer) || !(answer.model instanceof Transformer)) {
    return {
      right: false,
      hint: "the answer is { model, test, exact, swaps }, model the Transformer you trained",
    };
  }
  const test = asDates(answer.test);
  if (typeof test === "string") return { right: false, hint: test };
  const missing = DATE_FORMATS.filter((f) => !test.some((e) => e.format === f));
  if (missing.length > 0) {
    return {
      right: false,
      hint: `test has no date in ${missing.join(", ")}: measure on every format (data.test)`,
    };
  }
  const { exact, swaps } = answer;
  if (!isRecord(exact) || !DATE_FORMATS.every((f) => isFiniteNumber(exact[f]))) {
    return {
      right: false,
      hint: `exact should have one finite number per format: { ${DATE_FORMATS.join(", ")} }`,
    };
  }
  if (DATE_FORMATS.some((f) => (exact[f] as number) < 0 || (exact[f] as number) > 1)) {
    return { right: false, hint: "an exact match is a fraction between 0 and 1 (not a percentage)" };
  }
  if (!Number.isInteger(swaps) || (swaps as number) < 0) {
    return { right: false, hint: "swaps is a count of predictions: a whole number ≥ 0" };
  }
  const model = answer.model;
  const wrongVocab = notDates(model, "datesModel({ ...config, dModel: 16 })");
  if (wrongVocab) return { right: false, hint: wrongVocab };
  if (model.config.dModel !== 16) {
    return {
      right: false,
      hint: `this model is ${model.config.dModel} wide; build it with datesModel({ ...config, dModel: 16 })`,
    };
  }
  const predictions = datesPredict(
    model,
    test.map((e) => e.text),
  );
  for (const f of DATE_FORMATS) {
    const ix = test.flatMap((e, i) => (e.format === f ? [i] : []));
    const rate = ix.filter((i) => predictions[i] === test[i]!.iso).length / ix.length;
    const value = exact[f] as number;
    if (close(value, rate)) continue;
    if (close(value, 1 - rate)) {
      return { right: false, hint: `exact.${f} is the fraction wrong, not the fraction right` };
    }
    return {
      right: false,
      hint: `exact.${f} is not the fraction of this model's ${f} dates written exactly right (datesPredict or datesEvaluate)`,
    };
  }
  const wrong = test.flatMap((e, i) => (predictions[i] !== e.iso ? [i] : []));
  const right = wrong.filter((i) => predictions[i] === swapped(test[i]!.iso)).length;
  if (swaps !== right) {
    return {
      right: false,
      hint:
        swaps === wrong.length
          ? "swaps counts every wrong prediction, not only the day–month swaps"
          : "swaps is not the number of predictions that are the right date with its day and month exchanged",
    };
  }
  const least = Math.min(...DATE_FORMATS.map((f) => exact[f] as number));
  const weakest = DATE_FORMATS.filter((f) => exact[f] === least);
  return {
    right: true,
    note: `weakest: ${weakest.join(", ")}; ${right} of ${wrong.length} wrong predictions are day–month swaps`,
  };
}

/** Exercise 2: a one-head model's month hit. */
function oneHead(answer: unknown): Verdict {
  if (!isRecord(answer) || !(answer.model instanceof Transformer)) {
    return {
      right: false,
      hint: "the answer is { model, test, monthHit }, model the Transformer you trained",
    };
  }
  const test = asDates(answer.test);
  if (typeof test === "string") return { right: false, hint: test };
  const { monthHit } = answer;
  if (!isFiniteNumber(monthHit) || monthHit < 0 || monthHit > 1) {
    return { right: false, hint: "monthHit is a fraction of month digits: a number between 0 and 1" };
  }
  const model = answer.model;
  const wrongVocab = notDates(model, "datesModel({ ...config, numHeads: 1 })");
  if (wrongVocab) return { right: false, hint: wrongVocab };
  if (model.config.numHeads !== 1) {
    return {
      right: false,
      hint: `this model has ${model.config.numHeads} heads; build it with datesModel({ ...config, numHeads: 1 })`,
    };
  }
  const hits = datesAttentionHits(datesCrossAttention(model, test), test);
  if (close(monthHit, hits.month)) return { right: true };
  if (close(monthHit, hits.day) || close(monthHit, hits.year)) {
    return { right: false, hint: "that is the hit rate of another part of the date, not the month" };
  }
  return {
    right: false,
    hint: "monthHit is not this model's month hit on these dates (datesAttentionHits of datesCrossAttention)",
  };
}

/** A seq2seq RNN's attention per example under teacher forcing, cut to the real characters: `[11][length]`. */
function rnnCrossAttention(rnn: Seq2seqRnn, examples: readonly DateExample[]): number[][][] {
  const a = datesArrays(examples);
  const weights = tf.tidy(() => {
    const { attention } = rnn.applyWithAttention(
      [tf.tensor2d(a.src, undefined, "int32"), tf.tensor2d(a.tgtIn, undefined, "int32")],
      { srcValidLens: tf.tensor1d(a.srcLens, "int32") },
    );
    return attention.decoderCross[0]!; // [B, T, S]
  });
  const rows = weights.arraySync() as number[][][];
  weights.dispose();
  return rows.map((r, b) => r.map((row) => row.slice(0, a.srcLens[b])));
}

/** Exercise 3: a GRU encoder–decoder with additive attention, its exact match and month hit. */
function rnnDates(answer: unknown): Verdict {
  if (!isRecord(answer) || !(answer.rnn instanceof Seq2seqRnn)) {
    return {
      right: false,
      hint: "the answer is { rnn, test, exact, monthHit }, rnn the Seq2seqRnn you trained (not a Transformer)",
    };
  }
  const test = asDates(answer.test);
  if (typeof test === "string") return { right: false, hint: test };
  const { exact, monthHit } = answer;
  if (![exact, monthHit].every((v) => isFiniteNumber(v) && v >= 0 && v <= 1)) {
    return { right: false, hint: "exact and monthHit are fractions: numbers between 0 and 1" };
  }
  const rnn = answer.rnn;
  const wrongVocab = notDates(rnn, "new Seq2seqRnn({ srcVocab: DATE_SOURCE_CHARS.length + 1, … })");
  if (wrongVocab) return { right: false, hint: wrongVocab };
  if (rnn.config.attention !== "additive") {
    return {
      right: false,
      hint: `this RNN scores with "${rnn.config.attention}" attention; the exercise asks for additive`,
    };
  }
  const predictions = datesPredict(
    rnn,
    test.map((e) => e.text),
  );
  const rate = test.filter((e, i) => predictions[i] === e.iso).length / test.length;
  if (!close(exact as number, rate)) {
    return {
      right: false,
      hint: close(exact as number, 1 - rate)
        ? "exact is the fraction wrong, not the fraction right"
        : "exact is not the fraction of these dates this RNN writes exactly right (greedy decoding)",
    };
  }
  const hits = datesAttentionHits(rnnCrossAttention(rnn, test), test);
  if (close(monthHit as number, hits.month)) {
    return { right: true, note: `this RNN: exact ${rate.toFixed(3)}, month hit ${hits.month.toFixed(3)}` };
  }
  if (close(monthHit as number, hits.day) || close(monthHit as number, hits.year)) {
    return { right: false, hint: "monthHit is the hit rate of another part of the date, not the month" };
  }
  return {
    right: false,
    hint: "monthHit is not this RNN's month hit on these dates (its attention under teacher forcing, datesAttentionHits)",
  };
}

export const DATES_EXERCISES = defineExercises("cases/02-dates-normalization", [
  {
    n: 1,
    answer: "dModel16",
    title: "a model of width 16: held-out exact match per format and its day–month swaps",
    check: dModel16,
  },
  {
    n: 2,
    answer: "oneHead",
    title: "the month hit of a one-head model",
    check: oneHead,
  },
  {
    n: 3,
    answer: "rnn",
    title: "a GRU encoder–decoder with additive attention: exact match and month hit",
    check: rnnDates,
  },
]);

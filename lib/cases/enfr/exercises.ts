/**
 * The exercises of notebooks/cases/01-enfr-translation.ipynb. Every right answer is computed here from the library and the case's
 * own data and models, never typed in; a hint says what is off without giving the answer.
 * A measured answer comes with what it was measured on (the model, the pairs): the check measures it again.
 */

import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { Seq2seqRnn } from "../../models/seq2seqRnn.js";
import { Transformer } from "../../models/transformer.js";
import { ENFR_SEED_PAIR, type EnfrPair, enfrCorpus, enfrVocabs } from "./data.js";
import { enfrSeedChecks } from "./experiment.js";
import { enfrAttention, enfrTranslate } from "./model.js";

const isTokens = (v: unknown): v is string[] => Array.isArray(v) && v.every((t) => typeof t === "string");
const key = (p: EnfrPair) => p.en.join(" ");
const close = (a: number, b: number, tol = 1e-6) => Math.abs(a - b) <= tol;

/** A hint when `model` is not a model over the case's vocabularies (29 English, 40 French tokens). */
function notEnfr(model: Transformer | Seq2seqRnn, build: string): string | undefined {
  const v = enfrVocabs();
  const { srcVocab, tgtVocab } = model.config;
  return srcVocab === v.en.tokens.length && tgtVocab === v.fr.tokens.length
    ? undefined
    : `this model does not read the case's vocabularies (${srcVocab} → ${tgtVocab} tokens); build it with ${build}`;
}

const hasBoth = (p: EnfrPair) => p.en.includes("I") && p.en.includes("programming");

/** Exercise 1: the filter (checked on the whole grammar) and what the retrained model writes for the seed. */
function withoutIProgramming(answer: unknown): Verdict {
  if (!isRecord(answer) || typeof answer.keep !== "function" || !(answer.model instanceof Transformer)) {
    return {
      right: false,
      hint: "the answer is { keep, model, translation }: your filter function, the Transformer you trained, and its translation",
    };
  }
  if (!isTokens(answer.translation)) {
    return {
      right: false,
      hint: "translation should be French tokens (an array of strings), as enfrTranslate gives",
    };
  }
  // the filter, on the grammar's own 3,600 pairs (copies: the filter may not change what it is given)
  const corpus = enfrCorpus();
  const given = corpus.map((p) => ({ en: [...p.en], fr: [...p.fr] }));
  const kept: unknown = (answer.keep as (pairs: EnfrPair[]) => unknown)(given);
  if (!Array.isArray(kept) || !kept.every((p) => isRecord(p) && isTokens(p.en) && isTokens(p.fr))) {
    return {
      right: false,
      hint: "keep(pairs) should return an array of pairs (a filtered copy of its argument)",
    };
  }
  const byKey = new Map(corpus.map((p) => [key(p), p]));
  const keptPairs = kept as EnfrPair[];
  if (keptPairs.some((p) => byKey.get(key(p))?.fr.join(" ") !== p.fr.join(" "))) {
    return { right: false, hint: "keep returns pairs that were not among those it was given" };
  }
  const keptKeys = new Set(keptPairs.map(key));
  if (keptKeys.size !== keptPairs.length) {
    return { right: false, hint: "keep returns some pairs more than once" };
  }
  if (keptPairs.some(hasBoth)) {
    return {
      right: false,
      hint: 'keep still lets through pairs whose English has both "I" and "programming"',
    };
  }
  const dropped = corpus.filter((p) => !keptKeys.has(key(p)) && !hasBoth(p));
  if (dropped.some((p) => p.en.includes("I") || p.en.includes("programming"))) {
    return {
      right: false,
      hint: 'keep also drops pairs that contain only one of the two words (such as "I love art" or "you love programming")',
    };
  }
  if (dropped.length > 0) return { right: false, hint: "keep drops pairs that contain neither word" };
  const model = answer.model;
  const wrongVocab = notEnfr(model, "enfrModel(config)");
  if (wrongVocab) return { right: false, hint: wrongVocab };
  const writes = enfrTranslate(model, [ENFR_SEED_PAIR.en])[0]!;
  if (answer.translation.join(" ") !== writes.join(" ")) {
    const reference = answer.translation.join(" ") === ENFR_SEED_PAIR.fr.join(" ");
    return {
      right: false,
      hint: reference
        ? "that is the reference translation, not what your model writes: translate with enfrTranslate(model, …)"
        : 'translation is not what this model writes for "I love programming" (enfrTranslate, greedy)',
    };
  }
  const correct = writes.join(" ") === ENFR_SEED_PAIR.fr.join(" ");
  return {
    right: true,
    note: `the filter drops the ${corpus.filter(hasBoth).length} pairs of the grammar with both words; your model writes "${writes.join(" ")}"${correct ? ", the correct French" : ", not the correct French"}`,
  };
}

/** Exercise 2: a one-head model and two of its seed-sentence cross-attention weights. */
function oneHead(answer: unknown): Verdict {
  if (!isRecord(answer) || !(answer.model instanceof Transformer)) {
    return {
      right: false,
      hint: "the answer is { model, jToI, laToProgramming }, model a Transformer you trained",
    };
  }
  const { jToI, laToProgramming } = answer;
  if (!isFiniteNumber(jToI) || !isFiniteNumber(laToProgramming)) {
    return { right: false, hint: "jToI and laToProgramming should be finite numbers (attention weights)" };
  }
  if ([jToI, laToProgramming].some((w) => w < 0 || w > 1)) {
    return { right: false, hint: "an attention weight is a softmax output: it lies between 0 and 1" };
  }
  const model = answer.model;
  const wrongVocab = notEnfr(model, "enfrModel({ ...config, numHeads: 1 })");
  if (wrongVocab) return { right: false, hint: wrongVocab };
  if (model.config.numHeads !== 1) {
    return {
      right: false,
      hint: `this model has ${model.config.numHeads} heads; build it with enfrModel({ ...config, numHeads: 1 })`,
    };
  }
  const m = enfrSeedChecks(enfrAttention(model, ENFR_SEED_PAIR));
  const [j, la] = [m["attn.jToI.weight"]!, m["attn.laToProgramming.weight"]!];
  if (close(jToI, j) && close(laToProgramming, la)) {
    const yes = (v: number | undefined) => (v === 1 ? "yes" : "no");
    return {
      right: true,
      note: `argmax targets with one head: j' → I ${yes(m["attn.jToI"])}, la → programming ${yes(m["attn.laToProgramming"])}`,
    };
  }
  if (close(jToI, la) && close(laToProgramming, j))
    return { right: false, hint: "the two weights are swapped" };
  if (!close(jToI, j)) {
    return {
      right: false,
      hint: `jToI is not the weight the step writing j' gives "I" in this model's cross-attention (enfrAttention or enfrSeedChecks)`,
    };
  }
  return {
    right: false,
    hint: `laToProgramming is not the weight the step writing la gives "programming" in this model's cross-attention`,
  };
}

/** The three constructions of exercise 3, as the exercise defines them. */
const CONSTRUCTIONS = {
  negation: (p: EnfrPair) => p.en.includes("not"),
  elision: (p: EnfrPair) => p.fr.some((t) => t.endsWith("'")),
  twoObjects: (p: EnfrPair) => p.en.includes("and"),
} as const;
type Construction = keyof typeof CONSTRUCTIONS;
const CONSTRUCTION_NAMES = Object.keys(CONSTRUCTIONS) as Construction[];

/** Exercise 3: the error rate of a GRU with hidden width 8 per construction, on the pairs given. */
function smallGru(answer: unknown): Verdict {
  if (!isRecord(answer) || !(answer.gru instanceof Seq2seqRnn)) {
    return { right: false, hint: "the answer is { gru, pairs, wrong }, gru the Seq2seqRnn you trained" };
  }
  const { pairs, wrong } = answer;
  if (!Array.isArray(pairs) || !pairs.every((p) => isRecord(p) && isTokens(p.en) && isTokens(p.fr))) {
    return { right: false, hint: "pairs should be the sentence pairs you translated (such as data.test)" };
  }
  if (pairs.length === 0 || pairs.length > 3600) {
    return { right: false, hint: "pairs should hold between 1 and 3,600 pairs of the grammar" };
  }
  if (!isRecord(wrong) || !CONSTRUCTION_NAMES.every((c) => isFiniteNumber(wrong[c]))) {
    return {
      right: false,
      hint: `wrong should be { ${CONSTRUCTION_NAMES.join(", ")} }, three finite numbers`,
    };
  }
  if (CONSTRUCTION_NAMES.some((c) => (wrong[c] as number) < 0 || (wrong[c] as number) > 1)) {
    return { right: false, hint: "an error rate is a fraction between 0 and 1 (not a percentage)" };
  }
  const byKey = new Map(enfrCorpus().map((p) => [key(p), p.fr.join(" ")]));
  const given = pairs as EnfrPair[];
  if (given.some((p) => byKey.get(key(p)) !== p.fr.join(" "))) {
    return { right: false, hint: "some pairs are not pairs of the grammar (enfrCorpus, enfrData)" };
  }
  const missing = CONSTRUCTION_NAMES.filter((c) => !given.some(CONSTRUCTIONS[c]));
  if (missing.length > 0) {
    return {
      right: false,
      hint: `no pair has ${missing.join(", ")}: use a larger set of pairs, such as data.test`,
    };
  }
  const gru = answer.gru;
  const wrongVocab = notEnfr(gru, "enfrGruModel({ ...config, gruHiddenSize: 8 })");
  if (wrongVocab) return { right: false, hint: wrongVocab };
  if (gru.config.hiddenSize !== 8) {
    return {
      right: false,
      hint: `this GRU is ${gru.config.hiddenSize} wide; build it with enfrGruModel({ ...config, gruHiddenSize: 8 })`,
    };
  }
  const predictions = enfrTranslate(
    gru,
    given.map((p) => p.en),
  );
  const miss = given.map((p, i) => predictions[i]!.join(" ") !== p.fr.join(" "));
  for (const c of CONSTRUCTION_NAMES) {
    const ix = given.flatMap((p, i) => (CONSTRUCTIONS[c](p) ? [i] : []));
    const misses = ix.filter((i) => miss[i]).length;
    const rate = misses / ix.length;
    const value = wrong[c] as number;
    if (close(value, rate, 1e-9)) continue;
    if (close(value, 1 - rate, 1e-9)) {
      return { right: false, hint: `wrong.${c} is the fraction translated right, not wrong` };
    }
    if (close(value, misses / given.length, 1e-9)) {
      return {
        right: false,
        hint: `wrong.${c} divides by all the pairs; divide by the pairs that have the construction`,
      };
    }
    return {
      right: false,
      hint: `wrong.${c} is not the fraction of the pairs with ${c} that this GRU translates wrongly (enfrTranslate, whole sentences)`,
    };
  }
  const most = Math.max(...CONSTRUCTION_NAMES.map((c) => wrong[c] as number));
  const hardest = CONSTRUCTION_NAMES.filter((c) => wrong[c] === most);
  return { right: true, note: `the hardest for this GRU: ${hardest.join(", ")}` };
}

export const ENFR_EXERCISES = defineExercises("cases/01-enfr-translation", [
  {
    n: 1,
    answer: "withoutIProgramming",
    title: 'drop the pairs with both "I" and "programming", retrain, and translate "I love programming"',
    check: withoutIProgramming,
  },
  {
    n: 2,
    answer: "oneHead",
    title: "a one-head Transformer's cross-attention weights j' → I and la → programming",
    check: oneHead,
  },
  {
    n: 3,
    answer: "smallGru",
    title: "error rates of a GRU of width 8 on negation, elision and two objects",
    check: smallGru,
  },
]);

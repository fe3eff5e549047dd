/**
 * The exercises of notebooks/cases/15-customer-service-intents.ipynb. Every right answer is computed here from the
 * case's own code (`customerServiceData`, `customerServiceProbabilities`, `customerServiceRetrieve`,
 * `customerServiceTokens`, `customerServiceVocab`), never typed in; a hint says what is off without giving the
 * answer. An answer measured on the trained model carries what it was measured on (the config and the model), and
 * the check measures it again without training, so no check depends on how well training went. 1: out-of-domain
 * recall and false-fallback rate at a fixed threshold τ = 0.9; 2: the MRR of the FAQ retrieval per language;
 * 3: the tokens of a Chinese and an English query, and how many of them the vocabulary lacks.
 */

import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { PoolingClassifier } from "../../models/poolingClassifier.js";
import {
  CUSTOMER_SERVICE_LANGUAGES,
  CUSTOMER_SERVICE_MAX_LENGTH,
  CUSTOMER_SERVICE_OOD,
  type CustomerServiceDataConfig,
  type CustomerServiceExample,
  customerServiceData,
  customerServiceTokens,
  customerServiceVocab,
} from "./data.js";
import { customerServiceProbabilities, customerServiceRetrieve } from "./experiment.js";
import { CUSTOMER_SERVICE_INTENTS, type CustomerServiceLanguage } from "./templates.js";

const isCount = (x: unknown, min: number): x is number => Number.isInteger(x) && (x as number) >= min;
const close = (x: number, y: number) => Math.abs(x - y) <= 1e-6;
const isFraction = (x: unknown): x is number => isFiniteNumber(x) && x >= 0 && x <= 1;

/** The data settings of a customer-service config, or a hint. */
function dataSettings(config: unknown): CustomerServiceDataConfig | string {
  if (
    !isRecord(config) ||
    !isCount(config.seed, 0) ||
    !isCount(config.trainSize, 1) ||
    !isCount(config.validationSize, 1) ||
    !isCount(config.testSize, 1) ||
    !isFiniteNumber(config.oodRate) ||
    config.oodRate <= 0 ||
    config.oodRate >= 1 ||
    !isFiniteNumber(config.unkRate) ||
    config.unkRate < 0 ||
    config.unkRate >= 1
  ) {
    return "config should be the notebook's config (the one `data` was drawn from)";
  }
  return {
    seed: config.seed,
    trainSize: config.trainSize,
    validationSize: config.validationSize,
    testSize: config.testSize,
    oodRate: config.oodRate,
    unkRate: config.unkRate,
  };
}

/** Why `model` is not an intent classifier over the case's queries (built by `customerServiceModel`), or null. */
function modelProblem(model: unknown): string | null {
  if (!(model instanceof PoolingClassifier)) {
    return "model should be the trained model (a PoolingClassifier, as customerServiceModel builds)";
  }
  const c = model.config;
  if (
    c.vocabSize !== customerServiceVocab().length ||
    c.maxLength !== CUSTOMER_SERVICE_MAX_LENGTH ||
    c.outputs !== CUSTOMER_SERVICE_INTENTS.length
  ) {
    return "model is not an intent classifier over the case's vocabulary: pass the notebook's trained model";
  }
  return null;
}

/** The config's data settings and the model of an answer `{ config, model, … }`, or a hint. */
function measuredOn(answer: Record<string, unknown>) {
  const problem = modelProblem(answer.model);
  if (problem !== null) return problem;
  const settings = dataSettings(answer.config);
  if (typeof settings === "string") return settings;
  return { settings, model: answer.model as PoolingClassifier };
}

/** Out-of-domain recall and false-fallback rate of `queries` at `tau` under `model` (falls back below τ). */
function fallbackRates(model: PoolingClassifier, queries: readonly CustomerServiceExample[], tau: number) {
  const top = customerServiceProbabilities(model, queries).map((row) => Math.max(...row));
  const ood = queries.flatMap((q, i) => (q.label === CUSTOMER_SERVICE_OOD ? [top[i]!] : []));
  const inDomain = queries.flatMap((q, i) => (q.label === CUSTOMER_SERVICE_OOD ? [] : [top[i]!]));
  const below = (ps: number[]) => ps.filter((p) => p < tau).length;
  return {
    oodRecall: ood.length === 0 ? Number.NaN : below(ood) / ood.length,
    falseFallbackRate: inDomain.length === 0 ? Number.NaN : below(inDomain) / inDomain.length,
    /** The same counts over all the queries (a typical slip). */
    oodOfAll: below(ood) / queries.length,
    falseOfAll: below(inDomain) / queries.length,
    /** The shares at or above τ (the rule turned round). */
    oodAbove: ood.length === 0 ? Number.NaN : 1 - below(ood) / ood.length,
  };
}

/* ---------------------------------------------------------------- 1: a fixed threshold */

/** The threshold exercise 1 asks for. */
const FIXED_TAU = 0.9;

function fixedFallback(answer: unknown): Verdict {
  const shape =
    "{ config, model, tau, oodRecall, falseFallbackRate }: the config, the trained model, τ = 0.9, and the two rates on the test queries";
  if (!isRecord(answer)) return { right: false, hint: `the answer should be ${shape}` };
  const on = measuredOn(answer);
  if (typeof on === "string") return { right: false, hint: on };
  const { tau, oodRecall, falseFallbackRate } = answer;
  if (!isFiniteNumber(tau) || tau !== FIXED_TAU) {
    return { right: false, hint: `tau should be ${FIXED_TAU}, the threshold the exercise asks for` };
  }
  if (!isFraction(oodRecall) || !isFraction(falseFallbackRate)) {
    return {
      right: false,
      hint: "oodRecall and falseFallbackRate should be fractions (numbers from 0 to 1)",
    };
  }
  const data = customerServiceData(on.settings);
  const test = fallbackRates(on.model, data.test, tau);
  if (Number.isNaN(test.oodRecall) || Number.isNaN(test.falseFallbackRate)) {
    return { right: false, hint: "your config's test split needs in-domain and out-of-domain queries" };
  }
  if (close(oodRecall, test.oodRecall) && close(falseFallbackRate, test.falseFallbackRate)) {
    return {
      right: true,
      note: `at τ = ${tau}: out-of-domain recall ${test.oodRecall.toFixed(3)}, false-fallback rate ${test.falseFallbackRate.toFixed(3)}`,
    };
  }
  if (close(oodRecall, test.falseFallbackRate) && close(falseFallbackRate, test.oodRecall)) {
    return { right: false, hint: "oodRecall and falseFallbackRate are swapped" };
  }
  const validation = fallbackRates(on.model, data.validation, tau);
  if (close(oodRecall, validation.oodRecall) && close(falseFallbackRate, validation.falseFallbackRate)) {
    return { right: false, hint: "those are the rates on the validation queries: measure on the test split" };
  }
  if (close(oodRecall, test.oodOfAll) || close(falseFallbackRate, test.falseOfAll)) {
    return {
      right: false,
      hint: "a rate is a share of its own kind of query: divide by the number of out-of-domain (in-domain) test queries, not by all of them",
    };
  }
  if (close(oodRecall, test.oodAbove) && !close(test.oodAbove, test.oodRecall)) {
    return { right: false, hint: "a query falls back when its largest probability is below τ" };
  }
  const which = close(oodRecall, test.oodRecall) ? "falseFallbackRate" : "oodRecall";
  return {
    right: false,
    hint: `${which} is not the share of its test queries (of your config) whose largest probability under the model is below τ`,
  };
}

/* ---------------------------------------------------------------- 2: MRR per language */

function retrievalByLanguage(answer: unknown): Verdict {
  const shape =
    "{ config, model, zh, en }: the config, the trained model, and the MRR of the in-domain test queries of each language";
  if (!isRecord(answer)) return { right: false, hint: `the answer should be ${shape}` };
  const on = measuredOn(answer);
  if (typeof on === "string") return { right: false, hint: on };
  const { zh, en } = answer;
  if (!isFraction(zh) || !isFraction(en)) {
    return { right: false, hint: "zh and en should be MRRs (numbers from 0 to 1)" };
  }
  const queries = customerServiceData(on.settings).test.filter((q) => q.label !== CUSTOMER_SERVICE_OOD);
  const mine = { zh, en } as Record<CustomerServiceLanguage, number>;
  const measured = {} as Record<CustomerServiceLanguage, { mrr: number; meanRank: number }>;
  for (const language of CUSTOMER_SERVICE_LANGUAGES) {
    const own = queries.filter((q) => q.language === language);
    if (own.length === 0) {
      return { right: false, hint: `your config's test split has no in-domain ${language} query` };
    }
    const r = customerServiceRetrieve(on.model, own);
    measured[language] = { mrr: r.mrr, meanRank: r.ranks.reduce((s, x) => s + x, 0) / r.ranks.length };
  }
  if (CUSTOMER_SERVICE_LANGUAGES.every((l) => close(mine[l], measured[l].mrr))) {
    return {
      right: true,
      note: `MRR ${CUSTOMER_SERVICE_LANGUAGES.map((l) => `${l} ${measured[l].mrr.toFixed(3)}`).join(", ")}`,
    };
  }
  if (close(zh, measured.en.mrr) && close(en, measured.zh.mrr)) {
    return { right: false, hint: "zh and en are swapped" };
  }
  const overall = customerServiceRetrieve(on.model, queries).mrr;
  for (const l of CUSTOMER_SERVICE_LANGUAGES) {
    if (close(mine[l], measured[l].mrr)) continue;
    if (close(mine[l], overall)) {
      return { right: false, hint: `${l} is the MRR over both languages: keep the ${l} queries only` };
    }
    if (close(mine[l], 1 / measured[l].meanRank)) {
      return {
        right: false,
        hint: `${l}: that is 1 / (mean rank); MRR is the mean of 1 / rank, query by query`,
      };
    }
    return {
      right: false,
      hint: `${l} is not the mean reciprocal rank of the right FAQ question over the in-domain ${l} test queries of your config`,
    };
  }
  return { right: false, hint: "the answer does not match the model's retrieval" };
}

/* ---------------------------------------------------------------- 3: tokens and unknowns */

/** The queries exercise 3 asks about. */
const TOKEN_QUERIES: Record<CustomerServiceLanguage, string> = {
  zh: "快递被邻居签收了怎么办",
  en: "The courier left my package with a neighbour",
};

function tokenCounts(answer: unknown): Verdict {
  const shape = "{ zh: { tokens, unknown }, en: { tokens, unknown } }: two counts per query";
  if (!isRecord(answer)) return { right: false, hint: `the answer should be ${shape}` };
  const vocab = new Set(customerServiceVocab());
  const notes: string[] = [];
  for (const language of CUSTOMER_SERVICE_LANGUAGES) {
    const entry = answer[language];
    if (!isRecord(entry) || !isCount(entry.tokens, 0) || !isCount(entry.unknown, 0)) {
      return { right: false, hint: `${language} should be { tokens, unknown }, two whole numbers` };
    }
    const text = TOKEN_QUERIES[language];
    const tokens = customerServiceTokens(text);
    const unknown = tokens.filter((t) => !vocab.has(t)).length;
    if (entry.tokens !== tokens.length) {
      if (entry.tokens === text.length) {
        return {
          right: false,
          hint: `${language}: that counts the characters of the text, spaces and punctuation included; count the tokens customerServiceTokens gives`,
        };
      }
      if (entry.tokens === text.split(/\s+/).length) {
        return {
          right: false,
          hint: `${language}: that splits the text at spaces; the case tokenises its own way (customerServiceTokens)`,
        };
      }
      return {
        right: false,
        hint: `${language}: tokens is not the number of tokens customerServiceTokens gives`,
      };
    }
    if (entry.unknown !== unknown) {
      const unstemmed = (text.toLowerCase().match(/[\u4e00-\u9fff]|[0-9]|[a-z]+/g) ?? []).filter(
        (t) => !vocab.has(t),
      ).length;
      if (entry.unknown === unstemmed && unstemmed !== unknown) {
        return {
          right: false,
          hint: `${language}: compare the tokens as customerServiceTokens gives them (lower-cased and stemmed) with the vocabulary`,
        };
      }
      if (entry.unknown === tokens.length - unknown) {
        return {
          right: false,
          hint: `${language}: unknown counts the tokens the vocabulary does not hold (those that read as <unk>)`,
        };
      }
      return {
        right: false,
        hint: `${language}: unknown is not the number of its tokens outside customerServiceVocab()`,
      };
    }
    notes.push(`${language} ${unknown} of ${tokens.length} unknown`);
  }
  return { right: true, note: `${notes.join(", ")}: an unknown token reads as <unk>` };
}

export const CUSTOMER_SERVICE_EXERCISES = defineExercises("cases/15-customer-service-intents", [
  {
    n: 1,
    answer: "tau90",
    title: "out-of-domain recall and false-fallback rate on the test queries at the fixed threshold τ = 0.9",
    check: fixedFallback,
  },
  {
    n: 2,
    answer: "retrievalByLanguage",
    title: "the MRR of the FAQ retrieval over the in-domain test queries of each language",
    check: retrievalByLanguage,
  },
  {
    n: 3,
    answer: "tokenCounts",
    title: "the tokens of a Chinese and an English query and how many of them the vocabulary lacks",
    check: tokenCounts,
  },
]);

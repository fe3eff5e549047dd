/**
 * Customer-service queries in Chinese and English (`datasets/customer-service/README.md`): nine FAQ intents with
 * twenty paraphrase templates per language each (`templates.ts`), slots filled with products, order numbers and
 * dates, and out-of-domain queries (chit-chat, unrelated questions) for the fallback. The templates are split
 * once, by a fixed seeded shuffle independent of the experiment seed: per intent and language 12 train, 4
 * validation and 4 held-out test templates (20 % held out), and 10–14 more templates for training only
 * (`trainingOnly`, written without sight of the held-out ones); the out-of-domain templates 10 validation and 10
 * test per language (none is trained on), and 17–18 more per language for validation only. So the test split holds only templates the model never saw, and the
 * validation split — where the fallback threshold is chosen — holds other unseen ones.
 * Tokens: a Chinese query per character, an English one per lower-cased word (stemmed crudely:
 * `customerServiceStem`), digits one by one in both (an
 * order number is its digits); punctuation is dropped. The vocabulary is what the training templates, the slot
 * values and the FAQ questions contain; any other token reads as `<unk>`.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, opt } from "../../check/options.js";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { drawSplits, type ValidatedSplitSizes } from "../../random/drawSplits.js";
import { mulberry32, type Rng } from "../../random/prng.js";
import { take } from "../../train/batches.js";
import {
  CUSTOMER_SERVICE_INTENTS,
  CUSTOMER_SERVICE_OUT_OF_DOMAIN,
  CUSTOMER_SERVICE_OUT_OF_DOMAIN_VALIDATION_ONLY,
  CUSTOMER_SERVICE_SLOTS,
  type CustomerServiceLanguage,
} from "./templates.js";

/** The languages, in the order the generator draws them. */
export const CUSTOMER_SERVICE_LANGUAGES: readonly CustomerServiceLanguage[] = ["zh", "en"];

/** Seed of the fixed template split (independent of the experiment seed, so the split never changes). */
export const CUSTOMER_SERVICE_TEMPLATE_SEED = 1;

/** Longest query, in tokens (rows of the position table). */
export const CUSTOMER_SERVICE_MAX_LENGTH = 32;

/** Label of an out-of-domain query. */
export const CUSTOMER_SERVICE_OOD = -1;

/** The splits of the case's data. */
export type CustomerServiceSplit = "train" | "validation" | "test";

/** One template of the split: where it comes from and its text with `{slots}`. */
export interface CustomerServiceTemplate {
  /**
   * `"<intent>/<language>/<k>"`, or `"outOfDomain/<language>/<k>"`; k indexes `templates.ts` (an intent's
   * `templates`, then on from their count its `trainingOnly`).
   */
  id: string;
  /** The intent's label, or −1 (out of domain). */
  label: number;
  language: CustomerServiceLanguage;
  text: string;
}

/** One query: its text, its tokens, its language, its label and the template it was filled from. */
export interface CustomerServiceExample {
  text: string;
  /** The tokens the model reads (training queries may have some replaced by `<unk>`: `unkRate`). */
  tokens: string[];
  language: CustomerServiceLanguage;
  /** The intent's label (index into `CUSTOMER_SERVICE_INTENTS`), or −1 (out of domain). */
  label: number;
  template: string;
}

/** Suffixes {@link customerServiceStem} strips, the first that fits. */
const SUFFIXES = ["ies", "ing", "ed", "es", "s", "e", "y"];

/**
 * A crude English suffix stemmer, so that inflections of one word share a token: words of 4 letters or more lose
 * the first of -ies, -ing, -ed, -es, -s (not -ss), -e, -y that leaves at least 3 letters, and after -ing or -ed a
 * doubled final consonant is undoubled.
 * @example ["refunded", "cancelled", "shipping", "passwords", "delivery"].map(customerServiceStem); // ["refund", "cancel", "ship", "password", "deliver"]
 */
export function customerServiceStem(word: string): string {
  if (word.length < 4) return word;
  const suffix = SUFFIXES.find(
    (x) => word.endsWith(x) && word.length - x.length >= 3 && !(x === "s" && word.endsWith("ss")),
  );
  if (suffix === undefined) return word;
  const stem = word.slice(0, -suffix.length);
  const last = stem.at(-1)!;
  const doubled = (suffix === "ing" || suffix === "ed") && last === stem.at(-2) && !"aeiou".includes(last);
  return doubled ? stem.slice(0, -1) : stem;
}

/**
 * The tokens of `text`: each Chinese character, each digit and each lower-cased, stemmed Latin word
 * ({@link customerServiceStem}); the rest (punctuation, spaces) is dropped.
 * @example customerServiceTokens("订单12可以退款吗？"); // ["订", "单", "1", "2", "可", "以", "退", "款", "吗"]
 * @example customerServiceTokens("Can I get a refund?"); // ["can", "i", "get", "a", "refund"]
 */
export function customerServiceTokens(text: string): string[] {
  if (typeof text !== "string") {
    throw new TypeError(`customerServiceTokens: text must be a string, got ${typeof text}`);
  }
  const tokens = text.toLowerCase().match(/[\u4e00-\u9fff]|[0-9]|[a-z]+/g) ?? [];
  return tokens.map((t) => (/^[a-z]/.test(t) ? customerServiceStem(t) : t));
}

let templateSplit: Record<CustomerServiceSplit, CustomerServiceTemplate[]> | undefined;

/**
 * The fixed template split: per intent and language, of its 20 templates 12 train, 4 validation, 4 test, and its
 * training-only templates (10–14, `trainingOnly`) in train too; of the 20 out-of-domain templates per language,
 * 10 validation and 10 test (none train), and the validation-only ones (17–18,
 * `CUSTOMER_SERVICE_OUT_OF_DOMAIN_VALIDATION_ONLY`) in validation. Drawn by a seeded shuffle
 * (`CUSTOMER_SERVICE_TEMPLATE_SEED`) of each list of 20; a training- or validation-only template's k counts on
 * from 20.
 * @example customerServiceTemplates().test.filter((t) => t.label >= 0).length; // 72
 */
export function customerServiceTemplates(): Record<CustomerServiceSplit, CustomerServiceTemplate[]> {
  if (templateSplit) return templateSplit;
  const rng = mulberry32(CUSTOMER_SERVICE_TEMPLATE_SEED);
  const split: Record<CustomerServiceSplit, CustomerServiceTemplate[]> = {
    train: [],
    validation: [],
    test: [],
  };
  const place = (
    texts: readonly string[],
    prefix: string,
    label: number,
    language: CustomerServiceLanguage,
  ) => {
    const order = rng.shuffle(texts.map((_, k) => k));
    const counts: [CustomerServiceSplit, number][] =
      label === CUSTOMER_SERVICE_OOD
        ? [
            ["test", texts.length / 2],
            ["validation", texts.length / 2],
          ]
        : [
            ["test", texts.length / 5],
            ["validation", texts.length / 5],
            ["train", texts.length - (2 * texts.length) / 5],
          ];
    let at = 0;
    for (const [name, count] of counts) {
      for (const k of order.slice(at, at + count).sort((a, b) => a - b)) {
        split[name].push({ id: `${prefix}/${language}/${k}`, label, language, text: texts[k]! });
      }
      at += count;
    }
  };
  CUSTOMER_SERVICE_INTENTS.forEach((intent, label) => {
    for (const language of CUSTOMER_SERVICE_LANGUAGES) {
      const texts = intent.templates[language];
      place(texts, intent.name, label, language);
      intent.trainingOnly[language].forEach((text, k) => {
        split.train.push({ id: `${intent.name}/${language}/${texts.length + k}`, label, language, text });
      });
    }
  });
  for (const language of CUSTOMER_SERVICE_LANGUAGES) {
    const texts = CUSTOMER_SERVICE_OUT_OF_DOMAIN[language];
    place(texts, "outOfDomain", CUSTOMER_SERVICE_OOD, language);
    CUSTOMER_SERVICE_OUT_OF_DOMAIN_VALIDATION_ONLY[language].forEach((text, k) => {
      const id = `outOfDomain/${language}/${texts.length + k}`;
      split.validation.push({ id, label: CUSTOMER_SERVICE_OOD, language, text });
    });
  }
  templateSplit = split;
  return split;
}

let vocabulary: string[] | undefined;
let vocabIndex: Map<string, number> | undefined;

/**
 * The vocabulary: id 0 `<pad>`, 1 `<unk>`, then (sorted) every token of the training templates, of the slot
 * values (products, months, the digits and 月 日) and of the FAQ questions.
 * @example customerServiceVocab().slice(0, 2); // ["<pad>", "<unk>"]
 */
export function customerServiceVocab(): string[] {
  if (vocabulary) return vocabulary;
  const words = new Set<string>();
  const add = (text: string) => {
    for (const t of customerServiceTokens(text.replace(/\{[a-z]+\}/g, " "))) words.add(t);
  };
  for (const t of customerServiceTemplates().train) add(t.text);
  for (const language of CUSTOMER_SERVICE_LANGUAGES) {
    for (const p of CUSTOMER_SERVICE_SLOTS.product[language]) add(p);
  }
  for (const m of CUSTOMER_SERVICE_SLOTS.months) add(m);
  add("0123456789月日");
  for (const intent of CUSTOMER_SERVICE_INTENTS) {
    for (const language of CUSTOMER_SERVICE_LANGUAGES) add(intent.faq[language]);
  }
  vocabulary = ["<pad>", "<unk>", ...[...words].sort()];
  return vocabulary;
}

/** The text of `template` with its slots filled from `rng`. */
function fill(template: CustomerServiceTemplate, rng: Rng): string {
  const zh = template.language === "zh";
  return template.text.replace(/\{([a-z]+)\}/g, (_, slot: string) => {
    if (slot === "product") return rng.pick(CUSTOMER_SERVICE_SLOTS.product[template.language]);
    if (slot === "order") return String(rng.int(100000, 999999));
    if (slot === "date") {
      const month = rng.int(1, 12);
      const day = rng.int(1, 28);
      return zh ? `${month}月${day}日` : `${CUSTOMER_SERVICE_SLOTS.months[month - 1]} ${day}`;
    }
    throw new RangeError(`customerService: template ${template.id} has an unknown slot {${slot}}`);
  });
}

/** Options of {@link generateCustomerServiceQueries}. */
export interface CustomerServiceQueryOptions {
  seed: number;
  /** Number of queries. */
  size: number;
  /** Which templates to fill. */
  split: CustomerServiceSplit;
  /** Share of out-of-domain queries, in [0, 1) (must be 0 for `"train"`: no template is trained on). Default 0. */
  oodRate?: number;
  /** Probability that a token is replaced by `<unk>` (word dropout), in [0, 1). Default 0. */
  unkRate?: number;
}

const QUERY_OPTIONS = {
  seed: opt.integer({ min: 0, required: true }),
  size: opt.integer({ min: 0, required: true }),
  split: opt.oneOf(["train", "validation", "test"], { required: true }),
  oodRate: opt.number({ min: 0, below: 1 }),
  unkRate: opt.number({ min: 0, below: 1 }),
};

/**
 * Draws `size` queries of one split from `seed`: out of domain with probability `oodRate` (a uniform language,
 * then a uniform out-of-domain template of the split), otherwise a uniform intent, a uniform language and a
 * uniform template of that intent and language in the split; slots filled uniformly (products, six-digit order
 * numbers, dates day 1–28); then each token replaced by `<unk>` with probability `unkRate`.
 * @example
 *   const set = generateCustomerServiceQueries({ seed: 0, size: 4, split: "test", oodRate: 0.5 });
 *   set.every((q) => q.tokens.length <= CUSTOMER_SERVICE_MAX_LENGTH); // true
 */
export function generateCustomerServiceQueries(opts: CustomerServiceQueryOptions): CustomerServiceExample[] {
  checkOptions("generateCustomerServiceQueries", opts, QUERY_OPTIONS);
  const oodRate = opts.oodRate ?? 0;
  const unkRate = opts.unkRate ?? 0;
  if (opts.split === "train" && oodRate > 0) {
    throw new RangeError(
      `generateCustomerServiceQueries: oodRate must be 0 for split "train" (no out-of-domain template is trained on), got ${oodRate}`,
    );
  }
  const templates = customerServiceTemplates()[opts.split];
  const groups = new Map<string, CustomerServiceTemplate[]>();
  for (const t of templates) {
    const key = `${t.label}/${t.language}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const rng = mulberry32(opts.seed);
  const query = (): CustomerServiceExample => {
    const ood = oodRate > 0 && rng.next() < oodRate;
    const label = ood ? CUSTOMER_SERVICE_OOD : rng.int(0, CUSTOMER_SERVICE_INTENTS.length - 1);
    const language = rng.pick(CUSTOMER_SERVICE_LANGUAGES);
    const template = rng.pick(groups.get(`${label}/${language}`)!);
    const text = fill(template, rng);
    const tokens = customerServiceTokens(text).map((t) =>
      unkRate > 0 && rng.next() < unkRate ? "<unk>" : t,
    );
    if (tokens.length > CUSTOMER_SERVICE_MAX_LENGTH) {
      throw new RangeError(
        `customerService: "${text}" has ${tokens.length} tokens (> ${CUSTOMER_SERVICE_MAX_LENGTH})`,
      );
    }
    return { text, tokens, language, label, template: template.id };
  };
  return Array.from({ length: opts.size }, query);
}

/** The settings the data reads from a customer-service config. */
export interface CustomerServiceDataConfig extends ValidatedSplitSizes {
  /** Share of out-of-domain queries in the validation and test splits. */
  oodRate: number;
  /** Word dropout of the training queries. */
  unkRate: number;
}

/** The case's data: the three splits and their descriptor. */
export interface CustomerServiceData {
  /** In-domain queries from the training templates (`unkRate` applied). */
  train: CustomerServiceExample[];
  /** In-domain and out-of-domain queries from the validation templates: the fallback threshold is chosen here. */
  validation: CustomerServiceExample[];
  /** In-domain and out-of-domain queries from the held-out test templates. */
  test: CustomerServiceExample[];
  dataset: DatasetInfo;
}

/**
 * The train, validation and test queries of a customer-service config, each split seeded by
 * `childSeed(seed, "data/<split>")` (`drawSplits`).
 * @example customerServiceData({ seed: 0, trainSize: 4, validationSize: 2, testSize: 2, oodRate: 0.25, unkRate: 0 }).dataset.sizes; // { train: 4, validation: 2, test: 2 }
 */
export function customerServiceData(config: CustomerServiceDataConfig): CustomerServiceData {
  const { oodRate, unkRate } = config;
  const { train, validation, test } = drawSplits(config, (seed, size, split) =>
    generateCustomerServiceQueries(
      split === "train" ? { seed, size, split, unkRate } : { seed, size, split, oodRate },
    ),
  );
  return {
    train,
    validation,
    test,
    dataset: datasetInfo("customer-service", { train, validation, test }),
  };
}

/**
 * Token ids of `tokens` (ids into `customerServiceVocab()`; a token outside it gets `<unk>`, 1), padded with 0
 * to `length`.
 * @example customerServiceIds(["退", "款"], 3)[2]; // 0
 */
export function customerServiceIds(
  tokens: readonly string[],
  length = CUSTOMER_SERVICE_MAX_LENGTH,
): number[] {
  vocabIndex ??= new Map(customerServiceVocab().map((w, i) => [w, i]));
  if (tokens.length > length) {
    throw new RangeError(`customerServiceIds: ${tokens.length} tokens exceed length ${length}`);
  }
  const ids = tokens.map((w) => vocabIndex!.get(w) ?? 1);
  return [...ids, ...Array<number>(length - ids.length).fill(0)];
}

/** The tensors of one batch. */
export type CustomerServiceBatch = {
  /** `[B, 32]` int32 token ids, padded with 0. */
  ids: tf.Tensor2D;
  /** `[B]` int32: the number of real tokens of each query. */
  validLens: tf.Tensor1D;
  /** `[B]` int32: the intent label (−1 = out of domain). */
  labels: tf.Tensor1D;
};

/** One batch of `set` at `indices` (the caller disposes the tensors). */
export function customerServiceBatch(
  set: readonly CustomerServiceExample[],
  indices: readonly number[],
): CustomerServiceBatch {
  const rows = take(set, indices);
  const empty = rows.findIndex((r) => r.tokens.length === 0);
  if (empty >= 0) throw new RangeError(`customerServiceBatch: query ${indices[empty]} has no tokens`);
  return {
    ids: tf.tensor2d(
      rows.map((r) => customerServiceIds(r.tokens)),
      [rows.length, CUSTOMER_SERVICE_MAX_LENGTH],
      "int32",
    ),
    validLens: tf.tensor1d(
      rows.map((r) => r.tokens.length),
      "int32",
    ),
    labels: tf.tensor1d(
      rows.map((r) => r.label),
      "int32",
    ),
  };
}

/** The canonical FAQ question of every intent in `language`, as queries (label = the intent). */
export function customerServiceFaq(language: CustomerServiceLanguage): CustomerServiceExample[] {
  if (!CUSTOMER_SERVICE_LANGUAGES.includes(language)) {
    throw new RangeError(
      `customerServiceFaq: language must be "zh" or "en", got ${JSON.stringify(language)}`,
    );
  }
  return CUSTOMER_SERVICE_INTENTS.map((intent, label) => ({
    text: intent.faq[language],
    tokens: customerServiceTokens(intent.faq[language]),
    language,
    label,
    template: `${intent.name}/${language}/faq`,
  }));
}

/**
 * Financial public-opinion monitoring (`datasets/opinion-monitoring/README.md`): template headlines in English
 * about 5 topics (bank, stock, bond, insurance, FX) with 3 sentiments (negative, neutral, positive). A headline
 * is one of 12 templates with four slots — a topic word, a sentiment word, an institution and a number — filled
 * uniformly from small word lists. Templates 0–7 make the training headlines, 8–11 (held out: other word orders
 * and other neighbours of the two label words) the validation headlines (where training's stop is decided), the
 * test headlines and the monitoring stream: 60 days of about 200 headlines a day whose negative share is raised
 * on a few seeded days (the surges an alarm should catch).
 * `generateHeadlines` draws a set; `opinionMonitoringStream` draws the stream; `opinionMonitoringData(config)`
 * draws everything the case needs from its config; `opinionMonitoringBatch` turns headlines into tensors.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, opt } from "../../check/options.js";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { childSeed } from "../../random/childSeed.js";
import { drawSplits, type ValidatedSplitSizes } from "../../random/drawSplits.js";
import { mulberry32, type Rng } from "../../random/prng.js";
import { take } from "../../train/batches.js";

/** The topic classes, in label order (label 0 = bank). */
export const OPINION_MONITORING_TOPICS = ["bank", "stock", "bond", "insurance", "fx"] as const;

/** The sentiment classes, in label order (label 0 = negative). */
export const OPINION_MONITORING_SENTIMENTS = ["negative", "neutral", "positive"] as const;

/** The words that name each topic (one fills a headline's `{topic}` slot), by topic label. */
export const OPINION_MONITORING_TOPIC_WORDS: readonly (readonly string[])[] = [
  ["bank", "lender", "deposits", "loans"],
  ["shares", "stocks", "equities", "index"],
  ["bonds", "yields", "treasuries", "debt"],
  ["insurer", "premiums", "claims", "underwriting"],
  ["yuan", "dollar", "currency", "forex"],
];

/** The words that carry each sentiment (one fills the `{sentiment}` slot), by sentiment label. */
export const OPINION_MONITORING_SENTIMENT_WORDS: readonly (readonly string[])[] = [
  ["plunge", "slump", "losses", "default", "crisis", "downgrade"],
  ["steady", "unchanged", "flat", "review", "update", "holds"],
  ["surge", "rally", "gains", "record", "upgrade", "rebound"],
];

/** Who is quoted (the `{inst}` slot): topic-free and sentiment-free. */
export const OPINION_MONITORING_INSTITUTIONS: readonly string[] = [
  "analysts",
  "regulators",
  "traders",
  "investors",
  "officials",
  "moodys",
  "fitch",
  "brokers",
];

/** The `{num}` slot. */
export const OPINION_MONITORING_NUMBERS: readonly string[] = [
  "1%",
  "2%",
  "3%",
  "5%",
  "8%",
  "10%",
  "12%",
  "15%",
];

/**
 * The 12 headline templates (tokens; `{topic}`, `{sentiment}`, `{inst}`, `{num}` are slots). The first
 * {@link OPINION_MONITORING_TRAIN_TEMPLATES} make the training headlines; the others are held out for the test
 * headlines and the stream. Every filler word of a held-out template also occurs in a training template, so the
 * model knows every word; what is new is the arrangement.
 */
export const OPINION_MONITORING_TEMPLATES: readonly (readonly string[])[] = [
  ["{topic}", "{sentiment}", "{num}", "as", "{inst}", "react"],
  ["{inst}", "say", "{topic}", "{sentiment}", "this", "week"],
  ["{topic}", "{sentiment}", "after", "{inst}", "report"],
  ["{sentiment}", "for", "{topic}", "on", "{num}", "move"],
  ["{inst}", "see", "{sentiment}", "in", "{topic}", "market"],
  ["{topic}", "news", ":", "{sentiment}", ",", "{inst}", "say"],
  ["{num}", "{sentiment}", "hits", "{topic}", "amid", "report"],
  ["weekly", "{topic}", "{sentiment}", ",", "says", "{inst}"],
  // held out
  ["{inst}", "report", "{sentiment}", "in", "{topic}", "after", "{num}", "move"],
  ["{topic}", "market", "{sentiment}", "this", "week", "as", "{inst}", "react"],
  ["{sentiment}", "{topic}", ":", "{inst}", "see", "{num}"],
  ["on", "report", ",", "{topic}", "{sentiment}", "{num}", ",", "{inst}", "say"],
];

/** Templates 0 … this − 1 are the training templates. */
export const OPINION_MONITORING_TRAIN_TEMPLATES = 8;

/** Longest headline, in tokens (rows of the position table). */
export const OPINION_MONITORING_MAX_LENGTH = 9;

/** The vocabulary: id 0 `<pad>`, then every template word, topic word, sentiment word, institution and number. */
export const OPINION_MONITORING_VOCAB: readonly string[] = [
  "<pad>",
  ...new Set([
    ...OPINION_MONITORING_TEMPLATES.flat().filter((w) => !w.startsWith("{")),
    ...OPINION_MONITORING_TOPIC_WORDS.flat(),
    ...OPINION_MONITORING_SENTIMENT_WORDS.flat(),
    ...OPINION_MONITORING_INSTITUTIONS,
    ...OPINION_MONITORING_NUMBERS,
  ]),
];

/** One headline: its tokens, both labels, the template it came from and where its two label words are. */
export interface OpinionHeadline {
  tokens: string[];
  /** Topic label, an index into {@link OPINION_MONITORING_TOPICS}. */
  topic: number;
  /** Sentiment label, an index into {@link OPINION_MONITORING_SENTIMENTS} (0 = negative). */
  sentiment: number;
  /** Index into {@link OPINION_MONITORING_TEMPLATES}. */
  template: number;
  /** Index of the topic word in `tokens`. */
  topicWord: number;
  /** Index of the sentiment word in `tokens`. */
  sentimentWord: number;
}

/** Options of {@link generateHeadlines}. */
export interface HeadlineOptions {
  seed: number;
  /** Number of headlines. */
  size: number;
  /** `"train"`: templates 0–7; `"heldOut"`: templates 8–11. */
  templates: "train" | "heldOut";
  /**
   * Probability that a headline is negative; neutral and positive share the rest equally. Default 1/3 (the three
   * sentiments equally likely).
   */
  negativeShare?: number;
}

const HEADLINE_OPTIONS = {
  seed: opt.integer({ min: 0, required: true }),
  size: opt.integer({ min: 0, required: true }),
  templates: opt.oneOf(["train", "heldOut"], { required: true }),
  negativeShare: opt.number({ min: 0, max: 1 }),
};

/** One headline of template `template`, topic and sentiment drawn from `rng`. */
function headline(rng: Rng, template: number, negativeShare: number): OpinionHeadline {
  const topic = rng.int(0, OPINION_MONITORING_TOPICS.length - 1);
  const sentiment = rng.next() < negativeShare ? 0 : rng.int(1, 2);
  const slots: Record<string, () => string> = {
    "{topic}": () => rng.pick(OPINION_MONITORING_TOPIC_WORDS[topic]!),
    "{sentiment}": () => rng.pick(OPINION_MONITORING_SENTIMENT_WORDS[sentiment]!),
    "{inst}": () => rng.pick(OPINION_MONITORING_INSTITUTIONS),
    "{num}": () => rng.pick(OPINION_MONITORING_NUMBERS),
  };
  const words = OPINION_MONITORING_TEMPLATES[template]!;
  const tokens = words.map((w) => slots[w]?.() ?? w);
  return {
    tokens,
    topic,
    sentiment,
    template,
    topicWord: words.indexOf("{topic}"),
    sentimentWord: words.indexOf("{sentiment}"),
  };
}

/** Draws headlines of a uniform template of the set `templates`, from a generator already seeded. */
function drawHeadlines(
  rng: Rng,
  size: number,
  templates: "train" | "heldOut",
  negativeShare: number,
): OpinionHeadline[] {
  const [low, high] =
    templates === "train"
      ? [0, OPINION_MONITORING_TRAIN_TEMPLATES - 1]
      : [OPINION_MONITORING_TRAIN_TEMPLATES, OPINION_MONITORING_TEMPLATES.length - 1];
  return Array.from({ length: size }, () => headline(rng, rng.int(low, high), negativeShare));
}

/**
 * Draws `size` headlines from `seed`: a uniform template of the chosen set, a uniform topic, a sentiment
 * (negative with probability `negativeShare`) and uniform slot fillers.
 * @example
 *   const set = generateHeadlines({ seed: 0, size: 3, templates: "heldOut" });
 *   set.every((h) => h.template >= 8); // true
 */
export function generateHeadlines(opts: HeadlineOptions): OpinionHeadline[] {
  checkOptions("generateHeadlines", opts, HEADLINE_OPTIONS);
  return drawHeadlines(mulberry32(opts.seed), opts.size, opts.templates, opts.negativeShare ?? 1 / 3);
}

/** Options of {@link opinionMonitoringStream}. */
export interface StreamOptions {
  seed: number;
  /** Days of the stream. */
  streamDays: number;
  /** Mean headlines a day (each day draws uniformly within ±10 % of it). */
  headlinesPerDay: number;
  /** Number of surge days. */
  surges: number;
  /** Negative share of an ordinary day, before its jitter of ±0.03. */
  baseNegativeShare: number;
  /** Negative share of a surge day. */
  surgeNegativeShare: number;
  /** Days at the start that hold no surge (the alarm's first baseline). */
  baselineDays: number;
}

const STREAM_OPTIONS = {
  seed: opt.integer({ min: 0, required: true }),
  streamDays: opt.integer({ min: 2, required: true }),
  headlinesPerDay: opt.integer({ min: 10, required: true }),
  surges: opt.integer({ min: 0, required: true }),
  baseNegativeShare: opt.number({ min: 0.03, max: 0.97, required: true }),
  surgeNegativeShare: opt.number({ min: 0, max: 1, required: true }),
  baselineDays: opt.integer({ min: 2, required: true }),
};

/** Surge days are at least this many days apart. */
export const OPINION_MONITORING_SURGE_GAP = 5;

/** The stream: every headline (with its day), the surge days and each day's true negative share. */
export interface OpinionStream {
  /** Headlines of every day, day 0 first. */
  headlines: OpinionHeadline[];
  /** Day of each headline. */
  day: number[];
  /** The surge days, ascending. */
  surgeDays: number[];
  /** The negative share each day's headlines were drawn with. */
  drawnShare: number[];
}

/**
 * A `streamDays`-day stream of held-out-template headlines: day d has a uniform count within ±10 % of
 * `headlinesPerDay` and negative share `baseNegativeShare` ± 0.03 (uniform jitter), except on `surges` seeded
 * days in [baselineDays, streamDays), at least {@link OPINION_MONITORING_SURGE_GAP} days apart, which use
 * `surgeNegativeShare`.
 * @example
 *   const s = opinionMonitoringStream({ seed: 0, streamDays: 30, headlinesPerDay: 20, surges: 2, baseNegativeShare: 0.2, surgeNegativeShare: 0.5, baselineDays: 10 });
 *   s.surgeDays.length; // 2
 */
export function opinionMonitoringStream(opts: StreamOptions): OpinionStream {
  checkOptions("opinionMonitoringStream", opts, STREAM_OPTIONS);
  const { streamDays, baselineDays, surges } = opts;
  if (baselineDays >= streamDays) {
    throw new RangeError(
      `opinionMonitoringStream: baselineDays ${baselineDays} must be less than streamDays ${streamDays} (the days before the first possible surge)`,
    );
  }
  const room = Math.ceil((streamDays - baselineDays) / OPINION_MONITORING_SURGE_GAP);
  if (surges > room) {
    throw new RangeError(
      `opinionMonitoringStream: surges ${surges} do not fit ${streamDays - baselineDays} days after the baseline, ${OPINION_MONITORING_SURGE_GAP} days apart (at most ${room})`,
    );
  }
  const rng = mulberry32(opts.seed);
  const candidates = rng.shuffle(
    Array.from({ length: streamDays - baselineDays }, (_, i) => baselineDays + i),
  );
  const surgeDays: number[] = [];
  for (const d of candidates) {
    if (surgeDays.length === surges) break;
    if (surgeDays.every((s) => Math.abs(s - d) >= OPINION_MONITORING_SURGE_GAP)) surgeDays.push(d);
  }
  if (surgeDays.length < surges) {
    throw new RangeError(
      `opinionMonitoringStream: could not place ${surges} surges ${OPINION_MONITORING_SURGE_GAP} days apart in days ${baselineDays}–${streamDays - 1}; use fewer surges or more streamDays`,
    );
  }
  surgeDays.sort((a, b) => a - b);
  const headlines: OpinionHeadline[] = [];
  const day: number[] = [];
  const drawnShare: number[] = [];
  const spread = Math.max(1, Math.round(opts.headlinesPerDay * 0.1));
  for (let d = 0; d < streamDays; d++) {
    const count = rng.int(opts.headlinesPerDay - spread, opts.headlinesPerDay + spread);
    const share = surgeDays.includes(d)
      ? opts.surgeNegativeShare
      : opts.baseNegativeShare + 0.03 * (2 * rng.next() - 1);
    drawnShare.push(share);
    for (const h of drawHeadlines(rng, count, "heldOut", share)) {
      headlines.push(h);
      day.push(d);
    }
  }
  return { headlines, day, surgeDays, drawnShare };
}

/** The case's data: train, validation and test headlines, the stream, and their descriptor. */
export interface OpinionMonitoringData {
  train: OpinionHeadline[];
  /** Held-out-template headlines drawn like the test ones (own seed): training's stop is decided on them. */
  validation: OpinionHeadline[];
  test: OpinionHeadline[];
  stream: OpinionStream;
  dataset: DatasetInfo;
}

/** The settings the data reads from a case config. */
export type OpinionMonitoringDataConfig = ValidatedSplitSizes & Omit<StreamOptions, "seed">;

/**
 * The train headlines (training templates), the validation and test headlines (held-out templates, sentiments
 * equally likely) and the stream (held-out templates) of a config, seeded by `childSeed(seed, "data/train")`,
 * `"data/validation"`, `"data/test"` and `"data/stream"`.
 * @example
 *   const d = opinionMonitoringData({ seed: 0, trainSize: 4, validationSize: 3, testSize: 2, streamDays: 20, headlinesPerDay: 10, surges: 1, baseNegativeShare: 0.2, surgeNegativeShare: 0.5, baselineDays: 14 });
 *   [d.dataset.sizes.train, d.dataset.sizes.validation, d.dataset.sizes.test, d.stream.surgeDays.length]; // [4, 3, 2, 1]
 */
export function opinionMonitoringData(config: OpinionMonitoringDataConfig): OpinionMonitoringData {
  const { train, validation, test } = drawSplits(config, (seed, size, split) =>
    generateHeadlines({ seed, size, templates: split === "train" ? "train" : "heldOut" }),
  );
  const stream = opinionMonitoringStream({
    seed: childSeed(config.seed, "data/stream"),
    streamDays: config.streamDays,
    headlinesPerDay: config.headlinesPerDay,
    surges: config.surges,
    baseNegativeShare: config.baseNegativeShare,
    surgeNegativeShare: config.surgeNegativeShare,
    baselineDays: config.baselineDays,
  });
  const dataset = datasetInfo<OpinionHeadline[] | OpinionStream>(
    "opinion-monitoring",
    { train, validation, test, stream },
    (s) => (Array.isArray(s) ? s.length : s.headlines.length),
  );
  return { train, validation, test, stream, dataset };
}

const vocabIndex = new Map(OPINION_MONITORING_VOCAB.map((w, i) => [w, i]));

/**
 * Token ids of `tokens` (ids into {@link OPINION_MONITORING_VOCAB}), padded with 0 (`<pad>`) to `length`.
 * @example opinionMonitoringIds(["bank", "plunge"], 3)[2]; // 0
 */
export function opinionMonitoringIds(
  tokens: readonly string[],
  length = OPINION_MONITORING_MAX_LENGTH,
): number[] {
  if (tokens.length > length) {
    throw new RangeError(`opinionMonitoringIds: ${tokens.length} tokens exceed the length ${length}`);
  }
  const ids = tokens.map((w) => {
    const id = vocabIndex.get(w);
    if (id === undefined || id === 0) {
      throw new RangeError(`opinionMonitoringIds: "${w}" is not a word of OPINION_MONITORING_VOCAB`);
    }
    return id;
  });
  return [...ids, ...Array<number>(length - ids.length).fill(0)];
}

/** The tensors of one batch. */
export type OpinionMonitoringBatch = {
  /** `[B, 9]` int32 token ids, padded with 0. */
  ids: tf.Tensor2D;
  /** `[B]` int32: the number of real tokens of each headline. */
  validLens: tf.Tensor1D;
  /** `[B, 5]` float32 one-hot topics. */
  topics: tf.Tensor2D;
  /** `[B, 3]` float32 one-hot sentiments. */
  sentiments: tf.Tensor2D;
};

/** One batch of `set` at `indices` (the caller disposes the tensors). */
export function opinionMonitoringBatch(
  set: readonly OpinionHeadline[],
  indices: readonly number[],
): OpinionMonitoringBatch {
  const rows = take(set, indices);
  const b = rows.length;
  return tf.tidy(() => ({
    ids: tf.tensor2d(
      rows.map((r) => opinionMonitoringIds(r.tokens)),
      [b, OPINION_MONITORING_MAX_LENGTH],
      "int32",
    ),
    validLens: tf.tensor1d(
      rows.map((r) => r.tokens.length),
      "int32",
    ),
    topics: tf
      .oneHot(
        tf.tensor1d(
          rows.map((r) => r.topic),
          "int32",
        ),
        OPINION_MONITORING_TOPICS.length,
      )
      .toFloat() as tf.Tensor2D,
    sentiments: tf
      .oneHot(
        tf.tensor1d(
          rows.map((r) => r.sentiment),
          "int32",
        ),
        OPINION_MONITORING_SENTIMENTS.length,
      )
      .toFloat() as tf.Tensor2D,
  }));
}

/**
 * The date-normalization dataset (`datasets/dates/README.md`): human-written dates in 8 formats → ISO 8601
 * (`2021-03-05`), over the days 1950-01-01 … 2049-12-31. Numeric formats with separators are day-first
 * (European: `05/03/2021` and `5.3.2021` are 5 March); two-digit years pivot at 50 (`50`–`99` → 19xx,
 * `00`–`49` → 20xx), so every input names exactly one day. Training and held-out sets use disjoint days.
 * `formatDate` writes one day in one format; `datesData(config)` draws the case's splits from its config,
 * `datesLengthBuckets` groups training examples of similar length, and `datesBatch` turns examples into the
 * tensors `fit` trains on.
 * Follows: the "date normalization" exercise of Andrew Ng's sequence-models course (attention over characters).
 */
import * as tf from "@tensorflow/tfjs";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { childSeed } from "../../random/childSeed.js";
import { mulberry32 } from "../../random/prng.js";
import { take } from "../../train/batches.js";

/** The 8 input formats, in order; each example's `format` is one of these names. */
export const DATE_FORMATS = [
  "long_mdy", // March 5, 2021
  "long_dmy", // 5 March 2021
  "numeric_dmy", // 05/03/2021 (day first)
  "iso", // 2021-03-05
  "short_dmy", // 5 Mar 21
  "short_mdy", // Mar 5 2021
  "weekday", // Friday, March 5, 2021
  "dotted_dmy", // 5.3.2021 (day first)
] as const;

/** A format name. */
export type DateFormat = (typeof DATE_FORMATS)[number];

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Source characters (index + 1 is the token id; 0 is padding). */
export const DATE_SOURCE_CHARS = " ,-./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Target vocabulary: pad 0, start 1, end 2, then `-` and the digits. */
export const DATE_TARGET = { pad: 0, bos: 1, eos: 2, chars: "-0123456789", vocabSize: 14 } as const;
/** Longest source string ("Wednesday, September 30, 2026" has 29 characters) and the ISO length. */
export const DATE_LENGTHS = { source: 29, target: 10 } as const;

/** Where the year, month and day are written in the source string: `[start, end)` character indices. */
export interface DateSpans {
  year: [number, number];
  month: [number, number];
  day: [number, number];
}

/** One example: the written date, its ISO form, the format and the spans of its parts. */
export interface DateExample {
  text: string;
  iso: string;
  format: DateFormat;
  spans: DateSpans;
}

/** The case's data: training, validation and test examples (disjoint days), and the descriptor its record stores. */
export interface DatesData {
  train: DateExample[];
  /** Days never trained on nor tested, written like the test split: what training's stop rule reads. */
  validation: DateExample[];
  test: DateExample[];
  dataset: DatasetInfo;
}

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(1950, 0, 1);
/** Days in 1950-01-01 … 2049-12-31. */
export const DATE_DAYS = (Date.UTC(2050, 0, 1) - FIRST_DAY) / DAY_MS;

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * Writes day number `dayIndex` (0 = 1950-01-01) in `format`.
 * @example formatDate(25996, "weekday").text; // "Friday, March 5, 2021"
 */
export function formatDate(dayIndex: number, format: DateFormat): DateExample {
  const date = new Date(FIRST_DAY + dayIndex * DAY_MS);
  const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  const iso = `${y}-${pad2(m)}-${pad2(d)}`;
  const month = MONTHS[m - 1]!;
  // Parts in written order; the spans follow from their positions.
  const parts: [string, "year" | "month" | "day" | null][] = (() => {
    switch (format) {
      case "long_mdy":
        return [
          [month, "month"],
          [" ", null],
          [String(d), "day"],
          [", ", null],
          [String(y), "year"],
        ];
      case "long_dmy":
        return [
          [String(d), "day"],
          [" ", null],
          [month, "month"],
          [" ", null],
          [String(y), "year"],
        ];
      case "numeric_dmy":
        return [
          [pad2(d), "day"],
          ["/", null],
          [pad2(m), "month"],
          ["/", null],
          [String(y), "year"],
        ];
      case "iso":
        return [
          [String(y), "year"],
          ["-", null],
          [pad2(m), "month"],
          ["-", null],
          [pad2(d), "day"],
        ];
      case "short_dmy":
        return [
          [String(d), "day"],
          [" ", null],
          [month.slice(0, 3), "month"],
          [" ", null],
          [pad2(y % 100), "year"],
        ];
      case "short_mdy":
        return [
          [month.slice(0, 3), "month"],
          [" ", null],
          [String(d), "day"],
          [" ", null],
          [String(y), "year"],
        ];
      case "weekday":
        return [
          [`${WEEKDAYS[date.getUTCDay()]!}, `, null],
          [month, "month"],
          [" ", null],
          [String(d), "day"],
          [", ", null],
          [String(y), "year"],
        ];
      case "dotted_dmy":
        return [
          [String(d), "day"],
          [".", null],
          [String(m), "month"],
          [".", null],
          [String(y), "year"],
        ];
    }
  })();
  const spans = {} as DateSpans;
  let text = "";
  for (const [s, kind] of parts) {
    if (kind) spans[kind] = [text.length, text.length + s.length];
    text += s;
  }
  return { text, iso, format, spans };
}

/** Source ids of `text`, padded with 0 to `length`. */
export function encodeDateSource(text: string, length: number = DATE_LENGTHS.source): number[] {
  const ids = [...text].map((c) => {
    const i = DATE_SOURCE_CHARS.indexOf(c);
    if (i < 0) throw new RangeError(`encodeDateSource: character "${c}" is not in the source vocabulary`);
    return i + 1;
  });
  if (ids.length > length) throw new RangeError(`encodeDateSource: "${text}" is longer than ${length}`);
  return [...ids, ...new Array<number>(length - ids.length).fill(0)];
}

/** Target ids of an ISO string (no start/end tokens). */
export function encodeDateTarget(iso: string): number[] {
  return [...iso].map((c) => DATE_TARGET.chars.indexOf(c) + 3);
}

/** The ISO string of target ids (ids outside `-0-9` print as `?`). */
export function decodeDateTarget(ids: readonly number[]): string {
  return ids.map((t) => DATE_TARGET.chars[t - 3] ?? "?").join("");
}

/**
 * The splits of a dates config. The 36,525 days are shuffled by `childSeed(seed, "data/split")`: the first
 * `testSize` are the test set, written in the 8 formats in turn (so each format gets testSize/8), the next
 * `trainSize` the training set, each written in a format drawn by `childSeed(seed, "data/train")`, and the last
 * `validationSize` (0 when absent) the validation set, written in the formats in turn like the test set. Train
 * and test are the same whatever `validationSize` is.
 * @example
 * const d = datesData({ seed: 0, trainSize: 16, validationSize: 8, testSize: 8 });
 * [d.train.length, d.validation.length, d.test.length, d.test[2].format]; // [16, 8, 8, "numeric_dmy"]
 */
export function datesData(config: {
  seed: number;
  trainSize: number;
  validationSize?: number;
  testSize: number;
}): DatesData {
  const validationSize = config.validationSize ?? 0;
  for (const [key, n] of [
    ["trainSize", config.trainSize],
    ["validationSize", validationSize],
    ["testSize", config.testSize],
  ] as const) {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`datesData: ${key} must be an integer ≥ 0, got ${n}`);
    }
  }
  const total = config.trainSize + validationSize + config.testSize;
  if (total > DATE_DAYS) {
    throw new RangeError(
      `datesData: trainSize + validationSize + testSize is ${total}; the days of 1950–2049 allow at most ${DATE_DAYS}`,
    );
  }
  const days = mulberry32(childSeed(config.seed, "data/split")).shuffle(
    Array.from({ length: DATE_DAYS }, (_, i) => i),
  );
  const inTurn = (day: number, i: number) => formatDate(day, DATE_FORMATS[i % DATE_FORMATS.length]!);
  const test = days.slice(0, config.testSize).map(inTurn);
  const formats = mulberry32(childSeed(config.seed, "data/train"));
  const train = days
    .slice(config.testSize, config.testSize + config.trainSize)
    .map((day) => formatDate(day, formats.pick(DATE_FORMATS)));
  // from the end of the shuffled days, so neither of the other splits moves
  const validation = days.slice(DATE_DAYS - validationSize).map(inTurn);
  return { train, validation, test, dataset: datasetInfo("dates", { train, validation, test }) };
}

/** Plain-array teacher-forcing batch: padded sources, valid lengths, decoder input and target. */
export interface DatesArrays {
  /** Source ids padded to 29. */
  src: number[][];
  srcLens: number[];
  /** Start + the 10 ISO characters. */
  tgtIn: number[][];
  /** The 10 ISO characters + end. */
  tgtOut: number[][];
}

/** Encodes examples for teacher forcing (decoder input = start + ISO, target = ISO + end). */
export function datesArrays(examples: readonly DateExample[]): DatesArrays {
  const tgt = examples.map((e) => encodeDateTarget(e.iso));
  return {
    src: examples.map((e) => encodeDateSource(e.text)),
    srcLens: examples.map((e) => e.text.length),
    tgtIn: tgt.map((t) => [DATE_TARGET.bos, ...t]),
    tgtOut: tgt.map((t) => [...t, DATE_TARGET.eos]),
  };
}

/**
 * Training batches of similar source length: the indices of `set` shuffled by `seed`, stably sorted by text
 * length, cut into batches of `batchSize`. A batch is then padded only to its own longest source (most dates are
 * far shorter than the 29 characters of the longest weekday form), which roughly halves the encoder's work.
 * @example datesLengthBuckets(datesData({ seed: 0, trainSize: 5, testSize: 0 }).train, 2, 0).map((b) => b.length); // [2, 2, 1]
 */
export function datesLengthBuckets(set: readonly DateExample[], batchSize: number, seed: number): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`datesLengthBuckets: batchSize must be an integer ≥ 1, got ${batchSize}`);
  }
  const order = mulberry32(seed)
    .shuffle(set.map((_, i) => i))
    .sort((a, b) => set[a]!.text.length - set[b]!.text.length);
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
}

/** A batch of dates (a type alias, so it is a tfjs `TensorContainer`). */
export type DatesBatch = {
  /** `[B, W]` source ids, cut to the batch's longest text W. */
  src: tf.Tensor2D;
  /** `[B]` text lengths. */
  srcValidLens: tf.Tensor1D;
  /** `[B, 11]` start + ISO. */
  tgtIn: tf.Tensor2D;
  /** `[B, 11]` ISO + end. */
  tgtOut: tf.Tensor2D;
};

/** The examples of `set` at `indices` as int32 tensors (the caller, usually `fit`, disposes them). */
export function datesBatch(set: readonly DateExample[], indices: readonly number[]): DatesBatch {
  const a = datesArrays(take(set, indices));
  const width = Math.max(1, ...a.srcLens);
  const t = DATE_LENGTHS.target + 1;
  return {
    src: tf.tensor2d(
      a.src.map((r) => r.slice(0, width)),
      [a.src.length, width],
      "int32",
    ),
    srcValidLens: tf.tensor1d(a.srcLens, "int32"),
    tgtIn: tf.tensor2d(a.tgtIn, [a.tgtIn.length, t], "int32"),
    tgtOut: tf.tensor2d(a.tgtOut, [a.tgtOut.length, t], "int32"),
  };
}

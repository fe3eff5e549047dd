/**
 * The speech dataset (`datasets/speech/README.md`): spoken digit strings (3–5 digits) in English and Mandarin,
 * synthesized once by eSpeak NG in 10 voice variants × 2 languages (`scripts/datasets/speech.mjs`), with white
 * noise, shipped as quantized log-mel features (20 mel bins, 20 ms hop; uint8, dB = q/2 − 100). 8 variants
 * are the training voices; 2 (`m3`, `f2`) are held out: the validation and test splits have only those, so the
 * test measures recognition of voices never heard in training. Both languages share the labels 0–9 (a digit is the same
 * label whether it was said "three" or "sān"). `speechPool` loads the file (sha256 checked),
 * `speechData(config)` draws the case's splits, `speechBatch` turns utterances into the tensors `fit` trains on.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { checkValue, describeValue, opt } from "../../check/options.js";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { packageRoot } from "../../io/packageRoot.js";
import { sha256Hex } from "../../io/weightsFiles.js";
import { drawSplits, type SplitSizes } from "../../random/drawSplits.js";
import { mulberry32 } from "../../random/prng.js";

/** sha256 of the shipped files (`datasets/speech/README.md` states the same). */
export const SPEECH_FILES_SHA256 = {
  "features.bin": "8c4433f93aebc16b6c5cb972b3a2d13dfe1bf8e49486a40de6be42ba22de0699",
  "index.json": "909d18a54047c46101232abd975bd8e7fb26773a8925f516018d096b90b84b56",
} as const;

/** Mel bins per frame. */
export const SPEECH_MEL_BINS = 20;

/** Token ids: 0 padding, 1 start, 2 end, 3 + d for digit d. */
export const SPEECH_PAD = 0;
export const SPEECH_START = 1;
export const SPEECH_END = 2;
/** Target vocabulary: padding, start, end and the 10 digits. */
export const SPEECH_VOCAB = 13;
/** Most digits in an utterance (so at most 6 decoder steps with the end token). */
export const SPEECH_MAX_DIGITS = 5;

/** One utterance: its features and what was said, by which voice. */
export interface SpeechUtterance {
  /** Position in the shipped file. */
  id: number;
  lang: "en" | "cmn";
  /** espeak-ng voice, e.g. `en-us+m3`, `cmn`. */
  voice: string;
  /** The digits spoken, e.g. "31415". */
  digits: string;
  rate: number;
  pitch: number;
  /** Signal-to-noise ratio of the added white noise, dB. */
  snr: number;
  /** Number of 20 ms frames. */
  frames: number;
  /** `[frames · 20]` quantized log-mel (dB = q/2 − 100), frame-major. */
  features: Uint8Array;
}

/** The shipped utterances: training voices and held-out voices. */
export interface SpeechPool {
  train: SpeechUtterance[];
  test: SpeechUtterance[];
}

let cached: SpeechPool | undefined;

function readChecked(name: keyof typeof SPEECH_FILES_SHA256): Buffer {
  const path = join(packageRoot(), "datasets", "speech", name);
  const bytes = readFileSync(path);
  const sha = sha256Hex(bytes);
  if (sha !== SPEECH_FILES_SHA256[name]) {
    throw new Error(
      `speechPool: ${path} has sha256 ${sha}, but the speech dataset's is ${SPEECH_FILES_SHA256[name]}; ` +
        "the file is damaged or a different version (datasets/speech/README.md says how it is made)",
    );
  }
  return bytes;
}

/** Every shipped utterance (read once, sha256 checked), split by voice: training voices, held-out voices. */
export function speechPool(): SpeechPool {
  if (cached) return cached;
  const features = readChecked("features.bin");
  const index = JSON.parse(readChecked("index.json").toString("utf8")) as {
    utterances: Omit<SpeechUtterance, "id" | "features">[] & { split: string }[];
  };
  const pool: SpeechPool = { train: [], test: [] };
  let offset = 0;
  for (const [id, u] of index.utterances.entries()) {
    const { split, ...rest } = u as Omit<SpeechUtterance, "id" | "features"> & { split: "train" | "test" };
    const n = rest.frames * SPEECH_MEL_BINS;
    pool[split].push({ id, ...rest, features: features.subarray(offset, offset + n) });
    offset += n;
  }
  cached = pool;
  return pool;
}

/** The voices of a list of utterances, sorted. */
export function speechVoices(utterances: readonly SpeechUtterance[]): string[] {
  return [...new Set(utterances.map((u) => u.voice))].sort();
}

/** The case's data: training utterances (training voices), validation and test utterances (held-out voices). */
export interface SpeechData {
  train: SpeechUtterance[];
  /** Utterances of the held-out voices, none of them a test utterance: what training's stop rule reads. */
  validation: SpeechUtterance[];
  test: SpeechUtterance[];
  dataset: DatasetInfo;
}

/**
 * `size` utterances of the pool's `split`, a seeded sample without repeats (in the sampled order).
 * Sizes above the pool are errors naming the size and the pool.
 */
function sample(split: "train" | "test", seed: number, size: number): SpeechUtterance[] {
  const items = speechPool()[split];
  const name = `${split}Size`;
  checkValue("speechData", name, size, opt.integer({ min: 1, max: items.length }));
  return mulberry32(seed).shuffle(items).slice(0, size);
}

/**
 * The case's splits: `trainSize` utterances of the 16 training voices, a seeded sample
 * (`childSeed(seed, "data/train")`); the held-out voices' 400 utterances shuffled once by
 * `childSeed(seed, "data/test")`, the first `testSize` the test split and the next `validationSize` (0 when
 * absent) the validation split — the same voices as the test, never the same utterance. The test split does not
 * depend on `validationSize`.
 */
export function speechData(config: SplitSizes & { validationSize?: number }): SpeechData {
  if (config === null || typeof config !== "object")
    throw new TypeError(`speechData: config must be an object, got ${describeValue(config)}`);
  checkValue("speechData", "seed", config.seed, opt.integer({ required: true }));
  const validationSize = config.validationSize ?? 0;
  checkValue("speechData", "validationSize", validationSize, opt.integer({ min: 0 }));
  const available = speechPool().test.length;
  checkValue("speechData", "testSize", config.testSize, opt.integer({ min: 1, max: available }));
  if (config.testSize + validationSize > available)
    throw new RangeError(
      `speechData: testSize + validationSize is ${config.testSize} + ${validationSize} = ${config.testSize + validationSize}; the held-out voices have ${available} utterances`,
    );
  // one shuffle of the held-out utterances (the test split's seed) holds both, so drawSplits draws no validation
  const { seed, trainSize, testSize } = config;
  const { train, test: heldOut } = drawSplits({ seed, trainSize, testSize }, (s, size, split) =>
    sample(split, s, split === "train" ? size : size + validationSize),
  );
  const test = heldOut.slice(0, config.testSize);
  const validation = heldOut.slice(config.testSize);
  // The hash covers which utterances were drawn; the files themselves are checked by their sha256.
  const ids = (s: SpeechUtterance[]) => s.map((u) => [u.id, u.voice, u.digits, u.frames]);
  return {
    train,
    validation,
    test,
    dataset: datasetInfo("speech", { train: ids(train), validation: ids(validation), test: ids(test) }),
  };
}

/** Features `q` → the model's input: (dB + 40) / 20, i.e. (q/2 − 60) / 20 (about zero mean, unit spread). */
export function speechScale(q: number): number {
  return (q / 2 - 60) / 20;
}

/** The target tokens of a digit string: `[start, 3 + d…]` in and `[3 + d…, end]` out. */
export function speechTokens(digits: string): { tgtIn: number[]; tgtOut: number[] } {
  if (typeof digits !== "string" || !/^[0-9]+$/.test(digits))
    throw new RangeError(`speechTokens: digits must be a string of 0–9, got ${describeValue(digits)}`);
  const ids = [...digits].map((d) => 3 + Number(d));
  return { tgtIn: [SPEECH_START, ...ids], tgtOut: [...ids, SPEECH_END] };
}

/** The digits of token ids, stopping at the end token. */
export function speechDigits(ids: readonly number[]): string {
  let s = "";
  for (const id of ids) {
    if (id === SPEECH_END) break;
    if (id >= 3 && id < SPEECH_VOCAB) s += String(id - 3);
  }
  return s;
}

/** A batch: features `[B, F, 20]` (padded with zeros), valid frame counts `[B]`, and the teacher-forcing tokens. */
export type SpeechBatch = {
  x: tf.Tensor3D;
  frameLens: tf.Tensor1D;
  tgtIn: tf.Tensor2D;
  tgtOut: tf.Tensor2D;
};

/** The utterances `utterances[indices]` as one padded batch (F = the longest, rounded up to a multiple of 4). */
export function speechBatch(utterances: readonly SpeechUtterance[], indices: readonly number[]): SpeechBatch {
  if (!Array.isArray(indices) || indices.length === 0)
    throw new RangeError(`speechBatch: indices must be a non-empty array, got ${describeValue(indices)}`);
  const picked = indices.map((i) => {
    const u = utterances[i];
    if (!Number.isInteger(i) || u === undefined)
      throw new RangeError(`speechBatch: index ${describeValue(i)} is not in 0..${utterances.length - 1}`);
    return u;
  });
  const f = Math.ceil(Math.max(...picked.map((u) => u.frames)) / 4) * 4;
  const t = Math.max(...picked.map((u) => u.digits.length)) + 1;
  const x = new Float32Array(picked.length * f * SPEECH_MEL_BINS);
  const tin = new Int32Array(picked.length * t);
  const tout = new Int32Array(picked.length * t);
  for (const [b, u] of picked.entries()) {
    const base = b * f * SPEECH_MEL_BINS;
    for (let k = 0; k < u.features.length; k++) x[base + k] = speechScale(u.features[k]!);
    const { tgtIn, tgtOut } = speechTokens(u.digits);
    tin.set(tgtIn, b * t);
    tout.set(tgtOut, b * t);
  }
  return {
    x: tf.tensor3d(x, [picked.length, f, SPEECH_MEL_BINS]),
    frameLens: tf.tensor1d(
      picked.map((u) => u.frames),
      "int32",
    ),
    tgtIn: tf.tensor2d(tin, [picked.length, t], "int32"),
    tgtOut: tf.tensor2d(tout, [picked.length, t], "int32"),
  };
}

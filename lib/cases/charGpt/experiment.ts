/**
 * Case study: a character-level GPT (catalog: issue #18, part 4). A decoder-only Transformer learns to predict
 * the next character of *Moby-Dick* (or of Tang quatrains) from the `blockSize` characters before it. Training
 * draws seeded random windows (nanoGPT's `get_batch`); the score is validation bits per character,
 *   bits/char = −1/(W·T) · Σ_w Σ_t log₂ p(x_{w,t+1} | x_{w,0…t}),
 * on W fixed, evenly spaced validation windows of T = blockSize characters, beside the add-one unigram and the
 * Witten–Bell bigram counted on the training text and scored on the whole validation text. Target (full mode,
 * Moby-Dick): at least 0.5 bits/char better than the bigram. A sampled continuation (temperature, top-k, fixed
 * seed) shows what it learned. Follows: Radford et al. 2018 eq. 1; nanoGPT `train.py` (`get_batch`,
 * `estimate_loss`) and `sample.py`.
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue, opt } from "../../check/options.js";
import { disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { bigramBaseline, unigramBaseline } from "../../metrics/charBaselines.js";
import { generate } from "../../models/generate.js";
import type { Gpt } from "../../models/gpt.js";
import { bitsPerToken, nextTokenLoss } from "../../models/nextToken.js";
import { childSeed } from "../../random/childSeed.js";
import { mulberry32 } from "../../random/prng.js";
import type { Target } from "../../records/record.js";
import { fitAdam } from "../../train/fitAdam.js";
import { trainableVariables } from "../../train/variables.js";
import {
  CHAR_CORPORA,
  type CharCorpusName,
  type CharGptData,
  type CharWindows,
  charGptData,
  charWindows,
  charWindowsAt,
  decodeChars,
} from "./data.js";
import { type CharGptModelConfig, charGptModel } from "./model.js";

/**
 * Settings of the char-gpt experiment: the model's (its V comes from the corpus), the corpus, training,
 * scoring and sampling.
 */
export interface CharGptConfig extends Omit<CharGptModelConfig, "vocabSize"> {
  /** The corpus: "moby-dick" (English prose) or "tang-quatrains" (five-character Tang poems). */
  corpus: CharCorpusName;
  learningRate: number;
  /** Windows per training step. */
  batchSize: number;
  /** Epochs of `stepsPerEpoch` steps each (an epoch here is a fixed number of random windows, not a pass). */
  epochs: number;
  stepsPerEpoch: number;
  /** W: fixed validation windows, evenly spaced through the validation text, scored after every epoch. */
  evalWindows: number;
  /** Characters of the generated sample. */
  sampleLength: number;
  /** Sampling temperature τ of the sample (logits / τ). */
  temperature: number;
  /** The sample draws from the topK most likely characters only. */
  topK: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const CHAR_GPT_DEFAULTS: CharGptConfig = {
  seed: 0,
  corpus: "moby-dick",
  blockSize: 64,
  dModel: 64,
  numHeads: 4,
  numLayers: 2,
  dFF: 256,
  dropout: 0,
  learningRate: 0.003,
  batchSize: 32,
  epochs: 10,
  stepsPerEpoch: 100,
  evalWindows: 64,
  sampleLength: 300,
  temperature: 0.8,
  topK: 10,
};

/** Quick mode (CI): a smaller model, a shorter context and a few dozen steps. */
export const CHAR_GPT_QUICK: Partial<CharGptConfig> = {
  blockSize: 32,
  dModel: 32,
  numHeads: 2,
  numLayers: 1,
  dFF: 64,
  batchSize: 16,
  epochs: 2,
  stepsPerEpoch: 10,
  evalWindows: 16,
  sampleLength: 60,
};

/** The claims of the full-mode run (Moby-Dick). */
export const CHAR_GPT_TARGETS: Target[] = [
  { metric: "gainOverBigram", op: ">=", value: 0.6 },
  { metric: "bitsPerChar", op: "<=", value: 2.95 },
];

/** What the evaluation gives. */
export interface CharGptEvaluation {
  metrics: {
    /** The model's validation bits per character on the fixed windows. */
    bitsPerChar: number;
    /** The add-one unigram's, on the whole validation text. */
    unigramBitsPerChar: number;
    /** The Witten–Bell bigram's, on the whole validation text. */
    bigramBitsPerChar: number;
    /** bigramBitsPerChar − bitsPerChar: what the context beyond one character buys. */
    gainOverBigram: number;
  };
  /** The windows scored: `[W][T]` inputs and targets and their starts. */
  windows: CharWindows;
}

/**
 * The W = `evalWindows` validation windows of T = `blockSize` characters, at the evenly spaced starts
 * s_i = ⌊i · last / (W − 1)⌋ (i = 0 … W − 1; s_0 = 0 for W = 1), last = |valid| − T − 1: the same windows every
 * time, so every epoch and every re-run scores the same characters.
 * @example
 *   charGptEvalWindows(Array.from({ length: 20 }, (_, i) => i), { blockSize: 4, evalWindows: 3 }).starts; // [0, 7, 15]
 */
export function charGptEvalWindows(
  valid: readonly number[],
  config: Pick<CharGptConfig, "blockSize" | "evalWindows">,
): CharWindows {
  const { blockSize, evalWindows } = config;
  if (!(Number.isInteger(evalWindows) && evalWindows >= 1))
    throw new RangeError(
      `charGptEvalWindows: config.evalWindows must be an integer ≥ 1, got ${describeValue(evalWindows)}`,
    );
  if (!Array.isArray(valid))
    throw new TypeError(`charGptEvalWindows: valid must be an array of ids, got ${describeValue(valid)}`);
  const last = valid.length - blockSize - 1;
  const starts = Array.from({ length: evalWindows }, (_, i) =>
    evalWindows === 1 ? 0 : Math.floor((i * last) / (evalWindows - 1)),
  );
  return charWindowsAt(valid, starts, blockSize);
}

/** Windows `[B][T]` with their targets as token rows `[B][T + 1]` (what `nextTokenLoss` reads). */
function windowTokens(windows: CharWindows): number[][] {
  return windows.inputs.map((row, b) => [...row, windows.targets[b]!.at(-1)!]);
}

/**
 * Mean validation bits per character of `model` on `windows` (dropout off), batched by `batchSize`:
 * Σ_batches nextTokenLoss · (its windows) / W / ln 2. Leaves no tensor behind.
 */
export function charGptBitsPerChar(model: Gpt, windows: CharWindows, batchSize: number): number {
  const rows = windowTokens(windows);
  let nats = 0;
  for (let i = 0; i < rows.length; i += batchSize) {
    const chunk = rows.slice(i, i + batchSize);
    const loss = tf.tidy(() =>
      nextTokenLoss(model, tf.tensor2d(chunk, [chunk.length, chunk[0]!.length], "int32")),
    );
    nats += loss.dataSync()[0]! * chunk.length;
    loss.dispose();
  }
  return bitsPerToken(nats / rows.length);
}

/**
 * The model's validation bits per character on the fixed windows ({@link charGptEvalWindows}) beside the
 * unigram and bigram baselines of `data` (training counts, whole validation text), and the gain over the bigram.
 */
export function charGptEvaluate(
  model: Gpt,
  data: CharGptData,
  config: Pick<CharGptConfig, "blockSize" | "evalWindows" | "batchSize">,
): CharGptEvaluation {
  const windows = charGptEvalWindows(data.valid, config);
  const bitsPerChar = charGptBitsPerChar(model, windows, config.batchSize);
  const V = data.vocab.chars.length;
  const unigramBitsPerChar = unigramBaseline(data.train, data.valid, V).bitsPerChar;
  const bigramBitsPerChar = bigramBaseline(data.train, data.valid, V).bitsPerChar;
  return {
    metrics: {
      bitsPerChar,
      unigramBitsPerChar,
      bigramBitsPerChar,
      gainOverBigram: bigramBitsPerChar - bitsPerChar,
    },
    windows,
  };
}

/** A sampled continuation: the prompt (the first characters of the validation text) and what followed. */
export interface CharGptSample {
  prompt: string;
  text: string;
}

/**
 * `config.sampleLength` characters sampled after the first ⌊blockSize / 2⌋ validation characters, with
 * temperature `config.temperature`, the `config.topK` most likely characters and the seed
 * `childSeed(config.seed, "sample")`: the same text for the same model and config.
 */
export function charGptSample(
  model: Gpt,
  data: CharGptData,
  config: Pick<CharGptConfig, "seed" | "blockSize" | "sampleLength" | "temperature" | "topK">,
): CharGptSample {
  const prompt = data.valid.slice(0, Math.max(1, Math.floor(config.blockSize / 2)));
  const out = generate(model, prompt, {
    maxNewTokens: config.sampleLength,
    temperature: config.temperature,
    topK: Math.min(config.topK, data.vocab.chars.length),
    seed: childSeed(config.seed, "sample"),
  });
  return { prompt: decodeChars(data.vocab, prompt), text: decodeChars(data.vocab, out.newTokens) };
}

/** The trained model (the caller disposes it), the data, the final evaluation and the sample. */
export interface CharGptArtifacts {
  model: Gpt;
  data: CharGptData;
  final: CharGptEvaluation;
  sample: CharGptSample;
}

export const charGptExperiment = defineExperiment<CharGptConfig, CharGptArtifacts>({
  name: "char-gpt",
  title: "A character-level GPT: next-character prediction on Moby-Dick, in bits per character",
  notebook: "notebooks/10-char-gpt.ipynb",
  defaults: CHAR_GPT_DEFAULTS,
  quick: CHAR_GPT_QUICK,
  configRules: {
    corpus: opt.oneOf(CHAR_CORPORA),
    dropout: opt.number({ min: 0, below: 1 }),
    numHeads: opt.integer({ min: 1 }),
    numLayers: opt.integer({ min: 1 }),
    dFF: opt.integer({ min: 1 }),
    blockSize: opt.integer({ min: 1 }),
    stepsPerEpoch: opt.integer({ min: 1 }),
    evalWindows: opt.integer({ min: 1 }),
    topK: opt.integer({ min: 1 }),
  },
  targets: CHAR_GPT_TARGETS,
  run(config, context) {
    const data = charGptData(config);
    return disposeOnError(async (own) => {
      const model = own(charGptModel({ ...config, vocabSize: data.vocab.chars.length }));
      // Random training windows (one more character than blockSize: the last one is only a target), drawn
      // from one seeded generator in step order, so a re-run sees the same windows.
      const rng = mulberry32(childSeed(config.seed, "batches"));
      const training = await fitAdam({
        title: "char-gpt",
        adam: { learningRate: config.learningRate },
        variables: trainableVariables(model),
        size: config.stepsPerEpoch * config.batchSize,
        epochs: config.epochs,
        batchSize: config.batchSize,
        shuffle: false,
        batch: (ix) => {
          const w = charWindows(data.train, { blockSize: config.blockSize, batchSize: ix.length, rng });
          return tf.tensor2d(windowTokens(w), [ix.length, config.blockSize + 1], "int32");
        },
        loss: (tokens) => nextTokenLoss(model, tokens, { training: true }),
        evaluate: () => ({
          bitsPerChar: charGptBitsPerChar(model, charGptEvalWindows(data.valid, config), config.batchSize),
        }),
        progress: context.progress,
      });
      const final = charGptEvaluate(model, data, config);
      const sample = charGptSample(model, data, config);
      return {
        dataset: data.dataset,
        history: training.history,
        metrics: { ...final.metrics },
        artifacts: { model, data, final, sample },
      };
    });
  },
});

/**
 * Autoregressive generation with a causal language model: read the context (the last blockSize tokens), take the
 * logits of its last position, sample a token with tier 1's {@link sampleToken} (temperature, top-k, top-p, a
 * seeded generator), append it, repeat. Follows: Radford et al. 2019 (sampling from GPT-2); nanoGPT
 * `GPT.generate` (crop to block_size, logits[:, -1, :] / temperature, optional top-k, multinomial draw).
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, checkValue, describeValue, opt } from "../check/options.js";
import { type SampledToken, type SamplingOptions, sampleToken } from "../math/sampling.js";
import { mulberry32 } from "../random/prng.js";
import { throwIfInterrupted } from "../train/interrupt.js";
import type { KeyValueCache } from "./keyValueCache.js";
import type { CausalLanguageModel } from "./nextToken.js";

/** Options of {@link generate}. */
export interface GenerateOptions extends SamplingOptions {
  /** Tokens to add after the prompt, an integer in [0, 100000]. Required. */
  maxNewTokens: number;
  /** Seed of the draws: step i uses the i-th number of `mulberry32(seed)`. Default 0. */
  seed?: number;
  /** Also return each step's {@link SampledToken} (its distributions, for display). Default `false`. */
  keepSteps?: boolean;
  /**
   * Use the model's key/value cache (`newCache`, `decodeStep`: the Gpt): the prompt is read once, then each step
   * feeds only the newest token; same tokens and logits. Once the sequence is longer than blockSize the window
   * slides and every position changes, so each step then starts a new cache from the cropped context (no
   * saving there). Default `false`.
   */
  cache?: boolean;
}

/** A language model with a key/value cache (the Gpt's `newCache` and `decodeStep`). */
interface CachedLanguageModel extends CausalLanguageModel {
  newCache(): KeyValueCache;
  decodeStep(tokens: tf.Tensor, cache: KeyValueCache): tf.Tensor;
}

/** What {@link generate} returns. */
export interface Generated {
  /** The prompt followed by the new tokens. */
  tokens: number[];
  /** The new tokens only. */
  newTokens: number[];
  /** With `keepSteps`: how each new token was chosen, in order. */
  steps?: SampledToken[];
}

const GENERATE_SPEC = {
  maxNewTokens: opt.integer({ min: 0, max: 100_000, required: true }),
  temperature: opt.number({ min: 0 }),
  topK: opt.integer({ min: 1 }),
  topP: opt.number({ above: 0, max: 1 }),
  seed: opt.integer({ min: 0 }),
  keepSteps: opt.boolean(),
  cache: opt.boolean(),
};

/**
 * Continues `prompt` (token ids, at least one) by `maxNewTokens` sampled tokens. Each step feeds the last
 * `blockSize` tokens as `[1, T]`, keeps the logits of the last position and calls `sampleToken` on them with
 * `rng = mulberry32(seed)` (one generator for the whole run); temperature 0 is greedy. Every tensor is disposed,
 * on errors and interrupts too.
 * @example
 *   generate(model, [1, 2], { maxNewTokens: 5, temperature: 0.8, topK: 10, seed: 1 }).tokens.length; // 7
 */
export function generate(
  model: CausalLanguageModel,
  prompt: readonly number[],
  options: GenerateOptions,
): Generated {
  const {
    maxNewTokens,
    seed = 0,
    keepSteps = false,
    cache: useCache = false,
    ...shaping
  } = checkOptions("generate", options, GENERATE_SPEC);
  const { vocabSize, blockSize } = checkPrompt(model, prompt);
  const cached = useCache ? cachedLanguageModel(model) : undefined;
  const rng = mulberry32(seed);
  const tokens = [...prompt];
  const steps: SampledToken[] = [];
  let cache: KeyValueCache | undefined;
  try {
    for (let i = 0; i < maxNewTokens; i++) {
      throwIfInterrupted(); // Kernel → Interrupt, between steps
      const context = tokens.slice(-blockSize); // crop to the block size
      let last: tf.TypedArray;
      if (cached === undefined) {
        last = tf.tidy(() => {
          const logits = model.apply(tf.tensor2d([context], [1, context.length], "int32")) as tf.Tensor; // [1, T, V]
          return logits.slice([0, context.length - 1, 0], [1, 1, vocabSize]).dataSync(); // [V]
        });
      } else {
        // the cache holds tokens[0 … n−2] while the window has not slid; else read the cropped context afresh
        const fresh = cache === undefined || tokens.length > blockSize;
        if (fresh) {
          cache?.dispose();
          cache = cached.newCache();
        }
        const feed = fresh ? context : context.slice(-1);
        const c = cache!;
        last = tf.tidy(() => {
          const logits = cached.decodeStep(tf.tensor2d([feed], [1, feed.length], "int32"), c); // [1, T, V]
          return logits.slice([0, feed.length - 1, 0], [1, 1, vocabSize]).dataSync(); // [V]
        });
      }
      const step = sampleToken(last, { ...shaping, rng });
      tokens.push(step.token);
      if (keepSteps) steps.push(step);
    }
  } finally {
    cache?.dispose(); // on errors and interrupts too
  }
  const newTokens = tokens.slice(prompt.length);
  return keepSteps ? { tokens, newTokens, steps } : { tokens, newTokens };
}

/** `model` as a cached language model, or a clear error when it has no key/value cache. */
function cachedLanguageModel(model: CausalLanguageModel): CachedLanguageModel {
  const m = model as Partial<CachedLanguageModel>;
  if (typeof m.newCache !== "function" || typeof m.decodeStep !== "function") {
    throw new TypeError(
      `generate: options.cache needs a model with a key/value cache (newCache and decodeStep, as the Gpt has), got ${describeValue(model)}`,
    );
  }
  return model as CachedLanguageModel;
}

/** The model's sizes, after checking that `prompt` is a non-empty list of ids in [0, vocabSize). */
function checkPrompt(
  model: CausalLanguageModel,
  prompt: readonly number[],
): { vocabSize: number; blockSize: number } {
  const config = (model as Partial<CausalLanguageModel> | null)?.config;
  if (typeof model?.apply !== "function" || config === undefined) {
    throw new TypeError(
      `generate: model must be a causal language model (a Gpt), got ${describeValue(model)}`,
    );
  }
  const { vocabSize, blockSize } = config;
  if (!Array.isArray(prompt) || prompt.length === 0) {
    throw new RangeError(
      `generate: prompt must be a non-empty array of token ids, got ${describeValue(prompt)}`,
    );
  }
  const id = opt.integer({ min: 0, max: vocabSize - 1 });
  prompt.forEach((t, i) => {
    checkValue("generate", `prompt[${i}]`, t, id);
  });
  return { vocabSize, blockSize };
}

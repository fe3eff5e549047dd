/**
 * The copy task: the target is the source itself, so a model must learn to attend from output position i to
 * input position i. Seeded sequences over a vocabulary of 11 (pad, start, end, 8 symbols), length 10.
 * Follows: the Annotated Transformer's "a first example" (copy random symbols); d2l's seq2seq batches
 * (decoder input = start + target, decoder target = target + end).
 */
import * as tf from "@tensorflow/tfjs";
import { checkValue, describeValue } from "../check/options.js";
import { MAX_LENGTH, SEED, SIZE } from "../layers/layerOptions.js";
import { mulberry32, type Rng } from "../random/prng.js";

/** Special tokens and sizes of the copy task. */
export const COPY_TASK = { vocabSize: 11, length: 10, pad: 0, bos: 1, eos: 2, firstSymbol: 3 } as const;

/** A batch as plain arrays: `src [B, L]`, `tgtIn [B, L + 1]` (start + src), `tgtOut [B, L + 1]` (src + end). */
export interface CopyBatch {
  src: number[][];
  tgtIn: number[][];
  tgtOut: number[][];
}

/**
 * `batchSize` random sequences of symbols 3 … 10 drawn from `rng` (or from a seed).
 * @example copySequences(7, 1).src[0].length; // 10
 */
export function copySequences(
  rng: Rng | number,
  batchSize: number,
  length: number = COPY_TASK.length,
): CopyBatch {
  if (typeof rng === "number") checkValue("copySequences", "rng (a seed)", rng, SEED);
  else if (typeof (rng as Partial<Rng> | null)?.int !== "function") {
    throw new TypeError(
      `copySequences: rng must be a seed (an integer ≥ 0) or an Rng, got ${describeValue(rng)}`,
    );
  }
  checkValue("copySequences", "batchSize", batchSize, SIZE({ required: true, max: 1_000_000 }));
  checkValue("copySequences", "length", length, MAX_LENGTH({ required: true }));
  const r = typeof rng === "number" ? mulberry32(rng) : rng;
  const { bos, eos, firstSymbol, vocabSize } = COPY_TASK;
  const src = Array.from({ length: batchSize }, () =>
    Array.from({ length }, () => r.int(firstSymbol, vocabSize - 1)),
  );
  return { src, tgtIn: src.map((s) => [bos, ...s]), tgtOut: src.map((s) => [...s, eos]) };
}

/** The batch as int32 tensors (the caller disposes them). */
export function copyTaskTensors(batch: CopyBatch): {
  src: tf.Tensor2D;
  tgtIn: tf.Tensor2D;
  tgtOut: tf.Tensor2D;
} {
  return {
    src: tf.tensor2d(batch.src, undefined, "int32"),
    tgtIn: tf.tensor2d(batch.tgtIn, undefined, "int32"),
    tgtOut: tf.tensor2d(batch.tgtOut, undefined, "int32"),
  };
}

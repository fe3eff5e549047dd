/**
 * The date model is a library model, the kit's `Transformer` over characters in its `tiny` preset (1+1 layers,
 * post-LN, sinusoidal positions, no dropout). This file builds it from a case config and reads it: greedy
 * decoding to ISO strings, and the decoder's cross-attention per example.
 */
import * as tf from "@tensorflow/tfjs";
import { type DecodableModel, greedyDecode } from "../../models/decoding.js";
import { Transformer } from "../../models/transformer.js";
import { transformerConfig } from "../../models/transformerConfig.js";
import { childSeed } from "../../random/childSeed.js";
import {
  DATE_LENGTHS,
  DATE_SOURCE_CHARS,
  DATE_TARGET,
  type DateExample,
  datesArrays,
  decodeDateTarget,
  encodeDateSource,
} from "./data.js";

/** The settings the model reads from a dates config. */
export interface DatesModelConfig {
  seed: number;
  /** Model width E. */
  dModel: number;
  /** Attention heads N (E must be divisible by it). */
  numHeads: number;
  /** Hidden width of each feed-forward block. */
  dFF: number;
}

/**
 * The Transformer from the source characters (pad + 68) to the ISO characters (pad, start, end, `-`, digits),
 * seeded by `childSeed(seed, "model")`.
 * @example datesModel({ seed: 0, dModel: 32, numHeads: 2, dFF: 64 }).config.tgtVocab; // 14
 */
export function datesModel(config: DatesModelConfig): Transformer {
  const sizes = {
    srcVocab: DATE_SOURCE_CHARS.length + 1,
    tgtVocab: DATE_TARGET.vocabSize,
    maxLength: DATE_LENGTHS.source + 3,
    dModel: config.dModel,
    numHeads: config.numHeads,
    dFF: config.dFF,
    seed: childSeed(config.seed, "model"),
  };
  return new Transformer(transformerConfig(sizes, "tiny")).ensureBuilt();
}

/**
 * Greedy decoding of `texts` to ISO strings (what the model writes, `?` for a non-date token), by the case's
 * Transformer or any other encoder–decoder over the same vocabularies (a `Seq2seqRnn`).
 */
export function datesPredict<M extends tf.Tensor | tf.Tensor[]>(
  model: DecodableModel<M>,
  texts: readonly string[],
  batchSize = 256,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < texts.length; i += batchSize) {
    const chunk = texts.slice(i, i + batchSize);
    const ids = greedyDecode(
      model,
      chunk.map((t) => encodeDateSource(t)),
      {
        bos: DATE_TARGET.bos,
        eos: DATE_TARGET.eos,
        maxLength: DATE_LENGTHS.target + 1,
        srcValidLens: chunk.map((t) => t.length),
      },
    );
    out.push(...ids.map(decodeDateTarget));
  }
  return out;
}

/**
 * The last decoder layer's cross-attention for each example under teacher forcing (decoder input = start +
 * the correct ISO string), averaged over heads and cut to the real characters: `[11 output steps][text length]`.
 * Row k is the step that writes ISO character k (row 10 writes the end token). Rows sum to 1.
 */
export function datesCrossAttention(model: Transformer, examples: readonly DateExample[]): number[][][] {
  if (examples.length === 0) return [];
  const arrays = datesArrays(examples);
  const mean = tf.tidy(() => {
    const { attention } = model.applyWithAttention(
      [tf.tensor2d(arrays.src, undefined, "int32"), tf.tensor2d(arrays.tgtIn, undefined, "int32")],
      { srcValidLens: tf.tensor1d(arrays.srcLens, "int32") },
    );
    return tf.mean(attention.decoderCross[attention.decoderCross.length - 1]!, 1); // [B, T, S]
  });
  const weights = mean.arraySync() as number[][][];
  mean.dispose();
  return weights.map((rows, b) => rows.map((row) => row.slice(0, arrays.srcLens[b])));
}

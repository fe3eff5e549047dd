/**
 * The date model is the kit's `Transformer` over characters; this file holds what the case adds: tensors of a
 * batch, greedy decoding to ISO strings, and the decoder's cross-attention per example.
 */
import * as tf from "@tensorflow/tfjs";
import { greedyDecode } from "../../models/decoding.js";
import { Transformer } from "../../models/transformer.js";
import { transformerConfig } from "../../models/transformerConfig.js";
import type { Rng } from "../../random/prng.js";
import { take } from "../../train/batches.js";
import {
  DATE_LENGTHS,
  DATE_SOURCE_CHARS,
  DATE_TARGET,
  type DateExample,
  decodeDateTarget,
  encodeDateSource,
  encodeDateTarget,
} from "./data.js";

/** Model size of the date Transformer. */
export interface DatesModelOptions {
  dModel: number;
  numHeads: number;
  dFF: number;
  seed: number;
}

/**
 * A 1+1-layer Transformer from the source characters (pad + 68) to the ISO characters (pad, start, end, 11).
 * @example datesTransformer({ dModel: 32, numHeads: 2, dFF: 64, seed: 0 }).config.tgtVocab; // 14
 */
export function datesTransformer(options: DatesModelOptions): Transformer {
  return new Transformer(
    transformerConfig(
      {
        srcVocab: DATE_SOURCE_CHARS.length + 1,
        tgtVocab: DATE_TARGET.vocabSize,
        maxLength: DATE_LENGTHS.source + 3,
        dModel: options.dModel,
        numHeads: options.numHeads,
        dFF: options.dFF,
        seed: options.seed,
      },
      "tiny",
    ),
  ).ensureBuilt();
}

/** Plain-array teacher-forcing batch: padded sources, valid lengths, decoder input and target. */
export interface DatesArrays {
  src: number[][];
  srcLens: number[];
  tgtIn: number[][];
  tgtOut: number[][];
}

/** Encodes examples for training (decoder input = start + ISO, target = ISO + end). */
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
 * Training batches of similar source length: the indices shuffled with `rng`, stably sorted by length, cut
 * into batches of `batchSize`. A batch is then padded only to its own longest source (most dates are far
 * shorter than the 29 characters of the longest weekday form), which roughly halves the encoder's work.
 * @example lengthBuckets([3, 1, 2, 1], 2, mulberry32(0)).map((b) => b.length); // [2, 2]
 */
export function lengthBuckets(lengths: readonly number[], batchSize: number, rng: Rng): number[][] {
  const order = rng.shuffle(lengths.map((_, i) => i)).sort((a, b) => lengths[a]! - lengths[b]!);
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
}

/** The tensors of one training batch, sources cut to the batch's longest (the caller disposes them). */
export function datesBatchTensors(
  arrays: DatesArrays,
  indices: readonly number[],
): { src: tf.Tensor2D; srcLens: tf.Tensor1D; tgtIn: tf.Tensor2D; tgtOut: tf.Tensor2D } {
  const lens = take(arrays.srcLens, indices);
  const width = Math.max(...lens);
  return {
    src: tf.tensor2d(
      take(arrays.src, indices).map((r) => r.slice(0, width)),
      undefined,
      "int32",
    ),
    srcLens: tf.tensor1d(lens, "int32"),
    tgtIn: tf.tensor2d(take(arrays.tgtIn, indices), undefined, "int32"),
    tgtOut: tf.tensor2d(take(arrays.tgtOut, indices), undefined, "int32"),
  };
}

/** Greedy decoding of `texts` to ISO strings (what the model writes, `?` for a non-date token). */
export function datesPredict(model: Transformer, texts: readonly string[], batchSize = 256): string[] {
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
  const arrays = datesArrays(examples);
  const mean = tf.tidy(() => {
    const att = model.attention(
      tf.tensor2d(arrays.src, undefined, "int32"),
      tf.tensor2d(arrays.tgtIn, undefined, "int32"),
      { srcValidLens: tf.tensor1d(arrays.srcLens, "int32") },
    );
    return tf.mean(att.decoderCross[att.decoderCross.length - 1]!, 1); // [B, T, S]
  });
  const weights = mean.arraySync() as number[][][];
  mean.dispose();
  return weights.map((rows, b) => rows.map((row) => row.slice(0, arrays.srcLens[b])));
}

/** The index of the largest entry. */
function argmax(row: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/**
 * The fraction of output digits whose cross-attention argmax lies inside the input span of their part:
 * year digits (ISO 0–3) in the year, month digits (5–6) in the month (name or number), day digits (8–9) in
 * the day. `weights` as from {@link datesCrossAttention}.
 */
export function datesAttentionHits(
  weights: readonly number[][][],
  examples: readonly DateExample[],
): { year: number; month: number; day: number } {
  const parts = { year: [0, 1, 2, 3], month: [5, 6], day: [8, 9] } as const;
  const hits = { year: 0, month: 0, day: 0 };
  for (const [b, w] of weights.entries()) {
    const spans = examples[b]!.spans;
    for (const part of ["year", "month", "day"] as const) {
      const [start, end] = spans[part];
      for (const k of parts[part]) {
        const j = argmax(w[k]!);
        if (j >= start && j < end) hits[part]++;
      }
    }
  }
  const n = Math.max(weights.length, 1);
  return { year: hits.year / (4 * n), month: hits.month / (2 * n), day: hits.day / (2 * n) };
}

/**
 * The EN→FR models are the kit's `Transformer` (tiny preset) and `Seq2seqRnn` (GRU + additive attention); this
 * file holds what the case adds: padded teacher-forcing arrays, greedy translation to tokens, and the decoder's
 * cross-attention (Transformer) or alignment (GRU) for one sentence pair.
 */
import * as tf from "@tensorflow/tfjs";
import { greedyDecode } from "../../models/decoding.js";
import type { Seq2seqModel } from "../../models/seq2seqModel.js";
import { Seq2seqRnn } from "../../models/seq2seqRnn.js";
import { seq2seqRnnConfig } from "../../models/seq2seqRnnConfig.js";
import { Transformer } from "../../models/transformer.js";
import { transformerConfig } from "../../models/transformerConfig.js";
import { take } from "../../train/batches.js";
import { ENFR_SPECIAL, type EnfrPair, type EnfrVocab, enfrVocabs } from "./data.js";

/** Longest English sentence (7 tokens) and longest French one (9 tokens) of the grammar. */
export const ENFR_LENGTHS = { source: 7, target: 9 } as const;

/** Plain-array teacher-forcing batch: padded sources, valid lengths, decoder input and target (padded with 0). */
export interface EnfrArrays {
  src: number[][];
  srcLens: number[];
  tgtIn: number[][];
  tgtOut: number[][];
}

function ids(vocab: EnfrVocab, tokens: readonly string[]): number[] {
  return tokens.map((t) => {
    const id = vocab.ids.get(t);
    if (id === undefined) throw new RangeError(`enfr: unknown token "${t}"`);
    return id;
  });
}

function pad(row: number[], length: number): number[] {
  return [...row, ...new Array<number>(length - row.length).fill(ENFR_SPECIAL.pad)];
}

/**
 * Encodes pairs for teacher forcing: source ids padded to 7, decoder input `<s> y₁ … y_T`, target
 * `y₁ … y_T </s>`, both padded to 10.
 * @example enfrArrays([{ en: ["I", "love", "art"], fr: ["j'", "aime", "l'", "art"] }]).tgtIn[0].slice(0, 6); // [1, 3, 4, 10, 11, 0]
 */
export function enfrArrays(pairs: readonly EnfrPair[]): EnfrArrays {
  const v = enfrVocabs();
  const t = ENFR_LENGTHS.target + 1;
  return {
    src: pairs.map((p) => pad(ids(v.en, p.en), ENFR_LENGTHS.source)),
    srcLens: pairs.map((p) => p.en.length),
    tgtIn: pairs.map((p) => pad([ENFR_SPECIAL.bos, ...ids(v.fr, p.fr)], t)),
    tgtOut: pairs.map((p) => pad([...ids(v.fr, p.fr), ENFR_SPECIAL.eos], t)),
  };
}

/** A batch of EN→FR pairs (a type alias, so it is a tfjs `TensorContainer`). */
export type EnfrBatch = {
  src: tf.Tensor2D;
  srcValidLens: tf.Tensor1D;
  tgtIn: tf.Tensor2D;
  tgtOut: tf.Tensor2D;
};

/**
 * Rows `ix` of `arrays` as a batch of int32 tensors, in `trainStep`'s shape (`src [B, S]`, `tgtIn`/`tgtOut`
 * `[B, T]`, `srcValidLens [B]`); used by the experiment and the browser lab.
 */
export function enfrBatch(arrays: EnfrArrays, ix: readonly number[]): EnfrBatch {
  return {
    src: tf.tensor2d(take(arrays.src, ix), undefined, "int32"),
    srcValidLens: tf.tensor1d(take(arrays.srcLens, ix), "int32"),
    tgtIn: tf.tensor2d(take(arrays.tgtIn, ix), undefined, "int32"),
    tgtOut: tf.tensor2d(take(arrays.tgtOut, ix), undefined, "int32"),
  };
}

/** Size of the Transformer (the tiny preset: 1+1 layers, FFN 64 by default). */
export interface EnfrTransformerOptions {
  dModel: number;
  numHeads: number;
  dFF: number;
  seed: number;
}

/**
 * A 1+1-layer post-LN Transformer (sinusoidal positions, no dropout) from the 29 English to the 40 French tokens.
 * @example enfrTransformer({ dModel: 32, numHeads: 2, dFF: 64, seed: 0 }).config.tgtVocab; // 40
 */
export function enfrTransformer(options: EnfrTransformerOptions): Transformer {
  const v = enfrVocabs();
  return new Transformer(
    transformerConfig(
      {
        srcVocab: v.en.tokens.length,
        tgtVocab: v.fr.tokens.length,
        maxLength: ENFR_LENGTHS.target + 2,
        dModel: options.dModel,
        numHeads: options.numHeads,
        dFF: options.dFF,
        seed: options.seed,
      },
      "tiny",
    ),
  ).ensureBuilt();
}

/**
 * The RNN baseline: GRU encoder, GRU decoder with Bahdanau (additive) attention.
 * @example enfrGru({ embedSize: 16, hiddenSize: 32, seed: 0 }).config.cell; // "gru"
 */
export function enfrGru(options: { embedSize: number; hiddenSize: number; seed: number }): Seq2seqRnn {
  const v = enfrVocabs();
  return new Seq2seqRnn(
    seq2seqRnnConfig({
      srcVocab: v.en.tokens.length,
      tgtVocab: v.fr.tokens.length,
      embedSize: options.embedSize,
      hiddenSize: options.hiddenSize,
      cell: "gru",
      attention: "additive",
      maxLength: ENFR_LENGTHS.target + 2,
      seed: options.seed,
    }),
  ).ensureBuilt();
}

/**
 * Greedy translation of English token lists into French tokens (no `<s>`/`</s>`), in batches.
 * @example enfrTranslate(model, [["I", "love", "programming"]]); // [["j'", "aime", "la", "programmation"]] once trained
 */
export function enfrTranslate(
  model: Seq2seqModel<tf.Tensor> | Seq2seqModel<tf.Tensor[]>,
  sentences: readonly (readonly string[])[],
  batchSize = 360,
): string[][] {
  const v = enfrVocabs();
  const out: string[][] = [];
  for (let i = 0; i < sentences.length; i += batchSize) {
    const chunk = sentences.slice(i, i + batchSize);
    const decoded = greedyDecode(
      model as Seq2seqModel<tf.Tensor>,
      chunk.map((s) => pad(ids(v.en, s), ENFR_LENGTHS.source)),
      {
        bos: ENFR_SPECIAL.bos,
        eos: ENFR_SPECIAL.eos,
        maxLength: ENFR_LENGTHS.target + 1,
        srcValidLens: chunk.map((s) => s.length),
      },
    );
    out.push(...decoded.map((row) => row.map((id) => v.fr.tokens[id] ?? "<?>")));
  }
  return out;
}

/**
 * One pair's attention under teacher forcing, with the decoder fed `<s>` + the French tokens: row k is the step
 * that writes French token k (the last row writes `</s>`), columns the English tokens (padding never exists:
 * batch of one). Transformer: the last decoder layer's cross-attention per head `[N][T+1][S]`; GRU: the
 * additive attention `[1][T+1][S]`. Rows sum to 1.
 */
export function enfrAttention(model: Transformer | Seq2seqRnn, pair: EnfrPair): number[][][] {
  const a = enfrArrays([pair]);
  const s = pair.en.length;
  const t = pair.fr.length + 1;
  const weights = tf.tidy(() => {
    const src = tf.tensor2d([a.src[0]!.slice(0, s)], undefined, "int32");
    const tgtIn = tf.tensor2d([a.tgtIn[0]!.slice(0, t)], undefined, "int32");
    if (model instanceof Transformer) {
      const att = model.attention(src, tgtIn);
      return att.decoderCross[att.decoderCross.length - 1]!.squeeze([0]); // [N, T, S]
    }
    return model.attention(src, tgtIn).weights; // [1, T, S]
  });
  const out = weights.arraySync() as number[][][];
  weights.dispose();
  return out;
}

/** The mean over heads of `[N][T][S]` weights → `[T][S]`. */
export function enfrMeanHeads(weights: readonly (readonly (readonly number[])[])[]): number[][] {
  return weights[0]!.map((row, i) =>
    row.map((_, j) => weights.reduce((sum, head) => sum + head[i]![j]!, 0) / weights.length),
  );
}

/**
 * The EN→FR models are library models: the kit's `Transformer` in its `tiny` preset (1+1 layers, post-LN,
 * sinusoidal positions, no dropout) and, for the ablation, its `Seq2seqRnn` (GRU encoder, GRU decoder with
 * Bahdanau additive attention). This file builds them from a case config and reads them: greedy translation to
 * tokens, and the decoder's cross-attention (Transformer) or alignment (GRU) for one sentence pair.
 */
import * as tf from "@tensorflow/tfjs";
import { greedyDecode } from "../../models/decoding.js";
import type { Seq2seqModel } from "../../models/seq2seqModel.js";
import { Seq2seqRnn } from "../../models/seq2seqRnn.js";
import { Transformer } from "../../models/transformer.js";
import { transformerConfig } from "../../models/transformerConfig.js";
import { childSeed } from "../../random/childSeed.js";
import {
  ENFR_LENGTHS,
  ENFR_SPECIAL,
  type EnfrPair,
  enfrArrays,
  enfrIds,
  enfrPad,
  enfrVocabs,
} from "./data.js";

/** The settings the Transformer reads from an EN→FR config. */
export interface EnfrModelConfig {
  seed: number;
  /** Model width E. */
  dModel: number;
  /** Attention heads N (E must be divisible by it). */
  numHeads: number;
  /** Hidden width of each feed-forward block. */
  dFF: number;
}

/**
 * The Transformer from the 29 English to the 40 French tokens, seeded by `childSeed(seed, "model")`.
 * @example enfrModel({ seed: 0, dModel: 32, numHeads: 2, dFF: 64 }).config.tgtVocab; // 40
 */
export function enfrModel(config: EnfrModelConfig): Transformer {
  const v = enfrVocabs();
  const sizes = {
    srcVocab: v.en.tokens.length,
    tgtVocab: v.fr.tokens.length,
    maxLength: ENFR_LENGTHS.target + 2,
    dModel: config.dModel,
    numHeads: config.numHeads,
    dFF: config.dFF,
    seed: childSeed(config.seed, "model"),
  };
  return new Transformer(transformerConfig(sizes, "tiny")).ensureBuilt();
}

/** The settings the GRU ablation reads from an EN→FR config. */
export interface EnfrGruConfig {
  seed: number;
  /** Width of the GRU's token embeddings. */
  gruEmbedSize: number;
  /** Hidden width of the GRU encoder, decoder and additive score network. */
  gruHiddenSize: number;
}

/**
 * The RNN baseline, seeded by `childSeed(seed, "gru/model")`: GRU encoder, GRU decoder with additive attention.
 * @example enfrGruModel({ seed: 0, gruEmbedSize: 16, gruHiddenSize: 32 }).config.cell; // "gru"
 */
export function enfrGruModel(config: EnfrGruConfig): Seq2seqRnn {
  const v = enfrVocabs();
  return new Seq2seqRnn({
    srcVocab: v.en.tokens.length,
    tgtVocab: v.fr.tokens.length,
    embedSize: config.gruEmbedSize,
    hiddenSize: config.gruHiddenSize,
    cell: "gru",
    attention: "additive",
    maxLength: ENFR_LENGTHS.target + 2,
    seed: childSeed(config.seed, "gru/model"),
  }).ensureBuilt();
}

/**
 * Greedy translation of English token lists into French tokens (no `<s>`/`</s>`), in batches.
 * @example enfrTranslate(model, [["I", "love", "programming"]]); // [["j'", "aime", "la", "programmation"]] once trained
 */
export function enfrTranslate(
  model: Transformer | Seq2seqRnn,
  sentences: readonly (readonly string[])[],
  batchSize = 360,
): string[][] {
  const v = enfrVocabs();
  const out: string[][] = [];
  for (let i = 0; i < sentences.length; i += batchSize) {
    const chunk = sentences.slice(i, i + batchSize);
    const decoded = greedyDecode(
      model as Seq2seqModel<tf.Tensor>,
      chunk.map((s) => enfrPad(enfrIds(v.en, s), ENFR_LENGTHS.source)),
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
 * that writes French token k (the last row writes `</s>`), columns the English tokens (a batch of one, so no
 * padding). Transformer: the last decoder layer's cross-attention per head `[N][T+1][S]`; GRU: its additive
 * attention `[1][T+1][S]`. Rows sum to 1.
 */
export function enfrAttention(model: Transformer | Seq2seqRnn, pair: EnfrPair): number[][][] {
  const a = enfrArrays([pair]);
  const s = pair.en.length;
  const t = pair.fr.length + 1;
  const weights = tf.tidy(() => {
    const src = tf.tensor2d([a.src[0]!.slice(0, s)], [1, s], "int32");
    const tgtIn = tf.tensor2d([a.tgtIn[0]!.slice(0, t)], [1, t], "int32");
    const { attention } = model.applyWithAttention([src, tgtIn]); // the output is freed by tidy
    const cross = attention.decoderCross[attention.decoderCross.length - 1]!; // [1, N, T, S] or [1, T, S]
    return model instanceof Transformer ? cross.squeeze([0]) : cross; // [N, T, S] or [1, T, S]
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

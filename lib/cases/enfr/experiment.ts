/**
 * Case study: EN→FR translation (S002 §4.3, corrected). A 1+1-layer Transformer learns a 3,600-pair template
 * grammar (conjugation, elision, gendered articles, ne … pas). Targets: held-out exact match ≥ 0.98; the seed
 * sentence "I love programming" (held out) decodes to "j' aime la programmation"; in the decoder's
 * cross-attention (head 0, as in the catalog's calibration) the step writing `j'` looks hardest at "I" and the
 * step writing `la` at "programming". Ablation: a GRU encoder–decoder with additive attention (`gru.*`).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { bleu } from "../../metrics/bleu.js";
import { exactMatch } from "../../metrics/classification.js";
import type { Seq2seqRnn } from "../../models/seq2seqRnn.js";
import { sequenceCrossEntropy, warmupRate } from "../../models/seq2seqTraining.js";
import type { Transformer } from "../../models/transformer.js";
import { hashValue } from "../../records/record.js";
import { fit } from "../../train/fit.js";
import { ENFR_SEED_PAIR, ENFR_SPECIAL, type EnfrPair, enfrData } from "./data.js";
import {
  enfrArrays,
  enfrBatch,
  enfrAttention,
  enfrGru,
  enfrMeanHeads,
  enfrTransformer,
  enfrTranslate,
} from "./model.js";

/** Settings of the EN→FR experiment (`gru*`: the GRU ablation; `gruEpochs: 0` skips it). */
export interface EnfrConfig {
  seed: number;
  testFraction: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  warmup: number;
  dModel: number;
  numHeads: number;
  dFF: number;
  gruEpochs: number;
  gruBatchSize: number;
  gruLearningRate: number;
  gruEmbedSize: number;
  gruHiddenSize: number;
  [key: string]: unknown;
}

/** What the notebook shows: the models (the caller disposes them), the held-out set and the translations. */
export interface EnfrArtifacts {
  model: Transformer;
  /** Undefined when `gruEpochs` is 0. */
  gru: Seq2seqRnn | undefined;
  test: EnfrPair[];
  predictions: string[][];
  gruPredictions: string[][] | undefined;
  /** The seed sentence: what the Transformer wrote, its cross-attention per head `[N][T+1][S]` and mean `[T+1][S]`. */
  seed: {
    decoded: string[];
    cross: number[][][];
    crossMean: number[][];
    gruAlignment: number[][] | undefined;
  };
}

/** Argmax of a row. */
function argmax(row: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/**
 * The seed-sentence checks on the cross-attention `[N][T+1][S]` (rows = the steps writing j' aime la
 * programmation </s>; columns = I love programming): does head 0's `j'` row peak at "I" and its `la` row at
 * "programming"? Also the weights, and the same weights averaged over heads (for information).
 */
export function enfrSeedChecks(cross: readonly (readonly (readonly number[])[])[]): Record<string, number> {
  const col = (w: string) => ENFR_SEED_PAIR.en.indexOf(w);
  const row = (w: string) => ENFR_SEED_PAIR.fr.indexOf(w);
  const head0 = cross[0]!;
  const mean = enfrMeanHeads(cross);
  const [j, la] = [head0[row("j'")]!, head0[row("la")]!];
  return {
    "attn.jToI": argmax(j) === col("I") ? 1 : 0,
    "attn.laToProgramming": argmax(la) === col("programming") ? 1 : 0,
    "attn.jToI.weight": j[col("I")]!,
    "attn.laToProgramming.weight": la[col("programming")]!,
    "attn.mean.jToI.weight": mean[row("j'")]![col("I")]!,
    "attn.mean.laToProgramming.weight": mean[row("la")]![col("programming")]!,
  };
}

export const enfrExperiment = defineExperiment<EnfrConfig, EnfrArtifacts>({
  name: "enfr",
  title: "EN→FR translation: a tiny Transformer learns elision, gender and negation (S002 §4.3 corrected)",
  notebook: "notebooks/cases/01-translation-enfr.ipynb",
  defaults: {
    seed: 0,
    testFraction: 0.2,
    epochs: 6,
    batchSize: 64,
    learningRate: 3e-3,
    warmup: 60,
    dModel: 32,
    numHeads: 2,
    dFF: 64,
    gruEpochs: 6,
    gruBatchSize: 64,
    gruLearningRate: 1e-2,
    gruEmbedSize: 16,
    gruHiddenSize: 32,
  },
  quick: { epochs: 2, gruEpochs: 1 },
  configRules: { testFraction: opt.number({ above: 0, below: 1 }) },
  targets: [
    { metric: "exact", op: ">=", value: 0.98 },
    { metric: "sentence.exact", op: ">=", value: 1 },
    { metric: "attn.jToI", op: ">=", value: 1 },
    { metric: "attn.laToProgramming", op: ">=", value: 1 },
    { metric: "gru.exact", op: ">=", value: 0.98 },
  ],
  async run(config, context) {
    const data = enfrData(config);
    const train = enfrArrays(data.train);
    const references = data.test.map((p) => p.fr);
    const sources = data.test.map((p) => p.en);

    // The Transformer.
    const model = enfrTransformer(config);
    const optimizer = tf.train.adam(config.learningRate, 0.9, 0.98, 1e-9);
    let predictions: string[][] = [];
    const seedMetrics = () => {
      const cross = enfrAttention(model, ENFR_SEED_PAIR);
      return { cross, mean: enfrMeanHeads(cross), checks: enfrSeedChecks(cross) };
    };
    const evaluate = () => {
      predictions = enfrTranslate(model, sources);
      return {
        exact: exactMatch(predictions, references),
        bleu: bleu(predictions, references),
        "sentence.exact": predictions[0]!.join(" ") === ENFR_SEED_PAIR.fr.join(" ") ? 1 : 0,
        ...seedMetrics().checks,
      };
    };
    const result = await fit({
      title: "EN→FR Transformer",
      size: data.train.length,
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: config.seed,
      optimizer,
      variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
      learningRate: (step) => warmupRate(step, config.learningRate, config.warmup),
      batch: (ix) => enfrBatch(train, ix),
      loss: (b) =>
        sequenceCrossEntropy(
          model.apply([b.src, b.tgtIn], { training: true, srcValidLens: b.srcValidLens }) as tf.Tensor,
          b.tgtOut,
          ENFR_SPECIAL.pad,
        ),
      evaluate,
      stopWhen: (m) =>
        (m.exact ?? 0) >= 0.99 &&
        m["sentence.exact"] === 1 &&
        m["attn.jToI"] === 1 &&
        m["attn.laToProgramming"] === 1,
      progress: context.progress,
    });
    optimizer.dispose();
    const seed = seedMetrics();

    // The GRU ablation.
    let gru: Seq2seqRnn | undefined;
    let gruPredictions: string[][] | undefined;
    let gruMetrics: Record<string, number> = {};
    if (config.gruEpochs > 0) {
      const rnn = enfrGru({
        embedSize: config.gruEmbedSize,
        hiddenSize: config.gruHiddenSize,
        seed: config.seed,
      });
      gru = rnn;
      const gruOptimizer = tf.train.adam(config.gruLearningRate);
      const gruResult = await fit({
        title: "EN→FR GRU + additive attention",
        size: data.train.length,
        epochs: config.gruEpochs,
        batchSize: config.gruBatchSize,
        seed: config.seed + 1,
        optimizer: gruOptimizer,
        variables: rnn.trainableWeights.map((w) => w.read() as tf.Variable),
        batch: (ix) => enfrBatch(train, ix),
        loss: (b) =>
          sequenceCrossEntropy(
            rnn.apply([b.src, b.tgtIn], { training: true, srcValidLens: b.srcValidLens }) as tf.Tensor,
            b.tgtOut,
            ENFR_SPECIAL.pad,
          ),
        evaluate: () => {
          gruPredictions = enfrTranslate(rnn, sources);
          return { exact: exactMatch(gruPredictions, references), bleu: bleu(gruPredictions, references) };
        },
        stopWhen: (m) => (m.exact ?? 0) >= 0.99,
        progress: context.progress,
      });
      gruOptimizer.dispose();
      const last = gruResult.history.at(-1)!;
      gruMetrics = {
        "gru.exact": last.metrics.exact!,
        "gru.bleu": last.metrics.bleu!,
        "gru.loss": last.loss,
        "gru.epochs": gruResult.history.length,
      };
    }

    return {
      dataset: {
        name: "enfr",
        hash: hashValue({ train: data.train, test: data.test }),
        sizes: { train: data.train.length, test: data.test.length },
      },
      history: result.history,
      metrics: {
        ...result.history.at(-1)!.metrics,
        ...seed.checks,
        epochs: result.history.length,
        ...gruMetrics,
      },
      artifacts: {
        model,
        gru,
        test: data.test,
        predictions,
        gruPredictions,
        seed: {
          decoded: predictions[0]!,
          cross: seed.cross,
          crossMean: seed.mean,
          gruAlignment: gru === undefined ? undefined : enfrAttention(gru, ENFR_SEED_PAIR)[0],
        },
      },
    };
  },
});

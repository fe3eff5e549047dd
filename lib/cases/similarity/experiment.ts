/**
 * Case study: sentence similarity. A siamese encoder with cross-attention alignment and a cosine readout
 * (`SiameseAligner`) learns to tell Chinese paraphrases (的/很/了 inserted, adverb swapped) from pairs that
 * differ in one content word. Target: ROC-AUC of the similarity ≥ 0.95 on pairs from held-out templates. The
 * deterministic worked-example numbers (`worked.ts`) are recorded too.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { caseOutput, disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { accuracy } from "../../metrics/classification.js";
import { rocAuc } from "../../metrics/rocAuc.js";
import { childSeed } from "../../random/childSeed.js";
import type { Target } from "../../records/record.js";
import { allIndices } from "../../train/batches.js";
import { fitAdam } from "../../train/fitAdam.js";
import { trainableVariables } from "../../train/variables.js";
import { type SimilarityData, type SimilarityPair, similarityBatch, similarityData } from "./data.js";
import { type SiameseAligner, similarityModel } from "./model.js";
import { similarityWorkedExample, similarityWorkedMetrics } from "./worked.js";

/** Settings of the similarity experiment. */
export interface SimilarityConfig {
  seed: number;
  /** Training pairs (from the first templates). */
  trainSize: number;
  /** Held-out pairs (from the last `testTemplates` templates). */
  testSize: number;
  /** How many templates (the last ones) are held out for the test pairs. */
  testTemplates: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Width d of the word vectors. */
  dModel: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const SIMILARITY_DEFAULTS: SimilarityConfig = {
  seed: 0,
  trainSize: 1600,
  testSize: 400,
  testTemplates: 2,
  epochs: 8,
  batchSize: 32,
  learningRate: 5e-3,
  dModel: 32,
};

/** The claim of the full-mode run. */
export const SIMILARITY_TARGETS: Target[] = [{ metric: "rocAuc", op: ">=", value: 0.95 }];

/** What the evaluation gives: the metrics, and per pair its similarity and p(paraphrase). */
export interface SimilarityEvaluation {
  /** ROC-AUC of the similarity, accuracy of p(paraphrase) > 0.5. */
  metrics: { rocAuc: number; accuracy: number };
  /** sim of each pair, in [−1, 1]. */
  similarity: number[];
  probabilities: number[];
}

/** ROC-AUC of the similarity and accuracy of the readout on `pairs` (every one). No tensor survives the call. */
export function similarityEvaluate(
  model: SiameseAligner,
  pairs: readonly SimilarityPair[],
): SimilarityEvaluation {
  const { similarity, probabilities } = tf.tidy(() => {
    const b = similarityBatch(pairs, allIndices(pairs.length));
    const sim = model.similarity([b.idsA, b.idsB], { validLensA: b.validLensA, validLensB: b.validLensB });
    const logits = model.readout.apply(tf.expandDims(sim, 1)) as tf.Tensor; // [B, 1]
    return {
      similarity: Array.from(sim.dataSync()),
      probabilities: Array.from(tf.sigmoid(logits).dataSync()),
    };
  });
  const labels = pairs.map((p) => p.label);
  return {
    metrics: {
      rocAuc: rocAuc(similarity, labels),
      accuracy: accuracy(
        probabilities.map((p) => (p > 0.5 ? 1 : 0)),
        labels,
      ),
    },
    similarity,
    probabilities,
  };
}

/** The trained model (the caller disposes it), the data and the final evaluation. */
export interface SimilarityArtifacts {
  model: SiameseAligner;
  data: SimilarityData;
  final: SimilarityEvaluation;
}

export const similarityExperiment = defineExperiment<SimilarityConfig, SimilarityArtifacts>({
  name: "similarity",
  title: "Sentence similarity: cross-attention alignment with a cosine readout",
  notebook: "notebooks/cases/03-similarity-sentence-pairs.ipynb",
  defaults: SIMILARITY_DEFAULTS,
  quick: { trainSize: 400, testSize: 100, epochs: 2 },
  configRules: { testTemplates: opt.integer({ min: 1, max: 7 }) },
  targets: SIMILARITY_TARGETS,
  run(config, context) {
    const data = similarityData(config);
    return disposeOnError(async (own) => {
      const model = own(similarityModel(config));
      const training = await fitAdam({
        title: "sentence similarity",
        adam: { learningRate: config.learningRate },
        variables: trainableVariables(model),
        size: config.trainSize,
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: childSeed(config.seed, "shuffle"),
        batch: (ix) => similarityBatch(data.train, ix),
        loss: (b) =>
          tf.losses.sigmoidCrossEntropy(
            b.labels,
            model.apply([b.idsA, b.idsB], {
              validLensA: b.validLensA,
              validLensB: b.validLensB,
              training: true,
            }) as tf.Tensor,
          ) as tf.Scalar,
        evaluate: () => similarityEvaluate(model, data.test).metrics,
        progress: context.progress,
      });
      const final = similarityEvaluate(model, data.test);
      const output = caseOutput(data.dataset, training, final.metrics, { model, data, final });
      // the worked example's numbers come after `epochs`
      return {
        ...output,
        metrics: { ...output.metrics, ...similarityWorkedMetrics(similarityWorkedExample()) },
      };
    });
  },
});

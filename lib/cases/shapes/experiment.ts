/**
 * Case study: CNN soft spatial attention on synthetic shapes (the corrected S000 §3.2.1 recipe; docs/errata.md).
 * The class label is the only supervision; the attention map is checked against the shape's centre by its
 * argmax (pointing game, ±`tolerance` px) and its soft-argmax (mean distance in pixels).
 */
import type * as tf from "@tensorflow/tfjs";
import { caseOutput, disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { accuracy, argmaxRows } from "../../metrics/classification.js";
import { mapArgmax, meanDistance, pointingGame } from "../../metrics/localization.js";
import type { AttentionCnn } from "../../models/cnn/attentionCnn.js";
import { classCrossEntropy, predictImages } from "../../models/cnn/classify.js";
import { childSeed } from "../../random/childSeed.js";
import { type Target, targetsMet } from "../../records/record.js";
import { allIndices } from "../../train/batches.js";
import { fitAdam } from "../../train/fitAdam.js";
import { trainableVariables } from "../../train/variables.js";
import { type ShapesData, type ShapesSet, shapesBatch, shapesData } from "./data.js";
import { shapesModel } from "./model.js";

/** Settings of the shapes experiment. */
export interface ShapesConfig {
  seed: number;
  trainSize: number;
  /** Images training's stop rule reads each epoch (the test split stays unseen until the end). */
  validationSize: number;
  testSize: number;
  /** Upper bound on epochs; training stops after the first epoch at which every target holds on validation. */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Channels of the two conv layers. */
  filters: number[];
  /** Softmax temperature of the spatial attention. */
  temperature: number;
  /** Pointing-game tolerance in pixels (Chebyshev). */
  tolerance: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach every target). */
export const SHAPES_DEFAULTS: ShapesConfig = {
  seed: 0,
  trainSize: 2000,
  validationSize: 250,
  testSize: 500,
  epochs: 4,
  batchSize: 32,
  learningRate: 3e-3,
  filters: [8, 16],
  temperature: 1,
  tolerance: 3,
};

/** The claims of the full-mode run (on test); training stops at the first epoch where all of them hold on validation. */
export const SHAPES_TARGETS: Target[] = [
  { metric: "accuracy", op: ">=", value: 0.97 },
  { metric: "pointing", op: ">=", value: 0.9 },
  { metric: "softArgmaxError", op: "<=", value: 2.5 },
];

/** What the evaluation gives: the metrics, and per held-out image its prediction and attention map. */
export interface ShapesEvaluation {
  metrics: { accuracy: number; pointing: number; softArgmaxError: number };
  predicted: number[];
  /** `[N, 24, 24]` attention maps. */
  maps: number[][][];
  argmax: [number, number][];
  softArgmax: [number, number][];
}

/** Accuracy, pointing game and soft-argmax error of `cnn` on `test` (every image). */
export function shapesEvaluate(cnn: AttentionCnn, test: ShapesSet, config: ShapesConfig): ShapesEvaluation {
  const p = predictImages(cnn, test.images, allIndices(test.labels.length), { withMaps: true });
  const maps = p.maps.poolingMap as number[][][];
  const softArgmax = p.maps.poolingLocation as [number, number][];
  const argmax = maps.map(mapArgmax);
  const predicted = argmaxRows(p.probs);
  return {
    metrics: {
      accuracy: accuracy(predicted, test.labels),
      pointing: pointingGame(argmax, test.centers, config.tolerance),
      softArgmaxError: meanDistance(softArgmax, test.centers),
    },
    predicted,
    maps,
    argmax,
    softArgmax,
  };
}

/** The trained model (the caller disposes `cnn.model`), the data and the final evaluation. */
export interface ShapesArtifacts {
  cnn: AttentionCnn;
  data: ShapesData;
  final: ShapesEvaluation;
}

export const shapesExperiment = defineExperiment<ShapesConfig, ShapesArtifacts>({
  name: "shapes",
  title: "Shapes: CNN soft spatial attention classifies and localizes a shape among distractors",
  notebook: "notebooks/cases/06-shapes-spatial-attention.ipynb",
  defaults: SHAPES_DEFAULTS,
  quick: { trainSize: 600, validationSize: 100, testSize: 200, epochs: 2 },
  targets: SHAPES_TARGETS,
  run(config, context) {
    const data = shapesData(config);
    return disposeOnError(async (own) => {
      const cnn = own(shapesModel(config), (m) => m.model.dispose());
      const training = await fitAdam({
        title: "shapes",
        adam: { learningRate: config.learningRate },
        variables: trainableVariables(cnn.model),
        size: config.trainSize,
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: childSeed(config.seed, "shuffle"),
        batch: (ix) => shapesBatch(data.train, ix),
        loss: (b) => classCrossEntropy(cnn.model.apply(b.x, { training: true }) as tf.Tensor, b.y),
        evaluate: () => shapesEvaluate(cnn, data.validation, config).metrics,
        stopWhen: targetsMet(SHAPES_TARGETS),
        progress: context.progress,
      });
      const final = shapesEvaluate(cnn, data.test, config);
      return caseOutput(data.dataset, training, final.metrics, { cnn, data, final });
    });
  },
});

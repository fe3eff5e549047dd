/**
 * Case study: the copy task. A 1+1-layer Transformer learns to copy 10 random symbols; success needs output
 * position i to attend to input position i. Target: ≥ 99 % of held-out sequences copied exactly (greedy).
 */
import type * as tf from "@tensorflow/tfjs";
import { caseOutput, disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { exactMatch } from "../../metrics/classification.js";
import { COPY_TASK, type CopyBatch } from "../../models/copyTask.js";
import { greedyDecode } from "../../models/decoding.js";
import { sequenceCrossEntropy, warmupRate } from "../../models/seq2seqTraining.js";
import type { Transformer } from "../../models/transformer.js";
import { childSeed } from "../../random/childSeed.js";
import { type Target, targetsMet } from "../../records/record.js";
import { type AdamSettings, fitAdam } from "../../train/fitAdam.js";
import { trainableVariables } from "../../train/variables.js";
import { type CopyTaskData, copyTaskBatch, copyTaskData } from "./data.js";
import { copyTaskModel } from "./model.js";

/** Settings of the copy-task experiment. */
export interface CopyTaskConfig {
  seed: number;
  trainSize: number;
  /** Held-out sequences training's stop rule reads each epoch (the test split stays unseen until the end). */
  validationSize: number;
  testSize: number;
  /** Upper bound on epochs; training stops after the first epoch at which the target holds on validation. */
  epochs: number;
  batchSize: number;
  /** Peak learning rate, reached after `warmup` steps. */
  learningRate: number;
  /** Steps of linear warm-up. */
  warmup: number;
  dModel: number;
  numHeads: number;
  [key: string]: unknown;
}

/** The full-mode settings (they reach the target). */
export const COPY_TASK_DEFAULTS: CopyTaskConfig = {
  seed: 0,
  trainSize: 9600,
  validationSize: 128,
  testSize: 256,
  epochs: 8,
  batchSize: 64,
  learningRate: 3e-3,
  warmup: 100,
  dModel: 32,
  numHeads: 2,
};

/** The claim of the full-mode run (on test); training stops at the first epoch where it holds on validation. */
export const COPY_TASK_TARGETS: Target[] = [{ metric: "exact", op: ">=", value: 0.99 }];

/** Adam as in Vaswani et al. 2017 §5.3 (β₂ = 0.98, ε = 1e-9), with the config's peak rate. */
export function copyTaskAdam(config: CopyTaskConfig): AdamSettings {
  return { learningRate: config.learningRate, beta1: 0.9, beta2: 0.98, epsilon: 1e-9 };
}

/** What the evaluation gives: the exact-match rate and the greedy decodings of the held-out sources. */
export interface CopyTaskEvaluation {
  metrics: { exact: number };
  decoded: number[][];
}

/** The share of `test` sources that `model` copies exactly, decoding greedily. */
export function copyTaskEvaluate(model: Transformer, test: CopyBatch): CopyTaskEvaluation {
  const decoded = greedyDecode(model, test.src, { bos: COPY_TASK.bos, eos: COPY_TASK.eos });
  return { metrics: { exact: exactMatch(decoded, test.src) }, decoded };
}

/** The trained model (the caller disposes it), the data and the final evaluation. */
export interface CopyTaskArtifacts {
  model: Transformer;
  data: CopyTaskData;
  final: CopyTaskEvaluation;
}

export const copyTaskExperiment = defineExperiment<CopyTaskConfig, CopyTaskArtifacts>({
  name: "copy-task",
  title: "Copy task: a Transformer learns to attend to the aligned position",
  notebook: "notebooks/06-transformer-copy-task.ipynb",
  defaults: COPY_TASK_DEFAULTS,
  quick: { trainSize: 1024, validationSize: 32, testSize: 64, epochs: 2 },
  targets: COPY_TASK_TARGETS,
  run(config, context) {
    const data = copyTaskData(config);
    return disposeOnError(async (own) => {
      const model = own(copyTaskModel(config));
      const training = await fitAdam({
        title: "copy task",
        adam: copyTaskAdam(config),
        variables: trainableVariables(model),
        size: config.trainSize,
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: childSeed(config.seed, "shuffle"),
        learningRate: (step) => warmupRate(step, config.learningRate, config.warmup),
        batch: (ix) => copyTaskBatch(data.train, ix),
        loss: (b) =>
          sequenceCrossEntropy(model.apply([b.src, b.tgtIn], { training: true }) as tf.Tensor, b.tgtOut),
        evaluate: () => copyTaskEvaluate(model, data.validation).metrics,
        stopWhen: targetsMet(COPY_TASK_TARGETS),
        progress: context.progress,
      });
      const final = copyTaskEvaluate(model, data.test);
      return caseOutput(data.dataset, training, final.metrics, { model, data, final });
    });
  },
});

/**
 * Case study: the copy task. A 1+1-layer Transformer learns to copy 10 random symbols; success needs output
 * position i to attend to input position i. Target: ≥ 99 % of held-out sequences copied exactly (greedy).
 */
import * as tf from "@tensorflow/tfjs";
import { defineExperiment } from "../../experiments/experiment.js";
import { exactMatch } from "../../metrics/classification.js";
import { COPY_TASK } from "../../models/copyTask.js";
import { greedyDecode } from "../../models/decoding.js";
import { sequenceCrossEntropy, warmupRate } from "../../models/seq2seqTraining.js";
import { Transformer } from "../../models/transformer.js";
import { transformerConfig } from "../../models/transformerConfig.js";
import { hashValue } from "../../records/record.js";
import { take } from "../../train/batches.js";
import { fit } from "../../train/fit.js";
import { copyTaskData } from "./data.js";

/** Settings of the copy-task experiment. */
export interface CopyTaskConfig {
  seed: number;
  trainSize: number;
  testSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  warmup: number;
  dModel: number;
  numHeads: number;
  [key: string]: unknown;
}

/** The trained model (the caller disposes it) and the held-out set. */
export interface CopyTaskArtifacts {
  model: Transformer;
  test: number[][];
}

export const copyTaskExperiment = defineExperiment<CopyTaskConfig, CopyTaskArtifacts>({
  name: "copy-task",
  title: "Copy task: a Transformer learns to attend to the aligned position",
  notebook: "notebooks/06-transformer-copy-task.ipynb",
  defaults: {
    seed: 0,
    trainSize: 9600,
    testSize: 256,
    epochs: 8,
    batchSize: 64,
    learningRate: 3e-3,
    warmup: 100,
    dModel: 32,
    numHeads: 2,
  },
  quick: { trainSize: 1024, testSize: 64, epochs: 2 },
  targets: [{ metric: "exact", op: ">=", value: 0.99 }],
  async run(config, context) {
    const data = copyTaskData(config);
    const model = new Transformer(
      transformerConfig(
        {
          srcVocab: COPY_TASK.vocabSize,
          tgtVocab: COPY_TASK.vocabSize,
          maxLength: COPY_TASK.length + 2,
          dModel: config.dModel,
          numHeads: config.numHeads,
          seed: config.seed,
        },
        "tiny",
      ),
    ).ensureBuilt();
    const optimizer = tf.train.adam(config.learningRate, 0.9, 0.98, 1e-9);
    const evaluate = () => ({
      exact: exactMatch(
        greedyDecode(model, data.test.src, { bos: COPY_TASK.bos, eos: COPY_TASK.eos }),
        data.test.src,
      ),
    });
    const result = await fit({
      title: "copy task",
      size: data.train.src.length,
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: config.seed,
      optimizer,
      variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
      learningRate: (step) => warmupRate(step, config.learningRate, config.warmup),
      batch: (ix) => ({
        src: tf.tensor2d(take(data.train.src, ix), undefined, "int32"),
        tgtIn: tf.tensor2d(take(data.train.tgtIn, ix), undefined, "int32"),
        tgtOut: tf.tensor2d(take(data.train.tgtOut, ix), undefined, "int32"),
      }),
      loss: (b) =>
        sequenceCrossEntropy(model.apply([b.src, b.tgtIn], { training: true }) as tf.Tensor, b.tgtOut),
      evaluate,
      stopWhen: (m) => (m.exact ?? 0) >= 0.99,
      progress: context.progress,
    });
    optimizer.dispose();
    return {
      dataset: {
        name: "copy-task",
        hash: hashValue({ train: data.train.src, test: data.test.src }),
        sizes: { train: data.train.src.length, test: data.test.src.length },
      },
      history: result.history,
      metrics: { ...result.history.at(-1)!.metrics, epochs: result.history.length },
      artifacts: { model, test: data.test.src },
    };
  },
});

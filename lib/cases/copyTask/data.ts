/**
 * The copy-task dataset (`datasets/copy-task/README.md`): a fixed seeded training set and a held-out set of
 * random symbol sequences, drawn by `copySequences` (lib/models/copyTask.ts). `copyTaskData(config)` draws both
 * splits from the case seed; `copyTaskBatch` turns sequences into the tensors `fit` trains on.
 */
import * as tf from "@tensorflow/tfjs";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { COPY_TASK, type CopyBatch, copySequences } from "../../models/copyTask.js";
import { drawSplits, type ValidatedSplitSizes } from "../../random/drawSplits.js";
import { take } from "../../train/batches.js";

/** Training and held-out sequences, and the descriptor the record stores (the hash covers the sources). */
export interface CopyTaskData {
  train: CopyBatch;
  /** What training's stop rule reads each epoch. */
  validation: CopyBatch;
  test: CopyBatch;
  dataset: DatasetInfo;
}

/**
 * `trainSize` training, `validationSize` validation and `testSize` held-out sequences, seeded by
 * `childSeed(seed, "data/train" | "data/validation" | "data/test")`.
 * @example copyTaskData({ seed: 0, trainSize: 4, validationSize: 2, testSize: 2 }).test.src.length; // 2
 */
export function copyTaskData(config: ValidatedSplitSizes): CopyTaskData {
  const { train, validation, test } = drawSplits(config, (seed, size) => copySequences(seed, size));
  return {
    train,
    validation,
    test,
    dataset: datasetInfo("copy-task", { train: train.src, validation: validation.src, test: test.src }),
  };
}

/**
 * One batch of `split` at `indices` as int32 tensors: sources `src [B, 10]`, decoder inputs `tgtIn [B, 11]`
 * (start + source) and targets `tgtOut [B, 11]` (source + end).
 */
export function copyTaskBatch(
  split: CopyBatch,
  indices: number[],
): { src: tf.Tensor2D; tgtIn: tf.Tensor2D; tgtOut: tf.Tensor2D } {
  const ids = (rows: number[][]) => tf.tensor2d(take(rows, indices), undefined, "int32");
  return { src: ids(split.src), tgtIn: ids(split.tgtIn), tgtOut: ids(split.tgtOut) };
}

/**
 * The reverse task on the same sources: the target is the source read backwards, so the decoder input is
 * start + reversed source and the decoder target is reversed source + end (a new batch; `batch` is unchanged).
 * @example reverseCopyTargets({ src: [[3, 4, 5]], tgtIn: [[1, 3, 4, 5]], tgtOut: [[3, 4, 5, 2]] }).tgtOut; // [[5, 4, 3, 2]]
 */
export function reverseCopyTargets(batch: CopyBatch): CopyBatch {
  const reversed = batch.src.map((s) => [...s].reverse());
  return {
    src: batch.src.map((s) => [...s]),
    tgtIn: reversed.map((r) => [COPY_TASK.bos, ...r]),
    tgtOut: reversed.map((r) => [...r, COPY_TASK.eos]),
  };
}

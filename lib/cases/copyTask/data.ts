/**
 * The copy-task dataset: a fixed seeded training set and a held-out set of random symbol sequences
 * (`datasets/copy-task/README.md`). The sequences come from `copyTaskBatch` (lib/models/copyTask.ts).
 */
import { type CopyBatch, copyTaskBatch } from "../../models/copyTask.js";

/** Training and held-out sequences. */
export interface CopyTaskData {
  train: CopyBatch;
  test: CopyBatch;
}

/**
 * `trainSize` training and `testSize` held-out sequences, both drawn from `seed` (disjoint streams).
 * @example copyTaskData({ seed: 0, trainSize: 4, testSize: 2 }).test.src.length; // 2
 */
export function copyTaskData(opts: { seed: number; trainSize: number; testSize: number }): CopyTaskData {
  return {
    train: copyTaskBatch(opts.seed * 2 + 1, opts.trainSize),
    test: copyTaskBatch(opts.seed * 2 + 2, opts.testSize),
  };
}

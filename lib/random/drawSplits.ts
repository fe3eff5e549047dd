/**
 * The train and test splits of a seeded generator, each drawn from its own derived seed: split `s` from
 * `childSeed(config.seed, "data/<s>")` with `config.<s>Size` examples — the seed rule of every case study's
 * `data.ts` (lib/cases/README.md), written once.
 */
import { childSeed } from "./childSeed.js";

/** The settings a split draw reads: the case seed and the size of each split. */
export interface SplitSizes {
  seed: number;
  trainSize: number;
  testSize: number;
}

/** The splits a case draws, in the order it draws them. */
export type DataSplit = "train" | "test";

/**
 * `{ train, test }` from `draw(seed, size, split)`, train first.
 * @example
 *   const { train, test } = drawSplits({ seed: 0, trainSize: 3, testSize: 1 }, (seed, size) => Array(size).fill(seed));
 *   [train.length, test.length, train[0] === test[0]]; // [3, 1, false]
 */
export function drawSplits<S>(
  config: SplitSizes,
  draw: (seed: number, size: number, split: DataSplit) => S,
): { train: S; test: S } {
  const train = draw(childSeed(config.seed, "data/train"), config.trainSize, "train");
  const test = draw(childSeed(config.seed, "data/test"), config.testSize, "test");
  return { train, test };
}

/**
 * The splits of a seeded generator, each drawn from its own derived seed: split `s` from
 * `childSeed(config.seed, "data/<s>")` with `config.<s>Size` examples — the seed rule of every case study's
 * `data.ts` (lib/cases/README.md), written once. A case that stops training early draws a validation split too:
 * the stop is decided on it, never on the test split (docs/glossary.md, "validation split").
 */
import { childSeed } from "./childSeed.js";

/** The settings a split draw reads: the case seed and the size of each split. */
export interface SplitSizes {
  seed: number;
  trainSize: number;
  testSize: number;
}

/** The settings of a draw with a validation split (what training's stop rule sees). */
export interface ValidatedSplitSizes extends SplitSizes {
  validationSize: number;
}

/** The splits a case draws, in the order it draws them. */
export type DataSplit = "train" | "validation" | "test";

/**
 * `{ train, test }` from `draw(seed, size, split)`, train first — and `validation` between them when the config
 * has a `validationSize`. Each split has its own seed, so adding a validation split changes neither of the others.
 * @example
 *   const { train, test } = drawSplits({ seed: 0, trainSize: 3, testSize: 1 }, (seed, size) => Array(size).fill(seed));
 *   [train.length, test.length, train[0] === test[0]]; // [3, 1, false]
 *   drawSplits({ seed: 0, trainSize: 3, validationSize: 2, testSize: 1 }, (s, n) => n).validation; // 2
 */
export function drawSplits<S>(
  config: ValidatedSplitSizes,
  draw: (seed: number, size: number, split: DataSplit) => S,
): { train: S; validation: S; test: S };
export function drawSplits<S>(
  config: SplitSizes,
  draw: (seed: number, size: number, split: Exclude<DataSplit, "validation">) => S,
): { train: S; test: S };
export function drawSplits<S>(
  config: SplitSizes & { validationSize?: number },
  drawSplit: (seed: number, size: number, split: never) => S,
): { train: S; validation?: S; test: S } {
  // Each overload's `draw` takes the splits it can be asked for; this one is asked only for those.
  const draw = drawSplit as (seed: number, size: number, split: DataSplit) => S;
  const train = draw(childSeed(config.seed, "data/train"), config.trainSize, "train");
  const validation =
    config.validationSize === undefined
      ? undefined
      : draw(childSeed(config.seed, "data/validation"), config.validationSize, "validation");
  const test = draw(childSeed(config.seed, "data/test"), config.testSize, "test");
  return validation === undefined ? { train, test } : { train, validation, test };
}

/**
 * Localization metrics for attention maps: the pointing game and the mean distance of a predicted point.
 * Follows: Zhang et al. 2016 ("Top-down neural attention by excitation backprop", the pointing game).
 */
import { checkPair } from "./check.js";

/** A point `[row, col]` in pixels. */
export type Point = readonly [number, number];

/**
 * Fraction of predicted points within `tolerance` pixels of the target on both axes (Chebyshev distance).
 * @example pointingGame([[3, 4], [10, 10]], [[5, 5], [0, 0]], 3); // 0.5
 */
export function pointingGame(
  predicted: readonly Point[],
  targets: readonly Point[],
  tolerance: number,
): number {
  checkPair("pointingGame", "predicted", predicted.length, "targets", targets.length);
  if (!(tolerance >= 0)) throw new RangeError(`pointingGame: tolerance must be ≥ 0, got ${tolerance}`);
  const hits = predicted.filter(
    (p, i) => Math.max(Math.abs(p[0] - targets[i]![0]), Math.abs(p[1] - targets[i]![1])) <= tolerance,
  );
  return hits.length / predicted.length;
}

/**
 * Mean Euclidean distance in pixels between predicted points and targets.
 * @example meanDistance([[0, 0], [3, 4]], [[0, 0], [0, 0]]); // 2.5
 */
export function meanDistance(predicted: readonly Point[], targets: readonly Point[]): number {
  checkPair("meanDistance", "predicted", predicted.length, "targets", targets.length);
  const sum = predicted.reduce((s, p, i) => s + Math.hypot(p[0] - targets[i]![0], p[1] - targets[i]![1]), 0);
  return sum / predicted.length;
}

/**
 * Row and column of the largest value of a `[H, W]` map (the pointing game's guess; the first one on ties).
 * @example mapArgmax([[0, 1], [3, 2]]); // [1, 0]
 */
export function mapArgmax(map: readonly (readonly number[])[]): [number, number] {
  let best: [number, number] = [0, 0];
  let value = -Infinity;
  map.forEach((row, i) =>
    row.forEach((v, j) => {
      if (v > value) {
        value = v;
        best = [i, j];
      }
    }),
  );
  return best;
}

/**
 * Seeds for tfjs's normal-distribution initialisers. tfjs-core's Gaussian generator (`MPRandGauss` in
 * `rand_util.ts`, behind `randomNormal`, `truncatedNormal` and so `heNormal`, `glorotNormal`) reads a seed of 0
 * as "no seed" (`seed ? seed : Math.random()`), so a layer built with `seed: 0` would start from different
 * weights on every run; the uniform ones take 0 as a seed. It seeds alea with `seed.toString()`, so any other
 * number is a seed of its own.
 */

/** What seed 0 becomes: a number no integer seed produces, so it collides with none of them. */
export const ZERO_SEED_STANDIN = 0.5;

/**
 * The seed to hand to a tfjs normal initialiser or random op: `seed` itself, except 0 (which tfjs ignores).
 * @example
 *   tf.initializers.heNormal({ seed: tfSeed(0) }); // reproducible, unlike `{ seed: 0 }`
 *   tfSeed(7); // 7
 */
export function tfSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  return seed === 0 ? ZERO_SEED_STANDIN : seed;
}

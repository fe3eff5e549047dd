/**
 * One step of beam search on plain arrays: every hypothesis extended by every token, scored by its total
 * log-probability log P(y₁…y_t | x) = log P(y₁…y_{t−1} | x) + log p(y_t | y_<t, x), and the k best kept.
 * Follows: d2l §10.8.3 (beam search keeps the k best of the k·V candidates); Vaswani et al. 2017 §6.1 (beam 4).
 */
import { checkValue, opt } from "../check/options.js";
import { toMatrix, toNumberArray } from "./input.js";

/** One extension: hypothesis `beam` followed by `token`, with its total log-probability. */
export interface BeamCandidate {
  /** Index of the hypothesis it extends. */
  beam: number;
  /** The token appended. */
  token: number;
  /** The hypothesis's log-probability plus the token's. */
  logProb: number;
}

/** Every intermediate of {@link beamStep}. */
export interface BeamStepTrace {
  /** All n·V candidates, best first (ties: lower beam, then lower token, first). */
  candidates: BeamCandidate[];
  /** The first k of them: the hypotheses of the next step. */
  kept: BeamCandidate[];
}

/**
 * Extends `n` hypotheses with log-probabilities `hypothesisLogProbs [n]` by every token of `nextLogProbs [n, V]`
 * (row i: log p(token | hypothesis i)) and keeps the `k` best totals (all of them when k ≥ n·V). No end token and no length penalty here:
 * those are the full search's business (`beamSearch` in `attnlab/tf`).
 * @example
 *   beamStep([-0.1, -2.3], [[-1.2, -0.4], [-0.1, -2.4]], 2).kept.map((c) => [c.beam, c.token, c.logProb]); // [[0, 1, -0.5], [0, 0, -1.3]]
 */
export function beamStep(
  hypothesisLogProbs: readonly number[],
  nextLogProbs: readonly (readonly number[])[],
  k: number,
): BeamStepTrace {
  const scores = toNumberArray("beamStep: hypothesisLogProbs", hypothesisLogProbs);
  const next = toMatrix("beamStep: nextLogProbs", nextLogProbs);
  if (next.length !== scores.length)
    throw new RangeError(
      `beamStep: nextLogProbs has ${next.length} rows but hypothesisLogProbs has ${scores.length} entries (one row per hypothesis)`,
    );
  checkValue("beamStep", "k", k, opt.integer({ min: 1, required: true }));
  // 1) extend every hypothesis by every token 2) add the log-probabilities 3) sort, best first 4) keep k
  const candidates = next.flatMap((row, beam) =>
    row.map((lp, token) => ({ beam, token, logProb: scores[beam]! + lp })),
  );
  candidates.sort((a, b) => b.logProb - a.logProb); // stable: ties keep beam-major, token order
  return { candidates, kept: candidates.slice(0, k) };
}

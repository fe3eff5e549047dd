/**
 * The exercises of notebooks/09-training-a-transformer.ipynb: a label-smoothed loss by hand, the Noam schedule
 * written out, and one beam-search step. Every right answer is computed here from the library
 * (`crossEntropy`, `noamRate`, `beamStep`), never typed in; a hint says what is off without giving the answer.
 */
import { beamStep } from "../math/beamStep.js";
import { crossEntropy } from "../math/crossEntropy.js";
import { noamRate } from "../train/schedule.js";
import { isFiniteNumber, isRecord } from "./answerGuards.js";
import { defineExercises, type Verdict } from "./exercise.js";

/** Exercise 1: one row of logits over V = 5 tokens, its target and ε (the notebook states them). */
const ROW = { logits: [2, 0.5, -1, 0, 1.5], target: 1, epsilon: 0.1 } as const;

/** −Σ_v q_v x_v for a target distribution q and a vector x (log-probabilities or, wrongly, logits). */
const dot = (q: readonly number[], x: readonly number[]) => -q.reduce((s, qv, v) => s + qv * x[v]!, 0);

function smoothedLoss(answer: unknown): Verdict {
  if (!isFiniteNumber(answer))
    return { right: false, hint: "the answer is one finite number, the loss in nats" };
  const z = [...ROW.logits];
  const trace = crossEntropy([z], [ROW.target], { labelSmoothing: ROW.epsilon });
  const close = (x: number) => Math.abs(answer - x) < 1e-6;
  if (close(trace.loss)) return { right: true, note: `ℓ = ${trace.loss.toFixed(4)} nats` };
  const v = z.length;
  const otherClasses = z.map((_, c) => (c === ROW.target ? 1 - ROW.epsilon : ROW.epsilon / (v - 1)));
  const wrongs: [number, string][] = [
    [
      crossEntropy([z], [ROW.target]).loss,
      "that is the loss without label smoothing; q = (1 − ε)·onehot + ε/V",
    ],
    [
      dot(otherClasses, trace.logProbs[0]!),
      "that spreads ε over the V − 1 other classes; here ε/V goes to every class, the target included",
    ],
    [trace.loss / Math.LN2, "that is in bits; the loss uses the natural log (nats)"],
    [-trace.loss, "the loss is −Σ q log p, a positive number"],
    [dot(trace.smoothedTargets[0]!, z), "that uses the logits; take −Σ q log p with p = softmax(z)"],
  ];
  const hit = wrongs.find(([x]) => close(x));
  if (hit !== undefined) return { right: false, hint: hit[1] };
  return {
    right: false,
    hint: "not −Σ_v q_v log softmax(z)_v; check the log-softmax (subtract log Σ exp z) and q",
  };
}

/** Exercise 2: (dModel, warmup) pairs and the steps at which a learner's schedule is compared. */
const SCHEDULES = [
  { dModel: 32, warmup: 60 },
  { dModel: 512, warmup: 4000 },
  { dModel: 64, warmup: 1 },
] as const;
const stepsFor = (w: number) => [1, 2, Math.ceil(w / 2), w, w + 1, 2 * w, 4 * w, 10 * w + 3, 100 * w];

/** The wrong schedules a hint names, as functions of (step, dModel, warmup). */
const WRONG_SCHEDULES: [(s: number, d: number, w: number) => number, string][] = [
  [(s, _d, w) => Math.min(s ** -0.5, s * w ** -1.5), "the d_model^−0.5 factor in front is missing"],
  [
    (s, d, w) => d ** -0.5 * Math.max(s ** -0.5, s * w ** -1.5),
    "min, not max: the rate is the smaller of the two branches",
  ],
  [
    (s, d, w) => d ** -0.5 * Math.min(s ** -0.5, s * w ** -0.5),
    "the warm-up branch is step · warmup^−1.5, so the two branches meet at step = warmup",
  ],
  [
    (s, d, w) => d ** -0.5 * Math.min((s + 1) ** -0.5, (s + 1) * w ** -1.5),
    "the steps count from 1: use step, not step + 1",
  ],
  [
    (s, d, w) => d ** -0.5 * Math.min((s - 1) ** -0.5, (s - 1) * w ** -1.5),
    "the steps count from 1: use step, not step − 1",
  ],
];

function noamSchedule(answer: unknown): Verdict {
  if (typeof answer !== "function")
    return { right: false, hint: "the answer is a function (step, dModel, warmup) => learning rate" };
  const f = answer as (s: number, d: number, w: number) => unknown;
  const points = SCHEDULES.flatMap(({ dModel, warmup }) =>
    stepsFor(warmup).map((s) => ({ s, d: dModel, w: warmup })),
  );
  const given = points.map((p) => f(p.s, p.d, p.w));
  const bad = given.findIndex((x) => !isFiniteNumber(x));
  if (bad >= 0) {
    const p = points[bad]!;
    return {
      right: false,
      hint: `at step ${p.s} (dModel ${p.d}, warmup ${p.w}) it returns ${String(given[bad])}, not a finite number`,
    };
  }
  const values = given as number[];
  const matches = (g: (s: number, d: number, w: number) => number) =>
    points.every((p, i) => Math.abs(values[i]! - g(p.s, p.d, p.w)) <= 1e-9 * Math.abs(g(p.s, p.d, p.w)));
  if (matches((s, d, w) => noamRate(s, { dModel: d, warmup: w })))
    return {
      right: true,
      note: "the peak is at step = warmup, where both branches equal (d_model · warmup)^−0.5",
    };
  const hit = WRONG_SCHEDULES.find(([g]) => matches(g));
  if (hit !== undefined) return { right: false, hint: hit[1] };
  const i = points.findIndex(
    (p, k) =>
      Math.abs(values[k]! - noamRate(p.s, { dModel: p.d, warmup: p.w })) > 1e-9 * Math.abs(values[k]!),
  );
  const p = points[i]!;
  const ratio = values[i]! / noamRate(p.s, { dModel: p.d, warmup: p.w });
  return {
    right: false,
    hint: `at step ${p.s} (dModel ${p.d}, warmup ${p.w}) yours is ${ratio.toPrecision(3)}× the schedule`,
  };
}

/** Exercise 3: two hypotheses (their probabilities so far), the next-token probabilities of each, k. */
const BEAM = {
  hypotheses: [0.7, 0.2],
  next: [
    [0.05, 0.5, 0.3, 0.1, 0.05],
    [0.7, 0.1, 0.1, 0.05, 0.05],
  ],
  k: 3,
} as const;

/** The answer as [beam, token, logProb] triples, or a hint on its shape. */
function asCandidates(answer: unknown): [number, number, number][] | string {
  const shape = `an array of ${BEAM.k} { beam, token, logProb } objects, best first`;
  if (!Array.isArray(answer)) return `the answer is ${shape}`;
  if (answer.length !== BEAM.k)
    return `the answer has ${answer.length} entries; k = ${BEAM.k}: it is ${shape}`;
  const out: [number, number, number][] = [];
  for (const c of answer) {
    if (!isRecord(c) || !Number.isInteger(c.beam) || !Number.isInteger(c.token) || !isFiniteNumber(c.logProb))
      return `every entry is { beam: integer, token: integer, logProb: finite number }; it is ${shape}`;
    out.push([c.beam as number, c.token as number, c.logProb]);
  }
  return out;
}

function beamExtension(answer: unknown): Verdict {
  const given = asCandidates(answer);
  if (typeof given === "string") return { right: false, hint: given };
  const logs = (row: readonly number[]) => row.map(Math.log);
  const right = beamStep(logs(BEAM.hypotheses), BEAM.next.map(logs), BEAM.k).kept;
  const key = (b: number, t: number) => `${b}/${t}`;
  const rightKeys = right.map((c) => key(c.beam, c.token));
  const givenKeys = given.map(([b, t]) => key(b, t));
  if (givenKeys.every((k, i) => k === rightKeys[i])) {
    const i = given.findIndex(([, , lp], j) => Math.abs(lp - right[j]!.logProb) > 1e-6);
    if (i < 0) return { right: true, note: "the second hypothesis's best token beats the first's third" };
    if (Math.abs(given[i]![2] - Math.exp(right[i]!.logProb)) < 1e-6)
      return {
        right: false,
        hint: "right tokens; logProb is the log of the probability, not the probability",
      };
    return {
      right: false,
      hint: "right tokens; logProb is the hypothesis's log-probability plus the token's",
    };
  }
  const stepOnly = beamStep([0, 0], BEAM.next.map(logs), BEAM.k).kept.map((c) => key(c.beam, c.token));
  if (givenKeys.every((k, i) => k === stepOnly[i]))
    return {
      right: false,
      hint: "that ranks by the next token alone; add each hypothesis's own log-probability",
    };
  if (given.every(([b]) => b === 0))
    return { right: false, hint: "candidates from every hypothesis compete, not only the best one's" };
  if (givenKeys.every((k) => rightKeys.includes(k)) && new Set(givenKeys).size === BEAM.k)
    return { right: false, hint: "the right candidates, but not best first" };
  return {
    right: false,
    hint: "score all 2 × 5 extensions by log P(hypothesis) + log p(token) and keep the 3 best",
  };
}

export const TRAINING_TRANSFORMER_EXERCISES = defineExercises("09-training-a-transformer", [
  {
    n: 1,
    answer: "smoothedLoss",
    title: "the label-smoothed cross-entropy of one row of logits, by hand",
    check: smoothedLoss,
  },
  {
    n: 2,
    answer: "noam",
    title: "the Noam learning-rate schedule as a function of step, dModel and warmup",
    check: noamSchedule,
  },
  {
    n: 3,
    answer: "bestExtensions",
    title: "one beam-search step: the 3 best extensions of 2 hypotheses",
    check: beamExtension,
  },
]);

/**
 * The focus toy (`datasets/focus/README.md`): SIMULATED per-minute interaction logs, not data about people. Each
 * window holds `window` minutes (default 30; minute `window − 1` is the current one) of four features —
 * keystrokes, app switches, idle seconds, notifications. The planted rule, exact: the label "distracted in the
 * next 5 minutes" is 1 if and only if some minute of the last `recent` minutes (default 5: minutes 25…29) has at
 * least {@link FOCUS_BURST_MIN} notifications (`focusLabel`), flipped with probability `flipRate` (default 0.05:
 * label noise, so no model can be perfect; predicting the rule gives F1 ≈ 0.95). Background minutes never reach
 * that count (0, 1 or 2 notifications); a planted notification burst is 1 to 3 consecutive minutes of 4…8 each
 * (cut short when it would run past the current minute). Half the windows have a
 * burst that overlaps the recent minutes (label 1); of the others, half have an *old* burst that ends before them
 * (label 0), so "a burst somewhere" is not enough. Every window may also carry distractor bursts of the other
 * three features, anywhere, the recent minutes included; they never change the label. Pure TS, seeded by
 * mulberry32. `generateFocusLogs` draws a set; `focusData(config)` draws the case's train and test sets, and
 * `focusBatch` turns windows into the tensors `fit` trains on.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, opt } from "../../check/options.js";
import { type DatasetInfo, datasetInfo } from "../../experiments/experiment.js";
import { drawSplits, type SplitSizes } from "../../random/drawSplits.js";
import { mulberry32, type Rng } from "../../random/prng.js";
import { take } from "../../train/batches.js";

/** The four features of a minute, in column order. */
export const FOCUS_FEATURES = ["keystrokes", "appSwitches", "idleSeconds", "notifications"] as const;

/** Column of the notifications in a minute's features. */
export const FOCUS_NOTIFICATIONS = FOCUS_FEATURES.indexOf("notifications");

/** A minute with at least this many notifications is a burst minute; background minutes have at most 2. */
export const FOCUS_BURST_MIN = 4;

/**
 * What `focusBatch` divides each feature by, so the model reads numbers of order 1 (keystrokes per 100, app
 * switches per 10, idle seconds per minute, notifications per 4: a burst minute reads ≥ 1).
 */
export const FOCUS_FEATURE_SCALES: readonly number[] = [100, 10, 60, FOCUS_BURST_MIN];

/** Options of {@link generateFocusLogs}. */
export interface FocusLogOptions {
  seed: number;
  /** Number of windows. */
  size: number;
  /** Minutes per window. Default 30. */
  window?: number;
  /** The recent minutes the rule looks at (the last `recent` of the window). Default 5. */
  recent?: number;
  /** Probability that a window's label is the opposite of the rule (label noise). Default 0.05. */
  flipRate?: number;
}

const FOCUS_LOG_SPEC = {
  seed: opt.integer({ min: 0, max: 2 ** 32 - 1, required: true }),
  size: opt.integer({ min: 1, required: true }),
  window: opt.integer({ min: 8, max: 240 }),
  recent: opt.integer({ min: 1 }),
  flipRate: opt.number({ min: 0, max: 0.5 }),
};

/** A distractor burst: `length` minutes of one non-notification feature from minute `start`. */
export interface FocusDistractor {
  feature: "keystrokes" | "appSwitches" | "idleSeconds";
  start: number;
  length: number;
}

/** A set of windows with labels and the planted bursts. */
export interface FocusSet {
  /** `[N][window][4]` raw counts per minute, in the order of {@link FOCUS_FEATURES} (whole numbers). */
  x: number[][][];
  /** The label: 1 = distracted in the next 5 minutes, 0 = not — the rule's value, flipped with probability `flipRate`. */
  labels: number[];
  /** The planted rule's value per window, `focusLabel(x[k], recent)` (the labels before the flips). */
  rule: number[];
  /** The minutes of each window's planted notification burst (ascending; `[]` when it has none). */
  bursts: number[][];
  /** The distractor bursts of each window. */
  distractors: FocusDistractor[][];
  /** The window's length, the recent minutes the rule reads and the label-flip probability. */
  window: number;
  recent: number;
  flipRate: number;
}

/**
 * The planted rule on one window `[window][4]` of raw counts: 1 when one of its last `recent` minutes has at
 * least {@link FOCUS_BURST_MIN} notifications, else 0.
 * @example focusLabel([[40, 1, 10, 0], [40, 1, 10, 5]], 1); // 1
 */
export function focusLabel(minutes: readonly (readonly number[])[], recent = 5): number {
  if (!Array.isArray(minutes) || minutes.length === 0)
    throw new RangeError("focusLabel: minutes must be a non-empty [window][4] array");
  if (!(Number.isInteger(recent) && recent >= 1 && recent <= minutes.length)) {
    throw new RangeError(
      `focusLabel: recent must be an integer in 1…${minutes.length} (the window's minutes), got ${recent}`,
    );
  }
  const last = minutes.slice(minutes.length - recent);
  return last.some((m) => (m[FOCUS_NOTIFICATIONS] ?? 0) >= FOCUS_BURST_MIN) ? 1 : 0;
}

/** The recent burst minutes of a window: the minutes the rule fires on (empty for a window labelled 0). */
export function focusTriggerMinutes(minutes: readonly (readonly number[])[], recent = 5): number[] {
  focusLabel(minutes, recent); // the same argument checks
  const first = minutes.length - recent;
  return minutes
    .map((m, t) => (t >= first && (m[FOCUS_NOTIFICATIONS] ?? 0) >= FOCUS_BURST_MIN ? t : -1))
    .filter((t) => t >= 0);
}

const clampRound = (v: number, lo: number, hi: number) => Math.round(Math.min(hi, Math.max(lo, v)));

function backgroundMinute(rng: Rng): number[] {
  const u = rng.next();
  return [
    clampRound(rng.normal(40, 12), 0, 90), // keystrokes
    rng.int(0, 2), // app switches
    clampRound(rng.normal(10, 6), 0, 30), // idle seconds
    u < 0.75 ? 0 : u < 0.95 ? 1 : 2, // notifications: never a burst
  ];
}

/** The values a distractor burst minute takes, by feature (all beyond any background minute). */
const DISTRACTOR_VALUES: Record<FocusDistractor["feature"], [number, number, number]> = {
  keystrokes: [0, 110, 160],
  appSwitches: [1, 5, 10],
  idleSeconds: [2, 40, 60],
};

/**
 * Generates `size` windows from `seed`. In about half the rule fires (a burst overlapping the recent minutes);
 * `rule` always equals `focusLabel` of the window, and the label differs from it in about `flipRate` of them.
 * @example
 * const s = generateFocusLogs({ seed: 1, size: 2 });
 * [s.x.length, s.x[0].length, s.x[0][0].length, s.labels.length]; // [2, 30, 4, 2]
 */
export function generateFocusLogs(opts: FocusLogOptions): FocusSet {
  checkOptions("generateFocusLogs", opts, FOCUS_LOG_SPEC);
  const window = opts.window ?? 30;
  const recent = opts.recent ?? 5;
  const flipRate = opts.flipRate ?? 0.05;
  if (recent > window - 4) {
    throw new RangeError(
      `generateFocusLogs: recent must be an integer from 1 to window − 4 (${window - 4}), so an old burst fits before it; got ${recent}`,
    );
  }
  const rng = mulberry32(opts.seed);
  const first = window - recent; // the first recent minute
  const set: FocusSet = {
    x: [],
    labels: [],
    rule: [],
    bursts: [],
    distractors: [],
    window,
    recent,
    flipRate,
  };
  for (let n = 0; n < opts.size; n++) {
    const minutes = Array.from({ length: window }, () => backgroundMinute(rng));
    const distractors: FocusDistractor[] = [];
    for (const feature of ["keystrokes", "appSwitches", "idleSeconds"] as const) {
      if (rng.next() >= 0.5) continue;
      const length = rng.int(2, 3);
      const start = rng.int(0, window - length);
      const [col, lo, hi] = DISTRACTOR_VALUES[feature];
      for (let t = start; t < start + length; t++) minutes[t]![col] = rng.int(lo, hi);
      distractors.push({ feature, start, length });
    }
    const positive = rng.next() < 0.5;
    const old = !positive && rng.next() < 0.5;
    const burst: number[] = [];
    if (positive || old) {
      const length = rng.int(1, 3);
      // recent: the burst overlaps minutes first … window − 1 (it may start just before them);
      // old: it ends before minute first
      const start = positive ? rng.int(first - length + 1, window - 1) : rng.int(0, first - length);
      for (let t = Math.max(0, start); t < Math.min(window, start + length); t++) {
        minutes[t]![FOCUS_NOTIFICATIONS] = rng.int(FOCUS_BURST_MIN, 8);
        burst.push(t);
      }
    }
    set.x.push(minutes);
    const rule = focusLabel(minutes, recent);
    set.rule.push(rule);
    set.labels.push(rng.next() < flipRate ? 1 - rule : rule);
    set.bursts.push(burst);
    set.distractors.push(distractors);
  }
  return set;
}

/** The case's data: train and test sets drawn from the case seed, and the descriptor its record stores. */
export interface FocusData {
  train: FocusSet;
  test: FocusSet;
  dataset: DatasetInfo;
}

/**
 * The train and test sets of a focus config (`trainSize`, `testSize`, `window`, `recent`), seeded by
 * `childSeed(seed, "data/train" | "data/test")`.
 */
export function focusData(
  config: SplitSizes & { window: number; recent: number; flipRate: number },
): FocusData {
  const { window, recent, flipRate } = config;
  const { train, test } = drawSplits(config, (seed, size) =>
    generateFocusLogs({ seed, size, window, recent, flipRate }),
  );
  return { train, test, dataset: datasetInfo("focus", { train, test }, (set) => set.labels.length) };
}

/** One window `[window][4]` of raw counts as the model reads it: each feature divided by its {@link FOCUS_FEATURE_SCALES}. */
export function focusScaled(minutes: readonly (readonly number[])[]): number[][] {
  return minutes.map((m) => m.map((v, f) => v / FOCUS_FEATURE_SCALES[f]!));
}

/** One batch of `set` at `indices`: windows `x [B, window, 4]` ({@link focusScaled}) and labels `y [B]` (0 or 1, float32). */
export function focusBatch(set: FocusSet, indices: number[]): { x: tf.Tensor3D; y: tf.Tensor1D } {
  const x = take(set.x, indices).map(focusScaled);
  return {
    x: tf.tensor3d(x, [indices.length, set.window, FOCUS_FEATURES.length]),
    y: tf.tensor1d(take(set.labels, indices)),
  };
}

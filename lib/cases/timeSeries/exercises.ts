/**
 * The exercises of notebooks/cases/09-time-series-attention.ipynb. Every right answer is computed here from the
 * library and the case's own data and models, never typed in; a hint says what is off without giving the answer.
 * 1 measures where the driver of a lag-12 series sits (`laggedSeries`), 2 checks a `reverseWindows` function on
 * its own split and recomputes the learner's R² with `timeSeriesEvaluate`, 3 counts the stock training windows
 * of two window lengths with the stocks case's data functions (`stockSplits`, drawing data only).
 */

import { isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { pearson as correlation } from "../../metrics/rankCorrelation.js";
import type { TemporalAttentionForecaster } from "../../models/temporalForecaster.js";
import { loadStockPrices, stockSplits } from "../stocks/data.js";
import { type LaggedSeries, laggedSeries } from "./data.js";
import { TIME_SERIES_DEFAULTS, timeSeriesEvaluate } from "./experiment.js";

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Where the driver of a `lag` series sits, measured: the window index whose s correlates most with the target,
 * over 2,000 windows of the case's window length drawn by the case's generator.
 */
function measuredLagIndex(lag: number): { index: number; correlation: number } {
  const set = laggedSeries({ seed: 0, size: 2000, window: TIME_SERIES_DEFAULTS.window, lag });
  const corr = Array.from({ length: TIME_SERIES_DEFAULTS.window }, (_, i) =>
    correlation(
      set.x.map((w) => w[i]![1]!),
      set.y,
    ),
  );
  const index = corr.indexOf(Math.max(...corr));
  return { index, correlation: corr[index]! };
}

function lag12Index(answer: unknown): Verdict {
  const last = TIME_SERIES_DEFAULTS.window - 1;
  if (typeof answer !== "number" || !Number.isInteger(answer) || answer < 0 || answer > last) {
    return {
      right: false,
      hint: `the answer is a window index: a whole number from 0 (the oldest step) to ${last} (time t)`,
    };
  }
  const right = measuredLagIndex(12);
  if (answer === right.index) {
    return {
      right: true,
      note: `s at index ${right.index} correlates ${right.correlation.toFixed(2)} with the target; no other index carries information`,
    };
  }
  if (answer === measuredLagIndex(TIME_SERIES_DEFAULTS.lag).index) {
    return {
      right: false,
      hint: `that is where the driver sits for the default lag ${TIME_SERIES_DEFAULTS.lag}; with lag 12 it sits further back`,
    };
  }
  if (answer === 12) {
    return {
      right: false,
      hint: "12 is the lag, a number of steps back from the target; the answer is a position in the window",
    };
  }
  if (Math.abs(answer - right.index) === 1) {
    return {
      right: false,
      hint: `off by one: index ${last} is time t, and the target is r one step later, at t + 1`,
    };
  }
  return {
    right: false,
    hint: "measure it: which window index of laggedSeries({ …, lag: 12 }) has the s that correlates most with y?",
  };
}

/** A split's shape: windows `x` of equal length, one target per window, a lag index. */
function isSplit(v: unknown): v is LaggedSeries {
  return (
    isRecord(v) &&
    Array.isArray(v.x) &&
    v.x.length > 0 &&
    v.x.every((w) => Array.isArray(w) && w.every((step) => Array.isArray(step))) &&
    Array.isArray(v.y) &&
    v.y.length === v.x.length &&
    v.y.every((t) => typeof t === "number") &&
    typeof v.lagIndex === "number" &&
    Number.isInteger(v.lagIndex)
  );
}

/** The reference: every window's steps in reverse order, the targets as they are, the lag index moved. */
function reversed(split: LaggedSeries): LaggedSeries {
  const window = split.x[0]!.length;
  return {
    x: split.x.map((w) => [...w].reverse()),
    y: [...split.y],
    lagIndex: window - 1 - split.lagIndex,
  };
}

/** What is off in `fn`, tried on a split of the check's own (a hint), or undefined when it is right. */
function reverseWindowsHint(fn: (split: LaggedSeries) => unknown): string | undefined {
  const own = laggedSeries({ seed: 11, size: 4, window: 6, lag: 2 });
  const given = structuredClone(own);
  let out: unknown;
  try {
    out = fn(given);
  } catch (error) {
    return `reverseWindows threw on a split of 4 windows of 6 steps: ${(error as Error).message ?? String(error)}`;
  }
  if (!same(given, own)) {
    return "reverseWindows changed the split it was given (Array.prototype.reverse works in place): copy each window before reversing it";
  }
  if (!isSplit(out)) {
    return "reverseWindows should return a split { x, y, lagIndex } like the one it was given";
  }
  const right = reversed(own);
  if (!same(out.x, right.x)) {
    if (same(out.x, own.x))
      return "reverseWindows returns the windows with their steps in the original order";
    if (same(out.x, [...own.x].reverse())) {
      return "that reverses the order of the windows; reverse the order of the steps inside each window";
    }
    if (
      same(
        out.x,
        own.x.map((w) => w.map((step) => [...step].reverse())),
      )
    ) {
      return "that swaps r and s inside each step; reverse the order of the steps, keeping each step's (r, s)";
    }
    return "some window of the result is not the window's steps in reverse order";
  }
  if (!same(out.y, right.y)) {
    return same(out.y, [...own.y].reverse())
      ? "the targets belong to their windows: y stays as it is"
      : "y should be the split's targets, unchanged";
  }
  if (out.lagIndex === own.lagIndex) {
    return "lagIndex still says where the informative step sat before the reversal; where does that step sit now?";
  }
  if (out.lagIndex !== right.lagIndex) {
    return "lagIndex should be the index of the informative step in the reversed windows (whatever their length)";
  }
  return undefined;
}

function reversal(answer: unknown): Verdict {
  if (!isRecord(answer)) {
    return { right: false, hint: "the answer is an object { reverseWindows, model, test, r2 }" };
  }
  const { reverseWindows, model, test, r2 } = answer;
  if (typeof reverseWindows !== "function") {
    return {
      right: false,
      hint: "`reverseWindows` should be a function that takes a split and returns a new one",
    };
  }
  const m = model as Partial<TemporalAttentionForecaster> | undefined;
  if (!isRecord(m) || typeof m.applyWithAttention !== "function" || !Number.isInteger(m.window)) {
    return {
      right: false,
      hint: "`model` should be the trained part-1 model (a TemporalAttentionForecaster)",
    };
  }
  if (!isSplit(test) || test.x.some((w) => w.length !== m.window)) {
    return {
      right: false,
      hint: `\`test\` should be the held-out split you reversed (data.test): { x, y, lagIndex }, windows of ${m.window} steps`,
    };
  }
  if (typeof r2 !== "number" || !Number.isFinite(r2)) {
    return {
      right: false,
      hint: "`r2` should be a finite number: the R² of `model` on the reversed windows",
    };
  }
  const hint = reverseWindowsHint(reverseWindows as (split: LaggedSeries) => unknown);
  if (hint !== undefined) return { right: false, hint };
  const flipped = timeSeriesEvaluate(m as TemporalAttentionForecaster, reversed(test));
  if (Math.abs(r2 - flipped.metrics.r2) <= 1e-6) {
    const peak = flipped.meanAttention.indexOf(Math.max(...flipped.meanAttention));
    return {
      right: true,
      note: `R² on the reversed windows ${flipped.metrics.r2.toFixed(3)}; the mean attention peaks at index ${peak}, and ${flipped.metrics["attn.massAtLag"].toFixed(3)} of it sits where the informative step now is`,
    };
  }
  const inOrder = timeSeriesEvaluate(m as TemporalAttentionForecaster, test).metrics.r2;
  if (Math.abs(r2 - inOrder) <= 1e-6) {
    return { right: false, hint: "that is the R² on the windows in their original order" };
  }
  return {
    right: false,
    hint: "`r2` is not what timeSeriesEvaluate(model, reverseWindows(test)).metrics.r2 gives for this model and test",
  };
}

/** The training windows of the stocks data for a window length, and the sizes of all three splits. */
function stockCounts(window: number): { train: number; all: number; valid: number; test: number } {
  const s = stockSplits(loadStockPrices(), { window });
  const [train, valid, test] = [s.train.y.length, s.valid.y.length, s.test.y.length];
  return { train, valid, test, all: train + valid + test };
}

function stockTrainWindows(answer: unknown): Verdict {
  const windows = [3, 24] as const;
  const what =
    "the answer is an object { 3: count, 24: count }: the number of training windows for each window length";
  if (!isRecord(answer)) return { right: false, hint: what };
  const given = windows.map((w) => answer[w]);
  if (!given.every((v) => typeof v === "number" && Number.isInteger(v) && v >= 0)) {
    return { right: false, hint: what };
  }
  const right = windows.map(stockCounts);
  if (given.every((v, i) => v === right[i]!.train)) {
    return {
      right: true,
      note: `${right[0]!.train} training windows with 3 months, ${right[1]!.train} with 24; validation (${right[0]!.valid}) and test (${right[0]!.test}) keep theirs`,
    };
  }
  if (given[0] === right[1]!.train && given[1] === right[0]!.train) {
    return { right: false, hint: "the two counts are swapped" };
  }
  const byDefault = stockCounts(12).train;
  for (const [i, w] of windows.entries()) {
    const [v, r] = [given[i], right[i]!];
    if (v === r.train) continue;
    if (v === r.all) {
      return {
        right: false,
        hint: `the count for ${w} months counts all three splits; only training is asked for`,
      };
    }
    if (v === r.valid || v === r.test) {
      return {
        right: false,
        hint: `the count for ${w} months is the size of another split; count the training split`,
      };
    }
    if (v === byDefault) {
      return {
        right: false,
        hint: `the count for ${w} months is the one for the default 12 months; build the data with window: ${w}`,
      };
    }
    return {
      right: false,
      hint: `the count for ${w} months is off: count stocksData({ ...stockConfig, window: ${w} }).train.y.length`,
    };
  }
  return { right: false, hint: "one of the counts is off" };
}

export const TIME_SERIES_EXERCISES = defineExercises("cases/09-time-series-attention", [
  {
    n: 1,
    answer: "lag12Index",
    title: "the window index of the informative step when lag = 12, measured from the generator",
    check: lag12Index,
  },
  {
    n: 2,
    answer: "reversal",
    title: "reverseWindows(split), and the trained model's R² on the reversed held-out windows",
    check: reversal,
  },
  {
    n: 3,
    answer: "stockTrainWindows",
    title: "the number of stock training windows for windows of 3 and of 24 months",
    check: stockTrainWindows,
  },
]);

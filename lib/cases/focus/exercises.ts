/**
 * The exercises of notebooks/cases/17-focus-toy-temporal-attention.ipynb. Every right answer is computed here from
 * the library and the case's own data and model, never typed in: an answer that is a measured number carries the
 * model and the settings it was measured on, and the check draws the held-out windows of those settings again with
 * `focusData` and re-runs the model. No check depends on how well the training went. A hint says what is off, not
 * the answer.
 * 1 tries the learner's rule on windows of the check's own (`generateFocusLogs`) against `focusLabel`; 2
 * recomputes the accuracy on the held-out windows that carry a distractor burst in the recent minutes; 3 erases
 * the recent notification burst of the windows where the rule fires and recomputes the share still predicted
 * distracted.
 */

import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { TemporalAttentionForecaster } from "../../models/temporalForecaster.js";
import { childSeed } from "../../random/childSeed.js";
import { sameWeights } from "../../train/variables.js";
import {
  FOCUS_FEATURES,
  FOCUS_NOTIFICATIONS,
  type FocusSet,
  focusData,
  focusLabel,
  focusTriggerMinutes,
  generateFocusLogs,
} from "./data.js";
import { FOCUS_DEFAULTS, type FocusConfig, focusEvaluate } from "./experiment.js";
import { focusModel } from "./model.js";

const wrong = (hint: string): Verdict => ({ right: false, hint });
/** Reported and recomputed agree up to float noise (both come from `focusEvaluate`). */
const agrees = (reported: number, computed: number) => Math.abs(reported - computed) <= 1e-9;
const isShare = (v: unknown): v is number => isFiniteNumber(v) && v >= 0 && v <= 1;
/** The largest held-out split a check re-evaluates. */
const MAX_TEST_SIZE = 5000;

// ── 1. the planted rule by hand ──────────────────────────────────────────────────────────────────────────────

/** The windows exercise 1 is tried on: `generateFocusLogs({ seed: 17, size: 400 })`. */
const RULE_PROBE = { seed: 17, size: 400 } as const;

/** A rule on whole windows: notifications ≥ `min` in one of the last `recent` minutes. */
const ruleWith = (minutes: number[][], recent: number, min: number, column = FOCUS_NOTIFICATIONS) =>
  minutes.slice(minutes.length - recent).some((m) => m[column]! >= min) ? 1 : 0;

function ruleByHandCheck(answer: unknown): Verdict {
  if (typeof answer !== "function") {
    return wrong(
      "`ruleByHand` should be a function (minutes) => 0 or 1, minutes a window [30][4] of raw counts",
    );
  }
  const fn = answer as (minutes: number[][]) => unknown;
  const set = generateFocusLogs(RULE_PROBE);
  const given: number[] = [];
  for (const [k, window] of set.x.entries()) {
    const copy = window.map((m) => m.slice());
    let out: unknown;
    try {
      out = fn(copy);
    } catch (error) {
      return wrong(`ruleByHand threw on window ${k}: ${(error as Error)?.message ?? String(error)}`);
    }
    if (JSON.stringify(copy) !== JSON.stringify(window))
      return wrong("ruleByHand changed the window it was given: read it, do not write to it");
    if (out !== 0 && out !== 1 && out !== true && out !== false)
      return wrong(`ruleByHand should return 0 or 1; on window ${k} it returned ${JSON.stringify(out)}`);
    given.push(out === true || out === 1 ? 1 : 0);
  }
  const right = set.x.map((w) => focusLabel(w, 5));
  const same = (rule: number[]) => rule.every((v, k) => v === given[k]);
  if (same(right)) {
    const fires = right.filter((v) => v === 1).length;
    return {
      right: true,
      note: `equal to focusLabel on ${set.x.length} windows of the check's own (${fires} where it fires)`,
    };
  }
  if (same(set.labels)) {
    return wrong("that matches the noisy labels, not the rule: the rule reads the window alone");
  }
  if (same(set.x.map((w) => ruleWith(w, w.length, 4))))
    return wrong("that fires on a burst anywhere in the window; the rule reads the last 5 minutes only");
  for (const recent of [4, 6]) {
    if (same(set.x.map((w) => ruleWith(w, recent, 4)))) {
      return wrong(
        `that reads the last ${recent} minutes; count again which minutes are the last 5 (the current one is index 29)`,
      );
    }
  }
  if (same(set.x.map((w) => ruleWith(w.slice(0, 5), 5, 4))))
    return wrong("that reads the first 5 minutes of the window; minute 0 is the oldest");
  for (const min of [3, 5]) {
    if (same(set.x.map((w) => ruleWith(w, 5, min))))
      return wrong(`the threshold is off: that fires at ${min} notifications or more`);
  }
  for (const [column, name] of FOCUS_FEATURES.entries()) {
    if (column !== FOCUS_NOTIFICATIONS && same(set.x.map((w) => ruleWith(w, 5, 4, column))))
      return wrong(`that reads column ${column} (${name}); the rule is about notifications`);
  }
  const k = right.findIndex((v, i) => v !== given[i]);
  return wrong(
    `ruleByHand disagrees with the rule on ${right.filter((v, i) => v !== given[i]).length} of ${set.x.length} windows of the check's own (the first: generateFocusLogs(${JSON.stringify(RULE_PROBE)}).x[${k}])`,
  );
}

// ── shared: a trained focus model and the settings it was trained with ───────────────────────────────────────

/** `value` as the settings a run was trained with, over the case's defaults, or a hint naming `name`. */
function asRunConfig(value: unknown, name: string): FocusConfig | string {
  if (!isRecord(value)) return `\`${name}\` should be the settings you trained with (config)`;
  const config = { ...FOCUS_DEFAULTS, ...value } as FocusConfig;
  if (!Number.isInteger(config.seed)) return `\`${name}.seed\` should be a whole number`;
  if (!(Number.isInteger(config.testSize) && config.testSize >= 1 && config.testSize <= MAX_TEST_SIZE)) {
    return `\`${name}.testSize\` should be a whole number from 1 to ${MAX_TEST_SIZE} (the check re-evaluates every held-out window)`;
  }
  if (!(Number.isInteger(config.window) && config.window >= 8 && config.window <= 240))
    return `\`${name}.window\` should be a whole number of minutes from 8 to 240`;
  if (!(Number.isInteger(config.recent) && config.recent >= 1 && config.recent <= config.window - 4))
    return `\`${name}.recent\` should be a whole number from 1 to window − 4`;
  if (!(isFiniteNumber(config.flipRate) && config.flipRate >= 0 && config.flipRate <= 0.5))
    return `\`${name}.flipRate\` should be a number from 0 to 0.5`;
  return config;
}

/** The trained model of `answer.model`, built from `answer.config`, or a hint. */
function asTrainedRun(
  answer: Record<string, unknown>,
  where: string,
): { config: FocusConfig; model: TemporalAttentionForecaster } | string {
  const config = asRunConfig(answer.config, `${where}.config`);
  if (typeof config === "string") return config;
  const { model } = answer;
  if (!(model instanceof TemporalAttentionForecaster))
    return `\`${where}.model\` should be the trained model (focusModel(config) builds one, a TemporalAttentionForecaster)`;
  if (model.window !== config.window || model.features !== FOCUS_FEATURES.length)
    return `\`${where}.model\` reads windows of ${model.window} minutes × ${model.features} features; the config's are ${config.window} × ${FOCUS_FEATURES.length}`;
  if (model.seed !== childSeed(config.seed, "model") || model.dModel !== config.dModel)
    return `\`${where}.model\` was not built from \`${where}.config\` (its seed or dModel differ): build it with focusModel(config)`;
  const initial = focusModel(config);
  try {
    if (sameWeights(model, initial))
      return `\`${where}.model\` still has its initial weights: train it first`;
  } finally {
    initial.dispose();
  }
  return { config, model };
}

/** The held-out windows of `config`: `focusData(config).test` (the test split has its own seed). */
const heldOut = (config: FocusConfig): FocusSet => focusData({ ...config, trainSize: 1 }).test;

/** The windows of `set` at `ks`, as a set `focusEvaluate` reads. */
function subset(set: FocusSet, ks: number[]): FocusSet {
  const pick = <T>(items: T[]) => ks.map((k) => items[k]!);
  return {
    ...set,
    x: pick(set.x),
    labels: pick(set.labels),
    rule: pick(set.rule),
    bursts: pick(set.bursts),
    distractors: pick(set.distractors),
  };
}

/** Does a distractor burst of window `k` cover one of the last `recent` minutes? */
const distractedRecently = (set: FocusSet, k: number, anywhere = false) =>
  set.distractors[k]!.some((d) => anywhere || d.start + d.length - 1 >= set.window - set.recent);

const shareRight = (predicted: number[], labels: number[], ks: number[]) =>
  ks.length === 0 ? 0 : ks.filter((k) => predicted[k] === labels[k]).length / ks.length;

// ── 2. are distractor bursts in the recent minutes a problem? ────────────────────────────────────────────────

function distractorAccuracyCheck(answer: unknown): Verdict {
  const what = "`distractorAccuracy` should be { model, config, accuracy }";
  if (!isRecord(answer)) return wrong(what);
  const run = asTrainedRun(answer, "distractorAccuracy");
  if (typeof run === "string") return wrong(run);
  if (!isShare(answer.accuracy))
    return wrong("`accuracy` should be a share of windows: a number from 0 to 1");
  const test = heldOut(run.config);
  const { predicted, metrics } = focusEvaluate(run.model, test);
  const all = test.labels.map((_, k) => k);
  const recentKs = all.filter((k) => distractedRecently(test, k));
  const right = shareRight(predicted, test.labels, recentKs);
  const given = answer.accuracy;
  if (agrees(given, right)) {
    const others = all.filter((k) => !distractedRecently(test, k));
    return {
      right: true,
      note: `accuracy ${right.toFixed(3)} on the ${recentKs.length} held-out windows with a distractor burst in the recent minutes, ${shareRight(predicted, test.labels, others).toFixed(3)} on the other ${others.length}`,
    };
  }
  if (agrees(given, metrics.accuracy))
    return wrong(
      "that is the accuracy on every held-out window; keep those with a distractor burst in the recent minutes",
    );
  const anywhere = all.filter((k) => distractedRecently(test, k, true));
  if (agrees(given, shareRight(predicted, test.labels, anywhere)))
    return wrong(
      "that keeps the windows with a distractor burst anywhere; keep those whose burst covers one of the last `recent` minutes",
    );
  if (agrees(given, shareRight(predicted, test.rule, recentKs)))
    return wrong("that compares the predictions with the rule; the accuracy compares them with the labels");
  if (agrees(given, recentKs.filter((k) => predicted[k] === test.labels[k]).length / all.length))
    return wrong("that divides by every held-out window; divide by the windows you kept");
  return wrong(
    "that is not the share of those held-out windows (focusData(config).test) that the model gets right",
  );
}

// ── 3. erase the burst ───────────────────────────────────────────────────────────────────────────────────────

function erasedBurstCheck(answer: unknown): Verdict {
  const what = "`erasedBurst` should be { model, config, stillDistracted }";
  if (!isRecord(answer)) return wrong(what);
  const run = asTrainedRun(answer, "erasedBurst");
  if (typeof run === "string") return wrong(run);
  if (!isShare(answer.stillDistracted))
    return wrong("`stillDistracted` should be a share of windows: a number from 0 to 1");
  const test = heldOut(run.config);
  const fires = test.rule.map((_, k) => k).filter((k) => test.rule[k] === 1);
  if (fires.length === 0)
    return wrong("the rule fires on none of these held-out windows: use a larger testSize");
  const erased = subset(test, fires);
  erased.x = erased.x.map((w) => {
    const trigger = new Set(focusTriggerMinutes(w, test.recent));
    return w.map((m, t) =>
      trigger.has(t) ? m.map((v, f) => (f === FOCUS_NOTIFICATIONS ? 0 : v)) : m.slice(),
    );
  });
  const after = focusEvaluate(run.model, erased).predicted;
  const right = after.filter((p) => p === 1).length / after.length;
  const given = answer.stillDistracted;
  if (agrees(given, right)) {
    const before = focusEvaluate(run.model, subset(test, fires)).predicted;
    return {
      right: true,
      note: `of the ${fires.length} held-out windows where the rule fires, ${before.filter((p) => p === 1).length} are predicted distracted with the burst and ${after.filter((p) => p === 1).length} once its notifications are set to 0`,
    };
  }
  if (agrees(given, 1 - right))
    return wrong(
      "that is the share that changed its mind; the exercise asks for the share still predicted distracted",
    );
  const everywhere = after.filter((p) => p === 1).length / test.labels.length;
  if (agrees(given, everywhere))
    return wrong("that divides by every held-out window; divide by those where the rule fires");
  return wrong(
    "that is not the share of the windows where the rule fires that the model still predicts distracted once the notifications of their recent burst minutes are 0",
  );
}

/** The exercises of notebooks/cases/17-focus-toy-temporal-attention.ipynb. */
export const FOCUS_EXERCISES = defineExercises("cases/17-focus-toy-temporal-attention", [
  {
    n: 1,
    answer: "ruleByHand",
    title: "the planted rule written as a function of a window",
    check: ruleByHandCheck,
  },
  {
    n: 2,
    answer: "distractorAccuracy",
    title: "the accuracy on the held-out windows with a distractor burst in the recent minutes",
    check: distractorAccuracyCheck,
  },
  {
    n: 3,
    answer: "erasedBurst",
    title: "erase the recent notification burst: the share still predicted distracted",
    check: erasedBurstCheck,
  },
]);

/**
 * The exercises of notebooks/cases/16-opinion-monitoring-alarms.ipynb. Every right answer is computed here from
 * the library and the case's own data and model (`opinionMonitoringData`, `opinionMonitoringEvaluate`,
 * `opinionMonitoringAlarms`), never typed in: an answer is a measured quantity together with the model and the
 * config it was measured on, and the check draws the stream again from that config and re-labels it with that
 * model, so no check depends on how well training went. A hint says what is off, not the answer.
 * 1: a weaker surge (negative share 0.28 on the surge days); 2: a 7-day baseline window on the same predicted
 * shares; 3: the monitor run on the true labels, and the largest gap between the predicted and the true share.
 */

import { checkConfigOf } from "../../experiments/experiment.js";
import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { PoolingClassifier } from "../../models/poolingClassifier.js";
import { OPINION_MONITORING_MAX_LENGTH, OPINION_MONITORING_VOCAB, opinionMonitoringData } from "./data.js";
import {
  type OpinionMonitoringConfig,
  opinionMonitoringAlarms,
  opinionMonitoringEvaluate,
  opinionMonitoringExperiment,
} from "./experiment.js";
import { OPINION_MONITORING_OUTPUTS } from "./model.js";

const wrong = (hint: string): Verdict => ({ right: false, hint });
const close = (x: number, y: number) => Math.abs(x - y) <= 1e-9;
const sameDays = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);
const isDayList = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= 0);

/** The surge share exercise 1 asks for, and the window exercise 2 asks for. */
export const OPINION_MONITORING_WEAK_SURGE = 0.28;
export const OPINION_MONITORING_SHORT_WINDOW = 7;

/** Why `model` is not a model of this case (built by `opinionMonitoringModel`), or null. */
function modelProblem(model: unknown): string | null {
  if (!(model instanceof PoolingClassifier)) {
    return "model should be the trained model, built by opinionMonitoringModel(config) (a PoolingClassifier)";
  }
  const c = model.config;
  if (
    c.vocabSize !== OPINION_MONITORING_VOCAB.length ||
    c.maxLength !== OPINION_MONITORING_MAX_LENGTH ||
    c.outputs !== OPINION_MONITORING_OUTPUTS
  ) {
    return "model is not a two-headed model over the case's vocabulary: build it with opinionMonitoringModel(config)";
  }
  return null;
}

/** `value` as a whole config of the case, or a hint. */
function asConfig(value: unknown): OpinionMonitoringConfig | string {
  if (!isRecord(value))
    return "config should be the notebook's config, or a copy with the change asked for ({ ...config, … })";
  try {
    return checkConfigOf("config", opinionMonitoringExperiment, value as OpinionMonitoringConfig);
  } catch (error) {
    return `config is not a config of this case: ${(error as Error).message}`;
  }
}

/** The model and config of an answer, or a hint. */
function modelAndConfig(
  answer: unknown,
  shape: string,
): { model: PoolingClassifier; config: OpinionMonitoringConfig } | string {
  if (!isRecord(answer)) return `the answer should be ${shape}`;
  const problem = modelProblem(answer.model);
  if (problem !== null) return problem;
  const config = asConfig(answer.config);
  if (typeof config === "string") return config;
  return { model: answer.model as PoolingClassifier, config };
}

/* ---------------------------------------------------------------- 1: a weaker surge */

function weakSurge(answer: unknown): Verdict {
  const shape = `{ config, model, surgeRecall, falseAlarms }: the config with surgeNegativeShare ${OPINION_MONITORING_WEAK_SURGE}, the trained model, and what opinionMonitoringEvaluate gives on that config's stream`;
  const got = modelAndConfig(answer, shape);
  if (typeof got === "string") return wrong(got);
  const { model, config } = got;
  const a = answer as Record<string, unknown>;
  if (config.surgeNegativeShare !== OPINION_MONITORING_WEAK_SURGE) {
    return wrong(
      `config.surgeNegativeShare should be ${OPINION_MONITORING_WEAK_SURGE} (the rest as in the notebook's config)`,
    );
  }
  if (!isFiniteNumber(a.surgeRecall) || !Number.isInteger(a.falseAlarms)) {
    return wrong("surgeRecall should be a fraction and falseAlarms a whole number of days");
  }
  const m = opinionMonitoringEvaluate(model, opinionMonitoringData(config), config).metrics;
  if (close(a.surgeRecall, m.surgeRecall) && a.falseAlarms === m.falseAlarms) {
    return {
      right: true,
      note: `surge share ${OPINION_MONITORING_WEAK_SURGE}: ${Math.round(m.surgeRecall * config.surges)} of ${config.surges} surges alarmed, ${m.falseAlarms} false alarm(s)`,
    };
  }
  const base = { ...config, surgeNegativeShare: opinionMonitoringExperiment.defaults.surgeNegativeShare };
  const before = opinionMonitoringEvaluate(model, opinionMonitoringData(base), base).metrics;
  if (
    close(a.surgeRecall, before.surgeRecall) &&
    a.falseAlarms === before.falseAlarms &&
    !(close(before.surgeRecall, m.surgeRecall) && before.falseAlarms === m.falseAlarms)
  ) {
    return wrong(
      "those are the numbers of the notebook's stream: evaluate on opinionMonitoringData of the config with the weaker surge",
    );
  }
  return wrong(
    !close(a.surgeRecall, m.surgeRecall)
      ? "surgeRecall is not what opinionMonitoringEvaluate gives for this model on that config's stream"
      : "falseAlarms is not what opinionMonitoringEvaluate gives for this model on that config's stream",
  );
}

/* ---------------------------------------------------------------- 2: a 7-day window */

function shortWindow(answer: unknown): Verdict {
  const shape = `{ config, model, baselineDays, alarmDays }: the notebook's config, the trained model, baselineDays ${OPINION_MONITORING_SHORT_WINDOW}, and the days that raise an alarm`;
  const got = modelAndConfig(answer, shape);
  if (typeof got === "string") return wrong(got);
  const { model, config } = got;
  const a = answer as Record<string, unknown>;
  if (a.baselineDays !== OPINION_MONITORING_SHORT_WINDOW)
    return wrong(`baselineDays should be ${OPINION_MONITORING_SHORT_WINDOW} (days)`);
  if (!isDayList(a.alarmDays))
    return wrong("alarmDays should be an array of day indices (whole numbers from 0)");
  const evaluation = opinionMonitoringEvaluate(model, opinionMonitoringData(config), config);
  const shares = evaluation.days.map((d) => d.share);
  const alarms = opinionMonitoringAlarms(shares, {
    baselineDays: OPINION_MONITORING_SHORT_WINDOW,
    alarmZ: config.alarmZ,
  });
  const expected = alarms.flatMap((d, i) => (d.alarm ? [i] : []));
  const given = [...a.alarmDays].sort((x, y) => x - y);
  if (sameDays(given, expected)) {
    const surges = opinionMonitoringData(config).stream.surgeDays;
    const missed = surges.filter((d) => !expected.includes(d)).length;
    const extra = expected.filter((d) => !surges.includes(d)).length;
    return {
      right: true,
      note: `baselineDays ${OPINION_MONITORING_SHORT_WINDOW}: ${surges.length - missed} of ${surges.length} surges alarmed, ${extra} false alarm(s)`,
    };
  }
  if (sameDays(given, evaluation.alarmDays)) {
    return wrong(
      `those are the alarms of the ${config.baselineDays}-day baseline: run opinionMonitoringAlarms with baselineDays ${OPINION_MONITORING_SHORT_WINDOW}`,
    );
  }
  return wrong(
    "alarmDays are not the alarms opinionMonitoringAlarms raises on the model's daily negative shares with that window",
  );
}

/* ---------------------------------------------------------------- 3: the monitor on the true labels */

function trueLabels(answer: unknown): Verdict {
  const shape =
    "{ config, model, maxGap, labelAlarmDays }: the notebook's config, the trained model, the largest |predicted − true| daily negative share, and the alarm days on the true shares";
  const got = modelAndConfig(answer, shape);
  if (typeof got === "string") return wrong(got);
  const { model, config } = got;
  const a = answer as Record<string, unknown>;
  if (!isFiniteNumber(a.maxGap) || a.maxGap < 0)
    return wrong("maxGap should be a non-negative number (a share)");
  if (!isDayList(a.labelAlarmDays))
    return wrong("labelAlarmDays should be an array of day indices (whole numbers from 0)");
  const evaluation = opinionMonitoringEvaluate(model, opinionMonitoringData(config), config);
  const gap = Math.max(...evaluation.days.map((d, i) => Math.abs(d.share - evaluation.trueShare[i]!)));
  const onLabels = opinionMonitoringAlarms(evaluation.trueShare, {
    baselineDays: config.baselineDays,
    alarmZ: config.alarmZ,
  });
  const expected = onLabels.flatMap((d, i) => (d.alarm ? [i] : []));
  const given = [...a.labelAlarmDays].sort((x, y) => x - y);
  if (!close(a.maxGap, gap)) {
    return wrong(
      "maxGap is not the largest |predicted − true| daily negative share over the stream's days (evaluation.days[d].share against evaluation.trueShare[d])",
    );
  }
  if (sameDays(given, expected)) {
    return {
      right: true,
      note: `largest gap ${gap.toFixed(4)}; alarms on the labels: ${expected.join(", ") || "none"}; on the model's labels: ${evaluation.alarmDays.join(", ") || "none"}`,
    };
  }
  if (sameDays(given, evaluation.alarmDays) && !sameDays(expected, evaluation.alarmDays)) {
    return wrong(
      "those are the alarms on the model's labels: run opinionMonitoringAlarms on evaluation.trueShare",
    );
  }
  return wrong(
    "labelAlarmDays are not the alarms opinionMonitoringAlarms raises on the true daily negative shares with the config's baselineDays and alarmZ",
  );
}

export const OPINION_MONITORING_EXERCISES = defineExercises("cases/16-opinion-monitoring-alarms", [
  {
    n: 1,
    answer: "weakSurge",
    title: `surge recall and false alarms when the surge days' negative share is ${OPINION_MONITORING_WEAK_SURGE}`,
    check: weakSurge,
  },
  {
    n: 2,
    answer: "shortWindow",
    title: `the alarm days with a ${OPINION_MONITORING_SHORT_WINDOW}-day baseline window`,
    check: shortWindow,
  },
  {
    n: 3,
    answer: "trueLabels",
    title:
      "the largest gap between the predicted and the true daily negative share, and the alarms on the true labels",
    check: trueLabels,
  },
]);

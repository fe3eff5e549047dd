/**
 * The exercises of notebooks/cases/12-qa-memory-network.ipynb. Every right answer is computed here from the
 * library and the case's own data and models (`qaData`, `qaModel`, `qaEvaluate`), never typed in; a hint says
 * what is off without giving the answer. Each answer is a measured quantity together with what it was measured
 * on (the model and its config), and the check draws the held-out stories of that config again and re-evaluates
 * the model, so no check depends on how well training went. 1: a two-hop model, and where each hop looks;
 * 2: the trained model's accuracy on stories where the person is mentioned once and several times;
 * 3: a model without temporal encoding.
 */

import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { checkConfigOf } from "../../experiments/experiment.js";
import { accuracy } from "../../metrics/classification.js";
import { childSeed } from "../../random/childSeed.js";
import { sameWeights } from "../../train/variables.js";
import { type QaStory, qaData } from "./data.js";
import { QA_DEFAULTS, type QaConfig, type QaEvaluation, qaEvaluate, qaExperiment } from "./experiment.js";
import { QaMemoryNetwork, qaModel } from "./model.js";

const agrees = (reported: number, computed: number) => Math.abs(reported - computed) <= 1e-9;
const isShare = (v: unknown): v is number => isFiniteNumber(v) && v >= 0 && v <= 1;
const wrong = (hint: string): Verdict => ({ right: false, hint });

/** The largest held-out split a check re-evaluates. */
const MAX_TEST_SIZE = 5000;

/** `value` as the settings a run was trained with (a whole qa config), or a hint naming `name`. */
function asRunConfig(value: unknown, name: string): QaConfig | string {
  if (!isRecord(value)) return `\`${name}\` should be the settings you trained with ({ ...config, … })`;
  let config: QaConfig;
  try {
    config = checkConfigOf(name, qaExperiment, { ...QA_DEFAULTS, ...value } as QaConfig);
  } catch (error) {
    return `\`${name}\` is not a qa config: ${(error as Error).message}`;
  }
  if (config.testSize > MAX_TEST_SIZE) {
    return `\`${name}.testSize\` should be at most ${MAX_TEST_SIZE} (the check re-evaluates every held-out story)`;
  }
  return config;
}

/** `value` as a trained memory network built from `config` (`qaModel(config)`, then trained), or a hint. */
function asTrainedModel(
  value: unknown,
  config: QaConfig,
  name: string,
  configName: string,
): QaMemoryNetwork | string {
  if (!(value instanceof QaMemoryNetwork))
    return `\`${name}\` should be a model built by qaModel(…) (a QaMemoryNetwork)`;
  const c = value.config;
  if (
    c.seed !== childSeed(config.seed, "model") ||
    c.hops !== config.hops ||
    c.temporal !== config.temporal ||
    c.embedSize !== config.embedSize
  ) {
    return `\`${name}\` was not built from \`${configName}\` (its seed, hops, temporal or embedSize differ): build it with qaModel(${configName})`;
  }
  const initial = qaModel(config);
  try {
    if (sameWeights(value, initial)) return `\`${name}\` still has its initial weights: train it first`;
  } finally {
    initial.dispose();
  }
  return value;
}

/** The held-out stories of `config`: `qaData(config).test` (the test split has its own seed, so the train and validation splits are not drawn in full). */
const heldOut = (config: QaConfig): QaStory[] => qaData({ ...config, trainSize: 1, validationSize: 1 }).test;

/** The share of stories whose attention on hop `hop` (0 = first) peaks on the supporting fact. */
function supportOnHop(ev: QaEvaluation, stories: readonly QaStory[], hop: number): number {
  return stories.filter((s, n) => ev.argmax[n]![hop] === s.support).length / stories.length;
}

/** A trained variant `{ config, model, accuracy, support }` whose config sets `key` to `value`, re-evaluated. */
function trainedVariant(
  answer: unknown,
  where: string,
  key: "hops" | "temporal",
  value: number | boolean,
  extra: readonly string[] = [],
): { config: QaConfig; model: QaMemoryNetwork; ev: QaEvaluation; test: QaStory[] } | string {
  const fields = ["config", "model", "accuracy", "support", ...extra].join(", ");
  if (!isRecord(answer)) return `\`${where}\` should be { ${fields} }`;
  const config = asRunConfig(answer.config, `${where}.config`);
  if (typeof config === "string") return config;
  if (config[key] !== value)
    return `\`${where}.config.${key}\` is ${JSON.stringify(config[key])}; the exercise asks for ${value}`;
  const model = asTrainedModel(answer.model, config, `${where}.model`, `${where}.config`);
  if (typeof model === "string") return model;
  for (const name of ["accuracy", "support", ...extra]) {
    if (!isShare(answer[name]))
      return `\`${where}.${name}\` should be a share of stories: a number from 0 to 1`;
  }
  const test = heldOut(config);
  const ev = qaEvaluate(model, test);
  const { accuracy: acc, support } = answer as { accuracy: number; support: number };
  if (agrees(acc, ev.metrics.support) && agrees(support, ev.metrics.accuracy) && !agrees(acc, support)) {
    return `\`${where}.accuracy\` and \`${where}.support\` are swapped`;
  }
  if (!agrees(acc, ev.metrics.accuracy)) {
    return `\`${where}.accuracy\` is not what qaEvaluate gives for this model on its config's held-out stories`;
  }
  if (!agrees(support, ev.metrics.support)) {
    return `\`${where}.support\` is not what qaEvaluate gives for this model on its config's held-out stories (the last hop)`;
  }
  return { config, model, ev, test };
}

function twoHopsCheck(answer: unknown): Verdict {
  const run = trainedVariant(answer, "twoHops", "hops", 2, ["firstHopSupport"]);
  if (typeof run === "string") return wrong(run);
  const reported = (answer as { firstHopSupport: number }).firstHopSupport;
  const first = supportOnHop(run.ev, run.test, 0);
  if (!agrees(reported, first)) {
    if (agrees(reported, run.ev.metrics.support) && !agrees(first, run.ev.metrics.support)) {
      return wrong("`twoHops.firstHopSupport` is the last hop's; use hop 1's argmax (`argmax[n][0]`)");
    }
    return wrong(
      "`twoHops.firstHopSupport` is not the share of held-out stories whose first-hop attention peaks on the supporting fact",
    );
  }
  return {
    right: true,
    note: `two hops: accuracy ${run.ev.metrics.accuracy.toFixed(3)}, support on hop 1 ${first.toFixed(3)}, on hop 2 ${run.ev.metrics.support.toFixed(3)}`,
  };
}

function byMentionsCheck(answer: unknown): Verdict {
  if (!isRecord(answer)) return wrong("`byMentions` should be { config, model, once, several }");
  const config = asRunConfig(answer.config, "byMentions.config");
  if (typeof config === "string") return wrong(config);
  const model = asTrainedModel(answer.model, config, "byMentions.model", "byMentions.config");
  if (typeof model === "string") return wrong(model);
  const { once, several } = answer;
  if (!isShare(once) || !isShare(several)) {
    return wrong("`byMentions.once` and `byMentions.several` should be accuracies: numbers from 0 to 1");
  }
  const test = heldOut(config);
  const ev = qaEvaluate(model, test);
  const on = (keep: (s: QaStory) => boolean) => {
    const rows = test.map((s, n) => (keep(s) ? n : -1)).filter((n) => n >= 0);
    if (rows.length === 0) return Number.NaN;
    return accuracy(
      rows.map((n) => ev.predicted[n]!),
      rows.map((n) => test[n]!.label),
    );
  };
  const [a1, a2] = [on((s) => s.mentions === 1), on((s) => s.mentions >= 2)];
  if (Number.isNaN(a1) || Number.isNaN(a2)) {
    return wrong("this config's held-out stories lack one of the groups: use a larger `testSize`");
  }
  if (agrees(once, a1) && agrees(several, a2)) {
    return { right: true, note: `mentioned once: ${a1.toFixed(3)}, several times: ${a2.toFixed(3)}` };
  }
  if (agrees(once, a2) && agrees(several, a1)) return wrong("`once` and `several` are swapped");
  if (agrees(once, ev.metrics.accuracy) || agrees(several, ev.metrics.accuracy)) {
    return wrong("that is the accuracy over every held-out story: split them by `mentions`");
  }
  if (
    !agrees(several, a2) &&
    agrees(
      several,
      on((s) => s.mentions === 2),
    )
  ) {
    return wrong("`several` counts only stories with exactly 2 mentions; count every story with 2 or more");
  }
  const which = agrees(once, a1) ? "several" : "once";
  return wrong(
    `\`byMentions.${which}\` is not this model's accuracy on that group of its config's held-out stories`,
  );
}

function noTimeCheck(answer: unknown): Verdict {
  const run = trainedVariant(answer, "noTime", "temporal", false);
  if (typeof run === "string") return wrong(run);
  return {
    right: true,
    note: `no temporal encoding: accuracy ${run.ev.metrics.accuracy.toFixed(3)}, support ${run.ev.metrics.support.toFixed(3)}`,
  };
}

export const QA_EXERCISES = defineExercises("cases/12-qa-memory-network", [
  {
    n: 1,
    answer: "twoHops",
    title: "accuracy and supporting-fact top-1 per hop of a two-hop memory network",
    check: twoHopsCheck,
  },
  {
    n: 2,
    answer: "byMentions",
    title: "accuracy on stories where the person is mentioned once, and several times",
    check: byMentionsCheck,
  },
  {
    n: 3,
    answer: "noTime",
    title: "accuracy and supporting-fact top-1 of a memory network without temporal encoding",
    check: noTimeCheck,
  },
]);

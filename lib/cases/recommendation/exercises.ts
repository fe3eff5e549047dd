/**
 * The exercises of notebooks/cases/10-recommendation-target-attention.ipynb. Every right answer is computed here
 * from the library and the case's own data and models, never typed in; a hint says what is off without giving
 * the answer away. The checks draw their own users with `generateClicks` (fixed seeds), evaluate with
 * `recommendationEvaluate`, and free every model they build.
 */

import { isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { countParameters, sameWeights } from "../../train/variables.js";
import { CLICKS_DEFAULTS, type ClickSet, generateClicks } from "./data.js";
import { RECOMMENDATION_DEFAULTS, recommendationEvaluate } from "./experiment.js";
import { recommendationModel, TargetAttentionRecommender } from "./model.js";

/** The users exercise 2 evaluates on: relevance decided by the last 6 clicks. */
const RECENT6 = { seed: 1, size: 2000, recent: 6 } as const;
/** The check's own users for exercise 1's note and exercise 3's reference (not the notebook's splits). */
const CHECK_USERS = { seed: 7, size: 500 } as const;
/** The small split exercise 3 hands to the learner's `reverseHistories`. */
const REVERSE_USERS = { seed: 3, size: 40 } as const;

const METRIC_NAMES = ["auc", "attn.recentMatchMass", "attn.earlierMatchMass"] as const;

/** The answer's `model` as a target-attention recommender for the case's catalogue, or a hint. */
function caseModel(model: unknown, what: string): TargetAttentionRecommender | string {
  if (!(model instanceof TargetAttentionRecommender)) {
    return `${what} should be a TargetAttentionRecommender (as recommendationModel returns)`;
  }
  const c = model.config;
  if (
    c.items !== CLICKS_DEFAULTS.categories * CLICKS_DEFAULTS.itemsPerCategory ||
    c.categories !== CLICKS_DEFAULTS.categories ||
    c.historyLength !== CLICKS_DEFAULTS.historyLength
  ) {
    return `${what} is not built for the case's catalogue and histories: build it with recommendationModel`;
  }
  if (c.pooling !== "attention") {
    return `${what} is the mean-pooling ablation; this exercise is about the target-attention model`;
  }
  return model;
}

/** Exercise 1: a trained hiddenSize = 2 target-attention model and its parameter count. */
function smallScorer(answer: unknown): Verdict {
  if (!isRecord(answer) || !("model" in answer) || !("parameters" in answer)) {
    return { right: false, hint: "the answer should be an object { model, parameters }" };
  }
  const model = caseModel(answer.model, "model");
  if (typeof model === "string") return { right: false, hint: model };
  if (model.config.hiddenSize !== 2) {
    return {
      right: false,
      hint: `this model has hiddenSize ${model.config.hiddenSize}; build it from { ...config, hiddenSize: 2 }`,
    };
  }
  const fresh = new TargetAttentionRecommender({ ...model.config }).ensureBuilt();
  const untrained = sameWeights(model, fresh);
  fresh.dispose();
  if (untrained) {
    return {
      right: false,
      hint: "this model still has its initial weights: train it on data.train as the notebook trains din",
    };
  }
  const parameters = answer.parameters;
  if (typeof parameters !== "number" || !Number.isInteger(parameters) || parameters <= 0) {
    return { right: false, hint: "parameters should be a positive whole number (a count of weights)" };
  }
  const right = countParameters(model);
  if (parameters !== right) {
    const other = (hiddenSize: number, pooling: "attention" | "mean") => {
      const m = recommendationModel({ seed: 0, dModel: model.config.dModel, hiddenSize }, pooling);
      const n = countParameters(m);
      m.dispose();
      return n;
    };
    if (parameters === other(RECOMMENDATION_DEFAULTS.hiddenSize, "attention")) {
      return {
        right: false,
        hint: `that is the count of the default model (hiddenSize ${RECOMMENDATION_DEFAULTS.hiddenSize})`,
      };
    }
    if (parameters === other(2, "mean")) {
      return { right: false, hint: "that count leaves out the attention scorer (it is the mean model's)" };
    }
    return { right: false, hint: "count the trainable weights of your model (every table and layer)" };
  }
  const m = recommendationEvaluate(model, generateClicks(CHECK_USERS)).metrics;
  return {
    right: true,
    note:
      `on ${CHECK_USERS.size} users the check drew, your hiddenSize 2 model has AUC ${m.auc.toFixed(3)} and ` +
      `attn.recentMatchMass ${m["attn.recentMatchMass"].toFixed(3)}: compare them with din's`,
  };
}

/** The answer's metrics as the three numbers of `recommendationEvaluate`, or a hint. */
function asMetrics(metrics: unknown): Record<(typeof METRIC_NAMES)[number], number> | string {
  if (!isRecord(metrics) || !METRIC_NAMES.every((k) => typeof metrics[k] === "number")) {
    return `metrics should be what recommendationEvaluate(…).metrics returns: { ${METRIC_NAMES.join(", ")} }`;
  }
  if (!METRIC_NAMES.every((k) => Number.isFinite(metrics[k]))) {
    return "every metric should be a finite number";
  }
  return metrics as Record<(typeof METRIC_NAMES)[number], number>;
}

const sameMetrics = (a: Record<string, number>, b: Record<string, number>) =>
  METRIC_NAMES.every((k) => Math.abs(a[k]! - b[k]!) <= 1e-6);

/** Exercise 2: the trained din evaluated on users whose relevance is decided by the last 6 clicks. */
function recentSix(answer: unknown): Verdict {
  if (!isRecord(answer) || !("model" in answer) || !("metrics" in answer)) {
    return { right: false, hint: "the answer should be an object { model, metrics }" };
  }
  const model = caseModel(answer.model, "model");
  if (typeof model === "string") return { right: false, hint: model };
  const metrics = asMetrics(answer.metrics);
  if (typeof metrics === "string") return { right: false, hint: metrics };
  const right = recommendationEvaluate(model, generateClicks(RECENT6)).metrics;
  if (sameMetrics(metrics, right)) {
    return {
      right: true,
      note: "the model learned the last 3 clicks: relevant users whose match lies 4–6 clicks back look like 'earlier' negatives to it",
    };
  }
  const { recent: _, ...lastThree } = RECENT6;
  if (sameMetrics(metrics, recommendationEvaluate(model, generateClicks(lastThree)).metrics)) {
    return {
      right: false,
      hint: "these are the metrics on users whose rule is the last 3 clicks: generate them with recent: 6",
    };
  }
  return {
    right: false,
    hint: `these are not the metrics recommendationEvaluate gives for this model on generateClicks(${JSON.stringify(RECENT6)})`,
  };
}

/** The check's own reversal: every history and its categories reversed, everything else as it is. */
function reversed(split: ClickSet): ClickSet {
  return {
    ...split,
    history: split.history.map((row) => [...row].reverse()),
    historyCategory: split.historyCategory.map((row) => [...row].reverse()),
  };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What is off in the learner's reversal of `split` (a hint), or null when it is right. */
function reversalHint(reverse: (split: ClickSet) => unknown): string | null {
  const split = generateClicks(REVERSE_USERS);
  const before = JSON.stringify(split);
  let out: unknown;
  try {
    out = reverse(split);
  } catch (error) {
    return `reverseHistories threw on a split of ${REVERSE_USERS.size} users (${(error as Error)?.message ?? String(error)})`;
  }
  if (JSON.stringify(split) !== before) {
    return "reverseHistories changed the split it was given: copy each row before reversing it (.reverse() works in place)";
  }
  const want = reversed(split);
  if (!isRecord(out) || !Array.isArray(out.history) || !Array.isArray(out.historyCategory)) {
    return "reverseHistories should return a split like the one it gets: { history, historyCategory, candidate, … }";
  }
  const flipped = [...split.history].reverse();
  if (sameJson(out.history, flipped) || sameJson(out.historyCategory, [...split.historyCategory].reverse())) {
    return "reverse the clicks within each user's history, not the order of the users";
  }
  const items = sameJson(out.history, want.history);
  const cats = sameJson(out.historyCategory, want.historyCategory);
  if (!items && !cats)
    return "each history[n] and historyCategory[n] should come out reversed (newest first)";
  if (!items) return "historyCategory is reversed but history (the item ids) is not: reverse them together";
  if (!cats) return "history is reversed but historyCategory is not: reverse them together";
  for (const key of Object.keys(split) as (keyof ClickSet)[]) {
    if (key !== "history" && key !== "historyCategory" && !sameJson(out[key], split[key])) {
      return `only the histories change: ${key} should stay as it is`;
    }
  }
  return null;
}

/** Exercise 3: reverse the histories; mean pooling's AUC change, and which model's AUC falls. */
function reverseOrder(answer: unknown): Verdict {
  if (!isRecord(answer) || !["reverseHistories", "meanChange", "falls"].every((k) => k in answer)) {
    return { right: false, hint: "the answer should be an object { reverseHistories, meanChange, falls }" };
  }
  const { reverseHistories, meanChange, falls } = answer;
  if (typeof reverseHistories !== "function") {
    return { right: false, hint: "reverseHistories should be a function (split) => split" };
  }
  const hint = reversalHint(reverseHistories as (split: ClickSet) => unknown);
  if (hint !== null) return { right: false, hint };
  if (typeof meanChange !== "number" || !Number.isFinite(meanChange)) {
    return { right: false, hint: "meanChange should be a finite number: an AUC difference" };
  }
  // Mean pooling's change, measured on the check's own users with a mean model of the case (any weights).
  const users = generateClicks(CHECK_USERS);
  const back = reversed(users);
  const auc = (model: TargetAttentionRecommender, set: ClickSet) => recommendationEvaluate(model, set);
  const mean = recommendationModel(RECOMMENDATION_DEFAULTS, "mean");
  const meanRight = auc(mean, back).metrics.auc - auc(mean, users).metrics.auc;
  mean.dispose();
  if (Math.abs(meanChange - meanRight) > 1e-6) {
    return {
      right: false,
      hint: "meanChange is off: evaluate mean on the reversed copy and on data.test, and subtract (reversed − original)",
    };
  }
  if (falls !== "din" && falls !== "mean") {
    return { right: false, hint: 'falls should be "din" or "mean"' };
  }
  // The model whose scores depend on the order of the clicks is the one whose AUC can fall.
  const din = recommendationModel(RECOMMENDATION_DEFAULTS);
  const [a, b] = [auc(din, users).scores, auc(din, back).scores];
  din.dispose();
  const orderMatters = a.some((s, n) => Math.abs(s - b[n]!) > 1e-5);
  if (!orderMatters || Math.abs(meanRight) > 1e-6) {
    throw new Error("the check's own models no longer show which pooling depends on the order");
  }
  if (falls !== "din") {
    return {
      right: false,
      hint: "mean pooling averages the clicks: does their order enter that average? Compare the two changes you measured",
    };
  }
  return {
    right: true,
    note: "reversing moves the last 3 clicks to the front; din reads positions p_j through its scorer, while the mean of the e_j is the same in any order (the p_j add up to the same sum)",
  };
}

export const RECOMMENDATION_EXERCISES = defineExercises("cases/10-recommendation-target-attention", [
  {
    n: 1,
    answer: "small",
    title: "a trained target-attention model with hiddenSize = 2 and its parameter count",
    check: smallScorer,
  },
  {
    n: 2,
    answer: "recent6",
    title: "the trained model's metrics on users whose relevant clicks are the last 6",
    check: recentSix,
  },
  {
    n: 3,
    answer: "reversal",
    title: "reverse every click history: mean pooling's AUC change and which model's AUC falls",
    check: reverseOrder,
  },
]);

/**
 * The checks of notebooks/cases/10-recommendation-target-attention.ipynb: right answers (computed the way the
 * solution computes them, on small data) are right, typical mistakes are wrong with the expected hint, undefined
 * is "not yet", malformed answers are wrong without a throw, and no check leaks a tensor.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../../lib/cases/exercises.js";
import { type ClickSet, generateClicks, recommendationData } from "../../../lib/cases/recommendation/data.js";
import {
  RECOMMENDATION_DEFAULTS,
  type RecommendationConfig,
  recommendationEvaluate,
  recommendationFit,
} from "../../../lib/cases/recommendation/experiment.js";
import {
  recommendationModel,
  type TargetAttentionRecommender,
} from "../../../lib/cases/recommendation/model.js";
import { childSeed } from "../../../lib/random/childSeed.js";
import { initBackend } from "../../../lib/tfjs/initBackend.js";
import { countParameters } from "../../../lib/train/variables.js";
import { checkerFor } from "../checker.js";

const check = checkerFor("cases/10-recommendation-target-attention");
const config: RecommendationConfig = { ...RECOMMENDATION_DEFAULTS, trainSize: 256, testSize: 200, epochs: 1 };
const data = recommendationData(config);
const models: TargetAttentionRecommender[] = [];

/** A model of `config` trained for one short epoch, as the notebook's cells train din and mean. */
async function trained(settings: RecommendationConfig, pooling: "attention" | "mean" = "attention") {
  const model = recommendationModel(settings, pooling);
  models.push(model);
  await recommendationFit(model, data, settings, childSeed(settings.seed, "shuffle"), "test", "none");
  return model;
}

let din: TargetAttentionRecommender;
let mean: TargetAttentionRecommender;
before(async () => {
  await initBackend();
  din = await trained(config);
  mean = await trained(config, "mean");
});
after(() => {
  for (const m of models) m.dispose();
});

/** Runs `check(n, answer)` and asserts that it leaves the number of tensors as it was. */
function leakFree(n: number, answer: unknown) {
  const before = tf.memory().numTensors;
  const result = check(n, answer);
  assert.equal(tf.memory().numTensors, before, `exercise ${n} leaked tensors`);
  return result;
}

const MALFORMED: unknown[] = [
  null,
  "x",
  {},
  Number.NaN,
  [],
  () => {
    throw new Error("boom");
  },
];

test("every exercise: undefined is 'not yet', malformed answers are 'wrong' without a throw", () => {
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of MALFORMED) assert.equal(leakFree(n, bad).status, "wrong", `${n}: ${String(bad)}`);
  }
});

test("exercise 1: a trained hiddenSize 2 model and its parameter count", async () => {
  const small = await trained({ ...config, hiddenSize: 2 });
  const right = leakFree(1, { model: small, parameters: countParameters(small) });
  assert.equal(right.status, "right", right.message);
  assert.match(right.message, /AUC 0\.\d{3}/);
  assert.match(leakFree(1, { model: din, parameters: countParameters(din) }).message, /hiddenSize 16/);
  assert.match(leakFree(1, { model: small, parameters: countParameters(din) }).message, /default model/);
  const smallMean = recommendationModel({ ...config, hiddenSize: 2 }, "mean");
  models.push(smallMean);
  assert.match(leakFree(1, { model: small, parameters: countParameters(smallMean) }).message, /scorer/);
  assert.match(leakFree(1, { model: smallMean, parameters: 1 }).message, /mean-pooling ablation/);
  assert.match(leakFree(1, { model: small, parameters: 1000 }).message, /count the trainable weights/);
  assert.match(leakFree(1, { model: small, parameters: 1.5 }).message, /positive whole/);
  const untrained = recommendationModel({ ...config, hiddenSize: 2 });
  models.push(untrained);
  assert.match(
    leakFree(1, { model: untrained, parameters: countParameters(untrained) }).message,
    /initial weights/,
  );
  assert.match(leakFree(1, { model: {}, parameters: 1 }).message, /TargetAttentionRecommender/);
  assert.match(leakFree(1, { parameters: 1 }).message, /\{ model, parameters \}/);
});

test("exercise 2: the trained model's metrics on users whose relevant clicks are the last 6", () => {
  const six = generateClicks({ seed: 1, size: 2000, recent: 6 });
  const right = leakFree(2, { model: din, metrics: recommendationEvaluate(din, six).metrics });
  assert.equal(right.status, "right", right.message);
  const three = recommendationEvaluate(din, generateClicks({ seed: 1, size: 2000 })).metrics;
  assert.match(leakFree(2, { model: din, metrics: three }).message, /last 3 clicks/);
  const onTest = recommendationEvaluate(din, data.test).metrics;
  assert.match(leakFree(2, { model: din, metrics: onTest }).message, /are not the metrics/);
  assert.match(
    leakFree(2, { model: mean, metrics: recommendationEvaluate(mean, six).metrics }).message,
    /mean-pooling/,
  );
  assert.match(leakFree(2, { model: din, metrics: { auc: 0.5 } }).message, /recommendationEvaluate/);
  assert.match(
    leakFree(2, { model: din, metrics: { ...onTest, auc: Number.POSITIVE_INFINITY } }).message,
    /finite/,
  );
});

test("exercise 3: reversed histories, mean pooling's AUC change, and which model's AUC falls", () => {
  const reverseHistories = (split: ClickSet): ClickSet => ({
    ...split,
    history: split.history.map((h) => [...h].reverse()),
    historyCategory: split.historyCategory.map((h) => [...h].reverse()),
  });
  const reversed = reverseHistories(data.test);
  const meanChange =
    recommendationEvaluate(mean, reversed).metrics.auc - recommendationEvaluate(mean, data.test).metrics.auc;
  assert.equal(meanChange, 0);
  const answer = { reverseHistories, meanChange, falls: "din" };
  const right = leakFree(3, answer);
  assert.equal(right.status, "right", right.message);
  assert.match(leakFree(3, { ...answer, falls: "mean" }).message, /order enter that average/);
  assert.match(leakFree(3, { ...answer, falls: "attention" }).message, /"din" or "mean"/);
  const dinChange =
    recommendationEvaluate(din, reversed).metrics.auc - recommendationEvaluate(din, data.test).metrics.auc;
  assert.match(leakFree(3, { ...answer, meanChange: dinChange }).message, /meanChange is off/);
  assert.match(leakFree(3, { ...answer, meanChange: "0" }).message, /finite number/);
  const inPlace = (split: ClickSet) => {
    for (const h of split.history) h.reverse();
    for (const h of split.historyCategory) h.reverse();
    return split;
  };
  assert.match(leakFree(3, { ...answer, reverseHistories: inPlace }).message, /changed the split/);
  const itemsOnly = (split: ClickSet) => ({ ...split, history: reverseHistories(split).history });
  assert.match(leakFree(3, { ...answer, reverseHistories: itemsOnly }).message, /historyCategory is not/);
  const catsOnly = (split: ClickSet) => ({
    ...split,
    historyCategory: reverseHistories(split).historyCategory,
  });
  assert.match(leakFree(3, { ...answer, reverseHistories: catsOnly }).message, /history \(the item ids\)/);
  const users = (split: ClickSet) => ({
    ...split,
    history: [...split.history].reverse(),
    historyCategory: [...split.historyCategory].reverse(),
  });
  assert.match(leakFree(3, { ...answer, reverseHistories: users }).message, /not the order of the users/);
  const labels = (split: ClickSet) => ({ ...reverseHistories(split), label: [...split.label].reverse() });
  assert.match(leakFree(3, { ...answer, reverseHistories: labels }).message, /label should stay/);
  assert.match(leakFree(3, { ...answer, reverseHistories: (s: ClickSet) => s }).message, /newest first/);
  const throws = () => {
    throw new Error("boom");
  };
  assert.match(leakFree(3, { ...answer, reverseHistories: throws }).message, /threw .*boom/);
  assert.match(leakFree(3, { ...answer, reverseHistories: () => 3 }).message, /return a split/);
  assert.match(leakFree(3, { ...answer, reverseHistories: "x" }).message, /should be a function/);
  assert.match(leakFree(3, { reverseHistories }).message, /\{ reverseHistories, meanChange, falls \}/);
});

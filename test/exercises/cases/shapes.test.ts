/**
 * The checks of notebooks/cases/06-shapes-spatial-attention.ipynb. Small models are trained for one short epoch
 * (the checks only ask that a model left its initial weights, and recompute whatever it gives); the right answers
 * are measured here the way the solution measures them, typical mistakes get their hint, undefined is "not yet",
 * malformed answers are wrong without a throw, and every test leaves as many tensors as it found.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../../lib/cases/exercises.js";
import {
  generateShapes,
  SHAPES_CLASSES,
  type ShapesSet,
  shapesData,
} from "../../../lib/cases/shapes/data.js";
import {
  SHAPES_DEFAULTS,
  type ShapesConfig,
  shapesEvaluate,
  shapesExperiment,
} from "../../../lib/cases/shapes/experiment.js";
import { shapesModel } from "../../../lib/cases/shapes/model.js";
import type { AttentionCnn } from "../../../lib/models/cnn/attentionCnn.js";
import { initBackend } from "../../../lib/tfjs/initBackend.js";
import { checkerFor } from "../checker.js";

const check = checkerFor("cases/06-shapes-spatial-attention");

// Every test body must be tensor-neutral: the models live from `before` to `after`.
let tensorsAtStart = 0;
beforeEach(() => {
  tensorsAtStart = tf.memory().numTensors;
});
afterEach(() => {
  assert.equal(tf.memory().numTensors, tensorsAtStart, "the test (its checks) left tensors behind");
});

/** Small settings: the checks re-evaluate every held-out image of a config, whatever its size. */
const small: ShapesConfig = {
  ...SHAPES_DEFAULTS,
  seed: 3,
  trainSize: 240,
  validationSize: 45,
  testSize: 90,
  epochs: 1,
  filters: [4, 4],
};
const configs = {
  sharp: { ...small, temperature: 0.25 },
  flat: { ...small, temperature: 4 },
  // trained (at a higher rate) until it mixes up some squares and rings, so every slip below is its own number
  oneBlock: { ...small, seed: 5, epochs: 2, learningRate: 1e-2, filters: [8] },
};
const models: Partial<Record<keyof typeof configs, AttentionCnn>> = {};

/** `shapesModel(config)` trained by the case's own run (its `fitAdam` on `shapesData(config).train`), quietly. */
async function trainedModel(config: ShapesConfig): Promise<AttentionCnn> {
  const { artifacts } = await shapesExperiment.run(config, { progress: "none", quick: true });
  return artifacts.cnn;
}

before(async () => {
  await initBackend();
  for (const key of Object.keys(configs) as (keyof typeof configs)[]) {
    models[key] = await trainedModel(configs[key]);
  }
});
after(() => {
  for (const cnn of Object.values(models)) cnn.model.dispose();
});

/** The held-out images of a config, drawn as the notebook draws them. */
const testSet = (config: ShapesConfig): ShapesSet => shapesData(config).test;

/** One run of exercise 1, measured as the solution measures it. */
function temperatureRun(key: "sharp" | "flat") {
  const [config, cnn] = [configs[key], models[key]!];
  const { metrics } = shapesEvaluate(cnn, testSet(config), config);
  return { config, cnn, pointing: metrics.pointing, softArgmaxError: metrics.softArgmaxError };
}

test("exercise 1: both temperature runs measured on their held-out images are right; the usual slips get a hint", () => {
  const [sharp, flat] = [temperatureRun("sharp"), temperatureRun("flat")];
  const right = { sharp, flat };
  const verdict = check(1, right);
  assert.equal(verdict.status, "right", verdict.message);
  assert.match(verdict.message, /τ = 0\.25: pointing .*τ = 4: pointing/);
  assert.match(check(1, { sharp: flat, flat: sharp }).message, /temperature 0\.25; its config has 4/);
  assert.match(
    check(1, { ...right, sharp: { ...sharp, cnn: flat.cnn } }).message,
    /has temperature 4, its config 0\.25/,
  );
  const accuracy = shapesEvaluate(sharp.cnn, testSet(sharp.config), sharp.config).metrics.accuracy;
  assert.notEqual(accuracy, sharp.pointing);
  assert.match(check(1, { ...right, sharp: { ...sharp, pointing: accuracy } }).message, /is the accuracy/);
  assert.match(
    check(1, { ...right, flat: { ...flat, softArgmaxError: flat.softArgmaxError + 0.1 } }).message,
    /`flat\.softArgmaxError` is not what shapesEvaluate gives/,
  );
  const moreImages = { ...flat.config, testSize: flat.config.testSize + 10 };
  assert.match(check(1, { ...right, flat: { ...flat, config: moreImages } }).message, /temperature only/);
  const reseeded = { ...flat.config, seed: flat.config.seed + 1 };
  assert.match(
    check(1, { ...right, flat: { ...flat, config: reseeded } }).message,
    /not built from `flat\.config`/,
  );
  const fresh = shapesModel(sharp.config);
  try {
    assert.match(check(1, { ...right, sharp: { ...sharp, cnn: fresh } }).message, /initial weights/);
  } finally {
    fresh.model.dispose();
  }
  assert.match(check(1, { ...right, sharp: { ...sharp, cnn: {} } }).message, /as shapesModel returns it/);
  assert.match(check(1, { ...right, flat: { ...flat, config: 4 } }).message, /settings you trained with/);
  assert.match(check(1, { ...right, sharp: { ...sharp, pointing: 3 } }).message, /from 0 to 1/);
  assert.match(check(1, { sharp }).message, /\{ sharp, flat \}/);
});

const [SQUARE, RING] = [SHAPES_CLASSES.indexOf("square"), SHAPES_CLASSES.indexOf("ring")];

/** Squares predicted as rings and rings predicted as squares (`from` one of them), as a share of `pool` images. */
function mixedUp(test: ShapesSet, predicted: number[], from: number[], pool: "squares and rings" | "all") {
  const counted = test.labels.filter((label) => pool === "all" || label === SQUARE || label === RING).length;
  const other = (label: number) => (label === SQUARE ? RING : SQUARE);
  const mixed = test.labels.filter(
    (label, k) => from.includes(label) && predicted[k] === other(label),
  ).length;
  return mixed / counted;
}

test("exercise 2: pointing and the square/ring mix-ups of the one-block model are right; the usual slips get a hint", () => {
  const [config, cnn] = [configs.oneBlock, models.oneBlock!];
  const test = testSet(config);
  const ev = shapesEvaluate(cnn, test, config);
  const mixUps = mixedUp(test, ev.predicted, [SQUARE, RING], "squares and rings");
  const right = { config, cnn, pointing: ev.metrics.pointing, mixUps };
  const verdict = check(2, right);
  assert.equal(verdict.status, "right", verdict.message);
  assert.match(verdict.message, /squares and rings mixed up/);
  // one direction: the one whose share differs from both directions' (at least one does when mixUps > 0)
  const oneWay = [[SQUARE], [RING]]
    .map((from) => mixedUp(test, ev.predicted, from, "squares and rings"))
    .find((share) => share !== mixUps);
  const allImages = mixedUp(test, ev.predicted, [SQUARE, RING], "all");
  const misses = 1 - ev.metrics.accuracy;
  const slips = [mixUps, oneWay, allImages, misses, ev.metrics.accuracy, ev.metrics.pointing];
  assert.ok(mixUps > 0 && oneWay !== undefined, `the model should mix up some squares and rings: ${slips}`);
  assert.equal(new Set(slips).size, slips.length, `the slips should be distinct numbers: ${slips}`);
  assert.match(check(2, { ...right, mixUps: misses }).message, /counts every wrong prediction/);
  assert.match(check(2, { ...right, mixUps: allImages }).message, /divides by all held-out images/);
  assert.match(check(2, { ...right, mixUps: oneWay }).message, /one direction only/);
  assert.match(
    check(2, { ...right, mixUps: mixUps + 0.01 }).message,
    /not the share of held-out squares and rings/,
  );
  assert.match(check(2, { ...right, pointing: ev.metrics.accuracy }).message, /is the accuracy/);
  assert.match(check(2, { ...right, mixUps: 2 }).message, /from 0 to 1/);
  const sharp = temperatureRun("sharp");
  assert.match(
    check(2, { ...right, config: sharp.config, cnn: sharp.cnn }).message,
    /filters` is \[4,4\]; .*one conv block of 8 channels/,
  );
  assert.match(check(2, { ...right, cnn: sharp.cnn }).message, /has temperature 0\.25, its config 1/);
});

test("exercise 3: accuracy and pointing on the harder sets are right; swapped, without 6 or off are wrong", () => {
  const cnn = models.flat!;
  const speckles = [6, 30, 90];
  const evals = speckles.map(
    (k) => shapesEvaluate(cnn, generateShapes({ seed: 1, size: 300, speckles: k }), configs.flat).metrics,
  );
  const right = {
    cnn,
    speckles,
    accuracy: evals.map((m) => m.accuracy),
    pointing: evals.map((m) => m.pointing),
  };
  const verdict = check(3, right);
  assert.equal(verdict.status, "right", verdict.message);
  assert.match(verdict.message, /6: 0\.[0-9]{3} \/ 0\.[0-9]{3}/);
  assert.ok(
    evals.every((m) => m.accuracy !== m.pointing),
    "accuracy and pointing differ at every count",
  );
  assert.match(check(3, { ...right, accuracy: right.pointing, pointing: right.accuracy }).message, /swapped/);
  assert.match(check(3, { ...right, speckles: [7, 30, 90] }).message, /include 6/);
  assert.match(check(3, { ...right, speckles: [6, 30] }).message, /3 to 6 different counts/);
  assert.match(check(3, { ...right, speckles: [6, 30, 30] }).message, /3 to 6 different counts/);
  assert.match(check(3, { ...right, speckles: [6, 30, 900] }).message, /from 0 to 200/);
  assert.match(check(3, { ...right, accuracy: [1, 1] }).message, /one share/);
  const off = [...right.pointing];
  off[2] = off[2]! + 0.01;
  assert.match(check(3, { ...right, pointing: off }).message, /speckles = 90.*`pointing` is not/);
  const fresh = shapesModel(configs.flat);
  try {
    assert.match(check(3, { ...right, cnn: fresh }).message, /initial weights/);
  } finally {
    fresh.model.dispose();
  }
  assert.match(check(3, { ...right, cnn: cnn.model }).message, /as shapesModel returns it/);
});

test("every exercise: undefined is not yet; malformed answers are wrong, never a throw", () => {
  const malformed: unknown[] = [null, "x", {}, Number.NaN, [], 3, { cnn: null, config: null }, () => 1];
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const answer of malformed) {
      const verdict = check(n, answer);
      assert.equal(verdict.status, "wrong", `exercise ${n} with ${String(answer)}`);
      assert.ok(verdict.message.length > 0);
    }
  }
});

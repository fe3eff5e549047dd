/**
 * The checks of notebooks/cases/07-lesions-attention-pooling.ipynb: right answers (computed the way the solution
 * computes them, on tiny settings) are right, typical mistakes get their hint, undefined is "not yet", malformed
 * answers are wrong without a throw, and no check leaks a tensor.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../../lib/cases/exercises.js";
import { generateLesions, type LesionsData, lesionsData } from "../../../lib/cases/lesions/data.js";
import {
  LESIONS_DEFAULTS,
  type LesionsConfig,
  lesionsEvaluate,
  lesionsFit,
} from "../../../lib/cases/lesions/experiment.js";
import { lesionsModel } from "../../../lib/cases/lesions/model.js";
import type { AttentionCnn } from "../../../lib/models/cnn/attentionCnn.js";
import { initBackend } from "../../../lib/tfjs/initBackend.js";
import { checkerFor } from "../checker.js";

const checker = checkerFor("cases/07-lesions-attention-pooling");
/** The check, asserting that it leaves as many tensors as it found. */
function check(n: number, answer: unknown) {
  const before = tf.memory().numTensors;
  const result = checker(n, answer);
  assert.equal(tf.memory().numTensors, before, `exercise ${n} leaked tensors`);
  return result;
}
const tiny: LesionsConfig = { ...LESIONS_DEFAULTS, trainSize: 40, testSize: 20, epochs: 1, batchSize: 20 };
const owned: AttentionCnn[] = [];

/** Trains `cnn` as the notebook does (the case's own loop), and keeps it for disposal. */
async function trained(cnn: AttentionCnn, data: LesionsData, config: LesionsConfig): Promise<AttentionCnn> {
  owned.push(cnn);
  await lesionsFit(cnn, data, config, "none");
  return cnn;
}

async function blurRun(blur: number) {
  const config = { ...tiny, blur };
  const data = lesionsData(config);
  const attention = await trained(lesionsModel(config), data, config);
  const gap = await trained(lesionsModel(config, "average"), data, config);
  const a = lesionsEvaluate(attention, data.test, config).metrics;
  const g = lesionsEvaluate(gap, data.test, config).metrics;
  return { config, attention, gap, auc: { attention: a.auc!, gap: g.auc! }, metrics: { a, g } };
}

async function temperatureRun(temperature: number) {
  const config = { ...tiny, temperature };
  const data = lesionsData(config);
  const model = await trained(lesionsModel(config), data, config);
  const ev = lesionsEvaluate(model, data.test, config);
  const peaks = ev.maps!.filter((_, i) => data.test.labels[i] === 0).map((m) => Math.max(...m.flat()));
  const negativePeak = peaks.reduce((s, p) => s + p, 0) / peaks.length;
  return { config, model, auc: ev.metrics.auc!, pointing: ev.metrics.pointing!, negativePeak };
}

let blurRuns: Awaited<ReturnType<typeof blurRun>>[];
let temperatureRuns: Awaited<ReturnType<typeof temperatureRun>>[];

before(async () => {
  await initBackend();
  blurRuns = [await blurRun(2.5), await blurRun(1.5)];
  temperatureRuns = [await temperatureRun(0.25), await temperatureRun(4)];
});

after(() => {
  for (const m of owned) m.model.dispose();
});

const strip = ({ config, attention, gap, auc }: (typeof blurRuns)[number]) => ({
  config,
  attention,
  gap,
  auc,
});

test("exercise 1: both blurs with their AUCs are right; a wrong blur, an untrained or reused model, a wrong AUC are not", () => {
  const right = blurRuns.map(strip);
  assert.equal(check(1, right).status, "right");
  assert.equal(check(1, [...right].reverse()).status, "right", "the order of the runs does not matter");
  assert.match(check(1, [right[0], right[0]]).message, /blur 2\.5 and the other blur 1\.5/);
  assert.match(check(1, [right[0], { ...right[1], config: { ...tiny, blur: 2 } }]).message, /blur 1\.5/);
  assert.match(check(1, [right[0]]).message, /array of two runs/);
  assert.match(check(1, [right[0], { ...right[1], gap: right[0]!.gap }]).message, /its own two models/);
  assert.match(
    check(1, [right[0], { ...right[1], attention: right[1]!.gap, gap: right[1]!.attention }]).message,
    /soft spatial attention/,
  );
  const fresh = lesionsModel(right[1]!.config);
  owned.push(fresh);
  assert.match(check(1, [right[0], { ...right[1], attention: fresh }]).message, /initial weights/);
  const otherSeed = lesionsModel({ ...right[1]!.config, seed: 3 });
  owned.push(otherSeed);
  assert.match(
    check(1, [right[0], { ...right[1], attention: otherSeed }]).message,
    /not built from its config/,
  );
  const { a, g } = blurRuns[1]!.metrics;
  assert.match(
    check(1, [right[0], { ...right[1], auc: { attention: a.lowContrastAuc, gap: g.auc } }]).message,
    /low-contrast AUC/,
  );
  assert.match(
    check(1, [right[0], { ...right[1], auc: { attention: a.auc! + 0.01, gap: g.auc } }]).message,
    /not the ROC-AUC lesionsEvaluate gives/,
  );
  assert.match(check(1, [right[0], { ...right[1], auc: 0.9 }]).message, /auc should be \{ attention, gap \}/);
});

test("exercise 2: both temperatures are right; a wrong temperature, pointing or negative peak are not", () => {
  const right = temperatureRuns;
  assert.equal(check(2, right).status, "right");
  assert.match(check(2, [right[0], right[0]]).message, /temperature 0\.25 and the other temperature 4/);
  assert.match(check(2, [right[0], { ...right[1], model: right[0]!.model }]).message, /its own model/);
  const mismatch = { ...right[1], config: { ...right[1]!.config, temperature: 0.25 } };
  assert.match(
    check(2, [{ ...right[0], config: { ...tiny, temperature: 4 } }, mismatch]).message,
    /not built/,
  );
  assert.match(
    check(2, [right[0], { ...right[1], pointing: right[1]!.pointing + 0.05 }]).message,
    /pointing-game/,
  );
  assert.match(check(2, [right[0], { ...right[1], negativePeak: 1 / 1024 }]).message, /without a lesion/);
  assert.match(check(2, [right[0], { ...right[1], auc: "0.9" }]).message, /should be numbers/);
});

test("exercise 3: the faint set's AUCs are right; a set as strong as training, swapped models, a wrong AUC are not", () => {
  const { attention, gap } = blurRuns[0]!;
  const options = { seed: 1, size: 100, contrast: [0.15, 0.3] };
  const set = generateLesions({ seed: 1, size: 100, contrast: [0.15, 0.3] });
  const auc = {
    attention: lesionsEvaluate(attention, set, LESIONS_DEFAULTS).metrics.auc,
    gap: lesionsEvaluate(gap, set, LESIONS_DEFAULTS).metrics.auc,
  };
  assert.equal(check(3, { options, attention, gap, auc }).status, "right");
  assert.match(
    check(3, { options: { ...options, contrast: [0.2, 0.5] }, attention, gap, auc }).message,
    /below the training range/,
  );
  assert.match(
    check(3, { options: { ...options, size: 5000 }, attention, gap, auc }).message,
    /options\.size/,
  );
  assert.match(check(3, { options, attention: gap, gap: attention, auc }).message, /attention-pooling model/);
  assert.match(
    check(3, { options, attention, gap, auc: { attention: auc.gap, gap: auc.attention } }).message,
    /not the ROC-AUC/,
  );
  const fresh = lesionsModel(tiny, "average");
  owned.push(fresh);
  assert.match(check(3, { options, attention, gap: fresh, auc }).message, /initial weights/);
});

test("undefined is not yet; malformed answers are wrong, never a throw", () => {
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    const throws = () => {
      throw new Error("boom");
    };
    for (const bad of [null, "x", {}, Number.NaN, [], throws, [{}, {}], { options: {} }]) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `exercise ${n}: ${String(bad)}`);
      assert.ok(r.message.length > 0);
    }
  }
});

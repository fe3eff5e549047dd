/**
 * The checks of notebooks/cases/08-channel-attention-se-cbam.ipynb, on tiny settings: the answers the solution
 * computes are right; a wrong setting, model, accuracy or verdict is wrong with its hint, and the hint does not
 * give the right value away; undefined is "not yet"; malformed answers are wrong without a throw. Every model
 * is trained once, before the tests, so each test can assert that the checks leave no tensor behind.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../../lib/cases/exercises.js";
import {
  type ChannelAttentionComparison,
  type ChannelAttentionConfig,
  type ChannelAttentionData,
  type ChannelAttentionVariant,
  channelAttentionData,
  channelAttentionEvaluate,
  channelAttentionExperiment,
  channelAttentionFit,
  channelAttentionMetrics,
  channelAttentionModel,
  channelAttentionRuns,
  channelAttentionVerdict,
  generateChannelCue,
} from "../../../lib/cases/channelAttention/index.js";
import type { AttentionCnn } from "../../../lib/models/cnn/attentionCnn.js";
import { initBackend } from "../../../lib/tfjs/initBackend.js";
import { checkerFor } from "../checker.js";

const check = checkerFor("cases/08-channel-attention-se-cbam");

/** The notebook's quick mode (what CI runs the solution at), on a fifth of its training images. */
const { defaults, quick } = channelAttentionExperiment;
const small: ChannelAttentionConfig = { ...defaults, ...quick, trainSize: 40 };
const everyModel: AttentionCnn[] = [];

/** A comparison as the solution computes it: every run of `channelAttentionRuns(config)` trained and kept. */
async function comparison(config: ChannelAttentionConfig, data: ChannelAttentionData) {
  const models = { plain: [], se: [], cbam: [] } as Record<ChannelAttentionVariant, AttentionCnn[]>;
  const accuracies = { plain: [], se: [], cbam: [] } as Record<ChannelAttentionVariant, number[]>;
  for (const run of channelAttentionRuns(config)) {
    const cnn = channelAttentionModel({ ...config, seed: run.seed }, run.variant);
    everyModel.push(cnn);
    await channelAttentionFit(cnn, data, config, run, "none");
    models[run.variant].push(cnn);
    accuracies[run.variant].push(channelAttentionEvaluate(cnn, data.test).metrics.accuracy);
  }
  const metrics = channelAttentionMetrics(accuracies);
  const verdict = {
    se: channelAttentionVerdict(metrics, "se"),
    cbam: channelAttentionVerdict(metrics, "cbam"),
  };
  return { config, models, accuracies, verdict } satisfies ChannelAttentionComparison;
}

let ratioRuns: ChannelAttentionComparison[];
let narrow: ChannelAttentionComparison;
/** A CBAM model of the default width, never trained. */
let untrainedCbam: AttentionCnn;

before(async () => {
  await initBackend();
  const data = channelAttentionData(small); // the images do not depend on the ratio or the filters
  ratioRuns = [];
  for (const ratio of [16, 1]) ratioRuns.push(await comparison({ ...small, ratio }, data));
  narrow = await comparison({ ...small, filters: [8, 8] }, data);
  untrainedCbam = channelAttentionModel(small, "cbam");
  everyModel.push(untrainedCbam);
});

after(() => {
  for (const cnn of everyModel) cnn.model.dispose();
});

let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  assert.equal(tf.memory().numTensors, tensorsBefore, "a check left tensors behind");
});

/** The other verdict a learner might write: one that is not the right one. */
const otherVerdict = (v: string) => (v === "within seed noise" ? "better than plain" : "within seed noise");

test("exercise 1: both ratios with every run, accuracy and verdict are right; a missing ratio, a wrong run or verdict is not", () => {
  const right = check(1, ratioRuns);
  assert.equal(right.status, "right", right.message);
  assert.match(right.message, /ratio 16: .*1 hidden unit\)/);
  assert.match(right.message, /ratio 1: .*16 hidden units\)/);
  assert.equal(check(1, [...ratioRuns].reverse()).status, "right", "either order");
  const [at16, at1] = ratioRuns as [ChannelAttentionComparison, ChannelAttentionComparison];
  assert.match(check(1, [at16]).message, /two comparisons/);
  assert.match(check(1, [at16, at16]).message, /ratio 16 and the other ratio 1/);
  assert.match(
    check(1, [at16, { ...at1, config: { ...at1.config, ratio: 4 } }]).message,
    /ratio 16 and the other/,
  );
  // the ratio-16 models handed in as the ratio-1 comparison's: their ratio is off
  const borrowed = check(1, [at16, { ...at1, models: at16.models }]);
  assert.match(borrowed.message, /ratioRuns\[1\], (se|plain) repeat 0: its ratio is not what/);
  const accuracies = { ...at1.accuracies, cbam: [at1.accuracies.cbam[0]!, at1.accuracies.cbam[1]! + 0.1] };
  const off = check(1, [at16, { ...at1, accuracies }]);
  assert.match(off.message, /ratioRuns\[1\], cbam repeat 1: the accuracy is not/);
  assert.ok(!off.message.includes(String(at1.accuracies.cbam[1])), "the hint does not give the accuracy");
  const verdict = { ...at16.verdict, cbam: otherVerdict(at16.verdict.cbam) };
  const wrong = check(1, [{ ...at16, verdict }, at1]);
  assert.match(wrong.message, /ratioRuns\[0\]: verdict\.cbam does not follow/);
  assert.ok(!wrong.message.includes(at16.verdict.cbam), "the hint does not give the verdict");
});

test("exercise 2: filters [8, 8] with every run is right; wider blocks, a missing, shared, swapped or untrained run are not", () => {
  const right = check(2, narrow);
  assert.equal(right.status, "right", right.message);
  assert.match(right.message, /filters \[8,8\]: SE -?\d+\.\d, CBAM -?\d+\.\d points vs plain/);
  assert.match(check(2, ratioRuns[0]).message, /config\.filters should be the narrower/);
  assert.match(
    check(2, { ...narrow, config: { ...narrow.config, repeats: 1 } }).message,
    /config\.repeats must be/,
  );
  assert.match(
    check(2, { ...narrow, config: { ...narrow.config, testSize: 5 } }).message,
    /config\.testSize/,
  );
  const { plain, se, cbam } = narrow.models;
  assert.match(
    check(2, { ...narrow, models: { plain, cbam, se: [se[0]] } }).message,
    /models\.se should hold the 2/,
  );
  assert.match(check(2, { ...narrow, models: { plain, cbam, se: [se[0], se[0]] } }).message, /two runs/);
  assert.match(
    check(2, { ...narrow, models: { plain, cbam, se: [se[1], se[0]] } }).message,
    /narrow, se repeat 0: its seed is not what/,
  );
  assert.match(
    check(2, { ...narrow, models: { plain, cbam: se, se: cbam } }).message,
    /narrow, (se|cbam) repeat 0: its attention is not what/,
  );
  // a model of the default width in a narrow run
  const swappedIn = check(2, { ...narrow, models: { plain, se, cbam: [untrainedCbam, cbam[1]] } });
  assert.match(swappedIn.message, /cbam repeat 0: its filters is not what/);
  assert.match(
    check(2, { ...narrow, accuracies: { ...narrow.accuracies, plain: [0.5] } }).message,
    /accuracies\.plain should hold the 2/,
  );
  assert.match(
    check(2, { ...narrow, verdict: { se: narrow.verdict.se } }).message,
    /verdict\.cbam should be one of/,
  );
  const wrong = check(2, { ...narrow, verdict: { ...narrow.verdict, se: otherVerdict(narrow.verdict.se) } });
  assert.match(wrong.message, /verdict\.se does not follow/);
  assert.ok(!wrong.message.includes(narrow.verdict.se));
});

test("exercise 2: a model that was never trained is wrong", () => {
  const fresh = { ...small, filters: [8, 8] };
  const at = channelAttentionRuns(fresh)[0]!; // se, repeat 0, from the config's seed
  assert.equal(at.variant, "se");
  const model = channelAttentionModel({ ...fresh, seed: at.seed }, "se");
  try {
    const { plain, se, cbam } = narrow.models;
    const r = check(2, { ...narrow, models: { plain, cbam, se: [model, se[1]] } });
    assert.match(r.message, /se repeat 0: this model still has its initial weights/);
  } finally {
    model.model.dispose();
  }
});

test("exercise 3: the single-channel accuracies are right; two channels, another setting, swapped or untrained models are not", () => {
  // the solution's answer, with the repeat-0 models the notebook keeps (trained from the comparison's config)
  const config = narrow.config;
  const [se, plain] = [narrow.models.se[0]!, narrow.models.plain[0]!];
  const options = { seed: 1, size: 60, informative: 1 };
  const set = generateChannelCue(options);
  const accuracy = {
    se: channelAttentionEvaluate(se, set).metrics.accuracy,
    plain: channelAttentionEvaluate(plain, set).metrics.accuracy,
  };
  const single = { config, options, se, plain, accuracy };
  const right = check(3, single);
  assert.equal(right.status, "right", right.message);
  assert.match(right.message, /60 images with the shape in one channel/);
  assert.match(check(3, { ...single, options: { ...options, informative: 2 } }).message, /single channel/);
  assert.match(check(3, { ...single, options: { seed: 1, size: 60 } }).message, /single channel/);
  assert.match(
    check(3, { ...single, options: { ...options, noise: 0.1 } }).message,
    /leave options\.noise out/,
  );
  assert.match(check(3, { ...single, options: { ...options, size: 5000 } }).message, /options\.size must be/);
  assert.match(check(3, { ...single, se: plain, plain: se }).message, /^se: its attention is not what/);
  assert.match(check(3, { ...single, config: { ...config, seed: 7 } }).message, /^se: its seed is not what/);
  assert.match(check(3, { ...single, config: small }).message, /^se: its filters is not what/);
  const untrainedSe = channelAttentionModel(config, "se");
  try {
    assert.match(check(3, { ...single, se: untrainedSe }).message, /initial weights/);
  } finally {
    untrainedSe.model.dispose();
  }
  const off = check(3, { ...single, accuracy: { ...accuracy, plain: accuracy.plain + 0.05 } });
  assert.match(off.message, /accuracy\.plain is not what channelAttentionEvaluate gives/);
  assert.ok(!off.message.includes(accuracy.plain.toFixed(3)));
});

test("undefined is not yet; malformed answers are wrong, never a throw", () => {
  const boom = () => {
    throw new Error("boom");
  };
  const malformed: unknown[] = [
    null,
    0,
    Number.NaN,
    "narrow",
    [],
    [{}, {}],
    {},
    boom,
    { config: {}, models: {}, accuracies: {}, verdict: {} },
    { config: { filters: [8, 8] }, models: { se: [1, 2] }, accuracies: {}, verdict: {} },
    { config: { filters: "8" }, models: {}, accuracies: {}, verdict: {} },
    { config: {}, options: {}, accuracy: {}, se: {}, plain: {} },
    {
      config: {},
      options: { seed: 1, size: 50, informative: 1 },
      accuracy: {},
      se: { model: {}, config: {} },
    },
  ];
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of malformed) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `exercise ${n}: ${JSON.stringify(bad)}`);
      assert.doesNotMatch(
        r.message,
        /could not be checked/,
        `exercise ${n}: ${JSON.stringify(bad)} gets a hint`,
      );
    }
  }
});

/**
 * Experiment configs are strict, derived from each experiment's defaults in the framework: an unknown key (with a
 * did-you-mean), a value of another kind than its default, a fraction where a count is expected, and bad
 * `runExperiment` options are errors naming the experiment and the key, before anything trains or is written.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { opt } from "../../lib/check/options.js";
import {
  CONFIG_VOCABULARY,
  experimentConfigSpec,
  isFullConfig,
  ruleFromDefault,
} from "../../lib/experiments/configSpec.js";
import { defineExperiment } from "../../lib/experiments/experiment.js";
import { EXPERIMENTS, findExperiment } from "../../lib/cases/registry.js";
import { experimentConfig, runExperiment } from "../../lib/experiments/run.js";
import { tiny } from "../records/tinyExperiment.js";
import { tempDir } from "../tempDir.js";

test("every registered experiment's spec has exactly its defaults' keys, and its defaults and quick pass", () => {
  for (const e of EXPERIMENTS) {
    assert.deepEqual(Object.keys(experimentConfigSpec(e)), Object.keys(e.defaults), e.name);
    assert.ok(isFullConfig(e, experimentConfig(e, false)), `${e.name}: defaults are the full config`);
    assert.equal(isFullConfig(e, experimentConfig(e, true)), Object.keys(e.quick).length === 0, e.name);
  }
  assert.deepEqual(ruleFromDefault("epochs", 8), opt.integer({ min: 0 }));
  assert.deepEqual(ruleFromDefault("learningRate", 3e-3), opt.number({ min: 0 }));
  assert.deepEqual(ruleFromDefault("causal", false), opt.boolean());
});

test("bad configs of real experiments are refused by runExperiment before training, naming experiment and key", async () => {
  const d = tempDir("attnlab-config-");
  const bad: [string, Record<string, unknown>, RegExp][] = [
    [
      "copy-task",
      { epoch: 2 },
      /^TypeError: runExperiment\(copy-task\): unknown option "config\.epoch" \(did you mean "epochs"\?\); allowed options: seed, trainSize, validationSize, testSize, epochs/,
    ],
    [
      "copy-task",
      { numheads: 1 },
      /runExperiment\(copy-task\): unknown option "config\.numheads" \(did you mean "numHeads"\?\)/,
    ],
    [
      "copy-task",
      { lr: 0.1 },
      /runExperiment\(copy-task\): unknown option "config\.lr"; allowed options: seed,/,
    ],
    ["copy-task", { toString: 1 }, /unknown option "config\.toString"/],
    [
      "copy-task",
      { numHeads: 1.5 },
      /^RangeError: runExperiment\(copy-task\): config\.numHeads must be an integer ≥ 0, got 1\.5/,
    ],
    [
      "copy-task",
      { numHeads: "2" },
      /^TypeError: runExperiment\(copy-task\): config\.numHeads must be an integer ≥ 0, got "2"/,
    ],
    ["copy-task", { epochs: -1 }, /config\.epochs must be an integer ≥ 1, got -1/],
    ["copy-task", { epochs: Number.NaN }, /config\.epochs must be an integer ≥ 1, got NaN/],
    [
      "copy-task",
      { learningRate: Number.POSITIVE_INFINITY },
      /config\.learningRate must be a finite number > 0, got Infinity/,
    ],
    ["copy-task", { learningRate: -0.1 }, /config\.learningRate must be a finite number > 0, got -0\.1/],
    ["copy-task", { seed: -1 }, /config\.seed must be an integer ≥ 0 and ≤ 4294967295, got -1/],
    ["copy-task", { seed: 0.5 }, /config\.seed must be an integer/],
    [
      "time-series",
      { window: null },
      /runExperiment\(time-series\): config\.window must be an integer ≥ 0, got null/,
    ],
    ["time-series", { lag: true }, /config\.lag must be an integer ≥ 0, got true/],
    [
      "shapes",
      { filters: 8 },
      /runExperiment\(shapes\): config\.filters must be an array like the default \[8,16\], got 8/,
    ],
    ["shapes", { filters: [] }, /config\.filters must not be empty \(default \[8,16\]\)/],
    ["shapes", { filters: [8, 1.5] }, /config\.filters\[1\] must be an integer ≥ 0, got 1\.5/],
    ["shapes", { filters: [8, "16"] }, /config\.filters\[1\] must be an integer ≥ 0, got "16"/],
    // biome-ignore lint/suspicious/noSparseArray: a sparse array is the bad input
    ["shapes", { filters: [8, , 16] }, /config\.filters\[1\] is missing \(a sparse array\)/],
    [
      "enfr",
      { testFraction: 1.5 },
      /runExperiment\(enfr\): config\.testFraction must be a finite number > 0 and < 1, got 1\.5/,
    ],
    ["sentiment", { negationRate: 2 }, /config\.negationRate must be a finite number ≥ 0 and ≤ 1, got 2/],
    ["lesions", { blur: 0 }, /runExperiment\(lesions\): config\.blur must be a finite number > 0, got 0/],
    [
      "copy-task",
      [] as never,
      /runExperiment\(copy-task\): config must be an object with keys seed, trainSize/,
    ],
  ];
  for (const [name, config, expected] of bad) {
    await assert.rejects(
      runExperiment(findExperiment(name), { quick: true, config, record: d, progress: "none", log: false }),
      (err: Error) => expected.test(`${err.name}: ${err.message}`),
      `${name} ${JSON.stringify(config)}`,
    );
  }
  assert.equal(existsSync(join(d, "copy-task")), false, "no record was written");
  // Allowed: a real number where the refinement says so (lesions' blur σ), and the seed of S002's style.
  assert.doesNotThrow(() => experimentConfig(findExperiment("lesions"), true, { blur: 1.5 }));
  assert.doesNotThrow(() => experimentConfig(findExperiment("enfr"), false, { gruEpochs: 0 }));
});

test("runExperiment options are strict too (the notebooks' `quick` parameter included)", async () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [
      { quik: true },
      /runExperiment\(tiny-regression\): unknown option "quik" \(did you mean "quick"\?\); allowed options: quick, config, record, progress, log/,
    ],
    [
      { quick: "true" },
      /runExperiment\(tiny-regression\): options\.quick must be a boolean \(true or false\), got "true"/,
    ],
    [{ quick: 1 }, /options\.quick must be a boolean/],
    [{ record: 5 }, /options\.record must be a non-empty string, got 5/],
    [{ record: "" }, /options\.record must be a non-empty string, got ""/],
    [
      { progress: "fancy" },
      /options\.progress must be one of "auto", "terminal", "notebook", "none", got "fancy"/,
    ],
    [{ progress: null }, /options\.progress must be one of/],
    [{ log: "no" }, /options\.log must be a boolean/],
    [{ config: { size: 4, sise: 4 } }, /unknown option "config\.sise" \(did you mean "size"\?\)/],
  ];
  for (const [options, expected] of bad) {
    await assert.rejects(runExperiment(tiny, options as never), expected, JSON.stringify(options));
  }
  assert.throws(
    () => experimentConfig(tiny, "yes" as never),
    /experimentConfig\(tiny-regression\): quick must be a boolean/,
  );
});

test("defineExperiment checks quick overrides and refinements against the defaults", () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [
      { quick: { epoch: 1 } },
      /defineExperiment\(tiny-regression\): unknown option "quick\.epoch" \(did you mean "epochs"\?\)/,
    ],
    [
      { quick: { epochs: 0.5 } },
      /defineExperiment\(tiny-regression\): quick\.epochs must be an integer ≥ 1, got 0\.5/,
    ],
    [
      { configRules: { rate: opt.number() } },
      /defineExperiment\(tiny-regression\): configRules\.rate is not a key of defaults/,
    ],
    [
      { configRules: { size: opt.integer({ min: 100 }) } },
      /defineExperiment\(tiny-regression\): defaults\.size must be an integer ≥ 100, got 48/,
    ],
    [{ defaults: { ...tiny.defaults, seed: 0.5 } }, /defaults\.seed must be an integer/],
  ];
  for (const [change, expected] of bad) {
    assert.throws(() => defineExperiment({ ...tiny, ...change } as never), expected, JSON.stringify(change));
  }
});

test("the glossary's config vocabulary has one rule in every case (epochs ≥ 1, learningRate > 0, …)", () => {
  for (const e of EXPERIMENTS) {
    const spec = experimentConfigSpec(e);
    for (const [key, rule] of Object.entries(CONFIG_VOCABULARY)) {
      if (key in e.defaults && !e.configRules?.[key]) assert.deepEqual(spec[key], rule, `${e.name}.${key}`);
    }
  }
  const tinySpec = experimentConfigSpec(tiny);
  assert.deepEqual(tinySpec.epochs, CONFIG_VOCABULARY.epochs);
});

/**
 * The exercises of notebooks/cases/08-channel-attention-se-cbam.ipynb. Every right answer is computed here from the
 * library and the case's own data and models, never typed in; a hint says what is off without giving the answer.
 * Exercises 1 and 2 are comparisons retrained under a changed setting (`ChannelAttentionComparison`): the check
 * rebuilds every run's model with `channelAttentionModel` to see that the learner's was built from that run's
 * seed and then trained, re-evaluates it with `channelAttentionEvaluate` on the config's held-out images, and
 * derives the verdicts with `channelAttentionVerdict`. Exercise 3 re-evaluates the trained SE and plain models on
 * the single-channel set that `generateChannelCue` draws from the learner's options.
 */
import type * as tf from "@tensorflow/tfjs";
import { checkValue, type OptionSpec, opt } from "../../check/options.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import type { AttentionCnn } from "../../models/cnn/attentionCnn.js";
import { sameWeights } from "../../train/variables.js";
import { type ChannelCueSet, channelAttentionData, generateChannelCue } from "./data.js";
import {
  CHANNEL_ATTENTION_DEFAULTS,
  type ChannelAttentionConfig,
  channelAttentionEvaluate,
  channelAttentionMetrics,
  channelAttentionRuns,
  channelAttentionVerdict,
} from "./experiment.js";
import { CHANNEL_ATTENTION_VARIANTS, type ChannelAttentionVariant, channelAttentionModel } from "./model.js";

type Fields = Record<string, unknown>;
const fields = (v: unknown): Fields | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Fields) : undefined;

/** The variants the verdicts are about. */
const GATED = ["se", "cbam"] as const;

/** The settings a check re-runs from, over the case's defaults, or the first that is off, in `checkValue`'s words. */
function settingsOf(value: unknown, where: string, rules: OptionSpec): ChannelAttentionConfig | string {
  const given = fields(value);
  if (given === undefined)
    return `${where}: config should be the settings you trained with ({ ...config, … })`;
  const config = { ...CHANNEL_ATTENTION_DEFAULTS, ...given } as ChannelAttentionConfig;
  const all: OptionSpec = {
    seed: opt.integer(),
    testSize: opt.integer({ min: 10, max: 1000 }),
    ratio: opt.number({ above: 0 }),
    ...rules,
  };
  for (const [key, rule] of Object.entries(all)) {
    try {
      checkValue(where, `config.${key}`, config[key], rule);
    } catch (error) {
      return (error as Error).message;
    }
  }
  const { filters } = config;
  const width = (f: unknown) => Number.isInteger(f) && (f as number) >= 1 && (f as number) <= 64;
  if (!(Array.isArray(filters) && filters.length >= 1 && filters.length <= 4 && filters.every(width))) {
    return `${where}: config.filters should be 1 to 4 conv widths, whole numbers from 1 to 64, got ${JSON.stringify(filters)}`;
  }
  return config;
}

/**
 * `value` if it is the model `channelAttentionModel(config, variant)` builds, trained since; otherwise what is
 * off: not a model, built with another setting (named), or still holding the initial weights.
 */
function trainedAs(
  value: unknown,
  config: ChannelAttentionConfig,
  variant: ChannelAttentionVariant,
  where: string,
  built: string,
): AttentionCnn | string {
  const got = fields(value);
  if (
    got === undefined ||
    typeof fields(got.model)?.predict !== "function" ||
    fields(got.config) === undefined
  ) {
    return `${where} should be a model as ${built} returns it ({ model, inspector, mapNames, config })`;
  }
  const cnn = value as AttentionCnn;
  const fresh = channelAttentionModel(config, variant);
  try {
    const expected = fresh.config as unknown as Fields;
    const actual = cnn.config as unknown as Fields;
    const off = Object.keys(expected).find((k) => JSON.stringify(actual[k]) !== JSON.stringify(expected[k]));
    if (off !== undefined) {
      return `${where}: its ${off} is not what ${built} builds (got ${JSON.stringify(actual[off])})`;
    }
    if (sameWeights(cnn.model, fresh.model))
      return `${where}: this model still has its initial weights; train it`;
    return cnn;
  } finally {
    fresh.model.dispose();
  }
}

/** Two accuracies on `n` images that count the same number of right answers. */
const sameCount = (a: number, b: number, n: number) => Math.abs(a - b) < 0.5 / n;

/** The held-out images of `config` (the test split is drawn from its own seed: the train size does not matter). */
const heldOut = (config: ChannelAttentionConfig): ChannelCueSet =>
  channelAttentionData({ ...config, trainSize: 1 }).test;

/** A checked comparison: its settings and the metrics of its re-evaluated runs. */
interface Compared {
  config: ChannelAttentionConfig;
  metrics: Record<string, number>;
  /** The hidden units of the first SE block. */
  hidden: number;
}

/**
 * Checks a `ChannelAttentionComparison`: every run of `channelAttentionRuns(config)` has its own trained model,
 * its accuracy is what `channelAttentionEvaluate` gives on the config's held-out images, and each verdict is the
 * one `channelAttentionVerdict` gives for those accuracies. The comparison, or a hint.
 */
function compared(value: unknown, where: string): Compared | string {
  const shape = `${where} should be { config, models: { plain, se, cbam }, accuracies: { plain, se, cbam }, verdict: { se, cbam } }`;
  const answer = fields(value);
  const models = fields(answer?.models);
  const accuracies = fields(answer?.accuracies);
  const verdict = fields(answer?.verdict);
  if (answer === undefined || models === undefined || accuracies === undefined || verdict === undefined) {
    return shape;
  }
  const config = settingsOf(answer.config, where, { repeats: opt.integer({ min: 2, max: 5 }) });
  if (typeof config === "string") return config;
  for (const v of CHANNEL_ATTENTION_VARIANTS) {
    const list = models[v];
    const accs = accuracies[v];
    if (!Array.isArray(list) || list.length !== config.repeats) {
      return `${where}: models.${v} should hold the ${config.repeats} trained models of its runs, in repeat order`;
    }
    if (!Array.isArray(accs) || accs.length !== config.repeats || accs.some((a) => typeof a !== "number")) {
      return `${where}: accuracies.${v} should hold the ${config.repeats} held-out accuracies of its runs, in repeat order`;
    }
  }
  const all = CHANNEL_ATTENTION_VARIANTS.flatMap((v) => models[v] as unknown[]);
  if (new Set(all).size < all.length) return `${where}: a model stands in two runs; every run trains its own`;
  const test = heldOut(config);
  const measured: Record<ChannelAttentionVariant, number[]> = { plain: [], se: [], cbam: [] };
  let hidden = 0;
  for (const run of channelAttentionRuns(config)) {
    const at = `${where}, ${run.variant} repeat ${run.repeat}`;
    const cnn = trainedAs(
      (models[run.variant] as unknown[])[run.repeat],
      { ...config, seed: run.seed },
      run.variant,
      at,
      `channelAttentionModel({ ...config, seed: run.seed }, "${run.variant}")`,
    );
    if (typeof cnn === "string") return cnn;
    const accuracy = channelAttentionEvaluate(cnn, test).metrics.accuracy;
    if (!sameCount((accuracies[run.variant] as number[])[run.repeat]!, accuracy, test.labels.length)) {
      return `${at}: the accuracy is not what channelAttentionEvaluate gives for this model on the config's held-out images`;
    }
    if (run.variant === "se" && run.repeat === 0) {
      hidden = (cnn.model.getLayer("attention0").getWeights()[0] as tf.Tensor).shape[1]!;
    }
    measured[run.variant].push(accuracy);
  }
  const metrics = channelAttentionMetrics(measured);
  for (const v of GATED) {
    const said = verdict[v];
    const allowed = ["within seed noise", "better than plain", "worse than plain"];
    if (typeof said !== "string" || !allowed.includes(said)) {
      return `${where}: verdict.${v} should be one of ${allowed.map((a) => `"${a}"`).join(", ")}`;
    }
    if (said !== channelAttentionVerdict(metrics, v)) {
      return `${where}: verdict.${v} does not follow from these accuracies (compare ${v}'s mean gain over plain with twice the largest sample sd of any model)`;
    }
  }
  return { config, metrics, hidden };
}

/** One line on a checked comparison: gains over plain in points, the seed spread, the first SE block's width. */
function summary(c: Compared, label: string): string {
  const gain = (v: "se" | "cbam") => (100 * (c.metrics[`${v}.mean`]! - c.metrics["plain.mean"]!)).toFixed(1);
  const sd = Math.max(...CHANNEL_ATTENTION_VARIANTS.map((v) => c.metrics[`${v}.sd`]!));
  return `${label}: SE ${gain("se")}, CBAM ${gain("cbam")} points vs plain, largest sd ${(100 * sd).toFixed(1)} (first SE block: ${c.hidden} hidden unit${c.hidden === 1 ? "" : "s"})`;
}

const RATIOS = [16, 1] as const;

function ratioRunsCheck(answer: unknown): Verdict {
  if (!Array.isArray(answer) || answer.length !== RATIOS.length) {
    return {
      right: false,
      hint: "ratioRuns should be an array of two comparisons, one at ratio 16 and one at ratio 1",
    };
  }
  const ratios = answer.map((c) => fields(fields(c)?.config)?.ratio);
  if (!RATIOS.every((r) => ratios.filter((x) => x === r).length === 1)) {
    return { right: false, hint: "one comparison should use ratio 16 and the other ratio 1 (config.ratio)" };
  }
  const lines: string[] = [];
  for (const [k, comparison] of answer.entries()) {
    const c = compared(comparison, `ratioRuns[${k}]`);
    if (typeof c === "string") return { right: false, hint: c };
    lines.push(summary(c, `ratio ${c.config.ratio}`));
  }
  return { right: true, note: lines.join("; ") };
}

/** The narrower blocks of exercise 2. */
const NARROW = [8, 8];

function narrowCheck(answer: unknown): Verdict {
  const config = fields(fields(answer)?.config);
  if (config !== undefined && JSON.stringify(config.filters) !== JSON.stringify(NARROW)) {
    return { right: false, hint: `narrow: config.filters should be the narrower ${JSON.stringify(NARROW)}` };
  }
  const c = compared(answer, "narrow");
  if (typeof c === "string") return { right: false, hint: c };
  return { right: true, note: summary(c, `filters ${JSON.stringify(NARROW)}`) };
}

function singleCheck(answer: unknown): Verdict {
  const given = fields(answer);
  const accuracy = fields(given?.accuracy);
  const options = fields(given?.options);
  if (given === undefined || accuracy === undefined || options === undefined) {
    return { right: false, hint: "single should be { config, options, se, plain, accuracy: { se, plain } }" };
  }
  const config = settingsOf(given.config, "single", {});
  if (typeof config === "string") return { right: false, hint: config };
  const se = trainedAs(given.se, config, "se", "se", 'channelAttentionModel(config, "se")');
  if (typeof se === "string") return { right: false, hint: se };
  const plain = trainedAs(given.plain, config, "plain", "plain", 'channelAttentionModel(config, "plain")');
  if (typeof plain === "string") return { right: false, hint: plain };
  for (const key of Object.keys(options)) {
    if (!["seed", "size", "informative"].includes(key)) {
      return {
        right: false,
        hint: `leave options.${key} out: only the number of channels with the shape should differ from the training images`,
      };
    }
  }
  try {
    checkValue("single", "options.seed", options.seed, opt.integer({ required: true }));
    checkValue("single", "options.size", options.size, opt.integer({ min: 20, max: 1000, required: true }));
  } catch (error) {
    return { right: false, hint: (error as Error).message };
  }
  const set = generateChannelCue(options as { seed: number; size: number; informative?: number });
  if (set.informative.some((carriers) => carriers.length !== 1)) {
    return {
      right: false,
      hint: "the shape should sit in a single channel of each image (options.informative)",
    };
  }
  const measured = {
    se: channelAttentionEvaluate(se, set).metrics.accuracy,
    plain: channelAttentionEvaluate(plain, set).metrics.accuracy,
  };
  for (const v of ["se", "plain"] as const) {
    const r = accuracy[v];
    if (typeof r !== "number") return { right: false, hint: `accuracy.${v} should be a number` };
    if (!sameCount(r, measured[v], set.labels.length)) {
      return {
        right: false,
        hint: `accuracy.${v} is not what channelAttentionEvaluate gives for this model on the single-channel set`,
      };
    }
  }
  return {
    right: true,
    note: `${set.labels.length} images with the shape in one channel of eight: SE ${measured.se.toFixed(3)}, plain ${measured.plain.toFixed(3)}`,
  };
}

export const CHANNEL_ATTENTION_EXERCISES = defineExercises("cases/08-channel-attention-se-cbam", [
  {
    n: 1,
    answer: "ratioRuns",
    title:
      "every run retrained at SE/CBAM ratio 16 and at ratio 1, with its held-out accuracy and the verdicts",
    check: ratioRunsCheck,
  },
  {
    n: 2,
    answer: "narrow",
    title: "every run retrained with filters [8, 8], with its held-out accuracy and the verdicts",
    check: narrowCheck,
  },
  {
    n: 3,
    answer: "single",
    title: "the trained SE and plain models' accuracy when the shape sits in a single channel",
    check: singleCheck,
  },
]);

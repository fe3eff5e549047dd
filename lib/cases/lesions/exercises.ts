/**
 * The exercises of notebooks/cases/07-lesions-attention-pooling.ipynb. Every right answer is computed here from the
 * library and the case's own data and models, never typed in; a hint says what is off without giving the answer.
 * The answers are measured quantities together with the models and settings they were measured on: the check
 * regenerates the held-out scans from the settings, re-evaluates the models with `lesionsEvaluate` and compares.
 */

import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { type AttentionCnn, attentionCnn } from "../../models/cnn/attentionCnn.js";
import { childSeed } from "../../random/childSeed.js";
import { sameWeights } from "../../train/variables.js";
import {
  generateLesions,
  LESIONS_CONTRAST,
  type LesionsOptions,
  type LesionsSet,
  lesionsData,
} from "./data.js";
import { LESIONS_DEFAULTS, type LesionsConfig, lesionsEvaluate } from "./experiment.js";

/** The same number up to float noise: what `lesionsEvaluate` gives, recomputed. */
const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9;

/** A trained-or-not `AttentionCnn` (what `lesionsModel` returns), or a hint naming what `name` should be. */
function asCnn(value: unknown, name: string): AttentionCnn | string {
  if (
    !isRecord(value) ||
    !isRecord(value.model) ||
    typeof (value.model as { predict?: unknown }).predict !== "function" ||
    !isRecord(value.config)
  ) {
    return `${name} should be a model as lesionsModel returns it ({ model, inspector, mapNames, config })`;
  }
  const cnn = value as unknown as AttentionCnn;
  if (cnn.config.height !== 32 || cnn.config.width !== 32 || cnn.config.channels !== 1) {
    return `${name} does not take the case's 32×32 one-channel scans: build it with lesionsModel`;
  }
  return cnn;
}

/** Does `cnn` still hold the weights `attentionCnn` initialises it with (never trained)? */
function untrained(cnn: AttentionCnn): boolean {
  const fresh = attentionCnn(cnn.config);
  try {
    return sameWeights(cnn.model, fresh.model);
  } finally {
    fresh.model.dispose();
  }
}

/** The settings of an answer, over the case's defaults, or a hint. */
function asConfig(value: unknown, where: string): LesionsConfig | string {
  if (!isRecord(value))
    return `${where}: config should be the settings object you trained with ({ ...config, … })`;
  const config = { ...LESIONS_DEFAULTS, ...value } as LesionsConfig;
  if (!Number.isInteger(config.seed)) return `${where}: config.seed should be a whole number`;
  if (!(Number.isInteger(config.testSize) && config.testSize >= 10 && config.testSize <= 1000)) {
    return `${where}: config.testSize should be a whole number from 10 to 1000 (the check re-evaluates every held-out scan)`;
  }
  if (!(isFiniteNumber(config.blur) && config.blur > 0))
    return `${where}: config.blur should be a number above 0`;
  if (!(isFiniteNumber(config.temperature) && config.temperature > 0))
    return `${where}: config.temperature should be a number above 0`;
  return config;
}

/** The held-out scans of `config`: exactly `lesionsData(config).test` (the train split is drawn from its own seed). */
const heldOut = (config: LesionsConfig): LesionsSet => lesionsData({ ...config, trainSize: 1 }).test;

/** Was `cnn` built by `lesionsModel(config, pooling)` (its seed, filters, temperature)? A hint if not. */
function builtFrom(
  cnn: AttentionCnn,
  config: LesionsConfig,
  attention: boolean,
  where: string,
): string | undefined {
  const pooling = attention ? "softSpatial" : "average";
  if (cnn.config.pooling !== pooling) {
    return attention
      ? `${where}: the attention model should pool by soft spatial attention (lesionsModel(config))`
      : `${where}: the GAP model should pool by global average pooling (lesionsModel(config, "average"))`;
  }
  const seed = childSeed(config.seed, attention ? "model" : "gap/model");
  const sameFilters = JSON.stringify(cnn.config.filters) === JSON.stringify(config.filters);
  if (
    cnn.config.seed !== seed ||
    !sameFilters ||
    (attention && cnn.config.temperature !== config.temperature)
  ) {
    return `${where}: this model was not built from its config (build it with lesionsModel(config${attention ? "" : ', "average"'}))`;
  }
  if (untrained(cnn)) return `${where}: this model still has its initial weights; train it first`;
  return undefined;
}

/** `{ attention, gap }` AUCs reported, or a hint. */
function asAucPair(value: unknown, where: string): { attention: number; gap: number } | string {
  if (!isRecord(value) || !isFiniteNumber(value.attention) || !isFiniteNumber(value.gap)) {
    return `${where}: auc should be { attention, gap }, two numbers`;
  }
  return { attention: value.attention, gap: value.gap };
}

/** Compares a reported AUC with the evaluation, naming the usual confusion. */
function aucHint(
  reported: number,
  metrics: Record<string, number>,
  what: string,
  where: string,
): string | undefined {
  if (same(reported, metrics.auc!)) return undefined;
  if (same(reported, metrics.lowContrastAuc!)) {
    return `${where}: ${what} is the low-contrast AUC; report the ROC-AUC over all held-out scans`;
  }
  if (same(reported, metrics.accuracy!)) return `${where}: ${what} is the accuracy; report the ROC-AUC`;
  return `${where}: ${what} is not the ROC-AUC lesionsEvaluate gives for this model on its config's held-out scans`;
}

/**
 * An answer that is one run per asked value of `setting` (`config.blur`, `config.temperature`), each with its
 * settings in `config`: the runs and their settings, or a hint.
 */
function asRuns(
  answer: unknown,
  shape: string,
  setting: "blur" | "temperature",
  asked: readonly number[],
): { runs: Record<string, unknown>[]; configs: LesionsConfig[] } | string {
  if (!Array.isArray(answer) || answer.length !== asked.length || !answer.every(isRecord)) return shape;
  const runs = answer as Record<string, unknown>[];
  const configs: LesionsConfig[] = [];
  for (const [k, run] of runs.entries()) {
    const config = asConfig(run.config, `run ${k}`);
    if (typeof config === "string") return config;
    configs.push(config);
  }
  const values = configs.map((c) => c[setting]);
  if (!(values.length === asked.length && asked.every((v) => values.filter((x) => x === v).length === 1))) {
    return `one run should use ${setting} ${asked[0]} and the other ${setting} ${asked[1]} (config.${setting})`;
  }
  return { runs, configs };
}

const BLURS = [2.5, 1.5] as const;

function blurRunsCheck(answer: unknown): Verdict {
  const shape =
    "blurRuns should be an array of two runs, one per blur, each { config, attention, gap, auc: { attention, gap } }";
  const parsed = asRuns(answer, shape, "blur", BLURS);
  if (typeof parsed === "string") return { right: false, hint: parsed };
  const { runs, configs } = parsed;
  const models = runs.flatMap((r) => [r.attention, r.gap]);
  if (new Set(models).size !== models.length) {
    return { right: false, hint: "each blur needs its own two models, trained on its own scans" };
  }
  const gaps: string[] = [];
  for (const [k, run] of runs.entries()) {
    const config = configs[k]!;
    const where = `blur ${config.blur}`;
    const attention = asCnn(run.attention, `${where}: attention`);
    if (typeof attention === "string") return { right: false, hint: attention };
    const gap = asCnn(run.gap, `${where}: gap`);
    if (typeof gap === "string") return { right: false, hint: gap };
    const auc = asAucPair(run.auc, where);
    if (typeof auc === "string") return { right: false, hint: auc };
    const built = builtFrom(attention, config, true, where) ?? builtFrom(gap, config, false, where);
    if (built !== undefined) return { right: false, hint: built };
    const test = heldOut(config);
    const a = lesionsEvaluate(attention, test, config).metrics;
    const g = lesionsEvaluate(gap, test, config).metrics;
    const off = aucHint(auc.attention, a, "auc.attention", where) ?? aucHint(auc.gap, g, "auc.gap", where);
    if (off !== undefined) return { right: false, hint: off };
    gaps.push(`blur ${config.blur}: ${(a.auc! - g.auc!).toFixed(3)}`);
  }
  return { right: true, note: `attention − GAP in ROC-AUC, ${gaps.join(", ")}` };
}

const TEMPERATURES = [0.25, 4] as const;

/** The mean over the scans without a lesion of each attention map's largest weight. */
function negativePeakOf(maps: number[][][], labels: readonly number[]): number {
  const peaks = maps.filter((_, i) => labels[i] === 0).map((m) => Math.max(...m.flat()));
  return peaks.reduce((s, p) => s + p, 0) / peaks.length;
}

function temperatureRunsCheck(answer: unknown): Verdict {
  const shape =
    "temperatureRuns should be an array of two runs, one per temperature, each { config, model, auc, pointing, negativePeak }";
  const parsed = asRuns(answer, shape, "temperature", TEMPERATURES);
  if (typeof parsed === "string") return { right: false, hint: parsed };
  const { runs, configs } = parsed;
  if (runs[0]!.model === runs[1]!.model)
    return { right: false, hint: "each temperature needs its own model" };
  const notes: string[] = [];
  for (const [k, run] of runs.entries()) {
    const config = configs[k]!;
    const where = `temperature ${config.temperature}`;
    const model = asCnn(run.model, `${where}: model`);
    if (typeof model === "string") return { right: false, hint: model };
    if (![run.auc, run.pointing, run.negativePeak].every(isFiniteNumber)) {
      return { right: false, hint: `${where}: auc, pointing and negativePeak should be numbers` };
    }
    const built = builtFrom(model, config, true, where);
    if (built !== undefined) return { right: false, hint: built };
    const test = heldOut(config);
    const ev = lesionsEvaluate(model, test, config);
    const off = aucHint(run.auc as number, ev.metrics, "auc", where);
    if (off !== undefined) return { right: false, hint: off };
    if (!same(run.pointing as number, ev.metrics.pointing!)) {
      return {
        right: false,
        hint: `${where}: pointing is not the pointing-game score lesionsEvaluate gives for this model`,
      };
    }
    const peak = negativePeakOf(ev.maps!, test.labels);
    if (!same(run.negativePeak as number, peak)) {
      return {
        right: false,
        hint: `${where}: negativePeak should be the mean, over the held-out scans without a lesion, of each attention map's largest α`,
      };
    }
    notes.push(
      `τ ${config.temperature}: negative peak ${peak.toFixed(4)} (uniform: ${(1 / 1024).toFixed(4)})`,
    );
  }
  return { right: true, note: notes.join("; ") };
}

/** The faint set's options, checked, or a hint. */
function asFaintOptions(value: unknown): LesionsOptions | string {
  const shape =
    "options should be the generateLesions options of the faint set: { seed, size, contrast: [lo, hi] }";
  if (!isRecord(value)) return shape;
  const { seed, size, contrast, side } = value;
  if (!Number.isInteger(seed)) return "options.seed should be a whole number";
  if (!(Number.isInteger(size) && (size as number) >= 20 && (size as number) <= 1000)) {
    return "options.size should be a whole number from 20 to 1000";
  }
  if (side !== undefined && side !== 32) return "the models take 32×32 scans: leave options.side out";
  if (!Array.isArray(contrast) || contrast.length !== 2 || !contrast.every(isFiniteNumber)) return shape;
  const [lo, hi] = contrast as [number, number];
  if (!(lo >= 0 && lo < hi)) return "options.contrast should be a range [lo, hi] with 0 ≤ lo < hi";
  if (hi > LESIONS_CONTRAST[0]) {
    return "some lesions of this set are as strong as the training ones: every contrast should lie below the training range";
  }
  return value as unknown as LesionsOptions;
}

function faintCheck(answer: unknown): Verdict {
  if (!isRecord(answer)) {
    return { right: false, hint: "faint should be { options, attention, gap, auc: { attention, gap } }" };
  }
  const options = asFaintOptions(answer.options);
  if (typeof options === "string") return { right: false, hint: options };
  const attention = asCnn(answer.attention, "attention");
  if (typeof attention === "string") return { right: false, hint: attention };
  const gap = asCnn(answer.gap, "gap");
  if (typeof gap === "string") return { right: false, hint: gap };
  const auc = asAucPair(answer.auc, "faint");
  if (typeof auc === "string") return { right: false, hint: auc };
  if (attention.config.pooling !== "softSpatial") {
    return { right: false, hint: "attention should be the attention-pooling model (the notebook's cnn)" };
  }
  if (gap.config.pooling !== "average") {
    return { right: false, hint: "gap should be the global-average-pooling model (the notebook's gap)" };
  }
  if (untrained(attention) || untrained(gap)) {
    return { right: false, hint: "a model still has its initial weights: pass the trained ones" };
  }
  const set = generateLesions(options);
  const a = lesionsEvaluate(attention, set, LESIONS_DEFAULTS).metrics;
  const g = lesionsEvaluate(gap, set, LESIONS_DEFAULTS).metrics;
  const off = aucHint(auc.attention, a, "auc.attention", "faint") ?? aucHint(auc.gap, g, "auc.gap", "faint");
  if (off !== undefined) return { right: false, hint: off };
  return { right: true, note: `on the faint set: attention ${a.auc!.toFixed(3)}, GAP ${g.auc!.toFixed(3)}` };
}

export const LESIONS_EXERCISES = defineExercises("cases/07-lesions-attention-pooling", [
  {
    n: 1,
    answer: "blurRuns",
    title: "both models retrained at blur 2.5 and 1.5, with their held-out ROC-AUCs",
    check: blurRunsCheck,
  },
  {
    n: 2,
    answer: "temperatureRuns",
    title:
      "the attention model retrained at temperature 0.25 and 4: AUC, pointing and the peak α on negatives",
    check: temperatureRunsCheck,
  },
  {
    n: 3,
    answer: "faint",
    title: "both trained models' ROC-AUC on lesions fainter than any they were trained on",
    check: faintCheck,
  },
]);

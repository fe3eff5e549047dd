/**
 * The exercises of notebooks/cases/06-shapes-spatial-attention.ipynb. Every right answer is computed here from the
 * library and the case's own data and models, never typed in: an answer is a measured quantity together with the
 * model (and the settings) it was measured on, and the check draws the images again — the held-out split of those
 * settings with `shapesData`, or the harder sets with `generateShapes` — and re-evaluates the model with
 * `shapesEvaluate`. No check depends on how well the training went. A hint says what is off, not the answer.
 */

import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { type AttentionCnn, attentionCnn } from "../../models/cnn/attentionCnn.js";
import { childSeed } from "../../random/childSeed.js";
import { canonicalJson } from "../../records/record.js";
import { sameWeights } from "../../train/variables.js";
import { generateShapes, SHAPES_CLASSES, type ShapesSet, shapesData } from "./data.js";
import { SHAPES_DEFAULTS, type ShapesConfig, shapesEvaluate } from "./experiment.js";

/** Reported and recomputed agree up to float noise (both come from `shapesEvaluate`). */
const agrees = (reported: number, computed: number) => Math.abs(reported - computed) <= 1e-9;
const isShare = (v: unknown): v is number => isFiniteNumber(v) && v >= 0 && v <= 1;
const wrong = (hint: string): Verdict => ({ right: false, hint });

/** The case's image side and the largest held-out split a check re-evaluates. */
const SIDE = 24;
const MAX_TEST_SIZE = 2000;

/**
 * `value` as a shapes model (`shapesModel` builds one: `attentionCnn` on 24×24 grey images, 3 classes, soft
 * spatial pooling), or a hint naming `name`.
 */
function asShapesModel(value: unknown, name: string): AttentionCnn | string {
  const model = isRecord(value) ? value.model : undefined;
  if (
    !isRecord(value) ||
    !isRecord(model) ||
    typeof model.predict !== "function" ||
    !isRecord(value.config)
  ) {
    return `\`${name}\` should be a model as shapesModel returns it ({ model, inspector, mapNames, config })`;
  }
  const c = value.config;
  const fits =
    c.height === SIDE &&
    c.width === SIDE &&
    c.channels === 1 &&
    c.classes === SHAPES_CLASSES.length &&
    c.pooling === "softSpatial";
  if (!fits) {
    return `\`${name}\` is not a model of this case (24×24 grey images, 3 classes, soft spatial attention): build it with shapesModel`;
  }
  return value as unknown as AttentionCnn;
}

/** Has `cnn` left its initial weights (those `attentionCnn` gives its own config)? */
function hasTrained(cnn: AttentionCnn): boolean {
  const initial = attentionCnn(cnn.config);
  try {
    return !sameWeights(cnn.model, initial.model);
  } finally {
    initial.model.dispose();
  }
}

/** `value` as the settings a run was trained with, over the case's defaults, or a hint naming `name`. */
function asRunConfig(value: unknown, name: string): ShapesConfig | string {
  if (!isRecord(value)) return `\`${name}\` should be the settings you trained with ({ ...config, … })`;
  const config = { ...SHAPES_DEFAULTS, ...value } as ShapesConfig;
  if (!Number.isInteger(config.seed)) return `\`${name}.seed\` should be a whole number`;
  if (!(Number.isInteger(config.testSize) && config.testSize >= 1 && config.testSize <= MAX_TEST_SIZE)) {
    return `\`${name}.testSize\` should be a whole number from 1 to ${MAX_TEST_SIZE} (the check re-evaluates every held-out image)`;
  }
  const filters = config.filters as unknown;
  if (
    !Array.isArray(filters) ||
    filters.length === 0 ||
    !filters.every((f) => Number.isInteger(f) && f > 0)
  ) {
    return `\`${name}.filters\` should be a non-empty array of channel counts (whole numbers above 0)`;
  }
  if (!(isFiniteNumber(config.temperature) && config.temperature > 0))
    return `\`${name}.temperature\` should be a number above 0`;
  if (!(isFiniteNumber(config.tolerance) && config.tolerance >= 0))
    return `\`${name}.tolerance\` should be a number ≥ 0 (pixels)`;
  return config;
}

/** A trained run: its settings, the model built from them (and trained), or a hint. */
function asTrainedRun(
  run: Record<string, unknown>,
  where: string,
): { config: ShapesConfig; cnn: AttentionCnn } | string {
  const config = asRunConfig(run.config, `${where}.config`);
  if (typeof config === "string") return config;
  const cnn = asShapesModel(run.cnn, `${where}.cnn`);
  if (typeof cnn === "string") return cnn;
  if (cnn.config.temperature !== config.temperature) {
    return `\`${where}.cnn\` has temperature ${cnn.config.temperature}, its config ${config.temperature}: build the model with shapesModel(${where}.config)`;
  }
  if (
    cnn.config.seed !== childSeed(config.seed, "model") ||
    JSON.stringify(cnn.config.filters) !== JSON.stringify(config.filters)
  ) {
    return `\`${where}.cnn\` was not built from \`${where}.config\` (its seed or filters differ): build it with shapesModel(${where}.config)`;
  }
  if (!hasTrained(cnn)) return `\`${where}.cnn\` still has its initial weights: train it first`;
  return { config, cnn };
}

/** The held-out images of `config`: `shapesData(config).test` (the test split has its own seed, so the train split is not drawn). */
const heldOut = (config: ShapesConfig): ShapesSet => shapesData({ ...config, trainSize: 1 }).test;

/** A hint when `reported` is not the `metric` that `computed` holds, naming the usual confusion. */
function metricHint(
  reported: number,
  computed: { accuracy: number; pointing: number; softArgmaxError: number },
  metric: "pointing" | "softArgmaxError",
  name: string,
): string | undefined {
  if (agrees(reported, computed[metric])) return undefined;
  if (metric === "pointing" && agrees(reported, computed.accuracy)) {
    return `\`${name}\` is the accuracy; the pointing game asks whether the attention's argmax lies on the shape`;
  }
  return `\`${name}\` is not what shapesEvaluate gives for this model on its config's held-out images`;
}

const TEMPERATURES = { sharp: 0.25, flat: 4 } as const;

function temperatureRunsCheck(answer: unknown): Verdict {
  if (!isRecord(answer) || !isRecord(answer.sharp) || !isRecord(answer.flat)) {
    return wrong(
      "`temperatureRuns` should be { sharp, flat }, each { config, cnn, pointing, softArgmaxError }",
    );
  }
  const runs = { sharp: answer.sharp, flat: answer.flat };
  const trained: Record<string, { config: ShapesConfig; cnn: AttentionCnn }> = {};
  for (const key of ["sharp", "flat"] as const) {
    const run = asTrainedRun(runs[key], key);
    if (typeof run === "string") return wrong(run);
    if (run.config.temperature !== TEMPERATURES[key]) {
      return wrong(
        `\`${key}\` should be trained at temperature ${TEMPERATURES[key]}; its config has ${run.config.temperature}`,
      );
    }
    const { pointing, softArgmaxError } = runs[key];
    if (!isShare(pointing))
      return wrong(`\`${key}.pointing\` should be a share of images: a number from 0 to 1`);
    if (!(isFiniteNumber(softArgmaxError) && softArgmaxError >= 0))
      return wrong(`\`${key}.softArgmaxError\` should be a distance in pixels: a number ≥ 0`);
    trained[key] = run;
  }
  const [sharp, flat] = [trained.sharp!, trained.flat!];
  const others = (c: ShapesConfig) => canonicalJson({ ...c, temperature: 0 });
  if (others(sharp.config) !== others(flat.config)) {
    return wrong("the two runs should differ in the temperature only: build both configs from `config`");
  }
  const notes: string[] = [];
  for (const key of ["sharp", "flat"] as const) {
    const { config, cnn } = trained[key]!;
    const { metrics } = shapesEvaluate(cnn, heldOut(config), config);
    for (const metric of ["pointing", "softArgmaxError"] as const) {
      const hint = metricHint(runs[key][metric] as number, metrics, metric, `${key}.${metric}`);
      if (hint !== undefined) return wrong(hint);
    }
    notes.push(
      `τ = ${config.temperature}: pointing ${metrics.pointing.toFixed(3)}, soft-argmax error ${metrics.softArgmaxError.toFixed(2)} px`,
    );
  }
  return { right: true, note: notes.join("; ") };
}

/** The classes exercise 2 asks about, by label. */
const SQUARE = SHAPES_CLASSES.indexOf("square");
const RING = SHAPES_CLASSES.indexOf("ring");

/** The share of `from` images predicted as `to`, over the images labelled `over` (a count of 0 gives 0). */
function shareAs(
  labels: number[],
  predicted: number[],
  pairs: [number, number][],
  over: Set<number>,
): number {
  const pool = labels.map((_, k) => k).filter((k) => over.has(labels[k]!));
  const hits = pool.filter((k) => pairs.some(([from, to]) => labels[k] === from && predicted[k] === to));
  return pool.length === 0 ? 0 : hits.length / pool.length;
}

function oneBlockCheck(answer: unknown): Verdict {
  if (!isRecord(answer)) return wrong("`oneBlock` should be { config, cnn, pointing, mixUps }");
  const run = asTrainedRun(answer, "oneBlock");
  if (typeof run === "string") return wrong(run);
  const { config, cnn } = run;
  if (config.filters.length !== 1 || config.filters[0] !== 8) {
    return wrong(
      `\`oneBlock.config.filters\` is ${JSON.stringify(config.filters)}; the exercise asks for one conv block of 8 channels`,
    );
  }
  const { pointing, mixUps } = answer;
  if (!isShare(pointing))
    return wrong("`oneBlock.pointing` should be a share of images: a number from 0 to 1");
  if (!isShare(mixUps)) return wrong("`oneBlock.mixUps` should be a share of images: a number from 0 to 1");
  const test = heldOut(config);
  const ev = shapesEvaluate(cnn, test, config);
  const pointingHint = metricHint(pointing, ev.metrics, "pointing", "oneBlock.pointing");
  if (pointingHint !== undefined) return wrong(pointingHint);
  const { labels } = test;
  const both: [number, number][] = [
    [SQUARE, RING],
    [RING, SQUARE],
  ];
  const squaresAndRings = new Set([SQUARE, RING]);
  const right = shareAs(labels, ev.predicted, both, squaresAndRings);
  if (!agrees(mixUps, right)) {
    const everyClass = new Set(SHAPES_CLASSES.map((_, c) => c));
    const oneWay = both.map((pair) => shareAs(labels, ev.predicted, [pair], squaresAndRings));
    if (agrees(mixUps, 1 - ev.metrics.accuracy) && !agrees(right, 1 - ev.metrics.accuracy)) {
      return wrong(
        "`oneBlock.mixUps` counts every wrong prediction; count only squares taken for rings and rings taken for squares",
      );
    }
    if (agrees(mixUps, shareAs(labels, ev.predicted, both, everyClass))) {
      return wrong(
        "`oneBlock.mixUps` divides by all held-out images; divide by the squares and rings among them",
      );
    }
    if (oneWay.some((share) => agrees(mixUps, share))) {
      return wrong(
        "`oneBlock.mixUps` counts one direction only; count squares taken for rings and rings for squares",
      );
    }
    return wrong(
      "`oneBlock.mixUps` is not the share of held-out squares and rings that this model takes for the other one",
    );
  }
  return {
    right: true,
    note: `one block: pointing ${ev.metrics.pointing.toFixed(3)}, accuracy ${ev.metrics.accuracy.toFixed(3)}, squares and rings mixed up ${right.toFixed(3)}`,
  };
}

/** Exercise 3's harder sets: `generateShapes({ seed: 1, size: 300, speckles })`; the training count among them. */
const HARDER = { seed: 1, size: 300, trained: 6, maxSpeckles: 200, fewest: 3, most: 6 } as const;

function speckleSweepCheck(answer: unknown): Verdict {
  if (!isRecord(answer)) return wrong("`speckleSweep` should be { cnn, speckles, accuracy, pointing }");
  const cnn = asShapesModel(answer.cnn, "speckleSweep.cnn");
  if (typeof cnn === "string") return wrong(cnn);
  if (!hasTrained(cnn))
    return wrong("`speckleSweep.cnn` still has its initial weights: use the trained `cnn`");
  const { speckles, accuracy, pointing } = answer;
  const isCount = (k: unknown) =>
    Number.isInteger(k) && (k as number) >= 0 && (k as number) <= HARDER.maxSpeckles;
  if (!Array.isArray(speckles) || !speckles.every(isCount)) {
    return wrong(
      `\`speckles\` should be an array of speckle counts (whole numbers from 0 to ${HARDER.maxSpeckles})`,
    );
  }
  const counts = speckles as number[];
  if (
    new Set(counts).size !== counts.length ||
    counts.length < HARDER.fewest ||
    counts.length > HARDER.most
  ) {
    return wrong(`\`speckles\` should hold ${HARDER.fewest} to ${HARDER.most} different counts`);
  }
  if (!counts.includes(HARDER.trained)) {
    return wrong(
      `include ${HARDER.trained} in \`speckles\`: the count the model was trained on, to compare with`,
    );
  }
  for (const [name, list] of [
    ["accuracy", accuracy],
    ["pointing", pointing],
  ] as const) {
    if (!Array.isArray(list) || list.length !== counts.length || !list.every(isShare)) {
      return wrong(`\`${name}\` should hold one share (0 to 1) per entry of \`speckles\``);
    }
  }
  const [acc, point] = [accuracy as number[], pointing as number[]];
  const notes: string[] = [];
  for (const [i, k] of counts.entries()) {
    const set = generateShapes({ seed: HARDER.seed, size: HARDER.size, speckles: k });
    const { metrics } = shapesEvaluate(cnn, set, SHAPES_DEFAULTS);
    const where = `at speckles = ${k} (generateShapes({ seed: ${HARDER.seed}, size: ${HARDER.size}, speckles: ${k} }))`;
    const swapped = agrees(acc[i]!, metrics.pointing) && agrees(point[i]!, metrics.accuracy);
    if (swapped && !agrees(metrics.accuracy, metrics.pointing))
      return wrong(`${where}: \`accuracy\` and \`pointing\` are swapped`);
    if (!agrees(acc[i]!, metrics.accuracy))
      return wrong(`${where}: \`accuracy\` is not what shapesEvaluate gives for this model`);
    if (!agrees(point[i]!, metrics.pointing))
      return wrong(`${where}: \`pointing\` is not what shapesEvaluate gives for this model`);
    notes.push(`${k}: ${metrics.accuracy.toFixed(3)} / ${metrics.pointing.toFixed(3)}`);
  }
  return { right: true, note: `speckles: accuracy / pointing — ${notes.join(", ")}` };
}

export const SHAPES_EXERCISES = defineExercises("cases/06-shapes-spatial-attention", [
  {
    n: 1,
    answer: "temperatureRuns",
    title: "pointing and soft-argmax error of models trained at temperature 0.25 and 4",
    check: temperatureRunsCheck,
  },
  {
    n: 2,
    answer: "oneBlock",
    title: "pointing and square/ring mix-ups of a model with one 3×3 conv block",
    check: oneBlockCheck,
  },
  {
    n: 3,
    answer: "speckleSweep",
    title: "accuracy and pointing of the trained model as the speckles multiply",
    check: speckleSweepCheck,
  },
]);

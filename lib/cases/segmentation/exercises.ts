/**
 * The exercises of notebooks/cases/13-segmentation-class-queries.ipynb. Every right answer is computed here from
 * the library and the case's own data and models, never typed in: an answer is a measured quantity together with
 * the model (and the settings) it was measured on, and the check draws the scenes again — the held-out split of
 * those settings with `segmentationData`, or the crowded set with `generateScenes` — and re-evaluates the model
 * with `segmentationPredict` / `segmentationEvaluate`. No check depends on how well the training went. A hint
 * says what is off, not the answer.
 */

import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { sameWeights } from "../../train/variables.js";
import { generateScenes, type ScenesSet, SEGMENTATION_CLASSES, segmentationData } from "./data.js";
import {
  SEGMENTATION_DEFAULTS,
  type SegmentationConfig,
  segmentationEvaluate,
  segmentationPredict,
} from "./experiment.js";
import { type SegmentationModel, segmentationModel } from "./model.js";

/** Reported and recomputed agree up to float noise (both come from the same library calls). */
const agrees = (reported: number, computed: number) => Math.abs(reported - computed) <= 1e-9;
const isShare = (v: unknown): v is number => isFiniteNumber(v) && v >= 0 && v <= 1;
const wrong = (hint: string): Verdict => ({ right: false, hint });

/** The case's image side, its shapes' box side, and the largest held-out split a check re-evaluates. */
const SIDE = 24;
const BOX = 5;
const MAX_TEST_SIZE = 2000;

/** `value` as a segmentation model (`segmentationModel` builds one: `{ model, inspector, config }`), or a hint. */
function asSegmentationModel(value: unknown, name: string): SegmentationModel | string {
  const model = isRecord(value) ? value.model : undefined;
  const inspector = isRecord(value) ? value.inspector : undefined;
  if (
    !isRecord(value) ||
    !isRecord(model) ||
    typeof model.predict !== "function" ||
    !isRecord(inspector) ||
    typeof inspector.predict !== "function" ||
    !isRecord(value.config)
  ) {
    return `\`${name}\` should be a model as segmentationModel returns it ({ model, inspector, config })`;
  }
  const net = value as unknown as SegmentationModel;
  const input = net.model.inputs?.[0]?.shape;
  const output = net.model.outputs?.[0]?.shape;
  if (
    JSON.stringify(input) !== JSON.stringify([null, SIDE, SIDE, 1]) ||
    output?.[1] !== SEGMENTATION_CLASSES.length
  ) {
    return `\`${name}\` is not a model of this case (24×24 grey scenes, one logit per class): build it with segmentationModel`;
  }
  return net;
}

/** Has `net` left its initial weights (those `segmentationModel` gives its own config)? */
function hasTrained(net: SegmentationModel): boolean {
  const initial = segmentationModel(net.config);
  try {
    return !sameWeights(net.model, initial.model);
  } finally {
    initial.model.dispose();
  }
}

/** `value` as the settings a run was trained with, over the case's defaults, or a hint naming `name`. */
function asRunConfig(value: unknown, name: string): SegmentationConfig | string {
  if (!isRecord(value)) return `\`${name}\` should be the settings you trained with ({ ...config, … })`;
  const config = { ...SEGMENTATION_DEFAULTS, ...value } as SegmentationConfig;
  if (!Number.isInteger(config.seed)) return `\`${name}.seed\` should be a whole number`;
  if (!(Number.isInteger(config.testSize) && config.testSize >= 1 && config.testSize <= MAX_TEST_SIZE)) {
    return `\`${name}.testSize\` should be a whole number from 1 to ${MAX_TEST_SIZE} (the check re-evaluates every held-out scene)`;
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
  if (!(isFiniteNumber(config.threshold) && config.threshold > 0 && config.threshold < 1))
    return `\`${name}.threshold\` should be a probability between 0 and 1`;
  return config;
}

/** A trained run: its settings and the model built from them (and trained), or a hint. */
function asTrainedRun(
  run: Record<string, unknown>,
  where: string,
): { config: SegmentationConfig; net: SegmentationModel } | string {
  const config = asRunConfig(run.config, `${where}.config`);
  if (typeof config === "string") return config;
  const net = asSegmentationModel(run.net, `${where}.net`);
  if (typeof net === "string") return net;
  if (net.config.temperature !== config.temperature) {
    return `\`${where}.net\` has temperature ${net.config.temperature}, its config ${config.temperature}: build the model with segmentationModel(${where}.config)`;
  }
  if (
    net.config.seed !== config.seed ||
    JSON.stringify(net.config.filters) !== JSON.stringify(config.filters)
  ) {
    return `\`${where}.net\` was not built from \`${where}.config\` (its seed or filters differ): build it with segmentationModel(${where}.config)`;
  }
  if (!hasTrained(net)) return `\`${where}.net\` still has its initial weights: train it first`;
  return { config, net };
}

/** The test scenes of `config` (each split has its own seed, so train and validation are not drawn in full). */
const heldOut = (config: SegmentationConfig): ScenesSet =>
  segmentationData({ ...config, trainSize: 1, validationSize: 1 }).test;

/**
 * The attention mass each class map puts on its class, averaged over the (scene, class) pairs with the class
 * present: on the class's mask pixels, and inside the 5×5 boxes of the class's objects. `everyClass` averages
 * over all K maps of every scene instead (the slip of counting absent classes, whose masks are empty).
 */
function segmentationAttentionShares(
  maps: number[][][][],
  set: ScenesSet,
  everyClass = false,
): { onMask: number; onBoxes: number } {
  let [onMask, onBoxes, pairs] = [0, 0, 0];
  set.masks.forEach((masks, n) => {
    masks.forEach((mask, c) => {
      if (!everyClass && set.labels[n]![c] !== 1) return;
      const boxes = set.objects[n]!.filter((o) => o.label === c);
      const map = maps[n]![c]!;
      map.forEach((row, i) =>
        row.forEach((a, j) => {
          if (mask[i]![j] === 1) onMask += a;
          if (boxes.some((o) => i >= o.top && i < o.top + BOX && j >= o.left && j < o.left + BOX))
            onBoxes += a;
        }),
      );
      pairs++;
    });
  });
  return { onMask: onMask / pairs, onBoxes: onBoxes / pairs };
}

function attentionOnShapesCheck(answer: unknown): Verdict {
  if (!isRecord(answer)) return wrong("`attentionOnShapes` should be { config, net, onMask, onBoxes }");
  const run = asTrainedRun(answer, "attentionOnShapes");
  if (typeof run === "string") return wrong(run);
  const { onMask, onBoxes } = answer;
  for (const [name, v] of [
    ["onMask", onMask],
    ["onBoxes", onBoxes],
  ] as const) {
    if (!isShare(v))
      return wrong(`\`attentionOnShapes.${name}\` should be a share of attention: a number from 0 to 1`);
  }
  const [mask, boxes] = [onMask as number, onBoxes as number];
  const test = heldOut(run.config);
  const { maps } = segmentationPredict(run.net, test);
  const right = segmentationAttentionShares(maps, test);
  const every = segmentationAttentionShares(maps, test, true);
  if (agrees(mask, right.onBoxes) && agrees(boxes, right.onMask) && !agrees(right.onMask, right.onBoxes))
    return wrong("`onMask` and `onBoxes` are swapped");
  for (const [name, reported, computed, slip] of [
    ["onMask", mask, right.onMask, every.onMask],
    ["onBoxes", boxes, right.onBoxes, every.onBoxes],
  ] as const) {
    if (agrees(reported, computed)) continue;
    if (agrees(reported, slip))
      return wrong(
        `\`${name}\` averages over every class map; average over the classes present in each scene only`,
      );
    return wrong(
      `\`${name}\` is not the mean attention mass of the present classes' maps ${name === "onMask" ? "on their mask pixels" : "inside their objects' 5×5 boxes"} (held-out scenes of your config)`,
    );
  }
  return {
    right: true,
    note: `attention on the class's mask ${right.onMask.toFixed(3)}, inside its 5×5 boxes ${right.onBoxes.toFixed(3)}`,
  };
}

/** Exercise 2's temperature. */
const FLAT_TEMPERATURE = 4;

/** A hint when `reported` is not `metric` of `computed`, naming the usual confusion. */
function metricHint(
  reported: number,
  computed: Record<string, number>,
  metric: "accuracy" | "meanIoU",
  name: string,
  where: string,
): string | undefined {
  if (agrees(reported, computed[metric]!)) return undefined;
  if (metric === "accuracy" && agrees(reported, computed.labelAccuracy!))
    return `\`${name}\` is the per-label accuracy; the exercise asks for the exact-set accuracy (the metric \`accuracy\`)`;
  if (metric === "accuracy" && agrees(reported, computed.meanIoU!))
    return `\`${name}\` is the mean IoU, not the accuracy`;
  if (metric === "meanIoU" && agrees(reported, computed.accuracy!))
    return `\`${name}\` is the accuracy, not the mean IoU`;
  return `\`${name}\` is not what segmentationEvaluate gives for this model on ${where}`;
}

function flatRunCheck(answer: unknown): Verdict {
  if (!isRecord(answer)) return wrong("`flatRun` should be { config, net, accuracy, meanIoU }");
  const run = asTrainedRun(answer, "flatRun");
  if (typeof run === "string") return wrong(run);
  if (run.config.temperature !== FLAT_TEMPERATURE) {
    return wrong(
      `\`flatRun\` should be trained at temperature ${FLAT_TEMPERATURE}; its config has ${run.config.temperature}`,
    );
  }
  const { accuracy, meanIoU } = answer;
  if (!isShare(accuracy))
    return wrong("`flatRun.accuracy` should be a share of scenes: a number from 0 to 1");
  if (!isShare(meanIoU)) return wrong("`flatRun.meanIoU` should be an IoU: a number from 0 to 1");
  const { metrics } = segmentationEvaluate(run.net, heldOut(run.config), run.config);
  const where = "its config's held-out scenes";
  for (const metric of ["accuracy", "meanIoU"] as const) {
    const hint = metricHint(answer[metric] as number, metrics, metric, `flatRun.${metric}`, where);
    if (hint !== undefined) return wrong(hint);
  }
  const perClass = SEGMENTATION_CLASSES.map((c) => `${c} ${metrics[`iou.${c}`]!.toFixed(3)}`).join(", ");
  return {
    right: true,
    note: `τ = ${FLAT_TEMPERATURE}: accuracy ${metrics.accuracy!.toFixed(3)}, mean IoU ${metrics.meanIoU!.toFixed(3)} (${perClass})`,
  };
}

/** Exercise 3's crowded scenes: `generateScenes(CROWDED)`, evaluated at the case's threshold. */
const CROWDED = { seed: 1, size: 300, objects: [4, 5] as [number, number] };

function crowdedCheck(answer: unknown): Verdict {
  if (!isRecord(answer)) return wrong("`crowded` should be { net, accuracy, meanIoU }");
  const net = asSegmentationModel(answer.net, "crowded.net");
  if (typeof net === "string") return wrong(net);
  if (!hasTrained(net)) return wrong("`crowded.net` still has its initial weights: use the trained `net`");
  const { accuracy, meanIoU } = answer;
  if (!isShare(accuracy))
    return wrong("`crowded.accuracy` should be a share of scenes: a number from 0 to 1");
  if (!isShare(meanIoU)) return wrong("`crowded.meanIoU` should be an IoU: a number from 0 to 1");
  const set = generateScenes({ ...CROWDED, objects: [...CROWDED.objects] });
  const { metrics } = segmentationEvaluate(net, set, SEGMENTATION_DEFAULTS);
  const where = `generateScenes({ seed: ${CROWDED.seed}, size: ${CROWDED.size}, objects: [${CROWDED.objects.join(", ")}] })`;
  for (const metric of ["accuracy", "meanIoU"] as const) {
    const hint = metricHint(answer[metric] as number, metrics, metric, `crowded.${metric}`, where);
    if (hint !== undefined) return wrong(hint);
  }
  return {
    right: true,
    note: `4–5 objects: accuracy ${metrics.accuracy!.toFixed(3)} (per label ${metrics.labelAccuracy!.toFixed(3)}), mean IoU ${metrics.meanIoU!.toFixed(3)}`,
  };
}

export const SEGMENTATION_EXERCISES = defineExercises("cases/13-segmentation-class-queries", [
  {
    n: 1,
    answer: "attentionOnShapes",
    title: "the attention mass each present class's map puts on its mask and inside its objects' boxes",
    check: attentionOnShapesCheck,
  },
  {
    n: 2,
    answer: "flatRun",
    title: "exact-set accuracy and mean IoU of a model trained at temperature 4",
    check: flatRunCheck,
  },
  {
    n: 3,
    answer: "crowded",
    title: "exact-set accuracy and mean IoU of the trained model on scenes with 4–5 objects",
    check: crowdedCheck,
  },
]);

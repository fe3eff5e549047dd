/**
 * The exercises of notebooks/cases/14-video-temporal-attention.ipynb. Every right answer is computed here from the
 * library and the case's own data and model, never typed in: an answer that measures a model carries the model
 * and the settings it was measured on, and the check draws the held-out clips of those settings again with
 * `videoData` and re-evaluates the model with `videoEvaluate`. Exercise 2 runs the learner's soft-argmax on maps
 * of the check's own. No check depends on how well the training went. A hint says what is off, not the answer.
 */

import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { checkConfigOf } from "../../experiments/experiment.js";
import { mapArgmax } from "../../metrics/localization.js";
import { mulberry32 } from "../../random/prng.js";
import { sameWeights } from "../../train/variables.js";
import { VIDEO_EVENTS, VIDEO_FRAMES, type VideoSet, videoData } from "./data.js";
import {
  VIDEO_DEFAULTS,
  type VideoConfig,
  type VideoEvaluation,
  videoEvaluate,
  videoExperiment,
} from "./experiment.js";
import { VideoModel, videoModel } from "./model.js";

/** Reported and recomputed agree up to float noise (both come from `videoEvaluate`). */
const agrees = (reported: number, computed: number) => Math.abs(reported - computed) <= 1e-9;
const wrong = (hint: string): Verdict => ({ right: false, hint });

/** The largest held-out split a check re-evaluates. */
const MAX_TEST_SIZE = 2000;

/** `value` as the settings a run was trained with, over the case's defaults, or a hint naming `name`. */
function asRunConfig(value: unknown, name: string): VideoConfig | string {
  if (!isRecord(value)) return `\`${name}\` should be the settings you trained with ({ ...config, … })`;
  const config = { ...VIDEO_DEFAULTS, ...value } as VideoConfig;
  try {
    checkConfigOf(`\`${name}\``, videoExperiment, config);
  } catch (error) {
    return (error as Error).message;
  }
  if (config.testSize > MAX_TEST_SIZE) {
    return `\`${name}.testSize\` should be at most ${MAX_TEST_SIZE} (the check re-evaluates every held-out clip)`;
  }
  return config;
}

/** A trained run: its settings and the model built from them (and trained), or a hint. */
function asTrainedRun(
  run: Record<string, unknown>,
  where: string,
): { config: VideoConfig; model: VideoModel } | string {
  const config = asRunConfig(run.config, `${where}.config`);
  if (typeof config === "string") return config;
  const model = run.model;
  if (!(model instanceof VideoModel)) {
    return `\`${where}.model\` should be the trained model, as videoModel(${where}.config) builds it`;
  }
  const c = model.config;
  const same =
    c.seed === config.seed &&
    c.temperature === config.temperature &&
    c.attentionUnits === config.attentionUnits &&
    JSON.stringify(c.filters) === JSON.stringify(config.filters);
  if (!same) {
    return `\`${where}.model\` was not built from \`${where}.config\` (its seed, filters, temperature or attentionUnits differ): build it with videoModel(${where}.config)`;
  }
  const initial = videoModel(config);
  try {
    if (sameWeights(model, initial))
      return `\`${where}.model\` still has its initial weights: train it first`;
  } finally {
    initial.dispose();
  }
  return { config, model };
}

/** The held-out clips of `config`: `videoData(config).test` (the test split has its own seed). */
const heldOut = (config: VideoConfig): VideoSet =>
  videoData({ ...config, trainSize: 1, validationSize: 1 }).test;

/** The share of clips of each event type whose most-attended frame is the event frame, in label order. */
function keyFrameByEvent(test: VideoSet, ev: VideoEvaluation, byPrediction = false): number[] {
  return VIDEO_EVENTS.map((_, k) => {
    const of = test.labels
      .map((label, i) => ((byPrediction ? ev.predicted[i] : label) === k ? i : -1))
      .filter((i) => i >= 0);
    const hits = of.filter((i) => ev.keyFrames[i] === test.eventFrames[i]).length;
    return of.length === 0 ? 0 : hits / of.length;
  });
}

function shortcutCheck(answer: unknown): Verdict {
  if (!isRecord(answer)) return wrong("`shortcut` should be { config, model, keyFrameByEvent }");
  const run = asTrainedRun(answer, "shortcut");
  if (typeof run === "string") return wrong(run);
  const { config, model } = run;
  if (config.keyFrameWeight !== 0) {
    return wrong(
      `\`shortcut.config.keyFrameWeight\` is ${config.keyFrameWeight}; the exercise trains without the key-frame hint (0)`,
    );
  }
  const shares = answer.keyFrameByEvent;
  if (
    !Array.isArray(shares) ||
    shares.length !== VIDEO_EVENTS.length ||
    !shares.every((v) => isFiniteNumber(v) && v >= 0 && v <= 1)
  ) {
    return wrong(
      `\`shortcut.keyFrameByEvent\` should hold ${VIDEO_EVENTS.length} shares (0 to 1), one per event type in the order of VIDEO_EVENTS`,
    );
  }
  const test = heldOut(config);
  const ev = videoEvaluate(model, test);
  const right = keyFrameByEvent(test, ev);
  const got = shares as number[];
  if (got.every((v, k) => agrees(v, right[k]!))) {
    const text = VIDEO_EVENTS.map((name, k) => `${name} ${right[k]!.toFixed(3)}`).join(", ");
    return { right: true, note: `key-frame top-1 without the hint: ${text}` };
  }
  if (
    got.every((v) => agrees(v, ev.metrics.keyFrame)) &&
    !right.every((v) => agrees(v, ev.metrics.keyFrame))
  ) {
    return wrong("every entry is the overall key-frame share; split the held-out clips by their event type");
  }
  if (keyFrameByEvent(test, ev, true).every((v, k) => agrees(got[k]!, v))) {
    return wrong("that groups the clips by the predicted event; group them by the true one (test.labels)");
  }
  const reversed = [...right].reverse();
  if (got.every((v, k) => agrees(v, reversed[k]!))) {
    return wrong("the shares are in the wrong order: follow VIDEO_EVENTS (label 0 first)");
  }
  return wrong(
    "`shortcut.keyFrameByEvent` is not what videoEvaluate gives for this model on its config's held-out clips: per event type, the share of its clips whose largest α is at the event frame",
  );
}

/** Maps of the check's own for exercise 2: `[H, W]` non-negative, summing to 1. */
function probeMaps(): number[][][] {
  const rng = mulberry32(14);
  const map = (h: number, w: number, sharp: number) => {
    const raw = Array.from({ length: h }, () =>
      Array.from({ length: w }, () => Math.exp(sharp * rng.normal())),
    );
    const total = raw.flat().reduce((a, b) => a + b, 0);
    return raw.map((row) => row.map((v) => v / total));
  };
  return [map(16, 16, 1), map(3, 5, 2), map(6, 2, 3), map(1, 4, 1)];
}

/** Expected row and column under `map` (a distribution over the pixels). */
function expectedPixel(map: number[][]): [number, number] {
  let [r, c] = [0, 0];
  map.forEach((row, i) =>
    row.forEach((a, j) => {
      r += a * i;
      c += a * j;
    }),
  );
  return [r, c];
}

function softArgmaxCheck(answer: unknown): Verdict {
  if (typeof answer !== "function") {
    return wrong("`softArgmax` should be a function (map: number[][]) => [row, col]");
  }
  for (const map of probeMaps()) {
    const shown = `a ${map.length}×${map[0]!.length} map`;
    let out: unknown;
    try {
      out = (answer as (m: number[][]) => unknown)(map.map((r) => r.slice()));
    } catch (error) {
      return wrong(`softArgmax threw on ${shown}: ${(error as Error)?.message ?? String(error)}`);
    }
    if (!Array.isArray(out) || out.length !== 2 || !out.every(isFiniteNumber)) {
      return wrong(`for ${shown} softArgmax should return [row, col], two numbers`);
    }
    const [r, c] = expectedPixel(map);
    const [gr, gc] = out as [number, number];
    const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6;
    if (near(gr, r) && near(gc, c)) continue;
    if (near(gr, c) && near(gc, r) && !near(r, c)) {
      return wrong(`for ${shown} row and column are swapped: return [row, col]`);
    }
    const best = mapArgmax(map);
    if (gr === best[0] && gc === best[1]) {
      return wrong(
        `for ${shown} that is the argmax pixel; the soft-argmax is the expected position under the map`,
      );
    }
    return wrong(
      `for ${shown} that is not the expected position: weigh every pixel's row and column by its value and sum`,
    );
  }
  return { right: true, note: "equal to the expected (row, col) on 4 maps of the check's own" };
}

/** Mean Euclidean distance, per frame, between the tracked and the true positions (optionally swapped). */
function perFrameErrors(test: VideoSet, ev: VideoEvaluation, swapped = false): number[] {
  return Array.from({ length: VIDEO_FRAMES }, (_, t) => {
    const sum = test.positions.reduce((s, frames, i) => {
      const [r, c] = frames[t]!;
      const [pr, pc] = ev.locations[i]![t]!;
      return s + (swapped ? Math.hypot(pr - c, pc - r) : Math.hypot(pr - r, pc - c));
    }, 0);
    return sum / test.positions.length;
  });
}

function perFrameCheck(answer: unknown): Verdict {
  if (!isRecord(answer)) return wrong("`perFrame` should be { config, model, errors }");
  const run = asTrainedRun(answer, "perFrame");
  if (typeof run === "string") return wrong(run);
  const { errors } = answer;
  if (
    !Array.isArray(errors) ||
    errors.length !== VIDEO_FRAMES ||
    !errors.every((v) => isFiniteNumber(v) && v >= 0)
  ) {
    return wrong(
      `\`perFrame.errors\` should hold ${VIDEO_FRAMES} distances in pixels (numbers ≥ 0), one per frame`,
    );
  }
  const got = errors as number[];
  const test = heldOut(run.config);
  const ev = videoEvaluate(run.model, test);
  const right = perFrameErrors(test, ev);
  if (got.every((v, t) => agrees(v, right[t]!))) {
    const worst = right.indexOf(Math.max(...right));
    return {
      right: true,
      note: `tracking error per frame ${right.map((v) => v.toFixed(2)).join(", ")} px (largest at frame ${worst})`,
    };
  }
  if (agrees(got[VIDEO_FRAMES - 1]!, ev.metrics.trackingError) && got.every((v) => agrees(v, got[0]!))) {
    return wrong("every entry is the last frame's error; measure each frame t on its own");
  }
  if (perFrameErrors(test, ev, true).every((v, t) => agrees(got[t]!, v))) {
    return wrong("row and column are swapped: locations and positions are both [row, col]");
  }
  const reversed = [...right].reverse();
  if (got.every((v, t) => agrees(v, reversed[t]!)))
    return wrong("the frames are in reverse order: frame 0 first");
  return wrong(
    "`perFrame.errors` is not what videoEvaluate's locations give on the config's held-out clips: per frame, the mean Euclidean distance between the tracked and the true position",
  );
}

export const VIDEO_EXERCISES = defineExercises("cases/14-video-temporal-attention", [
  {
    n: 1,
    answer: "shortcut",
    title: "key-frame top-1 per event type of a model trained without the key-frame hint",
    check: shortcutCheck,
  },
  { n: 2, answer: "softArgmax", title: "the soft-argmax of a map, by hand", check: softArgmaxCheck },
  {
    n: 3,
    answer: "perFrame",
    title: "the tracking error of every frame of the held-out clips",
    check: perFrameCheck,
  },
]);

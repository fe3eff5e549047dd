/**
 * The exercises of notebooks/01-attention-pooling.ipynb. The data are drawn exactly as the notebook's
 * `makeData(seed, noise)` draws them (same generator, same order of draws), and every right answer is computed
 * here with `kernelPooling`; a hint says what is off without giving the answer.
 */
import { kernelPooling } from "../math/kernelPooling.js";
import { mulberry32 } from "../random/prng.js";
import { defineExercises, type Verdict } from "./exercise.js";

/** The notebook's default data: seed 0, noise standard deviation 0.5. */
const SEED = 0;
const NOISE = 0.5;
/** The notebook's full bandwidth grid (`fullGrid`), which exercise 1 sweeps. */
const FULL_GRID = [0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5];
/** The grid of w = 1/h that exercise 3 searches. */
const W_GRID = [0.5, 1, 2, 3, 4, 5, 7, 10, 20];

interface PoolingData {
  xTrain: number[];
  yTrain: number[];
  xTest: number[];
  yTest: number[];
}

const truth = (x: number) => 2 * Math.sin(x) + x ** 0.8;

/** 50 sorted training points of y = 2 sin x + x^0.8 + N(0, noise²) on [0, 5], and 50 test queries 0, 0.1, …. */
function makeData(seed: number, noise: number): PoolingData {
  const rng = mulberry32(seed);
  const xTrain = Array.from({ length: 50 }, () => rng.uniform(0, 5)).sort((a, b) => a - b);
  const yTrain = xTrain.map((x) => truth(x) + rng.normal(0, noise));
  const xTest = Array.from({ length: 50 }, (_, i) => i * 0.1);
  return { xTrain, yTrain, xTest, yTest: xTest.map(truth) };
}

const mse = (pred: readonly number[], target: readonly number[]) =>
  pred.reduce((s, p, i) => s + (p - target[i]!) ** 2, 0) / pred.length;

/** The entry of `grid` whose `loss` is lowest (the first one on a tie). */
function argmin(grid: readonly number[], loss: (v: number) => number): number {
  const losses = grid.map(loss);
  return grid[losses.indexOf(Math.min(...losses))]!;
}

/** The gaussian bandwidth of the full grid with the lowest test MSE at this noise level. */
function bestOnGrid(noise: number): number {
  const d = makeData(SEED, noise);
  return argmin(FULL_GRID, (h) =>
    mse(kernelPooling(d.xTest, d.xTrain, d.yTrain, { bandwidth: h }).output, d.yTest),
  );
}

const onGrid = (grid: readonly number[], v: number) => grid.some((g) => Math.abs(g - v) < 1e-12);

function bandwidthAgainstNoise(answer: unknown): Verdict {
  if (typeof answer !== "function") {
    return { right: false, hint: "the answer is a function: (noise: number) => the best bandwidth h" };
  }
  const f = answer as (noise: number) => unknown;
  const given = new Map<number, number>();
  for (const noise of [NOISE, 0.1, 1]) {
    let h: unknown;
    try {
      h = f(noise);
    } catch (error) {
      return {
        right: false,
        hint: `bestBandwidth(${noise}) threw: ${(error as Error).message ?? String(error)}`,
      };
    }
    if (typeof h !== "number" || !onGrid(FULL_GRID, h)) {
      return {
        right: false,
        hint: `bestBandwidth(${noise}) gave ${String(h)}, which is not a bandwidth of the full grid [${FULL_GRID.join(", ")}]`,
      };
    }
    given.set(noise, h);
    if (Math.abs(h - bestOnGrid(noise)) < 1e-12) continue;
    if (noise === NOISE) {
      return {
        right: false,
        hint:
          "at the default noise 0.5 it does not pick the lowest test MSE: sweep the whole full grid with the " +
          "gaussian kernel and score against data.yTest (the noise-free truth)",
      };
    }
    if (h === given.get(NOISE)) {
      return {
        right: false,
        hint: `it gives the same h at noise ${noise} as at 0.5: does it draw new data with makeData(seed, noise)?`,
      };
    }
    return {
      right: false,
      hint: `right at noise 0.5, but at noise ${noise} ${h} is not the lowest test MSE`,
    };
  }
  return {
    right: true,
    note: "more noise, wider bandwidth: averaging over more neighbours cancels more noise",
  };
}

/** The boxcar trace of exercise 2 (independent of the noise: the inputs are drawn before the targets). */
function boxcarTrace() {
  const d = makeData(SEED, NOISE);
  return kernelPooling(d.xTest, d.xTrain, d.yTrain, { kernel: "boxcar", bandwidth: 0.05 });
}

function boxcarGaps(answer: unknown): Verdict {
  if (typeof answer !== "object" || answer === null || !("count" in answer) || !("prediction" in answer)) {
    return { right: false, hint: "the answer is an object { count, prediction } (two numbers)" };
  }
  const { count, prediction } = answer as { count: unknown; prediction: unknown };
  const trace = boxcarTrace();
  const empty = trace.weights.map((row) => row.every((w) => w === 0));
  const rightCount = empty.filter(Boolean).length;
  const emptyOutputs = trace.output.filter((_, i) => empty[i]);
  if (typeof count !== "number" || !Number.isInteger(count)) {
    return { right: false, hint: "count is a number of test queries: a whole number" };
  }
  if (count === trace.output.length - rightCount) {
    return { right: false, hint: "that counts the queries that do have a key in range; count the others" };
  }
  if (count !== rightCount) {
    return {
      right: false,
      hint: "count the rows of trace.weights that are all zero (no training input within h of the query)",
    };
  }
  if (typeof prediction !== "number" || Number.isNaN(prediction)) {
    return {
      right: false,
      hint: "the kit never returns NaN here: read trace.output at a query whose row of weights is all zero",
    };
  }
  if (!emptyOutputs.every((y) => y === prediction)) {
    return {
      right: false,
      hint: "the count is right; read trace.output at one of those queries for the prediction",
    };
  }
  return {
    right: true,
    note: "an empty row gives weights 0 and prediction 0, which you can detect and mask",
  };
}

function learnedInverseBandwidth(answer: unknown): Verdict {
  if (typeof answer !== "number" || !Number.isFinite(answer)) {
    return { right: false, hint: `the answer is one w from the grid [${W_GRID.join(", ")}]` };
  }
  const d = makeData(SEED, NOISE);
  const half = (v: readonly number[], parity: number) => v.filter((_, i) => i % 2 === parity);
  const [keys, values, held, heldTargets] = [
    half(d.xTrain, 0),
    half(d.yTrain, 0),
    half(d.xTrain, 1),
    half(d.yTrain, 1),
  ];
  const heldOut = (w: number) =>
    mse(kernelPooling(held, keys, values, { bandwidth: 1 / w }).output, heldTargets);
  const right = argmin(W_GRID, heldOut);
  if (Math.abs(answer - right) < 1e-12) {
    return { right: true, note: `h = 1/w = ${1 / right}, chosen without looking at the test set` };
  }
  if (Math.abs(answer * right - 1) < 1e-9) {
    return { right: false, hint: "that is a bandwidth h; the answer is w = 1/h" };
  }
  if (!onGrid(W_GRID, answer)) {
    return { right: false, hint: `pick w from the grid [${W_GRID.join(", ")}]` };
  }
  const onTest = argmin(W_GRID, (w) =>
    mse(kernelPooling(d.xTest, d.xTrain, d.yTrain, { bandwidth: 1 / w }).output, d.yTest),
  );
  if (answer === onTest) {
    return {
      right: false,
      hint: "that w is the best on the test set; choose it on the held-out half (odd-index training points)",
    };
  }
  return {
    right: false,
    hint:
      `w = ${answer} gives held-out MSE ${heldOut(answer).toFixed(4)}, and a lower one exists on the grid: keys and ` +
      "values are the even-index training points, the queries the odd-index ones, scored against their yTrain",
  };
}

export const ATTENTION_POOLING_EXERCISES = defineExercises("01-attention-pooling", [
  {
    n: 1,
    answer: "bestBandwidth",
    title: "a function noise ↦ the best gaussian bandwidth of the full sweep",
    check: bandwidthAgainstNoise,
  },
  {
    n: 2,
    answer: "boxcarGaps",
    title: "how many test queries the boxcar kernel at h = 0.05 leaves without a key, and their prediction",
    check: boxcarGaps,
  },
  {
    n: 3,
    answer: "bestW",
    title: "the w of softmax(−(x − xᵢ)² w²/2) that a held-out grid search picks",
    check: learnedInverseBandwidth,
  },
]);

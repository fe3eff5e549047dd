/**
 * The exercises of notebooks/16-vision-transformer.ipynb (kept with the shapes case, whose data they draw; their
 * checks run the learner's ViT). Every right answer is computed here from the library, never typed in; a hint
 * says what is off without giving the answer.
 * 1 tries the learner's `patchify` against the library's on images of the check's own; 2 recomputes the share
 * of the class token's last-block attention on the shape's patches over the probe images with `vitPredict`; 3
 * re-scores the learner's 8×8-patch ViT on the probe images (accuracy, pointing game with `pointingGame`).
 */
import { isFiniteNumber, isRecord } from "../../exercises/answerGuards.js";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { patchify } from "../../math/patchEmbedding.js";
import { accuracy, argmaxRows } from "../../metrics/classification.js";
import { pointingGame } from "../../metrics/localization.js";
import { Vit } from "../../models/vit.js";
import { attendedPatchCenters, type VitPrediction, vitPredict } from "../../models/vitPredict.js";
import { mulberry32 } from "../../random/prng.js";
import { allIndices } from "../../train/batches.js";
import { sameWeights } from "../../train/variables.js";
import { generateShapes, type ShapesSet } from "./data.js";

/** The probe images of exercises 2 and 3: `generateShapes({ seed: 1, size: 200 })`. */
const PROBE = { seed: 1, size: 200 } as const;
let probe: ShapesSet | undefined;
const probeSet = (): ShapesSet => {
  probe ??= generateShapes(PROBE);
  return probe;
};
const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;
const probeText = `the probe images generateShapes({ seed: ${PROBE.seed}, size: ${PROBE.size} })`;

// ── 1. patches by hand ───────────────────────────────────────────────────────────────────────────────────────

function patchCases(): { image: number[][]; p: number }[] {
  const rng = mulberry32(16);
  const img = (h: number, w: number) => rng.matrix(h, w, -1, 1);
  return [
    { image: img(4, 4), p: 2 },
    { image: img(6, 9), p: 3 },
    { image: img(8, 4), p: 4 },
    { image: img(3, 6), p: 1 },
  ];
}

function patchesHint(
  fn: (image: number[][], p: number) => unknown,
  image: number[][],
  p: number,
): string | undefined {
  const shown = `a ${image.length}×${image[0]!.length} image with P = ${p}`;
  const copy = image.map((r) => r.slice());
  let out: unknown;
  try {
    out = fn(copy, p);
  } catch (error) {
    return `patchify threw on ${shown}: ${(error as Error)?.message ?? String(error)}`;
  }
  const right = patchify(image, p);
  const rows = right.length;
  if (
    !Array.isArray(out) ||
    out.length !== rows ||
    !out.every((r) => Array.isArray(r) && r.every(isFiniteNumber))
  ) {
    return `for ${shown} patchify should return ${rows} rows (one per patch, (H/P)·(W/P)) of ${p * p} numbers`;
  }
  const got = out as number[][];
  if (got.some((r) => r.length !== p * p)) return `each patch of ${shown} should hold P² = ${p * p} pixels`;
  const same = (a: number[][], b: number[][]) => a.every((r, i) => r.every((v, j) => v === b[i]![j]));
  if (same(got, right)) return undefined;
  const key = (r: number[]) => [...r].sort((a, b) => a - b).join();
  const sets = new Set(right.map(key));
  if (got.every((r) => sets.has(key(r)))) {
    const byPatch = right.map(key);
    if (got.every((r, i) => key(r) === byPatch[i])) {
      return `for ${shown} each patch holds the right pixels, but not in the order of the exercise: row by row inside the patch (pixel (i, j) at i·P + j)`;
    }
    return `for ${shown} the patches hold the right pixels but come in another order: number them in reading order, left to right, then top to bottom`;
  }
  return `for ${shown} the patches do not hold the right pixels: patch (r, c) covers rows r·P … r·P + P − 1 and columns c·P … c·P + P − 1`;
}

function checkPatches(answer: unknown): Verdict {
  if (typeof answer !== "function") {
    return {
      right: false,
      hint: "the answer is a function patches(image, p) returning the flattened patches [N, P²]",
    };
  }
  for (const { image, p } of patchCases()) {
    const hint = patchesHint(answer as (image: number[][], p: number) => unknown, image, p);
    if (hint !== undefined) return { right: false, hint };
  }
  return { right: true, note: "equal to patchify on 4 images of the check's own" };
}

// ── shared: a trained ViT in the answer ──────────────────────────────────────────────────────────────────────

function vitOf(answer: Record<string, unknown>): Vit | string {
  const { vit } = answer;
  if (!(vit instanceof Vit)) return "`vit` should be the trained Vit the numbers were measured on";
  if (vit.config.height !== 24 || vit.config.width !== 24 || vit.config.channels !== 1) {
    return "`vit` should read the 24×24 grey shapes images (height 24, width 24, channels 1)";
  }
  const fresh = new Vit({ ...vit.config }).ensureBuilt();
  try {
    if (sameWeights(vit, fresh)) return "`vit` still has its initial weights: train it first";
  } finally {
    fresh.dispose();
  }
  return vit;
}

function predictProbe(vit: Vit): VitPrediction {
  const set = probeSet();
  return vitPredict(vit, set.images, allIndices(set.labels.length));
}

/** The patches of a `grid` of P×P patches that overlap the 5×5 shape centred at `center`, as [row, col]. */
function shapePatches(
  center: readonly [number, number],
  grid: [number, number],
  p: number,
): [number, number][] {
  const cells: [number, number][] = [];
  for (let r = 0; r < grid[0]; r++) {
    for (let c = 0; c < grid[1]; c++) {
      const overlaps = (k: number, x: number) => k * p <= x + 2 && x - 2 <= k * p + p - 1;
      if (overlaps(r, center[0]) && overlaps(c, center[1])) cells.push([r, c]);
    }
  }
  return cells;
}

// ── 2. how much of the class token's attention lands on the shape ───────────────────────────────────────────

function checkShare(answer: unknown): Verdict {
  const what = `the answer is an object { vit, share }: the trained ViT and the mean share of its class token's last-block attention (heads averaged, over the patches) that falls on the patches overlapping the shape, over ${probeText}`;
  if (!isRecord(answer)) return { right: false, hint: what };
  const vit = vitOf(answer);
  if (typeof vit === "string") return { right: false, hint: vit };
  if (!isFiniteNumber(answer.share))
    return { right: false, hint: `\`share\` should be a number in [0, 1]; ${what}` };
  const set = probeSet();
  const maps = predictProbe(vit).lastLayer;
  const grid: [number, number] = [vit.grid.rows, vit.grid.cols];
  const share = (normalise: boolean, mapsOf: number[][][]) =>
    mapsOf.reduce((s, m, k) => {
      const on = shapePatches(set.centers[k]!, grid, vit.config.patchSize).reduce(
        (a, [r, c]) => a + m[r]![c]!,
        0,
      );
      const total = m.flat().reduce((a, w) => a + w, 0);
      return s + (normalise ? on / total : on);
    }, 0) / mapsOf.length;
  const right = share(true, maps);
  if (near(answer.share, right, 1e-4)) {
    const uniform =
      set.centers.reduce((s, c) => s + shapePatches(c, grid, vit.config.patchSize).length, 0) /
      (set.centers.length * vit.grid.patches);
    return {
      right: true,
      note: `${(100 * right).toFixed(1)} % of the class token's weight on the shape's patches, against ${(100 * uniform).toFixed(1)} % for a uniform map`,
    };
  }
  if (near(answer.share, share(false, maps), 1e-4)) {
    return {
      right: false,
      hint: "that divides by the whole row, class token included: divide by the weight on the patches only",
    };
  }
  const rolled = predictProbe(vit).rollout;
  if (near(answer.share, share(true, rolled), 1e-4)) {
    return {
      right: false,
      hint: "that is the rollout's map: the exercise asks for the last block's attention (lastLayer)",
    };
  }
  if (answer.share < 0 || answer.share > 1) return { right: false, hint: "a share lies in [0, 1]" };
  return {
    right: false,
    hint: `that is not the mean share over ${probeText}: per image, sum the map over the patches that overlap the 5×5 box (rows and columns centre ± 2), divide by the map's sum, then average`,
  };
}

// ── 3. coarser patches ───────────────────────────────────────────────────────────────────────────────────────

function checkCoarse(answer: unknown): Verdict {
  const what = `the answer is an object { vit, accuracy, pointing }: a ViT with patchSize 8, trained, and its accuracy and pointing game (±3 px) on ${probeText}`;
  if (!isRecord(answer)) return { right: false, hint: what };
  const vit = vitOf(answer);
  if (typeof vit === "string") return { right: false, hint: vit };
  if (vit.config.patchSize !== 8) {
    return {
      right: false,
      hint: `\`vit\` has patchSize ${vit.config.patchSize}: the exercise asks for 8×8 patches`,
    };
  }
  const { accuracy: acc, pointing } = answer;
  if (!isFiniteNumber(acc) || !isFiniteNumber(pointing)) {
    return { right: false, hint: `\`accuracy\` and \`pointing\` should be numbers in [0, 1]; ${what}` };
  }
  const set = probeSet();
  const p = predictProbe(vit);
  const rightAcc = accuracy(argmaxRows(p.probs), set.labels);
  const points = attendedPatchCenters(p.lastLayer, 8);
  const rightPointing = pointingGame(points, set.centers, 3);
  if (!near(acc, rightAcc, 1e-9)) {
    return {
      right: false,
      hint: `the accuracy is not the share of ${probeText} whose most probable class is the label`,
    };
  }
  if (near(pointing, rightPointing, 1e-9)) {
    return {
      right: true,
      note: `accuracy ${rightAcc.toFixed(3)}, pointing ${rightPointing.toFixed(3)} with 3×3 = 9 patches`,
    };
  }
  if (near(pointing, pointingGame(attendedPatchCenters(p.rollout, 8), set.centers, 3), 1e-9)) {
    return {
      right: false,
      hint: "that pointing comes from the rollout: use the last block's map (lastLayer)",
    };
  }
  return {
    right: false,
    hint: "the pointing game is off: take each map's most-attended patch, its pixel centre (attendedPatchCenters with patchSize 8), and count the hits within ±3 px of the shape's centre",
  };
}

/** The exercises of notebooks/16-vision-transformer.ipynb. */
export const VIT_EXERCISES = defineExercises("16-vision-transformer", [
  { n: 1, answer: "patches", title: "cut an image into flattened P×P patches by hand", check: checkPatches },
  {
    n: 2,
    answer: "shapeShare",
    title: "the class token's attention on the shape's patches",
    check: checkShare,
  },
  { n: 3, answer: "coarse", title: "a ViT with 8×8 patches: accuracy and pointing", check: checkCoarse },
]);

/**
 * The checks of notebooks/16-vision-transformer.ipynb: right answers (computed here the way the solution computes
 * them) are right, typical mistakes are wrong with the intended hint and without the answer, undefined is "not
 * yet", malformed answers are wrong without a throw, an untrained model is refused, and no check leaves a tensor.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../lib/cases/exercises.js";
import { generateShapes, shapesBatch, shapesData } from "../../lib/cases/shapes/data.js";
import { patchify } from "../../lib/math/patchEmbedding.js";
import { accuracy, argmaxRows } from "../../lib/metrics/classification.js";
import { pointingGame } from "../../lib/metrics/localization.js";
import { classCrossEntropy } from "../../lib/models/cnn/classify.js";
import { Vit } from "../../lib/models/vit.js";
import { attendedPatchCenters, vitPredict } from "../../lib/models/vitPredict.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { fitAdam } from "../../lib/train/fitAdam.js";
import { trainableVariables } from "../../lib/train/variables.js";
import { checkerFor } from "./checker.js";
import { assertNotYetAndMalformed } from "./cases/caseSetHelpers.js";

const quiet = checkerFor("16-vision-transformer");
before(() => initBackend());
const check = (n: number, answer: unknown) => {
  const before = tf.memory().numTensors;
  const result = quiet(n, answer);
  assert.equal(tf.memory().numTensors, before, `exercise ${n} leaked tensors`);
  return result;
};

/** A small ViT trained briefly on shapes (the checks do not care how well). */
async function trained(patchSize: number, numLayers: number): Promise<Vit> {
  const data = shapesData({ seed: 0, trainSize: 64, testSize: 8 });
  const vit = new Vit({ patchSize, dModel: 16, numHeads: 2, dFF: 32, numLayers, seed: 5 }).ensureBuilt();
  await fitAdam({
    title: "vit",
    adam: { learningRate: 3e-3 },
    variables: trainableVariables(vit),
    size: 64,
    epochs: 1,
    batchSize: 32,
    seed: 1,
    batch: (ix) => shapesBatch(data.train, ix),
    loss: (b) => classCrossEntropy(tf.softmax(vit.apply(b.x, { training: true }) as tf.Tensor), b.y),
    progress: "none",
  });
  return vit;
}

const probe = generateShapes({ seed: 1, size: 200 });

test("1: a hand-written patchify is right; wrong orders get hints without the answer", () => {
  const byHand = (image: number[][], p: number) => {
    const out: number[][] = [];
    for (let r = 0; r < image.length / p; r++)
      for (let c = 0; c < image[0]!.length / p; c++) {
        const patch: number[] = [];
        for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) patch.push(image[r * p + i]![c * p + j]!);
        out.push(patch);
      }
    return out;
  };
  assert.equal(check(1, byHand).status, "right");
  const columnMajorInside = (image: number[][], p: number) =>
    patchify(image, p).map((row) => row.map((_, k) => row[(k % p) * p + Math.floor(k / p)]!));
  const r1 = check(1, columnMajorInside);
  assert.equal(r1.status, "wrong");
  assert.match(r1.message, /row by row inside the patch/);
  const columnOrder = (image: number[][], p: number) => {
    const rows = image.length / p;
    const cols = image[0]!.length / p;
    const all = patchify(image, p);
    return Array.from({ length: rows * cols }, (_, n) => all[(n % rows) * cols + Math.floor(n / rows)]!);
  };
  const r2 = check(1, columnOrder);
  assert.equal(r2.status, "wrong");
  assert.match(r2.message, /reading order/);
  const tooFew = (image: number[][], p: number) => patchify(image, p).slice(1);
  assert.match(check(1, tooFew).message, /should return \d+ rows/);
});

test("2 and 3: measured numbers are right, typical mistakes get hints; untrained or wrong models are refused", async () => {
  const vit = await trained(4, 2); // two blocks: with one, the rollout's patch weights are the last block's, rescaled
  const p = vitPredict(
    vit,
    probe.images,
    probe.labels.map((_, i) => i),
  );
  const overlaps = (k: number, x: number) => k * 4 <= x + 2 && x - 2 <= k * 4 + 3;
  const shareOf = (maps: number[][][], divideByRow: boolean) =>
    maps.reduce((s, m, k) => {
      const [cr, cc] = probe.centers[k]!;
      let on = 0;
      m.forEach((row, r) =>
        row.forEach((w, c) => {
          if (overlaps(r, cr) && overlaps(c, cc)) on += w;
        }),
      );
      return s + (divideByRow ? on : on / m.flat().reduce((a, w) => a + w, 0));
    }, 0) / maps.length;
  const share = shareOf(p.lastLayer, false);
  const right2 = check(2, { vit, share });
  assert.equal(right2.status, "right", right2.message);
  const wholeRow = check(2, { vit, share: shareOf(p.lastLayer, true) });
  assert.equal(wholeRow.status, "wrong");
  assert.match(wholeRow.message, /class token included/);
  const rolled = check(2, { vit, share: shareOf(p.rollout, false) });
  assert.match(rolled.message, /rollout/);
  const off = check(2, { vit, share: share + 0.05 });
  assert.equal(off.status, "wrong");
  assert.ok(!off.message.includes(share.toFixed(3)), "the hint does not give the share");
  const fresh = new Vit({ ...vit.config }).ensureBuilt();
  assert.match(check(2, { vit: fresh, share }).message, /initial weights: train it first/);
  fresh.dispose();
  // 3: the 4×4 model is refused; the 8×8 one is right with its own numbers
  assert.match(
    check(3, { vit, accuracy: 0.5, pointing: 0.5 }).message,
    /patchSize 4: the exercise asks for 8×8/,
  );
  const coarse = await trained(8, 1);
  const q = vitPredict(
    coarse,
    probe.images,
    probe.labels.map((_, i) => i),
  );
  const acc = accuracy(argmaxRows(q.probs), probe.labels);
  const pointing = pointingGame(attendedPatchCenters(q.lastLayer, 8), probe.centers, 3);
  const right3 = check(3, { vit: coarse, accuracy: acc, pointing });
  assert.equal(right3.status, "right", right3.message);
  const badAcc = check(3, { vit: coarse, accuracy: acc + 0.01, pointing });
  assert.match(badAcc.message, /accuracy/);
  const wrongTol = pointingGame(attendedPatchCenters(q.lastLayer, 8), probe.centers, 6);
  if (wrongTol !== pointing) {
    const badPointing = check(3, { vit: coarse, accuracy: acc, pointing: wrongTol });
    assert.equal(badPointing.status, "wrong");
    assert.match(badPointing.message, /pointing game is off|rollout/);
  }
  coarse.dispose();
  vit.dispose();
});

test("not yet, and malformed answers are wrong with a message", () => {
  assertNotYetAndMalformed(check, 3, [
    { vit: "model", share: 0.5 },
    { vit: null, accuracy: 1, pointing: 1 },
  ]);
});

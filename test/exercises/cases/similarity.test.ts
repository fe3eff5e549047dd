/**
 * The checks of notebooks/cases/03-similarity-sentence-pairs.ipynb. The right answers are computed here another
 * way than the checks compute theirs (the uniform-β score from the model's own attention maps), typical slips get
 * their hint without the right number in it, undefined is "not yet", malformed answers are wrong without a
 * throw, and no check leaks a tensor.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../../lib/cases/exercises.js";
import {
  SIMILARITY_MAX_LENGTH,
  type SimilarityPair,
  similarityBatch,
  similarityData,
} from "../../../lib/cases/similarity/data.js";
import {
  SIMILARITY_DEFAULTS,
  type SimilarityConfig,
  similarityEvaluate,
  similarityExperiment,
} from "../../../lib/cases/similarity/experiment.js";
import { cosineRows, type SiameseAligner, similarityModel } from "../../../lib/cases/similarity/model.js";
import {
  meanAlignedCosine,
  SIMILARITY_WORKED,
  similarityWorkedExample,
  workedEmbed,
} from "../../../lib/cases/similarity/worked.js";
import { attend } from "../../../lib/math/attend.js";
import { initBackend } from "../../../lib/tfjs/initBackend.js";
import { allIndices } from "../../../lib/train/batches.js";
import { checkerFor } from "../checker.js";
import { assertNotYetAndMalformed } from "./caseSetHelpers.js";

const check = checkerFor("cases/03-similarity-sentence-pairs");
const tiny: SimilarityConfig = { ...SIMILARITY_DEFAULTS, trainSize: 64, testSize: 32, epochs: 1 };

/* exercise 1: B's rows ask, A's rows answer */
const [xa, xb] = [workedEmbed(SIMILARITY_WORKED.a), workedEmbed(SIMILARITY_WORKED.b)];
const simBtoA = meanAlignedCosine(xb, attend(xb, xa, xa).output);

/** Exercise 2 another way: the model's own cross-attention maps, β = 1 / length from the valid lengths. */
function uniformSim(
  model: SiameseAligner,
  pairs: SimilarityPair[],
  slip: "padding" | "oneWay" | "" = "",
): number[] {
  return tf.tidy(() => {
    const b = similarityBatch(pairs, allIndices(pairs.length));
    const { attention } = model.applyWithAttention([b.idsA, b.idsB], {
      validLensA: b.validLensA,
      validLensB: b.validLensB,
    });
    const [ea, eb] = [
      model.embedding.apply(b.idsA) as tf.Tensor3D,
      model.embedding.apply(b.idsB) as tf.Tensor3D,
    ];
    const beta = (lens: tf.Tensor) => {
      if (slip === "padding")
        return tf.fill([pairs.length, SIMILARITY_MAX_LENGTH], 1 / SIMILARITY_MAX_LENGTH);
      const len = tf.expandDims(tf.cast(lens, "float32"), 1); // [B, 1]
      return tf.div(tf.cast(tf.less(tf.range(0, SIMILARITY_MAX_LENGTH), len), "float32"), len); // [B, 8]
    };
    const oneWay = (x: tf.Tensor3D, alpha: tf.Tensor, y: tf.Tensor3D, lens: tf.Tensor) =>
      tf.sum(tf.mul(beta(lens), cosineRows(x, tf.matMul(alpha, y))), 1);
    const aToB = oneWay(ea, attention.aToB, eb, b.validLensA);
    if (slip === "oneWay") return Array.from(aToB.dataSync());
    const bToA = oneWay(eb, attention.bToA, ea, b.validLensB);
    return Array.from(tf.div(tf.add(aToB, bToA), 2).dataSync());
  });
}

let four: { config: SimilarityConfig; model: SiameseAligner; rocAuc: number; accuracy: number };
let other: SiameseAligner;
let numTensors = 0;

before(async () => {
  await initBackend();
  const config = { ...tiny, testTemplates: 4 };
  const run = await similarityExperiment.run(config, { progress: "none", quick: true });
  const m = run.artifacts.final.metrics;
  four = { config, model: run.artifacts.model, rocAuc: m.rocAuc, accuracy: m.accuracy };
  other = similarityModel(tiny); // a model that is not the one a check passes in
  numTensors = tf.memory().numTensors;
});

after(() => {
  four.model.dispose();
  other.dispose();
});

test("cases/03.1: sim(B → A) is right; the other direction, greedy precision, a sum or another scale are wrong", () => {
  const r = check(1, simBtoA);
  assert.equal(r.status, "right", r.message);
  const aToB = similarityWorkedExample().similarity;
  const slips: [number, RegExp][] = [
    [aToB, /sim\(A → B\)/],
    [(aToB + simBtoA) / 2, /averages the two directions/],
    [similarityWorkedExample().precision, /greedy precision/],
    [(simBtoA * SIMILARITY_WORKED.b.length) / SIMILARITY_WORKED.a.length, /over B's words/],
    [simBtoA * SIMILARITY_WORKED.b.length, /not their sum/],
    [meanAlignedCosine(xb, attend(xb, xa, xa, { scale: 10 / Math.sqrt(8) }).output), /logits ×10/],
    [simBtoA + 0.01, /B's one-hot rows are the queries/],
  ];
  for (const [answer, hint] of slips) {
    const wrong = check(1, answer);
    assert.equal(wrong.status, "wrong");
    assert.match(wrong.message, hint);
    assert.ok(
      !wrong.message.includes(simBtoA.toFixed(3)),
      `the hint gives the answer away: ${wrong.message}`,
    );
  }
  assert.match(check(1, attend(xb, xa, xa)).message, /one finite number/);
});

test("cases/03.2: the uniform-β function is right; learned β, padding weights, one direction, another model are wrong", () => {
  const r = check(2, uniformSim);
  assert.equal(r.status, "right", r.message);
  assert.equal(tf.memory().numTensors, numTensors);
  const learned = (m: SiameseAligner, pairs: SimilarityPair[]) =>
    tf.tidy(() => {
      const b = similarityBatch(pairs, allIndices(pairs.length));
      const sim = m.similarity([b.idsA, b.idsB], { validLensA: b.validLensA, validLensB: b.validLensB });
      return Array.from(sim.dataSync());
    });
  assert.match(check(2, learned).message, /learned β/);
  assert.match(
    check(2, (m: SiameseAligner, p: SimilarityPair[]) => uniformSim(m, p, "padding")).message,
    /padding/,
  );
  assert.match(
    check(2, (m: SiameseAligner, p: SimilarityPair[]) => uniformSim(m, p, "oneWay")).message,
    /alone/,
  );
  // the notebook's own model instead of the one passed in
  assert.match(
    check(2, (_: SiameseAligner, p: SimilarityPair[]) => uniformSim(other, p)).message,
    /model argument/,
  );
  assert.match(
    check(2, (m: SiameseAligner, p: SimilarityPair[]) => uniformSim(m, p).slice(1)).message,
    /one similarity per pair/,
  );
  assert.match(
    check(2, (m: SiameseAligner, p: SimilarityPair[]) => uniformSim(m, p.slice(0, 3))).message,
    /pairs argument/,
  );
  assert.match(check(2, async () => [1]).message, /Promise/);
  assert.match(
    check(2, (m: SiameseAligner, p: SimilarityPair[]) => tf.tensor1d(uniformSim(m, p))).message,
    /not a tensor/,
  );
  assert.match(check(2, () => ["0.5"]).message, /finite numbers/);
  // a function that leaves tensors behind is tidied by the check
  const leaky = (m: SiameseAligner, p: SimilarityPair[]) => {
    tf.ones([3]);
    return uniformSim(m, p);
  };
  assert.equal(check(2, leaky).status, "right");
  assert.equal(tf.memory().numTensors, numTensors);
});

test("cases/03.3: four held-out templates: the evaluation's numbers are right; other pairs, swaps or an untrained model are wrong", () => {
  const r = check(3, four);
  assert.equal(r.status, "right", r.message);
  assert.equal(tf.memory().numTensors, numTensors);
  const data = similarityData(four.config);
  const onTrain = similarityEvaluate(four.model, data.train).metrics;
  const two = similarityEvaluate(four.model, similarityData({ ...tiny, testTemplates: 2 }).test).metrics;
  const fresh = similarityModel(tiny);
  const slips: [unknown, RegExp][] = [
    [{ ...four, ...onTrain }, /training pairs/],
    [{ ...four, rocAuc: two.rocAuc, accuracy: two.accuracy }, /two-template/],
    [{ ...four, accuracy: four.accuracy + 0.01 }, /accuracy is not/],
    [{ ...four, rocAuc: four.rocAuc - 0.01 }, /rocAuc is not/],
    [{ ...four, config: { ...four.config, testTemplates: 2 } }, /testTemplates should be 4/],
    [{ ...four, config: { testTemplates: 4 } }, /one change/],
    [{ ...four, config: { ...four.config, epochs: 0 } }, /config\.epochs must be/],
    [{ ...four, model: fresh }, /untrained/],
    [{ ...four, model: {} }, /should be \{ config, model/],
    [{ ...four, rocAuc: "0.9" }, /finite numbers/],
  ];
  if (four.rocAuc !== four.accuracy)
    slips.push([{ ...four, rocAuc: four.accuracy, accuracy: four.rocAuc }, /swapped/]);
  for (const [answer, hint] of slips) {
    const wrong = check(3, answer);
    assert.equal(wrong.status, "wrong");
    assert.match(wrong.message, hint);
    assert.ok(
      !wrong.message.includes(four.rocAuc.toFixed(4)),
      `the hint gives the answer away: ${wrong.message}`,
    );
  }
  fresh.dispose();
  assert.equal(tf.memory().numTensors, numTensors);
});

test("cases/03: undefined is not yet; malformed answers are wrong, never a throw", () => {
  assertNotYetAndMalformed(check, 3, [{ config: {}, model: {} }, () => Number.NaN]);
  assert.equal(tf.memory().numTensors, numTensors);
});

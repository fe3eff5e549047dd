/**
 * The exercises of notebooks/cases/03-similarity-sentence-pairs.ipynb. Every right answer is computed here from
 * the library and the case's own data and models (`attend`, `workedEmbed`, `meanAlignedCosine`,
 * `similarityWorkedExample`, `generatePairs`, `similarityModel`, `similarityData`, `similarityEvaluate`), never
 * typed in; a hint says what is off without giving the answer. 1 asks for the worked example's sim(B → A),
 * 2 for the aligner's similarity with uniform word weights β (checked on the check's own model and pairs),
 * 3 for the held-out metrics of an aligner trained with four templates held out (re-evaluated here).
 */
import * as tf from "@tensorflow/tfjs";
import { defineExercises, type Verdict } from "../../exercises/exercise.js";
import { asFiniteNumber } from "../../exercises/matrixAnswer.js";
import { checkConfigOf } from "../../experiments/experiment.js";
import { attentionMask, maskedSoftmax } from "../../layers/attentionMask.js";
import { attend } from "../../math/attend.js";
import { allIndices } from "../../train/batches.js";
import {
  generatePairs,
  SIMILARITY_MAX_LENGTH,
  SIMILARITY_TEMPLATES,
  type SimilarityPair,
  similarityBatch,
  similarityData,
} from "./data.js";
import {
  SIMILARITY_DEFAULTS,
  SIMILARITY_TARGETS,
  type SimilarityConfig,
  similarityEvaluate,
  similarityExperiment,
} from "./experiment.js";
import { cosineRows, SiameseAligner, similarityModel } from "./model.js";
import { meanAlignedCosine, SIMILARITY_WORKED, similarityWorkedExample, workedEmbed } from "./worked.js";

/* ---------------------------------------------------------------- 1: sim(B → A) of the worked example */

/** The worked readout with `queries` asking and `keys` answering: one-hot rows, identity projections. */
function workedDirected(queries: readonly string[], keys: readonly string[], scale?: number) {
  const [q, k] = [workedEmbed(queries), workedEmbed(keys)];
  const attended = attend(q, k, k, scale === undefined ? {} : { scale }).output;
  return { mean: meanAlignedCosine(q, attended), sum: meanAlignedCosine(q, attended) * q.length };
}

function workedBToA(answer: unknown): Verdict {
  const got = asFiniteNumber(answer, "one finite number: the mean cosine over B's words");
  if (typeof got === "string") return { right: false, hint: got };
  const { a, b } = SIMILARITY_WORKED;
  const near = (x: number) => Math.abs(got - x) <= 1e-5;
  const bToA = workedDirected(b, a);
  const aToB = workedDirected(a, b).mean;
  if (near(bToA.mean)) {
    return {
      right: true,
      note: `sim(B → A) = ${bToA.mean.toFixed(4)} against sim(A → B) = ${aToB.toFixed(4)}: B's five words ask, A's three answer`,
    };
  }
  const slips: [number, string][] = [
    [aToB, "this is sim(A → B): here B's words are the queries, A's words the keys and values"],
    [(aToB + bToA.mean) / 2, "this averages the two directions: the exercise asks for B → A alone"],
    [
      similarityWorkedExample().precision,
      "this is greedy precision (each word of B to its best cosine in A); the exercise asks for the attention readout",
    ],
    [bToA.sum / a.length, "the mean runs over B's words (the queries), not over A's"],
    [bToA.sum, "take the mean of the cosines over B's words, not their sum"],
    [workedDirected(b, a, 10 / Math.sqrt(8)).mean, "use attend's default scale 1/√8, not the logits ×10"],
    [workedDirected(b, a, 1).mean, "use attend's default scale 1/√8 (one-hot rows of width 8), not 1"],
  ];
  const slip = slips.find(([x]) => near(x));
  if (slip !== undefined) return { right: false, hint: slip[1] };
  return {
    right: false,
    hint: "B's one-hot rows are the queries, A's the keys and values (attend at its default scale), then meanAlignedCosine with B's rows first",
  };
}

/* ---------------------------------------------------------------- 2: uniform word weights β */

/** What a slip changes in the uniform-β score (the reference has none of them). */
interface UniformSlips {
  /** The A → B direction alone. */
  oneWay?: boolean;
  /** β = 1/8 on every position, padding included. */
  everyPosition?: boolean;
  /** The cross-attention does not mask the other sentence's padding. */
  unmaskedKeys?: boolean;
  /** γ in the scores (default the model's). */
  sharpness?: number;
  /** d in the scale 1/√d (default the model's width). */
  width?: number;
}

/** The model's symmetric similarity of `pairs` with β = 1 / length on each sentence's words (or a slip of it). */
function uniformReference(model: SiameseAligner, pairs: readonly SimilarityPair[], slip: UniformSlips = {}) {
  return tf.tidy(() => {
    const b = similarityBatch(pairs, allIndices(pairs.length));
    const scale = (slip.sharpness ?? model.sharpness()) / Math.sqrt(slip.width ?? model.dModel);
    const xa = model.embedding.apply(b.idsA) as tf.Tensor3D;
    const xb = model.embedding.apply(b.idsB) as tf.Tensor3D;
    const align = (q: tf.Tensor3D, k: tf.Tensor3D, keyLens: tf.Tensor1D) => {
      const scores = tf.mul(tf.matMul(q, k, false, true), scale);
      const lens = slip.unmaskedKeys ? undefined : keyLens;
      const alpha = maskedSoftmax(
        scores,
        attentionMask(pairs.length, q.shape[1], k.shape[1], { validLens: lens }),
      );
      return cosineRows(q, tf.matMul(alpha, k));
    };
    const beta = (side: "a" | "b") =>
      tf.tensor2d(
        pairs.map((p) =>
          Array.from({ length: SIMILARITY_MAX_LENGTH }, (_, t) => {
            if (slip.everyPosition) return 1 / SIMILARITY_MAX_LENGTH;
            return t < p[side].length ? 1 / p[side].length : 0;
          }),
        ),
      );
    const weighted = (w: tf.Tensor, cos: tf.Tensor) => tf.sum(tf.mul(w, cos), 1);
    const aToB = weighted(beta("a"), align(xa, xb, b.validLensB));
    if (slip.oneWay) return Array.from(aToB.dataSync());
    const bToA = weighted(beta("b"), align(xb, xa, b.validLensA));
    return Array.from(tf.mul(tf.add(aToB, bToA), 0.5).dataSync());
  });
}

/** The model's own similarities (learned β) of `pairs`. */
function learnedSimilarity(model: SiameseAligner, pairs: readonly SimilarityPair[]): number[] {
  return tf.tidy(() => {
    const b = similarityBatch(pairs, allIndices(pairs.length));
    const sim = model.similarity([b.idsA, b.idsB], { validLensA: b.validLensA, validLensB: b.validLensB });
    return Array.from(sim.dataSync());
  });
}

/**
 * The check's own model and pairs: a small untrained aligner whose γ is set away from its starting 4 (so that
 * neither a typed-in γ nor the notebook's width passes), on 12 pairs drawn from every template.
 */
const CHECK_MODEL = { seed: 3, dModel: 8, sharpness: 2.5 };
function checkModel(): SiameseAligner {
  const model = similarityModel(CHECK_MODEL);
  tf.tidy(() =>
    model.setWeights([tf.scalar(Math.log(CHECK_MODEL.sharpness)), ...model.getWeights().slice(1)]),
  );
  return model;
}
const checkPairs = () =>
  generatePairs({ seed: 11, size: 12, templates: allIndices(SIMILARITY_TEMPLATES.length) });

/** What the learner's function returned: plain numbers, or what kind of thing it was. */
function callUniform(f: (model: SiameseAligner, pairs: SimilarityPair[]) => unknown, model: SiameseAligner) {
  const pairs = checkPairs();
  let kind = "numbers" as "numbers" | "promise" | "tensor";
  // tidy frees every tensor the learner's function makes, a returned one included
  const out = tf.tidy((): tf.TensorContainer => {
    const r = f(
      model,
      pairs.map((p) => ({ ...p, a: [...p.a], b: [...p.b] })),
    );
    if (r instanceof Promise) kind = "promise";
    else if (r instanceof tf.Tensor) kind = "tensor";
    else return (ArrayBuffer.isView(r) ? Array.from(r as Float32Array) : r) as tf.TensorContainer;
    return undefined;
  }) as unknown;
  return { pairs, kind, out };
}

function uniformWeights(answer: unknown): Verdict {
  if (typeof answer !== "function") {
    return {
      right: false,
      hint: "the answer is a function (model, pairs) => number[] (one similarity per pair)",
    };
  }
  const model = checkModel();
  try {
    const { pairs, kind, out } = callUniform(
      answer as (m: SiameseAligner, p: SimilarityPair[]) => unknown,
      model,
    );
    if (kind === "promise")
      return { right: false, hint: "return the numbers themselves, not a Promise (no async, no await)" };
    if (kind === "tensor")
      return { right: false, hint: "return plain numbers, not a tensor: e.g. Array.from(sim.dataSync())" };
    if (!Array.isArray(out) || !out.every((v) => Number.isFinite(v)))
      return { right: false, hint: "return an array of finite numbers, e.g. Array.from(sim.dataSync())" };
    if (out.length !== pairs.length) {
      return {
        right: false,
        hint: `return one similarity per pair it is given (use the pairs argument): ${pairs.length} pairs, ${out.length} numbers`,
      };
    }
    const close = (ref: number[]) => ref.every((r, i) => Math.abs(r - out[i]!) <= 1e-5);
    if (close(uniformReference(model, pairs))) {
      return {
        right: true,
        note: "every real word now weighs the same: 的, 很, 了 count as much as a content word",
      };
    }
    const slips: [() => number[], string][] = [
      [() => learnedSimilarity(model, pairs), "these are the model's own similarities, with its learned β"],
      [
        () => uniformReference(model, pairs, { oneWay: true }),
        "this is the A → B direction alone: the score averages both directions",
      ],
      [
        () => uniformReference(model, pairs, { everyPosition: true }),
        "padding gets no weight: β is 1 / length over each sentence's real words only",
      ],
      [
        () => uniformReference(model, pairs, { unmaskedKeys: true }),
        "the cross-attention must not attend to the other sentence's padding (mask its keys)",
      ],
      [
        () => uniformReference(model, pairs, { sharpness: 4 }),
        "γ is not a constant: read it from the model you are given (model.sharpness())",
      ],
      [
        () => uniformReference(model, pairs, { sharpness: 1 }),
        "the scores are scaled by γ/√d, and γ is missing (model.sharpness())",
      ],
      [
        () => uniformReference(model, pairs, { width: SIMILARITY_DEFAULTS.dModel }),
        "d in the scale 1/√d is not this model's width: read it from the model you are given (model.dModel)",
      ],
    ];
    const slip = slips.find(([ref]) => close(ref()));
    if (slip !== undefined) return { right: false, hint: slip[1] };
    return {
      right: false,
      hint: "keep forward's steps with everything read from the model argument (its embedding, model.sharpness(), model.dModel, keys masked); replace only β by 1 / length",
    };
  } finally {
    model.dispose();
  }
}

/* ---------------------------------------------------------------- 3: four held-out templates */

/** The answer's config checked as the experiment checks a config, every setting present; or a hint. */
function wholeConfig(config: object): SimilarityConfig | string {
  const missing = Object.keys(SIMILARITY_DEFAULTS).filter((key) => !Object.hasOwn(config, key));
  if (missing.length > 0) {
    return `config should be the notebook's config with one change ({ ...config, testTemplates: 4 }); it has no ${missing.join(", ")}`;
  }
  try {
    return checkConfigOf("fourHeldOut", similarityExperiment, config as SimilarityConfig);
  } catch (error) {
    return (error as Error).message;
  }
}

function fourTemplates(answer: unknown): Verdict {
  const { config: given, model, rocAuc, accuracy } = (answer ?? {}) as Record<string, unknown>;
  if (typeof given !== "object" || given === null || !(model instanceof SiameseAligner)) {
    return {
      right: false,
      hint: "the answer should be { config, model, rocAuc, accuracy }: the config with testTemplates 4, the model trained on it, and its two held-out metrics",
    };
  }
  if (!Number.isFinite(rocAuc) || !Number.isFinite(accuracy))
    return { right: false, hint: "rocAuc and accuracy should be finite numbers" };
  const config = wholeConfig(given);
  if (typeof config === "string") return { right: false, hint: config };
  if (config.testTemplates !== 4)
    return { right: false, hint: "config.testTemplates should be 4: four sentence shapes held out" };
  if (Math.abs(model.sharpness() - 4) < 1e-6)
    return {
      right: false,
      hint: "this model is untrained (γ is still 4): train it on your config's pairs first",
    };
  const data = similarityData(config);
  const final = similarityEvaluate(model, data.test).metrics;
  const close = (x: unknown, y: number) => Math.abs((x as number) - y) <= 1e-6;
  if (close(rocAuc, final.rocAuc) && close(accuracy, final.accuracy)) {
    const target = SIMILARITY_TARGETS.find((t) => t.metric === "rocAuc")!.value;
    return {
      right: true,
      note: `ROC-AUC ${final.rocAuc.toFixed(4)} (target ≥ ${target}), accuracy ${final.accuracy.toFixed(4)} on four unseen sentence shapes`,
    };
  }
  if (close(rocAuc, final.accuracy) && close(accuracy, final.rocAuc))
    return { right: false, hint: "rocAuc and accuracy are swapped" };
  const onTrain = similarityEvaluate(model, data.train).metrics;
  if (close(rocAuc, onTrain.rocAuc) || close(accuracy, onTrain.accuracy))
    return {
      right: false,
      hint: "that was measured on the training pairs: use your config's held-out test pairs",
    };
  const two = similarityEvaluate(model, similarityData({ ...config, testTemplates: 2 }).test).metrics;
  if (close(rocAuc, two.rocAuc) || close(accuracy, two.accuracy)) {
    return {
      right: false,
      hint: "that was measured on the two-template held-out pairs: use your config's test pairs",
    };
  }
  const which = close(rocAuc, final.rocAuc) ? "accuracy" : "rocAuc";
  return {
    right: false,
    hint: `${which} is not what similarityEvaluate(model, similarityData(config).test) gives for this model`,
  };
}

export const SIMILARITY_EXERCISES = defineExercises("cases/03-similarity-sentence-pairs", [
  {
    n: 1,
    answer: "simBtoA",
    title: "the worked example's sim(B → A): B's words attend over A, then the mean cosine",
    check: workedBToA,
  },
  {
    n: 2,
    answer: "uniformSim",
    title: "the aligner's similarity with uniform word weights β, as a function of (model, pairs)",
    check: uniformWeights,
  },
  {
    n: 3,
    answer: "fourHeldOut",
    title: "ROC-AUC and accuracy of an aligner trained and tested with four held-out templates",
    check: fourTemplates,
  },
]);

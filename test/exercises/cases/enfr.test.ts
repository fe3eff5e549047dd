/**
 * The checks of notebooks/cases/01-enfr-translation.ipynb: right answers (computed here the way the solution
 * computes them, on small untrained models: a check measures the model it is given, whatever it learned) are
 * right, typical mistakes are wrong with the intended hint, undefined is "not yet", malformed answers are wrong
 * without a throw, and no check leaves a tensor behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../../lib/cases/exercises.js";
import { ENFR_SEED_PAIR, type EnfrPair, enfrCorpus, enfrData } from "../../../lib/cases/enfr/data.js";
import { enfrSeedChecks } from "../../../lib/cases/enfr/experiment.js";
import { enfrAttention, enfrGruModel, enfrModel, enfrTranslate } from "../../../lib/cases/enfr/model.js";
import { initBackend } from "../../../lib/tfjs/initBackend.js";
import { checkerFor } from "../checker.js";

const quiet = checkerFor("cases/01-enfr-translation");
/** Every check leaves the tensor count as it found it. */
const check = (n: number, answer: unknown) => {
  const before = tf.memory().numTensors;
  const result = quiet(n, answer);
  assert.equal(tf.memory().numTensors, before, `exercise ${n} leaked tensors`);
  return result;
};
const small = { seed: 0, dModel: 8, numHeads: 2, dFF: 16 };
const data = enfrData({ seed: 0, testFraction: 0.2 });

test("exercise 1: the filter is checked on the whole grammar, the translation on the model", async () => {
  await initBackend();
  const keep = (pairs: EnfrPair[]) =>
    pairs.filter((p) => !(p.en.includes("I") && p.en.includes("programming")));
  assert.equal(enfrCorpus().length - keep(enfrCorpus()).length, 114);
  const model = enfrModel(small);
  try {
    const translation = enfrTranslate(model, [ENFR_SEED_PAIR.en])[0]!;
    assert.notEqual(
      translation.join(" "),
      ENFR_SEED_PAIR.fr.join(" "),
      "an untrained model writes something else",
    );
    const right = check(1, { keep, model, translation });
    assert.equal(right.status, "right", right.message);
    assert.match(right.message, /114 pairs/);
    // a filter on the joined sentence is as good
    const joined = (pairs: EnfrPair[]) =>
      pairs.filter((p) => !(p.en.join(" ").includes("I ") && p.en.join(" ").includes("programming")));
    assert.equal(check(1, { keep: joined, model, translation }).status, "right");
    const onlyI = (pairs: EnfrPair[]) => pairs.filter((p) => !p.en.includes("I"));
    assert.match(check(1, { keep: onlyI, model, translation }).message, /only one of the two words/);
    const either = (pairs: EnfrPair[]) =>
      pairs.filter((p) => !(p.en.includes("I") || p.en.includes("programming")));
    assert.match(check(1, { keep: either, model, translation }).message, /only one of the two words/);
    assert.match(check(1, { keep: (p: EnfrPair[]) => p, model, translation }).message, /still lets through/);
    const neither = (p: EnfrPair) => !p.en.includes("I") && !p.en.includes("programming");
    const noCats = (pairs: EnfrPair[]) => keep(pairs).filter((p) => !(neither(p) && p.en.includes("cats")));
    assert.match(check(1, { keep: noCats, model, translation }).message, /neither word/);
    // the notebook's own split instead of the argument
    assert.match(check(1, { keep: () => keep(data.train), model, translation }).message, /drops/);
    assert.match(check(1, { keep: (p: EnfrPair[]) => [...keep(p), p[1]!, p[1]!] }).message, /\{ keep, model/);
    assert.match(
      check(1, { keep: (p: EnfrPair[]) => [...keep(p), keep(p)[0]!], model, translation }).message,
      /more than once/,
    );
    assert.match(
      check(1, {
        keep: () => [{ en: ["I", "love", "Paris"], fr: ["j'", "aime", "Paris"] }],
        model,
        translation,
      }).message,
      /not among those it was given/,
    );
    assert.match(check(1, { keep, model, translation: ENFR_SEED_PAIR.fr }).message, /reference translation/);
    assert.match(check(1, { keep, model, translation: ["la"] }).message, /not what this model writes/);
    assert.match(check(1, { keep, model, translation: "j' aime" }).message, /array of strings/);
    const gru = enfrGruModel({ seed: 0, gruEmbedSize: 4, gruHiddenSize: 4 });
    assert.match(check(1, { keep, model: gru, translation }).message, /\{ keep, model, translation \}/);
    gru.dispose();
  } finally {
    model.dispose();
  }
});

test("exercise 2: the one-head weights are measured again on the model", async () => {
  await initBackend();
  const model = enfrModel({ ...small, numHeads: 1 });
  const two = enfrModel(small);
  try {
    const m = enfrSeedChecks(enfrAttention(model, ENFR_SEED_PAIR));
    const [jToI, laToProgramming] = [m["attn.jToI.weight"]!, m["attn.laToProgramming.weight"]!];
    assert.ok(Math.abs(jToI - laToProgramming) > 1e-3, "the two weights differ, so a swap is visible");
    const right = check(2, { model, jToI, laToProgramming });
    assert.equal(right.status, "right", right.message);
    assert.match(right.message, /j' → I (yes|no), la → programming (yes|no)/);
    assert.match(check(2, { model, jToI: laToProgramming, laToProgramming: jToI }).message, /swapped/);
    assert.match(check(2, { model, jToI: jToI + 0.01, laToProgramming }).message, /jToI is not/);
    assert.match(check(2, { model, jToI, laToProgramming: 0.5 }).message, /laToProgramming is not/);
    assert.match(check(2, { model, jToI: 50, laToProgramming }).message, /between 0 and 1/);
    const t = enfrSeedChecks(enfrAttention(two, ENFR_SEED_PAIR));
    const twoHeads = {
      model: two,
      jToI: t["attn.jToI.weight"],
      laToProgramming: t["attn.laToProgramming.weight"],
    };
    assert.match(check(2, twoHeads).message, /2 heads/);
    assert.match(check(2, { model, jToI: "0.4", laToProgramming }).message, /finite numbers/);
  } finally {
    model.dispose();
    two.dispose();
  }
});

test("exercise 3: the error rates per construction are measured again on the GRU", async () => {
  await initBackend();
  const gru = enfrGruModel({ seed: 0, gruEmbedSize: 16, gruHiddenSize: 8 });
  const wide = enfrGruModel({ seed: 0, gruEmbedSize: 16, gruHiddenSize: 32 });
  try {
    const pairs = data.test.slice(0, 200);
    const has = {
      negation: (p: EnfrPair) => p.en.includes("not"),
      elision: (p: EnfrPair) => p.fr.some((t) => t.endsWith("'")),
      twoObjects: (p: EnfrPair) => p.en.includes("and"),
    };
    const predictions = enfrTranslate(
      gru,
      pairs.map((p) => p.en),
    );
    const misses = (f: (p: EnfrPair) => boolean) =>
      pairs.filter((p, i) => f(p) && predictions[i]!.join(" ") !== p.fr.join(" ")).length;
    const rate = (f: (p: EnfrPair) => boolean) => misses(f) / pairs.filter(f).length;
    const wrong = {
      negation: rate(has.negation),
      elision: rate(has.elision),
      twoObjects: rate(has.twoObjects),
    };
    const right = check(3, { gru, pairs, wrong });
    assert.equal(right.status, "right", right.message);
    assert.match(right.message, /hardest for this GRU/);
    assert.match(
      check(3, { gru, pairs, wrong: { ...wrong, negation: 1 - wrong.negation } }).message,
      /wrong\.negation is the fraction translated right/,
    );
    assert.match(
      check(3, { gru, pairs, wrong: { ...wrong, elision: misses(has.elision) / pairs.length } }).message,
      /divides by all the pairs/,
    );
    assert.match(
      check(3, { gru, pairs, wrong: { ...wrong, twoObjects: 0.123 } }).message,
      /wrong\.twoObjects is not/,
    );
    assert.match(check(3, { gru, pairs, wrong: { ...wrong, negation: 40 } }).message, /percentage/);
    assert.match(check(3, { gru, pairs, wrong: { negation: 0.5 } }).message, /three finite numbers/);
    assert.match(check(3, { gru: wide, pairs, wrong }).message, /32 wide/);
    const affirmative = pairs.filter((p) => !has.negation(p));
    assert.match(check(3, { gru, pairs: affirmative, wrong }).message, /no pair has negation/);
    const foreign = [...pairs, { en: ["I", "love", "Paris"], fr: ["j'", "aime", "Paris"] }];
    assert.match(check(3, { gru, pairs: foreign, wrong }).message, /not pairs of the grammar/);
    assert.match(check(3, { gru, pairs: [], wrong }).message, /between 1 and 3,600/);
    const transformer = enfrModel(small);
    assert.match(check(3, { gru: transformer, pairs, wrong }).message, /Seq2seqRnn/);
    transformer.dispose();
  } finally {
    gru.dispose();
    wide.dispose();
  }
});

test("undefined is not yet; malformed answers are wrong, never a throw", async () => {
  await initBackend();
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    const throws = () => {
      throw new Error("boom");
    };
    for (const bad of [null, "x", {}, Number.NaN, [], throws, { keep: throws, model: {}, translation: [] }]) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `exercise ${n}: ${String(bad)}`);
      assert.ok(r.message.length > 0);
    }
  }
  // a filter that throws, with a real model: wrong, with the error's message
  const model = enfrModel(small);
  try {
    const r = check(1, {
      keep: () => {
        throw new Error("boom");
      },
      model,
      translation: [],
    });
    assert.equal(r.status, "wrong");
    assert.match(r.message, /boom/);
  } finally {
    model.dispose();
  }
});

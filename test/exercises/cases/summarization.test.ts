/**
 * The checks of notebooks/cases/05-summarization-hierarchical-attention.ipynb: right answers (computed the way the
 * solution computes them, with small untrained models: the checks recompute whatever the model gives) are right,
 * typical mistakes get their hint, undefined is "not yet", malformed answers are wrong without a throw, and no
 * test (its checks included) leaves a tensor behind.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../../lib/cases/exercises.js";
import { generateDocuments, type SummarizationDoc } from "../../../lib/cases/summarization/data.js";
import { summarizationEvaluate } from "../../../lib/cases/summarization/experiment.js";
import { summarizationModel } from "../../../lib/cases/summarization/model.js";
import type { HierarchicalAttention } from "../../../lib/models/hierarchicalAttention.js";
import { initBackend } from "../../../lib/tfjs/initBackend.js";
import { checkerFor } from "../checker.js";

const check = checkerFor("cases/05-summarization-hierarchical-attention");

const docs = generateDocuments({ seed: 3, size: 60 });
let gru: HierarchicalAttention;
let dense: HierarchicalAttention;
let tiny: HierarchicalAttention;

before(async () => {
  await initBackend();
  gru = summarizationModel({ seed: 1, dModel: 8, encoder: "gru" });
  dense = summarizationModel({ seed: 1, dModel: 8, encoder: "dense" });
  tiny = summarizationModel({ seed: 1, dModel: 2, encoder: "dense" });
});
after(() => {
  for (const m of [gru, dense, tiny]) m.dispose();
});
// No test leaves a tensor behind: neither the checks nor the library evaluations the tests compare them with.
let held = 0;
beforeEach(() => {
  held = tf.memory().numTensors;
});
afterEach(() => {
  assert.equal(tf.memory().numTensors, held, "tensors leaked during the test");
});

/** Asserts that a hint shows none of the right numbers (as a learner's notebook would print them). */
function assertNoLeak(message: string, ...right: number[]) {
  for (const v of right) {
    for (const shown of [v.toFixed(2), v.toFixed(3), String(v)]) {
      assert.ok(!message.includes(shown), `the hint "${message}" shows the right value ${shown}`);
    }
  }
}

/** Exercise 1's answer, as the solution computes it. */
function gruAnswer(model: HierarchicalAttention, on: SummarizationDoc[]) {
  const ev = summarizationEvaluate(model, on);
  const share = (pick: (d: SummarizationDoc, i: number) => boolean) => on.filter(pick).length / on.length;
  return {
    model,
    docs: on,
    top1: ev.metrics.top1,
    later: share((d, i) => ev.summary[i]! > d.event),
    before: share((d, i) => ev.summary[i]! < d.event),
    typeAccuracy: ev.metrics.typeAccuracy,
  };
}

test("exercise 1: top1 and the share of later picks of the GRU model; the usual mistakes get their hint", () => {
  const a = gruAnswer(gru, docs);
  const right = { model: gru, docs, top1: a.top1, later: a.later };
  assert.equal(check(1, right).status, "right");
  assert.ok(a.later !== a.before && a.later !== 1 - a.top1 && a.top1 !== a.typeAccuracy, "distinct values");
  assert.match(check(1, { ...right, later: a.before }).message, /before the event/);
  assert.match(check(1, { ...right, later: 1 - a.top1 }).message, /every miss/);
  assert.match(check(1, { ...right, top1: a.typeAccuracy }).message, /event-type accuracy/);
  assert.match(check(1, { ...right, top1: a.top1 + 0.01 }).message, /not what summarizationEvaluate/);
  assert.match(check(1, { ...right, later: a.later + 0.01 }).message, /after the event sentence/);
  for (const wrong of [{ later: a.before }, { later: a.later + 0.01 }, { top1: a.top1 + 0.01 }]) {
    assertNoLeak(check(1, { ...right, ...wrong }).message, a.top1, a.later);
  }
  const d = gruAnswer(dense, docs);
  assert.match(check(1, { model: dense, docs, top1: d.top1, later: d.later }).message, /encoder "gru"/);
  assert.match(check(1, { ...right, docs: [] }).message, /non-empty array/);
  assert.match(check(1, { ...right, model: {} }).message, /HierarchicalAttention/);
  assert.match(check(1, { ...right, later: 2 }).message, /from 0 to 1/);
});

test("exercise 2: typeAccuracy and top1 of the dModel 2 model; swapped or another width is wrong", () => {
  const ev = summarizationEvaluate(tiny, docs).metrics;
  const right = { model: tiny, docs, typeAccuracy: ev.typeAccuracy, top1: ev.top1 };
  assert.equal(check(2, right).status, "right");
  assert.notEqual(ev.typeAccuracy, ev.top1);
  assert.match(check(2, { ...right, typeAccuracy: ev.top1, top1: ev.typeAccuracy }).message, /swapped/);
  assert.match(check(2, { ...right, top1: ev.top1 + 0.01 }).message, /`top1` is not/);
  assert.match(
    check(2, { ...right, typeAccuracy: 0.5, top1: 0.5 }).message,
    /`typeAccuracy` and `top1` are not/,
  );
  for (const wrong of [{ top1: ev.top1 + 0.01 }, { typeAccuracy: ev.top1, top1: ev.typeAccuracy }]) {
    assertNoLeak(check(2, { ...right, ...wrong }).message, ev.typeAccuracy, ev.top1);
  }
  const wide = summarizationEvaluate(dense, docs).metrics;
  assert.match(
    check(2, { model: dense, docs, typeAccuracy: wide.typeAccuracy, top1: wide.top1 }).message,
    /dModel 2; this one has dModel 8/,
  );
});

/** Exercise 3's answer, as the solution writes it. */
function twoSentenceSummary(doc: SummarizationDoc, beta: number[]): string[] {
  const top = doc.sentences
    .map((_, k) => k)
    .sort((a, b) => beta[b]! - beta[a]!)
    .slice(0, 2)
    .sort((a, b) => a - b);
  return top.flatMap((k) => doc.sentences[k]!);
}
const ranked = (doc: SummarizationDoc, beta: number[]) =>
  doc.sentences.map((_, k) => k).sort((a, b) => beta[b]! - beta[a]!);

test("exercise 3: the two sentences of largest β (in either order) are right; one, the smallest, a repeat are wrong", () => {
  assert.equal(check(3, twoSentenceSummary).status, "right");
  assert.match(check(3, twoSentenceSummary).message, /ROUGE-1 F of 0\.[0-9]{3}/);
  const byWeight = (doc: SummarizationDoc, beta: number[]) =>
    ranked(doc, beta)
      .slice(0, 2)
      .flatMap((k) => doc.sentences[k]!);
  assert.equal(check(3, byWeight).status, "right");
  const one = (doc: SummarizationDoc, beta: number[]) => doc.sentences[ranked(doc, beta)[0]!]!;
  assert.match(check(3, one).message, /one-sentence summary/);
  const twice = (doc: SummarizationDoc, beta: number[]) => [...one(doc, beta), ...one(doc, beta)];
  assert.match(check(3, twice).message, /repeats one sentence/);
  const smallest = (doc: SummarizationDoc, beta: number[]) =>
    ranked(doc, beta)
      .slice(-2)
      .flatMap((k) => doc.sentences[k]!);
  assert.match(check(3, smallest).message, /smallest β/);
  const firstTwo = (doc: SummarizationDoc) => [...doc.sentences[0]!, ...doc.sentences[1]!];
  assert.match(check(3, firstTwo).message, /largest β/);
  assert.match(check(3, () => 3).message, /array of strings/);
  assert.match(
    check(3, () => {
      throw new Error("boom");
    }).message,
    /threw.*boom/,
  );
});

/** Answers of the wrong kind: not an object or function at all, or the right fields holding the wrong things. */
const malformed = (): unknown[] => [
  null,
  "x",
  {},
  Number.NaN,
  [],
  3,
  () => {
    throw new Error("no");
  },
  { model: "the model", docs, top1: 0.5, later: 0.5, typeAccuracy: 0.5 },
  { model: gru, docs: [{ sentences: "acme cut jobs", event: 0, label: 0 }], top1: 0.5, later: 0.5 },
  { model: tiny, docs: docs.map((d) => ({ ...d, event: 99 })), typeAccuracy: 0.5, top1: 0.5 },
];

test("every exercise: undefined is not yet; malformed answers are wrong with a message, never a throw", () => {
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    malformed().forEach((bad, k) => {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `exercise ${n}, malformed answer ${k}`);
      assert.ok(r.message.length > 0, `exercise ${n}, malformed answer ${k} has a message`);
    });
  }
});

/**
 * The checks of notebooks/cases/02-dates-normalization.ipynb: right answers (computed here the way the solution
 * computes them, on small untrained models: a check measures the model it is given, whatever it learned) are
 * right, typical mistakes are wrong with the intended hint, undefined is "not yet", malformed answers are wrong
 * without a throw, and no check leaves a tensor behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../../lib/cases/exercises.js";
import {
  DATE_FORMATS,
  DATE_LENGTHS,
  DATE_SOURCE_CHARS,
  DATE_TARGET,
  type DateExample,
  datesArrays,
  datesData,
  decodeDateTarget,
  encodeDateSource,
} from "../../../lib/cases/dates/data.js";
import { datesAttentionHits, datesEvaluate } from "../../../lib/cases/dates/experiment.js";
import { datesCrossAttention, datesModel } from "../../../lib/cases/dates/model.js";
import { greedyDecode } from "../../../lib/models/decoding.js";
import { Seq2seqRnn } from "../../../lib/models/seq2seqRnn.js";
import { initBackend } from "../../../lib/tfjs/initBackend.js";
import { checkerFor } from "../checker.js";

const quiet = checkerFor("cases/02-dates-normalization");
/** Every check leaves the tensor count as it found it. */
const check = (n: number, answer: unknown) => {
  const before = tf.memory().numTensors;
  const result = quiet(n, answer);
  assert.equal(tf.memory().numTensors, before, `exercise ${n} leaked tensors`);
  return result;
};
const test16 = datesData({ seed: 0, trainSize: 0, testSize: 16 }).test; // two dates per format
const small = { seed: 0, dModel: 16, numHeads: 2, dFF: 32 };
const swapOf = (iso: string) => `${iso.slice(0, 4)}-${iso.slice(8, 10)}-${iso.slice(5, 7)}`;

test("exercise 1: exact match per format and day–month swaps, measured again on the model", async () => {
  await initBackend();
  const model = datesModel(small);
  const wide = datesModel({ ...small, dModel: 32 });
  try {
    const final = datesEvaluate(model, test16);
    const exact = Object.fromEntries(DATE_FORMATS.map((f) => [f, final.metrics[`format.${f}`]!]));
    const wrong = test16.flatMap((e, i) => (final.predictions[i] !== e.iso ? [i] : []));
    const swaps = wrong.filter((i) => final.predictions[i] === swapOf(test16[i]!.iso)).length;
    assert.ok(wrong.length > swaps, "the untrained model writes wrong dates that are not swaps");
    const right = check(1, { model, test: test16, exact, swaps });
    assert.equal(right.status, "right", right.message);
    assert.match(right.message, /weakest: /);
    assert.match(
      check(1, { model, test: test16, exact, swaps: wrong.length }).message,
      /every wrong prediction/,
    );
    assert.match(
      check(1, { model, test: test16, exact, swaps: swaps + 1 }).message,
      /day and month exchanged/,
    );
    assert.match(check(1, { model, test: test16, exact, swaps: 0.5 }).message, /whole number/);
    const flipped = { ...exact, iso: 1 - exact.iso! };
    assert.match(
      check(1, { model, test: test16, exact: flipped, swaps }).message,
      /exact\.iso is the fraction wrong/,
    );
    const off = { ...exact, weekday: exact.weekday === 0.5 ? 0 : 0.5 };
    assert.match(check(1, { model, test: test16, exact: off, swaps }).message, /exact\.weekday is not/);
    const percent = { ...exact, long_mdy: 50 };
    assert.match(check(1, { model, test: test16, exact: percent, swaps }).message, /percentage/);
    const partial = { long_mdy: exact.long_mdy };
    assert.match(
      check(1, { model, test: test16, exact: partial, swaps }).message,
      /one finite number per format/,
    );
    assert.match(check(1, { model: wide, test: test16, exact, swaps }).message, /32 wide/);
    const noIso = test16.filter((e) => e.format !== "iso");
    assert.match(check(1, { model, test: noIso, exact, swaps }).message, /has no date in iso/);
    const forged: DateExample[] = test16.map((e, i) => (i === 0 ? { ...e, text: "March 6, 2021" } : e));
    assert.match(check(1, { model, test: forged, exact, swaps }).message, /not dates the generator writes/);
    assert.match(check(1, { model, test: [], exact, swaps }).message, /an array of 1 to/);
  } finally {
    model.dispose();
    wide.dispose();
  }
});

test("exercise 2: the one-head month hit, measured again on the model", async () => {
  await initBackend();
  const model = datesModel({ ...small, numHeads: 1 });
  const two = datesModel(small);
  try {
    const hits = datesAttentionHits(datesCrossAttention(model, test16), test16);
    assert.ok(hits.day !== hits.month, "the day hit differs from the month hit, so the hint is visible");
    const right = check(2, { model, test: test16, monthHit: hits.month });
    assert.equal(right.status, "right", right.message);
    assert.match(check(2, { model, test: test16, monthHit: hits.day }).message, /another part of the date/);
    const off = hits.month === 0.5 ? 0.25 : 0.5;
    if (off !== hits.day && off !== hits.year) {
      assert.match(check(2, { model, test: test16, monthHit: off }).message, /not this model's month hit/);
    }
    const twoHits = datesAttentionHits(datesCrossAttention(two, test16), test16);
    assert.match(check(2, { model: two, test: test16, monthHit: twoHits.month }).message, /2 heads/);
    assert.match(check(2, { model, test: test16, monthHit: 85 }).message, /between 0 and 1/);
  } finally {
    model.dispose();
    two.dispose();
  }
});

test("exercise 3: a GRU with additive attention, exact match and month hit measured again", async () => {
  await initBackend();
  const build = (attention: "additive" | "dot") =>
    new Seq2seqRnn({
      srcVocab: DATE_SOURCE_CHARS.length + 1,
      tgtVocab: DATE_TARGET.vocabSize,
      embedSize: 8,
      hiddenSize: 16,
      cell: "gru",
      attention,
      maxLength: DATE_LENGTHS.source + 3,
      seed: 1,
    }).ensureBuilt();
  const rnn = build("additive");
  const dot = build("dot");
  const transformer = datesModel(small);
  try {
    // as the solution computes them
    const predictions = greedyDecode(
      rnn,
      test16.map((e) => encodeDateSource(e.text)),
      {
        bos: DATE_TARGET.bos,
        eos: DATE_TARGET.eos,
        maxLength: DATE_LENGTHS.target + 1,
        srcValidLens: test16.map((e) => e.text.length),
      },
    ).map(decodeDateTarget);
    const exact = test16.filter((e, i) => predictions[i] === e.iso).length / test16.length;
    const a = datesArrays(test16);
    const w = tf.tidy(
      () =>
        rnn.applyWithAttention(
          [tf.tensor2d(a.src, undefined, "int32"), tf.tensor2d(a.tgtIn, undefined, "int32")],
          { srcValidLens: tf.tensor1d(a.srcLens, "int32") },
        ).attention.decoderCross[0]!,
    );
    const rows = w.arraySync() as number[][][];
    w.dispose();
    const hits = datesAttentionHits(
      rows.map((r, k) => r.map((row) => row.slice(0, a.srcLens[k]))),
      test16,
    );
    const right = check(3, { rnn, test: test16, exact, monthHit: hits.month });
    assert.equal(right.status, "right", right.message);
    assert.match(right.message, /month hit/);
    assert.match(
      check(3, { rnn, test: test16, exact: 1 - exact, monthHit: hits.month }).message,
      /fraction wrong/,
    );
    if (hits.day !== hits.month) {
      assert.match(check(3, { rnn, test: test16, exact, monthHit: hits.day }).message, /another part/);
    }
    assert.match(check(3, { rnn, test: test16, exact, monthHit: 0.123 }).message, /not this RNN's month hit/);
    assert.match(check(3, { rnn: dot, test: test16, exact, monthHit: hits.month }).message, /additive/);
    assert.match(
      check(3, { rnn: transformer, test: test16, exact, monthHit: hits.month }).message,
      /not a Transformer/,
    );
    assert.match(check(3, { rnn, test: test16, exact: 90, monthHit: hits.month }).message, /between 0 and 1/);
  } finally {
    rnn.dispose();
    dot.dispose();
    transformer.dispose();
  }
});

test("undefined is not yet; malformed answers are wrong, never a throw", async () => {
  await initBackend();
  const throws = () => {
    throw new Error("boom");
  };
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [null, "x", {}, Number.NaN, [], throws, { model: {}, test: "x" }, { rnn: throws }]) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `exercise ${n}: ${String(bad)}`);
      assert.ok(r.message.length > 0);
    }
  }
  // real models with malformed dates
  const model = datesModel({ ...small, numHeads: 1 });
  try {
    for (const test of [
      [{ text: 3 }],
      ["5 March 2021"],
      [null],
      test16.map((e) => ({ ...e, iso: "2021-13-45" })),
    ]) {
      const r = check(2, { model, test, monthHit: 0.5 });
      assert.equal(r.status, "wrong");
      assert.match(r.message, /date example|not dates the generator/);
    }
  } finally {
    model.dispose();
  }
});

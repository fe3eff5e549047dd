/**
 * The date-normalization case: the generator is seeded, writes each format correctly (weekday included), keeps
 * training and held-out days apart, and its default-config hash is the one in datasets/dates/README.md; a tiny
 * run of the experiment gives finite metrics, leaks no tensors and repeats exactly.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { DATE_FORMATS, DATE_LENGTHS, datesData, formatDate } from "../../lib/cases/dates/data.js";
import { datesExperiment } from "../../lib/cases/dates/experiment.js";
import { datesAttentionHits, datesCrossAttention } from "../../lib/cases/dates/model.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { hashValue } from "../../lib/records/record.js";

test("dates: every format of 5 March 2021, with its spans", () => {
  const day = 25996; // 2021-03-05, a Friday
  const texts = DATE_FORMATS.map((f) => formatDate(day, f).text);
  assert.deepEqual(texts, [
    "March 5, 2021",
    "5 March 2021",
    "05/03/2021",
    "2021-03-05",
    "5 Mar 21",
    "Mar 5 2021",
    "Friday, March 5, 2021",
    "5.3.2021",
  ]);
  for (const f of DATE_FORMATS) {
    const e = formatDate(day, f);
    assert.equal(e.iso, "2021-03-05");
    const part = (k: "year" | "month" | "day") => e.text.slice(...e.spans[k]);
    assert.ok(["2021", "21"].includes(part("year")), `${f}: year ${part("year")}`);
    assert.ok(["March", "Mar", "03", "3"].includes(part("month")), `${f}: month ${part("month")}`);
    assert.ok(["5", "05"].includes(part("day")), `${f}: day ${part("day")}`);
  }
  assert.equal(formatDate(0, "short_dmy").text, "1 Jan 50", "two-digit years pivot at 50");
  assert.equal(formatDate(0, "weekday").text, "Sunday, January 1, 1950");
});

test("dates: seeded, disjoint days, balanced held-out formats, default hash as documented", () => {
  const a = datesData({ seed: 3, trainSize: 500, testSize: 80 });
  assert.deepEqual(datesData({ seed: 3, trainSize: 500, testSize: 80 }), a);
  assert.notDeepEqual(datesData({ seed: 4, trainSize: 500, testSize: 80 }).train, a.train);
  const testDays = new Set(a.test.map((e) => e.iso));
  assert.ok(
    a.train.every((e) => !testDays.has(e.iso)),
    "no held-out day is in training",
  );
  for (const f of DATE_FORMATS) assert.equal(a.test.filter((e) => e.format === f).length, 10);
  assert.ok([...a.train, ...a.test].every((e) => e.text.length <= DATE_LENGTHS.source));
  const d = datesExperiment.defaults;
  const full = datesData(d);
  const hash = hashValue({ train: full.train.map((e) => e.text), test: full.test.map((e) => e.text) });
  const readme = readFileSync("datasets/dates/README.md", "utf8");
  assert.match(readme, new RegExp(`sha256 \\(default config\\): ${hash}`));
});

const tiny = { trainSize: 256, testSize: 32, epochs: 2, batchSize: 32, dModel: 16, dFF: 32 };

async function tinyRun() {
  return runExperiment(datesExperiment, {
    quick: true,
    config: tiny,
    record: false,
    progress: "none",
    log: false,
  });
}

test("dates: a tiny run gives finite metrics, attention rows summing to 1, no leak, and repeats exactly", async () => {
  const first = await tinyRun(); // starts the backend (wasm)
  const before = tf.memory().numTensors;
  first.artifacts.model.dispose();
  const afterDispose = tf.memory().numTensors;
  const run = await tinyRun();
  for (const [k, v] of Object.entries(run.metrics)) assert.ok(Number.isFinite(v), `${k} = ${v}`);
  assert.ok(run.history[1]!.loss < run.history[0]!.loss, "the loss falls");
  const examples = run.artifacts.test.slice(0, 4);
  const w = datesCrossAttention(run.artifacts.model, examples);
  for (const [b, rows] of w.entries()) {
    assert.equal(rows.length, DATE_LENGTHS.target + 1);
    for (const row of rows) {
      assert.equal(row.length, examples[b]!.text.length);
      assert.ok(Math.abs(row.reduce((s, x) => s + x, 0) - 1) < 1e-4, "padding gets no weight");
    }
  }
  const hits = datesAttentionHits(w, examples);
  assert.ok(hits.month >= 0 && hits.month <= 1);
  run.artifacts.model.dispose();
  assert.equal(tf.memory().numTensors, afterDispose, "a run leaves only its model behind");
  assert.ok(before > afterDispose);
  assert.deepEqual(run.metrics, first.metrics, "two identical runs give identical metrics");
});

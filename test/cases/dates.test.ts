/**
 * The date-normalization case: the generator is seeded, writes each format correctly (weekday included), keeps
 * training, validation and held-out days apart, batches sources of similar length cut to their longest, and its default-config
 * hash is the one in datasets/dates/README.md; a tiny run of the experiment gives finite metrics, leaks no tensors
 * (on success and when training throws) and repeats exactly.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  DATE_FORMATS,
  DATE_LENGTHS,
  datesBatch,
  datesData,
  datesLengthBuckets,
  formatDate,
} from "../../lib/cases/dates/data.js";
import {
  DATES_DEFAULTS,
  datesAttentionHits,
  datesEvaluate,
  datesExperiment,
} from "../../lib/cases/dates/experiment.js";
import { datesCrossAttention, datesModel } from "../../lib/cases/dates/model.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { childSeed } from "../../lib/random/childSeed.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

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
  const more = datesData({ seed: 3, trainSize: 900, testSize: 80 });
  assert.deepEqual(more.test, a.test, "the held-out set does not depend on trainSize");
  assert.deepEqual(a.dataset.sizes, { train: 500, validation: 0, test: 80 });
  assert.throws(() => datesData({ seed: 0, trainSize: 36_000, testSize: 600 }), /at most 36525/);
  assert.throws(
    () => datesData({ seed: 0, trainSize: 36_000, validationSize: 400, testSize: 200 }),
    /trainSize \+ validationSize \+ testSize is 36600; .* at most 36525/,
  );
  assert.throws(
    () => datesData({ seed: 0, trainSize: 10, validationSize: -1, testSize: 8 }),
    /validationSize/,
  );
  const { dataset } = datesData(DATES_DEFAULTS);
  const readme = readFileSync("datasets/dates/README.md", "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("dates: validation is days in neither train nor test, written like test; train and test do not move", () => {
  const plain = datesData({ seed: 3, trainSize: 500, testSize: 80 });
  const a = datesData({ seed: 3, trainSize: 500, validationSize: 40, testSize: 80 });
  assert.deepEqual([a.train, a.test], [plain.train, plain.test], "adding validation changes neither split");
  assert.equal(a.validation.length, 40);
  const days = (s: { iso: string }[]) => new Set(s.map((e) => e.iso));
  const [train, test] = [days(a.train), days(a.test)];
  assert.ok(
    a.validation.every((e) => !train.has(e.iso) && !test.has(e.iso)),
    "validation days are new days",
  );
  assert.equal(days(a.validation).size, 40, "distinct days");
  for (const f of DATE_FORMATS) assert.equal(a.validation.filter((e) => e.format === f).length, 5);
  assert.deepEqual(a.dataset.sizes, { train: 500, validation: 40, test: 80 });
  const d = datesData(DATES_DEFAULTS);
  assert.deepEqual(d.dataset.sizes, { train: 12000, validation: 400, test: 800 });
});

test("dates: length buckets cover every example once; a batch is cut to its longest source", async () => {
  await initBackend();
  const { train } = datesData({ seed: 1, trainSize: 300, testSize: 0 });
  const buckets = datesLengthBuckets(train, 64, 7);
  assert.deepEqual(buckets, datesLengthBuckets(train, 64, 7), "seeded");
  assert.deepEqual(
    buckets.flat().sort((x, y) => x - y),
    train.map((_, i) => i),
  );
  assert.deepEqual(
    buckets.map((b) => b.length),
    [64, 64, 64, 64, 44],
  );
  const longest = (b: number[]) => Math.max(...b.map((i) => train[i]!.text.length));
  for (let k = 1; k < buckets.length; k++) {
    const shortest = Math.min(...buckets[k]!.map((i) => train[i]!.text.length));
    assert.ok(shortest >= longest(buckets[k - 1]!), "sorted by length");
  }
  const batch = datesBatch(train, buckets[0]!);
  try {
    assert.deepEqual(batch.src.shape, [64, longest(buckets[0]!)]);
    assert.deepEqual(
      [batch.tgtIn.shape, batch.tgtOut.shape],
      [
        [64, 11],
        [64, 11],
      ],
    );
    const lens = Array.from(batch.srcValidLens.dataSync());
    assert.deepEqual(
      lens,
      buckets[0]!.map((i) => train[i]!.text.length),
    );
    const tgtIn = (batch.tgtIn.arraySync() as number[][])[0]!;
    const tgtOut = (batch.tgtOut.arraySync() as number[][])[0]!;
    assert.equal(tgtIn[0], 1, "the decoder input starts with the start token");
    assert.deepEqual(tgtIn.slice(1), tgtOut.slice(0, 10), "teacher forcing: the input is the target shifted");
    assert.equal(tgtOut[10], 2, "the target ends with the end token");
  } finally {
    tf.dispose(batch);
  }
});

test('dates: the model is seeded by childSeed(seed, "model")', async () => {
  await initBackend();
  const size = { seed: 4, dModel: 16, numHeads: 2, dFF: 32 };
  const [a, b] = [datesModel(size), datesModel(size)];
  assert.equal(a.config.seed, childSeed(4, "model"));
  assert.deepEqual(a.getWeights()[0]!.arraySync(), b.getWeights()[0]!.arraySync());
  a.dispose();
  b.dispose();
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
  assert.equal(run.artifacts.final.predictions.length, run.artifacts.data.test.length);
  assert.equal(run.artifacts.data.validation.length, 40);
  assert.deepEqual(
    run.history.at(-1)!.metrics,
    datesEvaluate(run.artifacts.model, run.artifacts.data.validation).metrics,
    "the per-epoch metrics (what stopWhen reads) are the validation split's",
  );
  assert.deepEqual(
    run.metrics.exact,
    datesEvaluate(run.artifacts.model, run.artifacts.data.test).metrics.exact,
    "the final metrics are the test split's",
  );
  assert.ok(run.metrics["attn.monthHit"]! >= 0 && run.metrics["attn.monthHit"]! <= 1);
  const examples = run.artifacts.data.test.slice(0, 4);
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
  const losses = (h: typeof run.history) => h.map((e) => [e.loss, e.metrics]);
  assert.deepEqual(losses(run.history), losses(first.history), "two identical runs give identical histories");
  assert.deepEqual(run.metrics, first.metrics, "two identical runs give identical metrics");
});

test("dates: when training throws, run disposes the model and the optimizer", async () => {
  await initBackend();
  const before = tf.memory().numTensors;
  // fit refuses an unknown progress mode before the first step, after the model and Adam exist
  await assert.rejects(
    datesExperiment.run({ ...DATES_DEFAULTS, ...tiny }, { progress: "loud" as never, quick: true }),
    /fit: options\.progress/,
  );
  assert.equal(tf.memory().numTensors, before, "no tensor is left behind");
});

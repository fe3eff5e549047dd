/**
 * The EN→FR case: the grammar has 3,600 correct pairs (elision, conjugation, negation), the split is seeded and
 * holds out the seed sentence, and the default-config hash is the one in datasets/enfr/README.md; a tiny run of
 * the experiment gives finite metrics, attention rows summing to 1, leaks no tensors and repeats exactly.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  ENFR_SEED_PAIR,
  enfrCorpus,
  enfrData,
  enfrDetokenize,
  enfrTokenize,
  enfrVocabs,
} from "../../lib/cases/enfr/data.js";
import { enfrExperiment } from "../../lib/cases/enfr/experiment.js";
import { enfrAttention } from "../../lib/cases/enfr/model.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { hashValue } from "../../lib/records/record.js";

test("enfr: the grammar conjugates, elides and negates correctly", () => {
  const corpus = enfrCorpus();
  assert.equal(corpus.length, 3600);
  assert.equal(new Set(corpus.map((p) => p.en.join(" "))).size, 3600, "English sentences are distinct");
  const fr = new Map(corpus.map((p) => [p.en.join(" "), enfrDetokenize(p.fr)]));
  assert.equal(fr.get("I love programming"), "j'aime la programmation");
  assert.equal(fr.get("I do not love art"), "je n'aime pas l'art");
  assert.equal(fr.get("we watch history and cats"), "nous regardons l'histoire et les chats");
  assert.equal(fr.get("they do not hate football"), "ils ne détestent pas le football");
  assert.equal(
    fr.get("she does not watch mathematics and tennis"),
    "elle ne regarde pas les mathématiques et le tennis",
  );
  assert.equal(fr.get("you love music"), "tu aimes la musique");
  assert.deepEqual(enfrTokenize("je n'aime pas l'art"), ["je", "n'", "aime", "pas", "l'", "art"]);
  const v = enfrVocabs();
  assert.deepEqual(v.fr.tokens.slice(0, 3), ["<pad>", "<s>", "</s>"]);
  assert.deepEqual([v.en.tokens.length, v.fr.tokens.length], [29, 40]);
});

test("enfr: seeded split, seed sentence held out, default hash as documented", () => {
  const a = enfrData({ seed: 3, testFraction: 0.2 });
  assert.deepEqual(enfrData({ seed: 3, testFraction: 0.2 }), a);
  assert.notDeepEqual(enfrData({ seed: 4, testFraction: 0.2 }).train, a.train);
  assert.deepEqual([a.train.length, a.test.length], [2880, 720]);
  assert.deepEqual(a.test[0], ENFR_SEED_PAIR);
  const testKeys = new Set(a.test.map((p) => p.en.join(" ")));
  assert.ok(
    a.train.every((p) => !testKeys.has(p.en.join(" "))),
    "no held-out pair is in training",
  );
  const full = enfrData(enfrExperiment.defaults);
  const hash = hashValue({ train: full.train, test: full.test });
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "enfr", "README.md"), "utf8");
  assert.match(readme, new RegExp(`sha256 \\(default config\\): ${hash}`));
});

const tiny = {
  epochs: 1,
  gruEpochs: 1,
  testFraction: 0.05,
  batchSize: 256,
  gruBatchSize: 256,
  dModel: 16,
  dFF: 32,
  gruEmbedSize: 8,
  gruHiddenSize: 16,
};

async function tinyRun() {
  return runExperiment(enfrExperiment, {
    quick: true,
    config: tiny,
    record: false,
    progress: "none",
    log: false,
  });
}

test("enfr: a tiny run gives finite metrics, attention rows summing to 1, no leak, and repeats exactly", async () => {
  const first = await tinyRun(); // starts the backend (wasm)
  const before = tf.memory().numTensors;
  first.artifacts.model.dispose();
  first.artifacts.gru?.dispose();
  const afterDispose = tf.memory().numTensors;
  const run = await tinyRun();
  for (const [k, v] of Object.entries(run.metrics)) assert.ok(Number.isFinite(v), `${k} = ${v}`);
  assert.ok(run.metrics["gru.exact"] !== undefined, "the GRU ablation ran");
  const cross = enfrAttention(run.artifacts.model, ENFR_SEED_PAIR);
  assert.deepEqual([cross.length, cross[0]!.length, cross[0]![0]!.length], [2, 5, 3]);
  for (const row of [...cross.flat(), ...run.artifacts.seed.gruAlignment!]) {
    assert.ok(Math.abs(row.reduce((s, x) => s + x, 0) - 1) < 1e-4);
  }
  assert.deepEqual(run.metrics, first.metrics, "a second identical run gives identical metrics");
  run.artifacts.model.dispose();
  run.artifacts.gru?.dispose();
  assert.equal(tf.memory().numTensors, afterDispose, "the second run leaves no tensor behind");
  assert.ok(afterDispose < before, "disposing the models frees their weights");
});

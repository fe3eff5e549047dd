/**
 * The EN→FR case: the grammar has 3,600 correct pairs (elision, conjugation, negation), the split is seeded and
 * holds out the seed sentence (in test; validation is carved out of the other held-out pairs), batches are padded id tensors, and the default-config hash is the one in
 * datasets/enfr/README.md; a tiny run of the experiment gives finite metrics, attention rows summing to 1, leaks
 * no tensors (on success and when training throws) and repeats exactly.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  ENFR_SEED_PAIR,
  enfrBatch,
  enfrCorpus,
  enfrData,
  enfrDetokenize,
  enfrTokenize,
  enfrVocabs,
} from "../../lib/cases/enfr/data.js";
import {
  ENFR_DEFAULTS,
  enfrEvaluate,
  enfrScores,
  enfrExperiment,
  enfrGruEvaluate,
} from "../../lib/cases/enfr/experiment.js";
import { enfrAttention, enfrGruModel, enfrModel } from "../../lib/cases/enfr/model.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { childSeed } from "../../lib/random/childSeed.js";
import { hashValue } from "../../lib/records/record.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";

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
  assert.deepEqual(a.dataset.sizes, { train: 2880, validation: 0, test: 720 });
  assert.equal(
    a.dataset.hash,
    hashValue({ train: a.train, validation: a.validation, test: a.test }),
    "the descriptor hashes every split",
  );
  assert.throws(() => enfrData({ seed: 0, testFraction: 1 }), /testFraction must be in \(0, 1\), got 1/);
  assert.throws(
    () => enfrData({ seed: 0, testFraction: 0.5, validationFraction: 0.5 }),
    /testFraction 0.5 \+ validationFraction 0.5 hold out every pair/,
  );
  assert.throws(
    () => enfrData({ seed: 0, testFraction: 0.1, validationFraction: -0.1 }),
    /validationFraction/,
  );
  const { dataset } = enfrData(ENFR_DEFAULTS);
  const readme = readFileSync(join(__dirname, "..", "..", "datasets", "enfr", "README.md"), "utf8");
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("enfr: validation is carved out of the held-out pairs: disjoint from test and train, train unchanged", () => {
  const before = enfrData({ seed: 3, testFraction: 0.2 });
  const a = enfrData({ seed: 3, testFraction: 0.1, validationFraction: 0.1 });
  assert.deepEqual(a.train, before.train, "the same training pairs, in the same order");
  assert.deepEqual([a.train.length, a.validation.length, a.test.length], [2880, 360, 360]);
  assert.deepEqual(a.test[0], ENFR_SEED_PAIR, "the seed sentence stays in test");
  const keys = (s: { en: string[] }[]) => new Set(s.map((p) => p.en.join(" ")));
  const [train, test] = [keys(a.train), keys(a.test)];
  assert.ok(a.validation.every((p) => !train.has(p.en.join(" ")) && !test.has(p.en.join(" "))));
  assert.equal(keys(a.validation).size, 360);
  assert.deepEqual(enfrData(ENFR_DEFAULTS).dataset.sizes, { train: 2880, validation: 360, test: 360 });
});

test("enfr: a batch is padded int32 ids with <s>/</s> around the French, sources valid to their length", async () => {
  await initBackend();
  const pairs = [ENFR_SEED_PAIR, enfrCorpus().at(-1)!];
  const b = enfrBatch(pairs, [1, 0]);
  try {
    assert.deepEqual(
      [b.src.shape, b.tgtIn.shape, b.tgtOut.shape, b.srcValidLens.shape],
      [[2, 7], [2, 10], [2, 10], [2]],
    );
    assert.deepEqual(Array.from(b.srcValidLens.dataSync()), [pairs[1]!.en.length, 3]);
    const v = enfrVocabs();
    const tgtIn = (b.tgtIn.arraySync() as number[][])[1]!;
    const tgtOut = (b.tgtOut.arraySync() as number[][])[1]!;
    const fr = ENFR_SEED_PAIR.fr.map((t) => v.fr.ids.get(t)!);
    assert.deepEqual(tgtIn, [1, ...fr, 0, 0, 0, 0, 0]);
    assert.deepEqual(tgtOut, [...fr, 2, 0, 0, 0, 0, 0]);
    assert.equal(b.src.dtype, "int32");
  } finally {
    tf.dispose(b);
  }
});

test("enfr: the models are seeded by childSeed(seed, …), the Transformer and the GRU differently", async () => {
  await initBackend();
  const size = { seed: 5, dModel: 16, numHeads: 2, dFF: 32, gruEmbedSize: 8, gruHiddenSize: 16 };
  const [a, b] = [enfrModel(size), enfrModel(size)];
  const gru = enfrGruModel(size);
  assert.equal(a.config.seed, childSeed(5, "model"));
  assert.equal(gru.config.seed, childSeed(5, "gru/model"));
  assert.deepEqual(
    a.getWeights()[0]!.arraySync(),
    b.getWeights()[0]!.arraySync(),
    "same config, same weights",
  );
  const other = enfrModel({ ...size, seed: 6 });
  assert.notDeepEqual(other.getWeights()[0]!.arraySync(), a.getWeights()[0]!.arraySync());
  for (const m of [a, b, gru, other]) m.dispose();
});

const tiny = {
  epochs: 1,
  gruEpochs: 1,
  testFraction: 0.05,
  validationFraction: 0.05,
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
  for (const row of [...cross.flat(), ...run.artifacts.gruFinal!.alignment]) {
    assert.ok(Math.abs(row.reduce((s, x) => s + x, 0) - 1) < 1e-4);
  }
  assert.equal(run.artifacts.final.predictions.length, run.artifacts.data.test.length);
  assert.equal(run.artifacts.data.validation.length, 180);
  assert.deepEqual(
    run.history.at(-1)!.metrics,
    enfrScores(run.artifacts.model, run.artifacts.data.validation),
    "the per-epoch metrics (what stopWhen reads) are the validation split's exact match and BLEU, no seed-sentence check",
  );
  assert.equal(run.metrics.exact, enfrEvaluate(run.artifacts.model, run.artifacts.data.test).metrics.exact);
  assert.equal(
    run.metrics["gru.exact"],
    enfrGruEvaluate(run.artifacts.gru!, run.artifacts.data.test).metrics["gru.exact"],
    "the GRU's final metrics are the test split's",
  );
  assert.equal(run.artifacts.final.seed.decoded.join(" "), run.artifacts.final.predictions[0]!.join(" "));
  const losses = (h: typeof run.history) => h.map((e) => [e.loss, e.metrics]);
  assert.deepEqual(
    losses(run.history),
    losses(first.history),
    "a second identical run gives an identical history",
  );
  assert.deepEqual(run.metrics, first.metrics, "a second identical run gives identical metrics");
  run.artifacts.model.dispose();
  run.artifacts.gru?.dispose();
  assert.equal(tf.memory().numTensors, afterDispose, "the second run leaves no tensor behind");
  assert.ok(afterDispose < before, "disposing the models frees their weights");
});

test("enfr: when training throws, run disposes the model and the optimizer", async () => {
  await initBackend();
  const before = tf.memory().numTensors;
  const config = { ...ENFR_DEFAULTS, ...tiny };
  // fit refuses an unknown progress mode before the first step, after the model and Adam exist
  await assert.rejects(
    enfrExperiment.run(config, { progress: "loud" as never, quick: true }),
    /fit: options\.progress/,
  );
  assert.equal(tf.memory().numTensors, before, "no tensor is left behind");
});

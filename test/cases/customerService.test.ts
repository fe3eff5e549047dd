/**
 * The customer-service case: the template split holds 20 % of the templates out and the test split uses only
 * those, the generator is seeded, the default data hash matches the dataset README, the model's shapes and
 * attention are right, bad input gets a clear error, evaluation leaks no tensor, a tiny run of the experiment
 * is finite and repeats exactly, and the notebook's exercises check right, slipped and malformed answers.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import {
  CUSTOMER_SERVICE_MAX_LENGTH,
  CUSTOMER_SERVICE_OOD,
  customerServiceBatch,
  customerServiceData,
  customerServiceFaq,
  customerServiceIds,
  customerServiceStem,
  customerServiceTemplates,
  customerServiceTokens,
  customerServiceVocab,
  generateCustomerServiceQueries,
} from "../../lib/cases/customerService/data.js";
import "../../lib/cases/exercises.js";
import {
  CUSTOMER_SERVICE_DEFAULTS,
  customerServiceEpochMetrics,
  customerServiceEvaluate,
  customerServiceExperiment,
  customerServiceProbabilities,
  customerServiceRetrieve,
  customerServiceThreshold,
} from "../../lib/cases/customerService/experiment.js";
import {
  customerServiceAlignment,
  customerServiceEncode,
  customerServiceModel,
} from "../../lib/cases/customerService/model.js";
import {
  CUSTOMER_SERVICE_INTENTS,
  CUSTOMER_SERVICE_OUT_OF_DOMAIN_VALIDATION_ONLY,
} from "../../lib/cases/customerService/templates.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import { assertNotYetAndMalformed } from "../exercises/cases/caseSetHelpers.js";
import { checkerFor } from "../exercises/checker.js";

const small = { seed: 0, trainSize: 40, validationSize: 40, testSize: 40, oodRate: 0.25, unkRate: 0.1 };
const modelConfig = { seed: 0, dModel: 16, numHeads: 2, dFF: 16 };

test("the template split: 12 (+ the training-only ones) / 4 / 4 per intent and language, out-of-domain 10 / 10, no template in two splits", () => {
  const t = customerServiceTemplates();
  for (const [split, n] of [
    ["train", 12],
    ["validation", 4],
    ["test", 4],
  ] as const) {
    for (let label = 0; label < CUSTOMER_SERVICE_INTENTS.length; label++) {
      for (const language of ["zh", "en"] as const) {
        const count = t[split].filter((x) => x.label === label && x.language === language).length;
        const more = split === "train" ? CUSTOMER_SERVICE_INTENTS[label]!.trainingOnly[language].length : 0;
        assert.equal(count, n + more, `${split} ${label} ${language}`);
      }
    }
  }
  assert.equal(t.train.filter((x) => x.label === CUSTOMER_SERVICE_OOD).length, 0);
  const moreOutOfDomain = Object.values(CUSTOMER_SERVICE_OUT_OF_DOMAIN_VALIDATION_ONLY).flat().length;
  assert.equal(t.validation.filter((x) => x.label === CUSTOMER_SERVICE_OOD).length, 20 + moreOutOfDomain);
  assert.equal(t.test.filter((x) => x.label === CUSTOMER_SERVICE_OOD).length, 20);
  const ids = [...t.train, ...t.validation, ...t.test].map((x) => x.id);
  assert.equal(new Set(ids).size, ids.length);
  const data = customerServiceData({ ...small, testSize: 200 });
  const testIds = new Set(t.test.map((x) => x.id));
  assert.ok(
    data.test.every((q) => testIds.has(q.template)),
    "the test split uses only held-out templates",
  );
  const trainIds = new Set(t.train.map((x) => x.id));
  assert.ok(data.train.every((q) => trainIds.has(q.template) && q.label !== CUSTOMER_SERVICE_OOD));
});

/** Jaccard overlap of two templates: of their word sets (English) or character-pair sets (Chinese), slots as words. */
function overlap(a: string, b: string, language: "zh" | "en"): number {
  const grams = (text: string) => {
    const w = customerServiceTokens(text.replace(/\{([a-z]+)\}/g, " $1slot "));
    const n = language === "zh" ? 2 : 1;
    return new Set(w.slice(0, Math.max(0, w.length - n + 1)).map((_, i) => w.slice(i, i + n).join(" ")));
  };
  const [x, y] = [grams(a), grams(b)];
  const shared = [...x].filter((g) => y.has(g)).length;
  return shared / (x.size + y.size - shared);
}

test("no training-only template, and no validation-only out-of-domain query, is close to a held-out one (overlap < 0.6)", () => {
  assert.ok(
    overlap("我要退款", "我要退款", "zh") === 1 && overlap("I want a refund", "Cancel my order", "en") === 0,
  );
  assert.ok(overlap("How long does a refund take?", "How long does a refund usually take?", "en") >= 0.6);
  const t = customerServiceTemplates();
  const heldOut = [...t.validation, ...t.test].filter((x) => x.label !== CUSTOMER_SERVICE_OOD);
  let checked = 0;
  CUSTOMER_SERVICE_INTENTS.forEach((intent) => {
    for (const language of ["zh", "en"] as const) {
      for (const text of intent.trainingOnly[language]) {
        for (const h of heldOut.filter((x) => x.language === language)) {
          const o = overlap(text, h.text, language);
          assert.ok(o < 0.6, `training-only "${text}" overlaps ${h.id} "${h.text}" by ${o.toFixed(2)}`);
        }
        checked++;
      }
    }
  });
  assert.ok(checked >= 9 * 2 * 10, `${checked} training-only templates`);
  const outOfDomain = [...t.validation, ...t.test].filter(
    (x) => x.label === CUSTOMER_SERVICE_OOD && Number(x.id.split("/")[2]) < 20,
  );
  for (const language of ["zh", "en"] as const) {
    const more = CUSTOMER_SERVICE_OUT_OF_DOMAIN_VALIDATION_ONLY[language];
    assert.ok(more.length >= 15);
    for (const text of more) {
      for (const h of outOfDomain.filter((x) => x.language === language)) {
        const o = overlap(text, h.text, language);
        assert.ok(o < 0.6, `validation-only "${text}" overlaps ${h.id} "${h.text}" by ${o.toFixed(2)}`);
      }
    }
    const ids = t.validation.filter((x) => x.label === CUSTOMER_SERVICE_OOD && x.language === language);
    assert.equal(ids.length, 10 + more.length, "the validation-only queries are in validation");
  }
});

test("tokens: Chinese per character, English per stemmed word, digits one by one", () => {
  assert.deepEqual(customerServiceTokens("订单12退款？"), ["订", "单", "1", "2", "退", "款"]);
  assert.deepEqual(customerServiceTokens("Refunded, cancelled!"), ["refund", "cancel"]);
  assert.deepEqual(["address", "is", "shipping"].map(customerServiceStem), ["address", "is", "ship"]);
  assert.throws(() => customerServiceTokens(3 as never), /text must be a string, got number/);
  const vocab = customerServiceVocab();
  assert.deepEqual(vocab.slice(0, 2), ["<pad>", "<unk>"]);
  assert.equal(new Set(vocab).size, vocab.length);
  assert.deepEqual(customerServiceIds(["退", "zzzz"], 4), [vocab.indexOf("退"), 1, 0, 0]);
  assert.throws(() => customerServiceIds(["a", "b"], 1), /2 tokens exceed length 1/);
});

test("the generator is seeded, its queries fit, and bad options get a clear error", () => {
  const a = generateCustomerServiceQueries({ seed: 3, size: 50, split: "test", oodRate: 0.3 });
  assert.deepEqual(generateCustomerServiceQueries({ seed: 3, size: 50, split: "test", oodRate: 0.3 }), a);
  assert.notDeepEqual(generateCustomerServiceQueries({ seed: 4, size: 50, split: "test", oodRate: 0.3 }), a);
  assert.ok(a.every((q) => q.tokens.length > 0 && q.tokens.length <= CUSTOMER_SERVICE_MAX_LENGTH));
  assert.ok(a.some((q) => q.label === CUSTOMER_SERVICE_OOD) && a.some((q) => q.label >= 0));
  assert.throws(
    () => generateCustomerServiceQueries({ seed: 0, size: 5, split: "train", oodRate: 0.2 }),
    /oodRate must be 0 for split "train".*got 0.2/,
  );
  assert.throws(
    () => generateCustomerServiceQueries({ seed: 0, size: 5, split: "dev" as never }),
    /split.*"dev"/,
  );
  assert.throws(
    () => generateCustomerServiceQueries({ seed: 0, size: 5, split: "test", unkRate: 1 }),
    /unkRate/,
  );
  assert.throws(
    () => generateCustomerServiceQueries({ seed: 0, size: 5, split: "test", oodrate: 0.2 } as never),
    /unknown option "oodrate"/,
  );
  assert.throws(() => customerServiceFaq("fr" as never), /language must be "zh" or "en", got "fr"/);
});

test("data: seeded splits and the default dataset hash is the one in datasets/customer-service/README.md", () => {
  const a = customerServiceData(small);
  assert.deepEqual(customerServiceData(small).test, a.test);
  assert.deepEqual(a.dataset.sizes, { train: 40, validation: 40, test: 40 });
  assert.notDeepEqual(a.validation, a.test);
  const { dataset } = customerServiceData(CUSTOMER_SERVICE_DEFAULTS);
  const readme = readFileSync(
    join(__dirname, "..", "..", "datasets", "customer-service", "README.md"),
    "utf8",
  );
  assert.ok(readme.includes(`sha256 (default config): ${dataset.hash}`), dataset.hash);
});

test("batch and model shapes; the pooling attention sums to 1 over the real tokens", async () => {
  await initBackend();
  const data = customerServiceData(small);
  const b = customerServiceBatch(data.test, [0, 1, 2]);
  assert.deepEqual(b.ids.shape, [3, CUSTOMER_SERVICE_MAX_LENGTH]);
  assert.deepEqual(b.validLens.shape, [3]);
  assert.deepEqual(b.labels.shape, [3]);
  const model = customerServiceModel(modelConfig);
  const { output, attention } = model.applyWithAttention(b.ids, { validLens: b.validLens });
  assert.deepEqual(output.shape, [3, CUSTOMER_SERVICE_INTENTS.length]);
  const lens = Array.from(b.validLens.dataSync());
  attention.pooling.arraySync().forEach((row, i) => {
    assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5);
    assert.ok(row.slice(lens[i]).every((v) => v === 0));
  });
  // the encoder written out gives the same pooling weights as the model's own call
  const enc = customerServiceEncode(model, data.test.slice(0, 3));
  const pooling = attention.pooling.arraySync();
  enc.pooling.forEach((row, i) => row.forEach((v, t) => assert.ok(Math.abs(v - pooling[i]![t]!) < 1e-5)));
  assert.equal(enc.states[0]!.length, lens[0]);
  tf.dispose([b, output, attention.pooling, attention.selfAttention!]);
  assert.throws(() => customerServiceBatch(data.test, [99]), /99/);
  assert.throws(() => customerServiceAlignment([[1]], [0.5, 0.5], [[1]]), /needs one weight per token/);
  model.dispose();
});

test("threshold, retrieval and evaluation: clear errors, sensible ranges, no tensor left behind", async () => {
  await initBackend();
  const data = customerServiceData(small);
  const model = customerServiceModel(modelConfig);
  const before = tf.memory().numTensors;
  const e = customerServiceEvaluate(model, data);
  assert.equal(tf.memory().numTensors, before, "customerServiceEvaluate leaks no tensor");
  for (const v of Object.values(e.metrics)) assert.ok(Number.isFinite(v));
  assert.ok(e.metrics.mrr > 0 && e.metrics.mrr <= 1);
  const inDomain = data.test.filter((q) => q.label >= 0);
  assert.equal(e.retrieval.ranks.length, inDomain.length);
  assert.ok(e.retrieval.ranks.every((r) => r >= 1 && r <= CUSTOMER_SERVICE_INTENTS.length));
  const epoch = customerServiceEpochMetrics(model, data.validation);
  assert.equal(tf.memory().numTensors, before, "customerServiceEpochMetrics leaks no tensor");
  assert.deepEqual(Object.keys(epoch).sort(), ["accuracy", "falseFallbackRate", "oodRecall", "threshold"]);
  for (const v of Object.values(epoch)) assert.ok(Number.isFinite(v));
  const onlyIn = data.validation.filter((q) => q.label >= 0);
  assert.throws(() => customerServiceThreshold(model, onlyIn), /0 out-of-domain ones; both are needed/);
  assert.throws(
    () =>
      customerServiceRetrieve(
        model,
        data.test.filter((q) => q.label < 0),
      ),
    /is out of domain; it has no FAQ question/,
  );
  model.dispose();
});

test("experiment config: unknown keys and out-of-range values are rejected", async () => {
  const opts = { quick: true, record: false, progress: "none", log: false } as const;
  await assert.rejects(
    runExperiment(customerServiceExperiment, { ...opts, config: { oodrate: 0.2 } as never }),
    /oodrate/,
  );
  await assert.rejects(
    runExperiment(customerServiceExperiment, { ...opts, config: { oodRate: 0 } }),
    /oodRate/,
  );
  await assert.rejects(
    runExperiment(customerServiceExperiment, { ...opts, config: { unkRate: 1 } }),
    /unkRate/,
  );
});

test("a tiny customer-service run is finite, leaves no tensors behind and repeats exactly", async () => {
  const config = { trainSize: 96, validationSize: 64, testSize: 64, epochs: 1 };
  const opts = { quick: true, config, record: false, progress: "none", log: false } as const;
  await initBackend();
  const before = tf.memory().numTensors;
  const a = await runExperiment(customerServiceExperiment, opts);
  a.artifacts.model.dispose();
  const afterFirst = tf.memory().numTensors;
  const b = await runExperiment(customerServiceExperiment, opts);
  b.artifacts.model.dispose();
  assert.ok(Object.values(a.metrics).every(Number.isFinite), JSON.stringify(a.metrics));
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(tf.memory().numTensors, afterFirst, "a second run leaves no more tensors than the first");
  assert.ok(afterFirst - before <= 8, `${afterFirst - before} tensors left after dispose`);
});

test("validation: other templates than train and test; the per-epoch metrics read the validation queries only", async () => {
  await initBackend();
  const t = customerServiceTemplates();
  const data = customerServiceData({ ...small, validationSize: 200, testSize: 200 });
  const validationIds = new Set(t.validation.map((x) => x.id));
  assert.ok(data.validation.every((q) => validationIds.has(q.template)));
  const seen = new Set([...data.train, ...data.test].map((q) => q.template));
  assert.ok(
    data.validation.every((q) => !seen.has(q.template)),
    "no validation template in train or test",
  );
  assert.deepEqual(
    customerServiceData({ ...small, validationSize: 7 }).test,
    customerServiceData(small).test,
    "the validation size leaves the test draw as it is",
  );
  const model = customerServiceModel(modelConfig);
  try {
    const epoch = customerServiceEpochMetrics(model, data.validation);
    const top = customerServiceProbabilities(model, data.validation).map((r) => Math.max(...r));
    const predicted = customerServiceProbabilities(model, data.validation).map((r) =>
      r.indexOf(Math.max(...r)),
    );
    const inDomain = data.validation.flatMap((q, i) => (q.label >= 0 ? [i] : []));
    const right = inDomain.filter((i) => predicted[i] === data.validation[i]!.label).length;
    assert.equal(epoch.accuracy, right / inDomain.length, "accuracy over the in-domain validation queries");
    const even = data.validation.filter((_, i) => i % 2 === 0);
    assert.equal(epoch.threshold, customerServiceThreshold(model, even).threshold, "τ from the even half");
    const odd = data.validation.flatMap((q, i) => (i % 2 === 1 && q.label < 0 ? [top[i]!] : []));
    assert.equal(
      epoch.oodRecall,
      odd.filter((p) => p < epoch.threshold).length / odd.length,
      "rates on the odd half",
    );
  } finally {
    model.dispose();
  }
  const config = { trainSize: 96, validationSize: 64, testSize: 64, epochs: 1 };
  const run = await runExperiment(customerServiceExperiment, {
    quick: true,
    config,
    record: false,
    progress: "none",
    log: false,
  });
  try {
    assert.deepEqual(
      run.history.at(-1)!.metrics,
      customerServiceEpochMetrics(run.artifacts.model, run.artifacts.data.validation),
      "the per-epoch history is the validation metrics",
    );
  } finally {
    run.artifacts.model.dispose();
  }
});

const check = checkerFor("cases/15-customer-service-intents");

test("exercises: right answers are right, typical slips get their hint, malformed answers are wrong", async () => {
  await initBackend();
  const config = { ...small, ...modelConfig };
  const data = customerServiceData(config);
  const model = customerServiceModel(modelConfig);
  // an untrained model is near uniform (every query falls back at τ = 0.9): a sharper head spreads max p
  const sharper = model.head.getWeights().map((w) => tf.mul(w, 40));
  model.head.setWeights(sharper);
  tf.dispose(sharper);
  try {
    const before = tf.memory().numTensors;
    assertNotYetAndMalformed(check, 3, [{ config, model }]);

    // 1: the fallback rates at τ = 0.9, from the test probabilities
    const tau = 0.9;
    const rates = (queries: typeof data.test) => {
      const top = customerServiceProbabilities(model, queries).map((r) => Math.max(...r));
      const share = (ood: boolean) => {
        const ps = top.filter((_, i) => queries[i]!.label < 0 === ood);
        return ps.filter((p) => p < tau).length / ps.length;
      };
      return { oodRecall: share(true), falseFallbackRate: share(false) };
    };
    const t = rates(data.test);
    assert.ok(t.oodRecall !== t.falseFallbackRate && t.oodRecall > 0 && t.oodRecall < 1, JSON.stringify(t));
    const right1 = check(1, { config, model, tau, ...t });
    assert.equal(right1.status, "right", right1.message);
    const v = rates(data.validation);
    assert.match(check(1, { config, model, tau: 0.5, ...t }).message, /tau should be 0\.9/);
    if (t.oodRecall !== t.falseFallbackRate) {
      const swapped = { config, model, tau, oodRecall: t.falseFallbackRate, falseFallbackRate: t.oodRecall };
      assert.match(check(1, swapped).message, /swapped/);
    }
    if (v.oodRecall !== t.oodRecall || v.falseFallbackRate !== t.falseFallbackRate) {
      assert.match(check(1, { config, model, tau, ...v }).message, /validation/);
    }
    const wrong1 = check(1, { config, model, tau, oodRecall: t.oodRecall, falseFallbackRate: 0.123456 });
    assert.equal(wrong1.status, "wrong");
    assert.match(wrong1.message, /falseFallbackRate/);
    assert.match(check(1, { config: { seed: 0 }, model, tau, ...t }).message, /config/);
    assert.match(check(1, { config, model: {}, tau, ...t }).message, /PoolingClassifier/);

    // 2: MRR per language from the evaluation's ranks
    const e = customerServiceEvaluate(model, data);
    const inDomain = data.test.filter((q) => q.label >= 0);
    const mrrOf = (language: string) => {
      const ranks = e.retrieval.ranks.filter((_, k) => inDomain[k]!.language === language);
      return ranks.reduce((s, r) => s + 1 / r, 0) / ranks.length;
    };
    const [zh, en] = [mrrOf("zh"), mrrOf("en")];
    const right2 = check(2, { config, model, zh, en });
    assert.equal(right2.status, "right", right2.message);
    if (zh !== en) assert.match(check(2, { config, model, zh: en, en: zh }).message, /swapped/);
    if (e.metrics.mrr !== zh) {
      assert.match(check(2, { config, model, zh: e.metrics.mrr, en }).message, /both languages/);
    }
    const zhRanks = e.retrieval.ranks.filter((_, k) => inDomain[k]!.language === "zh");
    const inverseMean = zhRanks.length / zhRanks.reduce((s, r) => s + r, 0);
    if (Math.abs(inverseMean - zh) > 1e-6) {
      assert.match(check(2, { config, model, zh: inverseMean, en }).message, /mean of 1 \/ rank/);
    }
    assert.equal(check(2, { config, model, zh: 0.0123, en }).status, "wrong");
    assert.equal(check(2, { config, model, zh: 2, en }).status, "wrong");

    // 3: tokens and unknowns, the case's way
    const vocab = new Set(customerServiceVocab());
    const counts = (text: string) => {
      const tokens = customerServiceTokens(text);
      return { tokens: tokens.length, unknown: tokens.filter((x) => !vocab.has(x)).length };
    };
    const zhText = "快递被邻居签收了怎么办";
    const enText = "The courier left my package with a neighbour";
    const answer3 = { zh: counts(zhText), en: counts(enText) };
    const right3 = check(3, answer3);
    assert.equal(right3.status, "right", right3.message);
    assert.match(
      check(3, { ...answer3, en: { ...answer3.en, tokens: enText.length } }).message,
      /characters of the text/,
    );
    assert.match(
      check(3, { ...answer3, zh: { ...answer3.zh, tokens: 1 } }).message,
      /splits the text at spaces/,
    );
    const wrong3 = check(3, { ...answer3, zh: { ...answer3.zh, unknown: answer3.zh.unknown + 1 } });
    assert.equal(wrong3.status, "wrong");
    assert.match(wrong3.message, /^.*zh/);
    const unstemmed = (enText.toLowerCase().match(/[a-z]+/g) ?? []).filter((w) => !vocab.has(w)).length;
    if (unstemmed !== answer3.en.unknown) {
      assert.match(
        check(3, { ...answer3, en: { ...answer3.en, unknown: unstemmed } }).message,
        /lower-cased and stemmed/,
      );
    }
    assert.equal(check(3, { zh: answer3.zh }).status, "wrong");
    assert.equal(tf.memory().numTensors, before, "the checks leak no tensor");
  } finally {
    model.dispose();
  }
});

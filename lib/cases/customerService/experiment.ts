/**
 * Case study: customer-service intents in Chinese and English. An attention-pooled encoder (`PoolingClassifier`)
 * reads a query and gives a softmax over nine FAQ intents; the assistant falls back (hands the query on) when the
 * largest probability is below a threshold τ chosen on the validation split — the issue names a threshold, and
 * it needs no out-of-domain training data (the alternative, an explicit out-of-domain class, would need
 * out-of-domain training queries and learns only the kinds it was shown). τ maximises ½(out-of-domain recall +
 * in-domain acceptance) on the validation queries, whose templates (in-domain and out-of-domain) the model never
 * saw. The preset question is retrieved by ranking the nine canonical FAQ questions with a cross-attention
 * similarity over the encoder's token states (`customerServiceSimilarity`). Every metric is measured on the test
 * split, whose templates are held out: `accuracy` (top-1 intent, in-domain queries), `oodRecall` (out-of-domain
 * queries that fall back), `falseFallbackRate` (in-domain queries that fall back), `mrr` (mean reciprocal rank of
 * the right FAQ question among those of the query's language, in-domain queries) and `threshold` (τ). Training
 * runs all its epochs, the learning rate decaying linearly to a tenth of its peak at the last step (epochs and
 * schedule chosen on the validation split); after each epoch it measures the classifier's metrics on the
 * validation split only (`customerServiceEpochMetrics`, the learning curve); the retrieval, which costs most of
 * an evaluation, and every test metric are measured once, after training.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { caseOutput, disposeOnError } from "../../experiments/caseRun.js";
import { defineExperiment } from "../../experiments/experiment.js";
import { softmax } from "../../math/softmax.js";
import { accuracy, argmaxRows } from "../../metrics/classification.js";
import type { PoolingClassifier } from "../../models/poolingClassifier.js";
import { childSeed } from "../../random/childSeed.js";
import type { Target } from "../../records/record.js";
import { allIndices } from "../../train/batches.js";
import { fitAdam } from "../../train/fitAdam.js";
import { trainableVariables } from "../../train/variables.js";
import {
  CUSTOMER_SERVICE_LANGUAGES,
  CUSTOMER_SERVICE_OOD,
  type CustomerServiceData,
  type CustomerServiceExample,
  customerServiceBatch,
  customerServiceData,
  customerServiceFaq,
} from "./data.js";
import { customerServiceEncode, customerServiceModel, customerServiceSimilarity } from "./model.js";

/** Settings of the customer-service experiment. */
export interface CustomerServiceConfig {
  seed: number;
  trainSize: number;
  /** Queries of the validation split (where the fallback threshold is chosen). */
  validationSize: number;
  testSize: number;
  /** Share of out-of-domain queries in the validation and test splits, in (0, 1). */
  oodRate: number;
  /** Probability that a training token is replaced by `<unk>` (word dropout), in [0, 1). */
  unkRate: number;
  /** Epochs, all of them (no early stop: the learning rate decays linearly to a tenth of its peak over the run). */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Label smoothing ε of the training loss (targets (1 − ε)·onehot + ε/K), in [0, 1). */
  labelSmoothing: number;
  dModel: number;
  numHeads: number;
  dFF: number;
  [key: string]: unknown;
}

/**
 * The full-mode settings, chosen on the validation split only. `unkRate` 0.2 and `epochs` 20 with the linear decay
 * of the learning rate to a tenth. The decay was chosen before the validation-only out-of-domain queries were
 * added, when at a constant rate the validation accuracy of the last epochs swung between 0.93 and 0.99. On the
 * present validation split, seeds 0–2, final accuracy 0.991 / 0.965 / 0.962 and OOD recall (the odd half)
 * 0.96 / 0.89 / 0.93; at a constant rate 0.962 / 0.968 / 0.975, moving by up to 0.01 over the last five epochs.
 */
export const CUSTOMER_SERVICE_DEFAULTS: CustomerServiceConfig = {
  seed: 0,
  trainSize: 3000,
  validationSize: 600,
  testSize: 800,
  oodRate: 0.25,
  unkRate: 0.2,
  epochs: 20,
  batchSize: 32,
  learningRate: 3e-3,
  labelSmoothing: 0,
  dModel: 32,
  numHeads: 2,
  dFF: 64,
};

/**
 * The claims of the full-mode run (issue #20), measured on the test split after training. At the defaults the
 * OOD-recall target is not met (0.668 at seed 0: short chit-chat of unknown words is read confidently as an
 * intent; 0.990 and 0.966 at seeds 1 and 2): the experiments table reports it as failed.
 */
export const CUSTOMER_SERVICE_TARGETS: Target[] = [
  { metric: "accuracy", op: ">=", value: 0.95 },
  { metric: "oodRecall", op: ">=", value: 0.8 },
  { metric: "mrr", op: ">=", value: 0.9 },
];

/**
 * p(intent) `[N, K]` of `queries` under `model`: the softmax of its logits, taken in float64 (tier 1 `softmax`).
 * In float32 a trained model's largest probability rounds to exactly 1 for many queries (159 of the 444
 * in-domain validation queries at the defaults), which would leave the fallback threshold τ nothing to tell
 * apart near 1. No tensor survives the call.
 */
export function customerServiceProbabilities(
  model: PoolingClassifier,
  queries: readonly CustomerServiceExample[],
): number[][] {
  if (queries.length === 0) return [];
  const logits = tf.tidy(() => {
    const b = customerServiceBatch(queries, allIndices(queries.length));
    return (model.apply(b.ids, { validLens: b.validLens }) as tf.Tensor).arraySync() as number[][];
  });
  return softmax(logits);
}

/** The fallback threshold and how it does on the queries it was chosen on. */
export interface CustomerServiceThreshold {
  /** τ: a query falls back when its largest intent probability is below τ. */
  threshold: number;
  /** Out-of-domain queries of the validation split below τ. */
  oodRecall: number;
  /** In-domain queries of the validation split below τ. */
  falseFallbackRate: number;
}

/** Largest entry of each row. */
const rowMax = (rows: readonly (readonly number[])[]) => rows.map((r) => Math.max(...r));

/** The in-domain and out-of-domain queries of `queries`, each with its index; both must be present. */
function byDomain(queries: readonly CustomerServiceExample[], where: string) {
  const inDomain = queries.flatMap((q, i) => (q.label === CUSTOMER_SERVICE_OOD ? [] : [i]));
  const outOfDomain = queries.flatMap((q, i) => (q.label === CUSTOMER_SERVICE_OOD ? [i] : []));
  if (inDomain.length === 0 || outOfDomain.length === 0) {
    throw new RangeError(
      `${where}: the queries hold ${inDomain.length} in-domain and ${outOfDomain.length} out-of-domain ones; both are needed (raise the split's size or oodRate)`,
    );
  }
  return { inDomain, outOfDomain };
}

/**
 * The threshold τ chosen on `validation`: among the queries' largest probabilities (each a candidate τ, a query
 * falling back when below it), the one that maximises ½(out-of-domain recall + 1 − false-fallback rate); ties go
 * to the smallest τ. No tensor survives the call.
 */
export function customerServiceThreshold(
  model: PoolingClassifier,
  validation: readonly CustomerServiceExample[],
): CustomerServiceThreshold {
  return chooseThreshold(
    rowMax(customerServiceProbabilities(model, validation)),
    validation,
    "customerServiceThreshold",
  );
}

/** The fallback rates of the queries whose largest probabilities are `top`, with threshold `tau`. */
function fallbackRates(
  top: readonly number[],
  domains: { inDomain: readonly number[]; outOfDomain: readonly number[] },
  tau: number,
): { oodRecall: number; falseFallbackRate: number } {
  return {
    oodRecall: domains.outOfDomain.filter((i) => top[i]! < tau).length / domains.outOfDomain.length,
    falseFallbackRate: domains.inDomain.filter((i) => top[i]! < tau).length / domains.inDomain.length,
  };
}

/** {@link customerServiceThreshold}'s search, on the largest probabilities `top` of `queries`. */
function chooseThreshold(
  top: readonly number[],
  queries: readonly CustomerServiceExample[],
  where: string,
): CustomerServiceThreshold {
  const domains = byDomain(queries, where);
  let best = { threshold: 0, ...fallbackRates(top, domains, 0) };
  let bestScore = 0.5;
  for (const tau of [...new Set(top)].sort((a, b) => a - b)) {
    const r = fallbackRates(top, domains, tau);
    const score = 0.5 * (r.oodRecall + 1 - r.falseFallbackRate);
    if (score > bestScore) [best, bestScore] = [{ threshold: tau, ...r }, score];
  }
  return best;
}

/** Top-1 accuracy on the in-domain queries of `queries`, from their predicted intents. */
function inDomainAccuracy(
  predicted: readonly number[],
  queries: readonly CustomerServiceExample[],
  inDomain: readonly number[],
): number {
  return accuracy(
    inDomain.map((i) => predicted[i]!),
    inDomain.map((i) => queries[i]!.label),
  );
}

/** The rank (1 = first) of each in-domain query's FAQ question, and each query's scores over the questions. */
export interface CustomerServiceRetrieval {
  /** `[N_in, K]`: the similarity of each in-domain query to the K FAQ questions of its language. */
  scores: number[][];
  /** Rank of the right question, 1 … K (ties count against it). */
  ranks: number[];
  /** Mean of 1 / rank. */
  mrr: number;
}

/**
 * Ranks the canonical FAQ questions (of each query's language) for every query of `queries` (all in domain) by
 * `customerServiceSimilarity` over the encoder's states. No tensor survives the call.
 */
export function customerServiceRetrieve(
  model: PoolingClassifier,
  queries: readonly CustomerServiceExample[],
): CustomerServiceRetrieval {
  const bad = queries.findIndex((q) => q.label === CUSTOMER_SERVICE_OOD);
  if (bad >= 0)
    throw new RangeError(`customerServiceRetrieve: query ${bad} is out of domain; it has no FAQ question`);
  if (queries.length === 0) throw new RangeError("customerServiceRetrieve: queries is empty");
  const faqs = Object.fromEntries(
    CUSTOMER_SERVICE_LANGUAGES.map((language) => {
      const e = customerServiceEncode(model, customerServiceFaq(language));
      return [language, e.states.map((states, k) => ({ states, pooling: e.pooling[k]! }))];
    }),
  );
  const encoded = customerServiceEncode(model, queries);
  const scores = queries.map((q, i) => {
    const query = { states: encoded.states[i]!, pooling: encoded.pooling[i]! };
    return faqs[q.language]!.map((faq) => customerServiceSimilarity(query, faq));
  });
  const ranks = scores.map((row, i) => {
    const right = row[queries[i]!.label]!;
    return 1 + row.filter((s, k) => k !== queries[i]!.label && s >= right).length;
  });
  return { scores, ranks, mrr: ranks.reduce((s, r) => s + 1 / r, 0) / ranks.length };
}

/** What the evaluation gives: the metrics, and per test query what the notebook shows. */
export interface CustomerServiceEvaluation {
  metrics: {
    accuracy: number;
    oodRecall: number;
    falseFallbackRate: number;
    mrr: number;
    threshold: number;
  };
  /** τ and its rates on the validation split. */
  validation: CustomerServiceThreshold;
  /** `[N, K]` p(intent) of each test query. */
  probabilities: number[][];
  /** The top intent of each test query. */
  predicted: number[];
  /** Whether each test query falls back (largest probability < τ). */
  fallback: boolean[];
  /** The retrieval of the in-domain test queries (in their order in `test`). */
  retrieval: CustomerServiceRetrieval;
}

/** The classifier's half of the evaluation: τ on the validation split, then the test split without retrieval. */
function classify(
  model: PoolingClassifier,
  data: Pick<CustomerServiceData, "validation" | "test">,
  where: string,
) {
  const validation = customerServiceThreshold(model, data.validation);
  const test = data.test;
  const domains = byDomain(test, `${where} (test)`);
  const probabilities = customerServiceProbabilities(model, test);
  const predicted = argmaxRows(probabilities);
  const top = rowMax(probabilities);
  const fallback = top.map((p) => p < validation.threshold);
  const metrics = {
    accuracy: inDomainAccuracy(predicted, test, domains.inDomain),
    ...fallbackRates(top, domains, validation.threshold),
    threshold: validation.threshold,
  };
  const { inDomain } = domains;
  return { metrics, validation, probabilities, predicted, fallback, inDomain };
}

/**
 * What training measures after each epoch (the learning curve), on the validation queries only — the test
 * split stays unseen until after training: `accuracy` on the in-domain validation queries, and the fallback rates
 * measured the way {@link customerServiceEvaluate} measures them, τ chosen on one half and the rates measured on
 * the other, so they are not measured on the queries τ was fitted to: `threshold` is τ chosen on the
 * even-indexed validation queries, `oodRecall` and `falseFallbackRate` its rates on the odd-indexed ones (the
 * queries are independent draws, so the two halves are alike). No retrieval: MRR is measured once, after
 * training. No tensor survives the call.
 */
export function customerServiceEpochMetrics(
  model: PoolingClassifier,
  validation: readonly CustomerServiceExample[],
): Omit<CustomerServiceEvaluation["metrics"], "mrr"> {
  const where = "customerServiceEpochMetrics";
  const { inDomain } = byDomain(validation, where);
  const probabilities = customerServiceProbabilities(model, validation);
  const top = rowMax(probabilities);
  const half = (parity: number) => ({
    queries: validation.filter((_, i) => i % 2 === parity),
    top: top.filter((_, i) => i % 2 === parity),
  });
  const [fit, measure] = [half(0), half(1)];
  const { threshold } = chooseThreshold(fit.top, fit.queries, where);
  const measured = byDomain(measure.queries, `${where} (odd-indexed validation queries)`);
  return {
    accuracy: inDomainAccuracy(argmaxRows(probabilities), validation, inDomain),
    ...fallbackRates(measure.top, measured, threshold),
    threshold,
  };
}

/**
 * Chooses τ on `data.validation`, then measures on `data.test` (every query): top-1 accuracy and MRR on the
 * in-domain queries, out-of-domain recall and false-fallback rate with τ. No tensor survives the call.
 */
export function customerServiceEvaluate(
  model: PoolingClassifier,
  data: Pick<CustomerServiceData, "validation" | "test">,
): CustomerServiceEvaluation {
  const { metrics, validation, probabilities, predicted, fallback, inDomain } = classify(
    model,
    data,
    "customerServiceEvaluate",
  );
  const retrieval = customerServiceRetrieve(
    model,
    inDomain.map((i) => data.test[i]!),
  );
  return {
    metrics: {
      accuracy: metrics.accuracy,
      oodRecall: metrics.oodRecall,
      falseFallbackRate: metrics.falseFallbackRate,
      mrr: retrieval.mrr,
      threshold: metrics.threshold,
    },
    validation,
    probabilities,
    predicted,
    fallback,
    retrieval,
  };
}

/**
 * The softmax cross-entropy of `model` on a training batch (every label is an intent), with label smoothing
 * `labelSmoothing` (ε: the targets are (1 − ε)·onehot + ε/K; default 0).
 */
export function customerServiceLoss(
  model: PoolingClassifier,
  batch: { ids: tf.Tensor2D; validLens: tf.Tensor1D; labels: tf.Tensor1D },
  labelSmoothing = 0,
): tf.Scalar {
  return tf.tidy(() => {
    const logits = model.apply(batch.ids, { validLens: batch.validLens, training: true }) as tf.Tensor;
    const k = logits.shape[1]!;
    return tf.losses.softmaxCrossEntropy(
      tf.oneHot(batch.labels, k),
      logits,
      undefined,
      labelSmoothing,
    ) as tf.Scalar;
  });
}

/** The trained model (the caller disposes it), the data and the final evaluation. */
export interface CustomerServiceArtifacts {
  model: PoolingClassifier;
  data: CustomerServiceData;
  final: CustomerServiceEvaluation;
}

export const customerServiceExperiment = defineExperiment<CustomerServiceConfig, CustomerServiceArtifacts>({
  name: "customer-service",
  title: "Customer service: bilingual intents, a confidence fallback and FAQ retrieval by cross-attention",
  notebook: "notebooks/cases/15-customer-service-intents.ipynb",
  defaults: CUSTOMER_SERVICE_DEFAULTS,
  quick: { trainSize: 800, validationSize: 200, testSize: 200, epochs: 2 },
  configRules: {
    oodRate: opt.number({ above: 0, below: 1 }),
    unkRate: opt.number({ min: 0, below: 1 }),
    labelSmoothing: opt.number({ min: 0, below: 1 }),
  },
  targets: CUSTOMER_SERVICE_TARGETS,
  run(config, context) {
    const data = customerServiceData(config);
    return disposeOnError(async (own) => {
      const model = own(customerServiceModel(config));
      const steps = config.epochs * Math.ceil(config.trainSize / config.batchSize);
      const training = await fitAdam({
        title: "customer-service",
        adam: { learningRate: config.learningRate },
        // linear decay to a tenth of the peak at the last step
        learningRate: (step) => config.learningRate * (1 - (0.9 * (step - 1)) / steps),
        variables: trainableVariables(model),
        size: config.trainSize,
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: childSeed(config.seed, "shuffle"),
        batch: (ix) => customerServiceBatch(data.train, ix),
        loss: (b) => customerServiceLoss(model, b, config.labelSmoothing),
        evaluate: () => customerServiceEpochMetrics(model, data.validation),
        progress: context.progress,
      });
      const final = customerServiceEvaluate(model, data);
      return caseOutput(data.dataset, training, final.metrics, { model, data, final });
    });
  },
});

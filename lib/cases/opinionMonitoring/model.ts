/**
 * The opinion-monitoring model: ONE shared attention encoder with two softmax heads, built as the kit's
 * `PoolingClassifier` — x_t = E[w_t] + p_t (learned positions), one multi-head self-attention block with a
 * residual, h = x + MHA(x), a ReLU FFN with a residual, h ← h + FFN(h), attention pooling
 * c = Σ_t α_t h_t with α = softmax_t(vᵀ tanh(h_t W + b)) over the real tokens — and a dense layer of 5 + 3
 * logits c·W + b. Its first 5 columns are the topic head (softmax over the 5 topics), its last 3 the sentiment
 * head (softmax over the 3 sentiments): two linear heads on the same pooled vector, stored as one kernel
 * `[E, 8]`. Both heads therefore read the same pooling weights α; what differs is which part of c they weigh.
 */
import * as tf from "@tensorflow/tfjs";
import { PoolingClassifier } from "../../models/poolingClassifier.js";
import { childSeed } from "../../random/childSeed.js";
import {
  OPINION_MONITORING_MAX_LENGTH,
  OPINION_MONITORING_SENTIMENTS,
  OPINION_MONITORING_TOPICS,
  OPINION_MONITORING_VOCAB,
} from "./data.js";

/** The settings the model reads from a case config. */
export interface OpinionMonitoringModelConfig {
  seed: number;
  dModel: number;
  numHeads: number;
  dFF: number;
}

/** The width of the two heads together: 5 topic logits, then 3 sentiment logits. */
export const OPINION_MONITORING_OUTPUTS =
  OPINION_MONITORING_TOPICS.length + OPINION_MONITORING_SENTIMENTS.length;

/** The two-headed classifier over the case's vocabulary, built, seeded by `childSeed(seed, "model")`. */
export function opinionMonitoringModel(config: OpinionMonitoringModelConfig): PoolingClassifier {
  return new PoolingClassifier({
    vocabSize: OPINION_MONITORING_VOCAB.length,
    maxLength: OPINION_MONITORING_MAX_LENGTH,
    dModel: config.dModel,
    numHeads: config.numHeads,
    dFF: config.dFF,
    pooling: "mlp",
    outputs: OPINION_MONITORING_OUTPUTS,
    seed: childSeed(config.seed, "model"),
  }).ensureBuilt();
}

/**
 * The two heads of the model's logits `[B, 8]`: topic logits `[B, 5]` (columns 0–4) and sentiment logits
 * `[B, 3]` (columns 5–7).
 * @example
 *   const { topic, sentiment } = opinionMonitoringHeads(tf.zeros([2, 8]));
 *   [topic.shape, sentiment.shape]; // [[2, 5], [2, 3]]
 */
export function opinionMonitoringHeads(logits: tf.Tensor): { topic: tf.Tensor2D; sentiment: tf.Tensor2D } {
  if (logits.rank !== 2 || logits.shape[1] !== OPINION_MONITORING_OUTPUTS) {
    throw new RangeError(
      `opinionMonitoringHeads: logits should be [B, ${OPINION_MONITORING_OUTPUTS}], got [${logits.shape}]`,
    );
  }
  const t = OPINION_MONITORING_TOPICS.length;
  return {
    topic: tf.slice(logits, [0, 0], [-1, t]) as tf.Tensor2D,
    sentiment: tf.slice(logits, [0, t], [-1, OPINION_MONITORING_SENTIMENTS.length]) as tf.Tensor2D,
  };
}

/**
 * The customer-service model: the kit's `PoolingClassifier` over the case's vocabulary — x_t = E[w_t] + p_t
 * (learned positions), one multi-head self-attention block with a residual, h = x + MHA(x), a ReLU FFN with a
 * residual, h ← h + FFN(h), attention pooling c = Σ_t α_t h_t with α = softmax_t(vᵀ tanh(h_t W + b)) over the
 * real tokens, and K = 9 intent logits c W + b₀ (softmax over the intents).
 *
 * Retrieval of the canonical FAQ question reuses the trained encoder, as the similarity case does with its word
 * vectors, but with library functions only (tier 1: `attend`, `cosine`): each token state a_i of the query
 * attends over the FAQ question's states, ã_i = Σ_j softmax_j(a_i · b_j / √E) b_j, and sim(A→B) =
 * Σ_i α_i cos(a_i, ã_i) weights the cosines by the query's own pooling weights α; the score of a question is
 * ½(sim(A→B) + sim(B→A)).
 */
import * as tf from "@tensorflow/tfjs";
import { attend } from "../../math/attend.js";
import { cosine } from "../../math/scores.js";
import { PoolingClassifier } from "../../models/poolingClassifier.js";
import { childSeed } from "../../random/childSeed.js";
import {
  CUSTOMER_SERVICE_MAX_LENGTH,
  type CustomerServiceExample,
  customerServiceBatch,
  customerServiceVocab,
} from "./data.js";
import { CUSTOMER_SERVICE_INTENTS } from "./templates.js";

/** The settings the model reads from a customer-service config. */
export interface CustomerServiceModelConfig {
  seed: number;
  dModel: number;
  numHeads: number;
  dFF: number;
}

/** The intent classifier over the case's vocabulary, built, seeded by `childSeed(seed, "model")`. */
export function customerServiceModel(config: CustomerServiceModelConfig): PoolingClassifier {
  return new PoolingClassifier({
    vocabSize: customerServiceVocab().length,
    maxLength: CUSTOMER_SERVICE_MAX_LENGTH,
    dModel: config.dModel,
    numHeads: config.numHeads,
    dFF: config.dFF,
    pooling: "mlp",
    outputs: CUSTOMER_SERVICE_INTENTS.length,
    seed: childSeed(config.seed, "model"),
  }).ensureBuilt();
}

/** What the encoder gives for each query: its token states and pooling weights (real tokens only). */
export interface CustomerServiceEncoding {
  /** `[T_q, E]` per query: h after self-attention and the FFN. */
  states: number[][][];
  /** `[T_q]` per query: the pooling weights α (sum to 1). */
  pooling: number[][];
}

/**
 * The token states h and pooling weights α of `queries` under `model` (its own layers, the steps of its `call`
 * up to the pooling), cut to each query's real tokens. No tensor survives the call.
 */
export function customerServiceEncode(
  model: PoolingClassifier,
  queries: readonly CustomerServiceExample[],
): CustomerServiceEncoding {
  if (!(model instanceof PoolingClassifier)) {
    throw new TypeError(
      "customerServiceEncode: model must be a PoolingClassifier built by customerServiceModel",
    );
  }
  const lens = queries.map((q) => q.tokens.length);
  const [h, alpha] = tf.tidy(() => {
    const b = customerServiceBatch(
      queries,
      queries.map((_, i) => i),
    );
    const x = model.positions.apply(model.embedding.apply(b.ids)) as tf.Tensor; // [B, T, E]
    let states = x;
    if (model.selfAttention !== null) {
      states = tf.add(x, model.selfAttention.apply(x, { validLens: b.validLens }) as tf.Tensor);
    }
    if (model.feedForward !== null) states = tf.add(states, model.feedForward.apply(states) as tf.Tensor);
    const pooled = model.pooling.applyWithAttention([states, b.validLens]);
    return [states.arraySync() as number[][][], pooled.attention.arraySync() as number[][]];
  });
  return {
    states: h.map((rows, i) => rows.slice(0, lens[i])),
    pooling: alpha.map((row, i) => row.slice(0, lens[i])),
  };
}

/**
 * sim(A→B) = Σ_i α_i cos(a_i, ã_i) with ã = attend(A, B, B) (scaled dot product): how well each token of A,
 * weighted by A's pooling weights α, finds a counterpart among B's tokens.
 */
export function customerServiceAlignment(a: number[][], alpha: readonly number[], b: number[][]): number {
  if (a.length !== alpha.length || a.length === 0 || b.length === 0) {
    throw new RangeError(
      `customerServiceAlignment: a (${a.length} tokens) needs one weight per token (got ${alpha.length}) and b must be non-empty (${b.length} tokens)`,
    );
  }
  const aligned = attend(a, b, b, { score: "scaledDot" }).output;
  const cos = cosine(a, aligned);
  return alpha.reduce((s, w, i) => s + w * cos[i]![i]!, 0);
}

/** The retrieval score ½(sim(A→B) + sim(B→A)) of two encoded queries. */
export function customerServiceSimilarity(
  a: { states: number[][]; pooling: readonly number[] },
  b: { states: number[][]; pooling: readonly number[] },
): number {
  return (
    0.5 *
    (customerServiceAlignment(a.states, a.pooling, b.states) +
      customerServiceAlignment(b.states, b.pooling, a.states))
  );
}

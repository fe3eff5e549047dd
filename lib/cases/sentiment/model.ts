/**
 * The sentiment model: the kit's `PoolingClassifier` — x_t = E[w_t] + p_t (learned positions), one multi-head
 * self-attention block with a residual, h = x + MHA(x), a ReLU FFN with a residual, h ← h + FFN(h), attention
 * pooling c = Σ_t α_t h_t with α = softmax_t(vᵀ tanh(h_t W + b)) over the real tokens, and one logit
 * c·w + b₀ (p(positive) = σ of it). The ablation drops the FFN (`dFF: 0`): the only non-linearity left is then in
 * the attention weights, which can still represent "not" flipping the label (self-attention lets `not` carry the
 * word after it) — whether training finds that route depends on the initial weights.
 */
import { PoolingClassifier } from "../../models/poolingClassifier.js";
import { childSeed } from "../../random/childSeed.js";
import { SENTIMENT_MAX_LENGTH, sentimentLexicon } from "./data.js";

/** The settings the model reads from a sentiment config. */
export interface SentimentModelConfig {
  seed: number;
  dModel: number;
  numHeads: number;
  /** FFN hidden width; 0 = no FFN (the ablation). */
  dFF: number;
}

/**
 * The classifier over the sentiment vocabulary, built, seeded by `childSeed(seed, part)`: `"model"` for the
 * case's model, `"noFfn/model"` for the ablation.
 */
export function sentimentModel(config: SentimentModelConfig, part = "model"): PoolingClassifier {
  return new PoolingClassifier({
    vocabSize: sentimentLexicon().vocab.length,
    maxLength: SENTIMENT_MAX_LENGTH,
    dModel: config.dModel,
    numHeads: config.numHeads,
    dFF: config.dFF,
    pooling: "mlp",
    outputs: 1,
    seed: childSeed(config.seed, part),
  }).ensureBuilt();
}

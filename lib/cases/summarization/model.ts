/**
 * The summarization model: the kit's hierarchical attention network (`lib/models/hierarchicalAttention.ts`, Yang
 * et al. 2016 scaled down) over the generated vocabulary, classifying a document's event type. Nothing tells it
 * which sentence states the event: the extractive summary is the sentence with the largest sentence weight β.
 */
import { HierarchicalAttention } from "../../models/hierarchicalAttention.js";
import { childSeed } from "../../random/childSeed.js";
import { SUMMARIZATION_EVENTS, SUMMARIZATION_VOCAB } from "./data.js";

/** The settings the model reads from a summarization config. */
export interface SummarizationModelConfig {
  seed: number;
  /** Width of the word vectors, the encoded words, the sentence and document vectors, and the scorers. */
  dModel: number;
  /** Word encoder: a tanh layer per word ("dense") or a GRU over the words and one over the sentences. */
  encoder: "dense" | "gru";
}

/** The network, built (its weights exist), seeded by `childSeed(seed, "model")`. */
export function summarizationModel(config: SummarizationModelConfig): HierarchicalAttention {
  return new HierarchicalAttention({
    vocabSize: SUMMARIZATION_VOCAB.length,
    classes: SUMMARIZATION_EVENTS.length,
    dModel: config.dModel,
    encoder: config.encoder,
    seed: childSeed(config.seed, "model"),
  }).ensureBuilt();
}

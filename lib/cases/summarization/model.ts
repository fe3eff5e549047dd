/**
 * A hierarchical attention network for extractive summarization (catalog C2; Yang et al. 2016, HAN, with the
 * GRUs replaced by position-free word vectors). Word level: x = onehot(w)·E, u = tanh(x W_w + b_w), and attention
 * pooling over each sentence's words, s_k = Σ_j α_kj u_kj. Sentence level: attention pooling over the document's
 * sentences, d = Σ_k β_k s_k. A softmax layer on d predicts the event type (the weak label). Nothing tells the
 * model which sentence is the event: the summary is simply the sentence with the largest β.
 */
import * as tf from "@tensorflow/tfjs";
import { linear } from "../../layers/linear.js";
import { AttentionPooling } from "../../layers/pooling/attentionPooling.js";

/** Sizes of {@link HierarchicalAttentionNet}. */
export interface SummarizationModelOptions {
  vocabSize: number;
  classes: number;
  dModel: number;
  seed: number;
}

/** Class logits `[B, C]`, word weights α `[B, S, W]` and sentence weights β `[B, S]` (caller disposes). */
export type SummarizationForward = {
  logits: tf.Tensor2D;
  wordWeights: tf.Tensor3D;
  sentenceWeights: tf.Tensor2D;
};

/** Word vectors, a word-level and a sentence-level attention pooling, and a softmax classifier. */
export class HierarchicalAttentionNet {
  readonly options: SummarizationModelOptions;
  /** E `[V, D]`, W_w `[D, D]`, b_w `[D]`, classifier `[D, C]` and its bias `[C]`. */
  readonly params: tf.Variable[];
  readonly words: AttentionPooling;
  readonly sentences: AttentionPooling;

  constructor(options: SummarizationModelOptions) {
    this.options = options;
    const { vocabSize, classes, dModel: d, seed } = options;
    const glorot = (k: number, shape: number[]) =>
      tf.variable(tf.initializers.glorotUniform({ seed: seed * 41 + k }).apply(shape) as tf.Tensor);
    this.params = tf.tidy(() => [
      glorot(1, [vocabSize, d]),
      glorot(2, [d, d]),
      tf.variable(tf.zeros([d])),
      glorot(3, [d, classes]),
      tf.variable(tf.zeros([classes])),
    ]);
    this.words = new AttentionPooling({ score: "mlp", units: d, seed: seed * 41 + 4 });
    this.sentences = new AttentionPooling({ score: "mlp", units: d, seed: seed * 41 + 5 });
    tf.tidy(() => {
      this.forward(tf.ones([1, 2, 2], "int32") as tf.Tensor3D, tf.tensor2d([[2, 1]], undefined, "int32"));
    });
  }

  /** Forward pass on ids `[B, S, W]` (0 = pad) with sentence lengths `[B, S]` (0 = no sentence). */
  forward(ids: tf.Tensor3D, lengths: tf.Tensor2D): SummarizationForward {
    return tf.tidy(() => {
      const [b, s, w] = ids.shape;
      const [embedding, kernel, bias, outKernel, outBias] = this.params as [
        tf.Variable,
        tf.Variable,
        tf.Variable,
        tf.Variable,
        tf.Variable,
      ];
      const flat = tf.reshape(ids, [b * s, w]) as tf.Tensor2D; // [B·S, W]
      const x = linear(tf.oneHot(flat, this.options.vocabSize), embedding); // onehot·E, [B·S, W, D]
      const u = tf.tanh(linear(x, kernel, bias)) as tf.Tensor3D; // [B·S, W, D]
      const wordLens = tf.reshape(lengths, [b * s]) as tf.Tensor1D;
      const words = this.words.callAndReturnAttention(u, wordLens); // s_k [B·S, D], α [B·S, W]
      const d = words.output.shape[1];
      const sentenceVectors = tf.reshape(words.output, [b, s, d]) as tf.Tensor3D;
      const docLens = tf.sum(tf.cast(tf.greater(lengths, 0), "int32"), 1) as tf.Tensor1D; // sentences per doc
      const doc = this.sentences.callAndReturnAttention(sentenceVectors, docLens); // d [B, D], β [B, S]
      const logits = linear(doc.output, outKernel, outBias) as tf.Tensor2D; // [B, C]
      return {
        logits,
        wordWeights: tf.reshape(words.weights, [b, s, w]) as tf.Tensor3D,
        sentenceWeights: doc.weights,
      };
    });
  }

  /** Every trained variable. */
  variables(): tf.Variable[] {
    return [
      ...this.params,
      ...[this.words, this.sentences].flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable)),
    ];
  }

  dispose(): void {
    for (const l of [this.words, this.sentences]) for (const w of l.weights) w.dispose();
    tf.dispose(this.params);
  }
}

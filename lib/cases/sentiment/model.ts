/**
 * The sentiment classifier of catalog C4: x_t = onehot(w_t)·E + p_t (learned positions), one multi-head
 * self-attention layer with a residual, h = x + MHA(x); optionally a ReLU FFN with a residual, h ← h + FFN(h);
 * additive attention pooling c = Σ_t α_t h_t with α = softmax_t(vᵀ tanh(h_t W + b)) over the real tokens; and
 * p(positive) = σ(c·w + b₀). Without the FFN everything after the softmaxes is linear in the token vectors,
 * which cannot represent "not" flipping the label (an XOR).
 */
import * as tf from "@tensorflow/tfjs";
import { PositionwiseFeedForward } from "../../layers/feedForward.js";
import { linear } from "../../layers/linear.js";
import { MultiHeadAttention } from "../../layers/multiHeadAttention.js";
import { AttentionPooling } from "../../layers/pooling/attentionPooling.js";
import { LearnedPositionalEncoding } from "../../layers/positionalEncoding.js";

/** Sizes of {@link SentimentClassifier}. */
export interface SentimentModelOptions {
  vocabSize: number;
  maxLength: number;
  dModel: number;
  numHeads: number;
  /** FFN hidden width; 0 = no FFN (the ablation). */
  dFF: number;
  seed: number;
}

/** Logits `[B]`, pooling weights `[B, T]` and self-attention weights `[B, N, T, T]` (caller disposes). */
export type SentimentForward = {
  logits: tf.Tensor1D;
  pooling: tf.Tensor2D;
  selfAttention: tf.Tensor4D;
};

/** One-hot embedding, learned positions, self-attention, optional FFN, attention pooling and a logistic head. */
export class SentimentClassifier {
  readonly options: SentimentModelOptions;
  readonly embedding: tf.Variable;
  readonly positions: LearnedPositionalEncoding;
  readonly attention: MultiHeadAttention;
  readonly ffn: PositionwiseFeedForward | null;
  readonly pool: AttentionPooling;
  readonly head: tf.Variable;
  readonly bias: tf.Variable;

  constructor(options: SentimentModelOptions) {
    this.options = options;
    const { vocabSize, maxLength, dModel, seed } = options;
    this.embedding = tf.tidy(() =>
      tf.variable(
        tf.initializers.glorotUniform({ seed: seed * 31 + 1 }).apply([vocabSize, dModel]) as tf.Tensor,
      ),
    );
    this.positions = new LearnedPositionalEncoding({ maxLength, stddev: 0.1, seed: seed * 31 + 2 });
    this.attention = new MultiHeadAttention({ numHeads: options.numHeads, seed: seed * 31 + 3 });
    this.ffn =
      options.dFF > 0 ? new PositionwiseFeedForward({ dFF: options.dFF, seed: seed * 31 + 4 }) : null;
    this.pool = new AttentionPooling({ score: "mlp", units: dModel, seed: seed * 31 + 5 });
    this.head = tf.tidy(() =>
      tf.variable(tf.initializers.glorotUniform({ seed: seed * 31 + 6 }).apply([dModel, 1]) as tf.Tensor),
    );
    this.bias = tf.tidy(() => tf.variable(tf.zeros([1])));
    // one call builds every layer, so that `variables()` is complete before training
    tf.tidy(() => {
      this.forward(tf.zeros([1, 2], "int32") as tf.Tensor2D, tf.tensor1d([2], "int32"));
    });
  }

  /** Forward pass on padded ids `[B, T]` (0 = pad) with valid lengths `[B]`. */
  forward(ids: tf.Tensor2D, lengths: tf.Tensor1D): SentimentForward {
    return tf.tidy(() => {
      const x0 = linear(tf.oneHot(ids, this.options.vocabSize), this.embedding); // onehot·E, [B, T, D]
      const x = this.positions.apply(x0) as tf.Tensor3D; // + p_t
      const { output, weights } = this.attention.callWithWeights(x, { validLens: lengths });
      let h = tf.add(x, output) as tf.Tensor3D; // residual
      if (this.ffn) h = tf.add(h, this.ffn.apply(h) as tf.Tensor) as tf.Tensor3D;
      const pooled = this.pool.callAndReturnAttention(h, lengths);
      const logits = tf.reshape(linear(pooled.output, this.head, this.bias), [-1]) as tf.Tensor1D;
      return { logits, pooling: pooled.weights, selfAttention: weights as tf.Tensor4D };
    });
  }

  /** Every trained variable. */
  variables(): tf.Variable[] {
    const layers: tf.layers.Layer[] = [
      this.positions,
      this.attention,
      this.pool,
      ...(this.ffn ? [this.ffn] : []),
    ];
    return [
      this.embedding,
      ...layers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable)),
      this.head,
      this.bias,
    ];
  }

  dispose(): void {
    // Layers called through `call`-based helpers are not counted by tfjs-layers' dispose(): dispose weights directly.
    const layers: tf.layers.Layer[] = [
      this.positions,
      this.attention,
      this.pool,
      ...(this.ffn ? [this.ffn] : []),
    ];
    for (const l of layers) for (const w of l.weights) w.dispose();
    tf.dispose([this.embedding, this.head, this.bias]);
  }
}

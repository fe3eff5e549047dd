/**
 * DIN-style target attention (Zhou et al. 2018, "Deep Interest Network", §4.3) and its mean-pooling baseline.
 * A clicked item j is e_j = E_item[i_j] + E_cat[c_j] + p_j (a learned position embedding p_j), the candidate is
 * q = E_item[i] + E_cat[c]. Target attention scores every click against the candidate with a small MLP,
 * s_j = w₂ᵀ relu(W₁ [e_j, q, e_j ⊙ q] + b₁) + b₂, normalises α = softmax_j(s_j) (DIN itself leaves the weights
 * unnormalised; the softmax keeps them comparable across users) and pools u = Σ_j α_j e_j. The baseline pools
 * u = mean_j e_j. Both score the pair with the same head, logit = w₄ᵀ relu(W₃ [u, q, u ⊙ q] + b₃) + b₄.
 * Every product is a plain 2-D matMul (the wasm fast path).
 */
import * as tf from "@tensorflow/tfjs";
import { linear } from "../../layers/linear.js";

/** Sizes of {@link TargetAttentionRecommender}. */
export interface RecommenderOptions {
  items: number;
  categories: number;
  historyLength: number;
  /** Embedding width. */
  dim: number;
  /** Hidden width of the attention MLP and of the head. */
  hidden: number;
  pooling: "attention" | "mean";
  seed: number;
}

/** One batch: history `[B, T]` item and category ids, candidate `[B]` item and category ids (int32). */
export type RecommenderInputs = {
  history: tf.Tensor2D;
  historyCategory: tf.Tensor2D;
  candidate: tf.Tensor1D;
  candidateCategory: tf.Tensor1D;
};

/** The recommender's variables and a forward pass returning logits `[B]` and weights `[B, T]`. */
export class TargetAttentionRecommender {
  readonly options: RecommenderOptions;
  private readonly vars: Record<string, tf.Variable>;

  constructor(options: RecommenderOptions) {
    this.options = options;
    const { items, categories, historyLength, dim, hidden, seed } = options;
    const glorot = (shape: number[], k: number) =>
      tf.variable(tf.initializers.glorotUniform({ seed: seed + k }).apply(shape) as tf.Tensor, true);
    const normal = (shape: number[], k: number) =>
      tf.variable(tf.randomNormal(shape, 0, 0.1, "float32", seed + k), true);
    const zeros = (shape: number[]) => tf.variable(tf.zeros(shape), true);
    this.vars = tf.tidy(() => ({
      item: normal([items, dim], 1),
      category: normal([categories, dim], 2),
      position: normal([historyLength, dim], 3),
      ...(options.pooling === "attention"
        ? {
            w1: glorot([3 * dim, hidden], 4),
            b1: zeros([hidden]),
            w2: glorot([hidden, 1], 5),
            b2: zeros([1]),
          }
        : {}),
      w3: glorot([3 * dim, hidden], 6),
      b3: zeros([hidden]),
      w4: glorot([hidden, 1], 7),
      b4: zeros([1]),
    }));
  }

  /** Logits `[B]` and pooling weights `[B, T]` (uniform 1/T for mean pooling). The caller disposes both. */
  forward(x: RecommenderInputs): { logits: tf.Tensor1D; weights: tf.Tensor2D } {
    return tf.tidy(() => {
      const v = this.vars;
      const [b, t] = x.history.shape;
      const dim = this.options.dim;
      // e_j = E_item[i_j] + E_cat[c_j] + p_j: [B, T, d]; q = E_item[i] + E_cat[c]: [B, d]
      const hist = tf.add(
        tf.reshape(
          tf.add(
            tf.gather(v.item!, tf.reshape(x.history, [-1])),
            tf.gather(v.category!, tf.reshape(x.historyCategory, [-1])),
          ),
          [b, t, dim],
        ),
        v.position!,
      ) as tf.Tensor3D;
      const query = tf.add(
        tf.gather(v.item!, x.candidate),
        tf.gather(v.category!, x.candidateCategory),
      ) as tf.Tensor2D;
      let weights: tf.Tensor2D;
      if (this.options.pooling === "attention") {
        const q = tf.broadcastTo(tf.expandDims(query, 1), [b, t, dim]); // [B, T, d]
        const pair = tf.concat([hist, q, tf.mul(hist, q)], 2); // [B, T, 3d]
        const hidden = tf.relu(linear(pair, v.w1!, v.b1!)); // [B, T, h]
        const scores = tf.reshape(linear(hidden, v.w2!, v.b2!), [b, t]); // [B, T]
        weights = tf.softmax(scores, -1) as tf.Tensor2D;
      } else {
        weights = tf.fill([b, t], 1 / t) as tf.Tensor2D;
      }
      const user = tf.sum(tf.mul(tf.expandDims(weights, 2), hist), 1) as tf.Tensor2D; // [B, d]
      const head = tf.relu(linear(tf.concat([user, query, tf.mul(user, query)], 1), v.w3!, v.b3!)); // [B, h]
      const logits = tf.reshape(linear(head, v.w4!, v.b4!), [b]) as tf.Tensor1D;
      return { logits, weights };
    });
  }

  /** Every trained variable. */
  variables(): tf.Variable[] {
    return Object.values(this.vars);
  }

  dispose(): void {
    for (const v of Object.values(this.vars)) v.dispose();
  }
}

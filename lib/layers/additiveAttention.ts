/**
 * Additive (Bahdanau) attention as a tfjs layer: scores vᵀ tanh(q W_q + k W_k), masked softmax, weighted values.
 * Follows: Bahdanau et al. 2015 App. A.1.2 in the row convention; d2l §11.3.3; tier-1 `attend` with
 * `score: "additive"`, which it equals with the same weights.
 *
 * Weight layout (`getWeights()` order): 0 `queryKernel [D_q, units]` = W_q, 1 `keyKernel [D_k, units]` = W_k,
 * 2 `scoreVector [units]` = v. No biases (tier 1 has none); no scaling (scale 1).
 */
import * as tf from "@tensorflow/tfjs";
import { childSeed } from "../random/childSeed.js";
import { SIZE } from "./layerOptions.js";
import { linear } from "./linear.js";
import { ScoreAttention, type ScoreAttentionArgs } from "./scoreAttention.js";

/** Constructor arguments of {@link AdditiveAttention}. */
export interface AdditiveAttentionArgs extends ScoreAttentionArgs {
  /** Hidden width of the score network (columns of W_q and W_k, length of v). Required. */
  units: number;
}

/** Additive attention. Inputs `[query [B, T, D_q], value [B, S, D_v]]` or `[query, value, key [B, S, D_k]]`. */
export class AdditiveAttention extends ScoreAttention {
  static className = "AdditiveAttention";
  readonly units: number;
  private params: tf.LayerVariable[] = [];

  constructor(args: AdditiveAttentionArgs) {
    super(args, "AdditiveAttention", { units: SIZE({ required: true }) });
    this.units = args.units;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [q, v, k = v] = inputShape as tf.Shape[];
    const init = (i: number) => tf.initializers.glorotUniform({ seed: childSeed(this.seed, `init/${i}`) });
    this.params = [
      this.addWeight("queryKernel", [q!.at(-1)!, this.units], "float32", init(0)),
      this.addWeight("keyKernel", [k!.at(-1)!, this.units], "float32", init(1)),
      this.addWeight(
        "scoreVector",
        [this.units],
        "float32",
        tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: childSeed(this.seed, "init/v") }),
      ),
    ];
    this.built = true;
  }

  protected override scores(query: tf.Tensor, key: tf.Tensor): tf.Tensor {
    const [b, t] = query.shape as number[];
    const s = key.shape[1]!;
    const [wq, wk, v] = this.params.map((p) => p.read());
    // vᵀ tanh(q_i W_q + k_j W_k), broadcast over (i, j)
    const qh = linear(query, wq!).reshape([b!, t!, 1, this.units]); // [B, T, 1, U]
    const kh = linear(key, wk!).reshape([b!, 1, s, this.units]); // [B, 1, S, U]
    return linear(tf.tanh(tf.add(qh, kh)), v!.reshape([this.units, 1])).reshape([b!, t!, s]); // [B, T, S]
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

tf.serialization.registerClass(AdditiveAttention);

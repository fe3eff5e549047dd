/**
 * General (Luong bilinear) attention as a tfjs layer: scores Q W Kᵀ (times an optional scale), masked softmax,
 * weighted values. Follows: Luong et al. 2015 §3.1 "general"; tier-1 `attend` with `score: "general"`, which it
 * equals with the same weights.
 *
 * Weight layout (`getWeights()` order): 0 `kernel [D_q, D_k]` = W. No bias.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import { childSeed } from "../random/childSeed.js";
import { linear } from "./linear.js";
import { ScoreAttention, type ScoreAttentionArgs } from "./scoreAttention.js";

/** Constructor arguments of {@link GeneralAttention}. */
export interface GeneralAttentionArgs extends ScoreAttentionArgs {
  /** Multiply the scores by this (a finite number) before the softmax. Default 1 (as tier 1). */
  scale?: number;
}

/** General attention. Inputs `[query [B, T, D_q], value [B, S, D_v]]` or `[query, value, key [B, S, D_k]]`. */
export class GeneralAttention extends ScoreAttention {
  static className = "GeneralAttention";
  readonly scale: number;
  private kernel: tf.LayerVariable | null = null;

  constructor(args: GeneralAttentionArgs = {}) {
    super(args, "GeneralAttention", { scale: opt.number() });
    this.scale = args.scale ?? 1;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [q, v, k = v] = inputShape as tf.Shape[];
    const init = tf.initializers.glorotUniform({ seed: childSeed(this.seed, "init/w") });
    this.kernel = this.addWeight("kernel", [q!.at(-1)!, k!.at(-1)!], "float32", init);
    this.built = true;
  }

  protected override scores(query: tf.Tensor, key: tf.Tensor): tf.Tensor {
    const qw = linear(query, this.kernel!.read()); // [B, T, D_k]
    return tf.mul(tf.matMul(qw, key, false, true), this.scale); // (Q W) Kᵀ · scale: [B, T, S]
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

tf.serialization.registerClass(GeneralAttention);

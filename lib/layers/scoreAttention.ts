/**
 * The part every single-head score attention layer shares: inputs `[query, value, key?]`, masked softmax of the
 * subclass's scores, dropout on the weights while training, and the weighted sum of values. Subclasses supply
 * only their weights (`build`) and `scores(query, key)`. Follows: d2l §11.3 (attention scoring functions).
 */
import * as tf from "@tensorflow/tfjs";
import type { OptionSpec } from "../check/options.js";
import {
  ATTENTION_CALL_SPEC,
  ATTENTION_MASK_SPEC,
  type AttentionMaskArgs,
  attentionMask,
  maskedSoftmax,
  NO_UPSTREAM_MASK,
} from "./attentionMask.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  RATE,
  SEED,
} from "./layerOptions.js";
import type { AttentionResult } from "./multiHeadAttention.js";

/** Call arguments: masks, training mode, and whether to return the weights `[B, T, S]` too. */
export interface ScoreAttentionCallArgs extends AttentionMaskArgs {
  training?: boolean;
  returnAttention?: boolean;
}

/** Constructor arguments shared by the score attention layers. */
export interface ScoreAttentionArgs extends BaseLayerArgs {
  /** Dropout rate on the attention weights while training, in [0, 1). Default 0. */
  dropout?: number;
  /** Seed of the weight initializers and of dropout. Default 0. */
  seed?: number;
}

/** The rules of {@link ScoreAttentionArgs}; a subclass adds its own. */
export const SCORE_ATTENTION_ARGS: OptionSpec = { dropout: RATE, seed: SEED };

/** Base layer. Inputs `[query [B, T, D_q], value [B, S, D_v]]` or `[query, value, key [B, S, D_k]]`. */
export abstract class ScoreAttention extends tf.layers.Layer {
  readonly dropout: number;
  readonly seed: number;
  private calls = 0;

  /** `own` is the subclass's rules, checked with the shared ones under the subclass's class name. */
  constructor(args: ScoreAttentionArgs, where: string, own: OptionSpec = {}) {
    super(baseLayerArgs(checkLayerArgs(where, args, { ...SCORE_ATTENTION_ARGS, ...own })));
    this.dropout = args.dropout ?? 0;
    this.seed = args.seed ?? 0;
  }

  /** Scores `[B, T, S]` of queries `[B, T, D_q]` against keys `[B, S, D_k]`. */
  protected abstract scores(query: tf.Tensor, key: tf.Tensor): tf.Tensor;

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [q, v] = inputShape as tf.Shape[];
    return [...q!.slice(0, -1), v!.at(-1)!];
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: ScoreAttentionCallArgs = {},
  ): tf.Tensor | tf.Tensor[] {
    checkCallArgs(this.getClassName(), kwargs, ATTENTION_CALL_SPEC, NO_UPSTREAM_MASK);
    return tf.tidy(() => {
      const [query, value, key = value] = inputs as tf.Tensor[];
      const [b, t] = query!.shape as number[];
      const s = value!.shape[1]!;
      // 1) score 2) mask 3) softmax 4) weight the values
      const scores = this.scores(query!, key!); // [B, T, S]
      const weights = maskedSoftmax(scores, attentionMask(b!, t!, s, kwargs, this.getClassName())); // [B, T, S]
      const dropped =
        kwargs.training && this.dropout > 0
          ? tf.dropout(weights, this.dropout, undefined, this.seed * 7919 + ++this.calls)
          : weights;
      const output = tf.matMul(dropped, value!); // [B, T, D_v]
      return kwargs.returnAttention ? [output, weights] : output;
    });
  }

  /** Runs the layer (building it if needed) and returns the output `[B, T, D_v]` and weights `[B, T, S]`. */
  callWithWeights(
    inputs: tf.Tensor[],
    kwargs: AttentionMaskArgs & { training?: boolean } = {},
  ): AttentionResult {
    const where = `${this.getClassName()}.callWithWeights`;
    checkCallArgs(where, kwargs, ATTENTION_MASK_SPEC, NO_UPSTREAM_MASK);
    const [output, weights] = this.apply(inputs, { ...kwargs, returnAttention: true }) as tf.Tensor[];
    return { output: output!, weights: weights! };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dropout: this.dropout, seed: this.seed };
  }
}

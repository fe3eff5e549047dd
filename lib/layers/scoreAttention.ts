/**
 * The part every single-head score attention layer shares: inputs `[query, value, key?]`, masked softmax of the
 * subclass's scores, dropout on the weights while training, and the weighted sum of values. Subclasses supply
 * only their weights (`build`) and `scores(query, key)`. Follows: d2l §11.3 (attention scoring functions).
 */
import * as tf from "@tensorflow/tfjs";
import type { OptionSpec } from "../check/options.js";
import { childSeed } from "../random/childSeed.js";
import {
  ATTENTION_CALL_SPEC,
  ATTENTION_MASK_SPEC,
  type AttentionCallArgs,
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
import { type AttentionCallRules, applyReturningAttention, type WithAttention } from "./withAttention.js";

/** Call arguments: masks, training mode, and whether to return the weights `[B, T, S]` too. */
export interface ScoreAttentionCallArgs extends AttentionCallArgs {
  /** Return `[output, weights [B, T, S]]` instead of `output`. Default `false`. */
  returnAttention?: boolean;
}

/** The rules of {@link ScoreAttention.applyWithAttention}'s options. */
const WITH_ATTENTION: AttentionCallRules = { spec: ATTENTION_MASK_SPEC, mask: NO_UPSTREAM_MASK };

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
    const [q, v] = splitShapes(this.getClassName(), inputShape);
    return [...q.slice(0, -1), v.at(-1) ?? null];
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: ScoreAttentionCallArgs = {},
  ): tf.Tensor | tf.Tensor[] {
    checkCallArgs(this.getClassName(), kwargs, ATTENTION_CALL_SPEC, NO_UPSTREAM_MASK);
    return tf.tidy(() => {
      const [query, value, key] = splitInputs(this.getClassName(), inputs);
      const [b, t] = query.shape;
      const s = value.shape[1];
      // 1) score 2) mask 3) softmax 4) weight the values
      const scores = this.scores(query, key); // [B, T, S]
      const weights = maskedSoftmax(scores, attentionMask(b, t, s, kwargs, this.getClassName())); // [B, T, S]
      const dropped =
        kwargs.training && this.dropout > 0
          ? tf.dropout(weights, this.dropout, undefined, childSeed(this.seed, `dropout/${++this.calls}`))
          : weights;
      const output = tf.matMul(dropped, value); // [B, T, D_v]
      return kwargs.returnAttention ? [output, weights] : output;
    });
  }

  /**
   * `apply` that also returns the attention weights: output `[B, T, D_v]`, attention `[B, T, S]` (the caller
   * disposes both). Builds the layer on first use.
   */
  applyWithAttention(inputs: tf.Tensor[], kwargs: AttentionCallArgs = {}): WithAttention {
    const [output, attention] = applyReturningAttention<[tf.Tensor]>(this, inputs, kwargs, WITH_ATTENTION, 1);
    return { output, attention };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dropout: this.dropout, seed: this.seed };
  }
}

/** `[query, value, key]` shapes from `[query, value]` or `[query, value, key]`. */
function splitShapes(where: string, inputShape: tf.Shape | tf.Shape[]): [tf.Shape, tf.Shape, tf.Shape] {
  const list = Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[]) : [];
  const [q, v, k = v] = list;
  if (q === undefined || v === undefined || k === undefined || list.length > 3) {
    throw new RangeError(
      `${where}: expects inputs [query, value] or [query, value, key], got ${list.length}`,
    );
  }
  return [q, v, k];
}

/** `[query [B, T, D_q], value [B, S, D_v], key [B, S, D_k]]` from `[query, value]` or `[query, value, key]`. */
function splitInputs(
  where: string,
  inputs: tf.Tensor | tf.Tensor[],
): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
  const list = Array.isArray(inputs) ? inputs : [];
  const [query, value, key = value] = list;
  if (query === undefined || value === undefined || key === undefined || list.length > 3) {
    throw new RangeError(
      `${where}: expects inputs [query, value] or [query, value, key], got ${list.length}`,
    );
  }
  for (const [name, x] of [
    ["query", query],
    ["value", value],
    ["key", key],
  ] as const) {
    if (x.rank !== 3) throw new RangeError(`${where}: ${name} must be [B, length, width], got [${x.shape}]`);
  }
  return [query as tf.Tensor3D, value as tf.Tensor3D, key as tf.Tensor3D];
}

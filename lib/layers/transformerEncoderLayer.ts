/**
 * One Transformer encoder layer: self-attention and a feed-forward block, each wrapped in dropout, a residual
 * connection and LayerNorm (post-LN by default, pre-LN with `normFirst`). Follows: Vaswani et al. 2017 §3.1
 * (LayerNorm(x + Sublayer(x))); Xiong et al. 2020 (pre-LN, x + Sublayer(LayerNorm(x))); PyTorch's
 * `TransformerEncoderLayer` (`norm_first`).
 *
 * Weight layout (`getWeights()` order): self-attention (see {@link MultiHeadAttention}), feed-forward (see
 * {@link PositionwiseFeedForward}), then gamma and beta of the first and of the second LayerNorm.
 */
import * as tf from "@tensorflow/tfjs";
import type { RopeLayout } from "../math/rope.js";
import { opt } from "../check/options.js";
import { childSeed } from "../random/childSeed.js";
import {
  ATTENTION_CALL_SPEC,
  ATTENTION_MASK_SPEC,
  type AttentionCallArgs,
  NO_UPSTREAM_MASK,
} from "./attentionMask.js";
import { CompositeLayer } from "./compositeLayer.js";
import { FFN_ACTIVATIONS, PositionwiseFeedForward } from "./feedForward.js";
import { EPSILON, LayerNorm } from "./layerNorm.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  RATE,
  SEED,
  SIZE,
} from "./layerOptions.js";
import { type KeyValueHeads, MultiHeadAttention } from "./multiHeadAttention.js";
import { ROPE_ARGS, ropeSetting } from "./rope.js";
import { type AttentionCallRules, applyReturningAttention, type WithAttention } from "./withAttention.js";

/** Constructor arguments shared by the encoder and decoder layers. */
export interface TransformerLayerArgs extends BaseLayerArgs {
  /** Number of heads N (E must be divisible by it). Required. */
  numHeads: number;
  /** Hidden width of the feed-forward block. Required. */
  dFF: number;
  /** Dropout rate (in [0, 1)) after each sublayer, on attention weights and in the FFN, while training. Default 0. */
  dropout?: number;
  /** Pre-LN (LayerNorm before each sublayer) instead of post-LN. Default `false`. */
  normFirst?: boolean;
  /** FFN activation. Default "relu". */
  activation?: "relu" | "gelu";
  /** LayerNorm epsilon, > 0. Default 1e-5. */
  layerNormEpsilon?: number;
  /**
   * Rotary positions in the self-attention (see {@link MultiHeadAttention}'s `rope`); a decoder layer's
   * cross-attention stays unrotated (query and key positions belong to different sequences). Default none.
   */
  rope?: RopeLayout | null;
  /** The base of RoPE's frequencies (only with `rope`). Default 10000. */
  ropeBase?: number;
  /** Seed of every initializer and of dropout. Default 0. */
  seed?: number;
}

/** The rules of {@link TransformerLayerArgs} (with tfjs's base layer keys). */
export const TRANSFORMER_LAYER_ARGS = {
  numHeads: SIZE({ required: true }),
  dFF: SIZE({ required: true }),
  dropout: RATE,
  normFirst: opt.boolean(),
  activation: opt.oneOf(FFN_ACTIVATIONS),
  layerNormEpsilon: EPSILON,
  ...ROPE_ARGS,
  seed: SEED,
};

/** The base args of a Transformer layer, after checking all of `args` under `where`. */
export function transformerLayerBase(where: string, args: TransformerLayerArgs): BaseLayerArgs {
  const checked = checkLayerArgs(where, args, TRANSFORMER_LAYER_ARGS, ["rope"]);
  ropeSetting(where, checked);
  return baseLayerArgs(checked);
}

/** Call arguments of the encoder layer: padding mask of the input, training mode, weights on request. */
export interface EncoderLayerCallArgs extends AttentionCallArgs {
  /** Return `[output, selfAttentionWeights [B, N, T, T]]`. Default `false`. */
  returnAttention?: boolean;
}

/** The rules of {@link TransformerEncoderLayer.applyWithAttention}'s options (the masks and `training`). */
const WITH_ATTENTION: AttentionCallRules = { spec: ATTENTION_MASK_SPEC, mask: NO_UPSTREAM_MASK };

/** Every setting of a Transformer layer, defaults filled in. */
export type TransformerLayerSettings = Required<
  Omit<TransformerLayerArgs, keyof BaseLayerArgs | "ropeBase">
> &
  Pick<TransformerLayerArgs, "ropeBase">;

/** Resolved defaults of {@link TransformerLayerArgs}. */
export function transformerLayerDefaults(args: TransformerLayerArgs): TransformerLayerSettings {
  return {
    numHeads: args.numHeads,
    dFF: args.dFF,
    dropout: args.dropout ?? 0,
    normFirst: args.normFirst ?? false,
    activation: args.activation ?? "relu",
    layerNormEpsilon: args.layerNormEpsilon ?? 1e-5,
    rope: args.rope ?? null,
    ...(args.ropeBase === undefined ? {} : { ropeBase: args.ropeBase }),
    seed: args.seed ?? 0,
  };
}

/** The RoPE arguments a layer's self-attention gets from its settings (none without `rope`). */
export function selfAttentionRope(
  settings: TransformerLayerSettings,
): Pick<TransformerLayerArgs, "rope" | "ropeBase"> {
  return settings.rope === null ? {} : { rope: settings.rope, ropeBase: settings.ropeBase };
}

/** Encoder layer: `x [B, T, E]` → `[B, T, E]`. */
export class TransformerEncoderLayer extends CompositeLayer {
  static className = "TransformerEncoderLayer";
  readonly args: TransformerLayerSettings;
  private calls = 0;
  readonly selfAttention: MultiHeadAttention;
  readonly feedForward: PositionwiseFeedForward;
  readonly norms: tf.layers.Layer[];

  constructor(args: TransformerLayerArgs) {
    super(transformerLayerBase("TransformerEncoderLayer", args));
    this.args = transformerLayerDefaults(args);
    const { numHeads, dFF, dropout, activation, layerNormEpsilon: epsilon, seed } = this.args;
    this.selfAttention = new MultiHeadAttention({
      numHeads,
      dropout,
      ...selfAttentionRope(this.args),
      seed: childSeed(seed, "selfAttention"),
    });
    this.feedForward = new PositionwiseFeedForward({
      dFF,
      activation,
      dropout,
      seed: childSeed(seed, "feedForward"),
    });
    this.norms = [0, 1].map(() => new LayerNorm({ epsilon }));
  }

  protected sublayers(): tf.layers.Layer[] {
    return [this.selfAttention, this.feedForward, ...this.norms];
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    for (const layer of this.sublayers()) this.buildSublayer(layer, shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape): tf.Shape {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: EncoderLayerCallArgs = {}): tf.Tensor | tf.Tensor[] {
    checkCallArgs("TransformerEncoderLayer", kwargs, ATTENTION_CALL_SPEC, NO_UPSTREAM_MASK);
    return tf.tidy(() => {
      const x = onlyInput(inputs);
      const { training, validLens, attentionMask, causal, queryOffset } = kwargs;
      const weights: tf.Tensor[] = []; // the one self-attention map [B, N, T, T]
      const attend = (h: tf.Tensor) => {
        const masks = { validLens, attentionMask, causal, queryOffset, training };
        const r = this.selfAttention.applyWithAttention(h, masks);
        weights.push(r.attention);
        return r.output;
      };
      const y = residual(this, x, attend, 0, training);
      const out = residual(this, y, (h) => this.feedForward.apply(h, { training }) as tf.Tensor, 1, training);
      return kwargs.returnAttention ? [out, ...weights] : out;
    });
  }

  /**
   * `apply` that also returns the self-attention weights: output `[B, T, E]`, attention `[B, N, T, T]` (the
   * caller disposes both). Builds the layer on first use.
   */
  applyWithAttention(x: tf.Tensor, kwargs: AttentionCallArgs = {}): WithAttention {
    const [output, attention] = applyReturningAttention<[tf.Tensor]>(this, x, kwargs, WITH_ATTENTION, 1);
    return { output, attention };
  }

  /**
   * One cached step of the layer used causally (a GPT block): `x [B, T, E]` are T new positions, `past` the
   * self-attention keys and values of the S_past earlier ones (`null` at the start). The new positions' keys and
   * values are appended and attended with `causal: true, queryOffset: S_past`, so the output `[B, T, E]` equals
   * the last T rows of `apply(all positions, { causal: true })`. Returns it and the grown keys and values
   * `[B, N, S_past + T, H]` (the caller disposes all three; `past` is left as it was). Inference only (no dropout).
   */
  causalStep(x: tf.Tensor, past: KeyValueHeads | null): { output: tf.Tensor; cache: KeyValueHeads } {
    return tf.tidy(() => {
      let cache: KeyValueHeads | undefined;
      const attend = (h: tf.Tensor) => {
        cache = appendKeyValues(past, this.selfAttention.projectKeyValues(h));
        const queryOffset = past === null ? 0 : past.keys.shape[2]!;
        const r = this.selfAttention.attendKeyValues(h, cache.keys, cache.values, {
          causal: true,
          queryOffset,
        });
        return r.output;
      };
      const y = residual(this, x, attend, 0, false);
      const output = residual(this, y, (h) => this.feedForward.apply(h) as tf.Tensor, 1, false);
      return { output, cache: cache! };
    });
  }

  /** A seed for the next dropout mask (a fresh one each call, reproducible from `seed`). */
  nextSeed(): number {
    return childSeed(this.args.seed, `dropout/${++this.calls}`);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}

/** `past` with `now`'s positions appended along the sequence axis (2): `[B, N, S_past + T, H]` each. */
export function appendKeyValues(past: KeyValueHeads | null, now: KeyValueHeads): KeyValueHeads {
  if (past === null) return now;
  return { keys: tf.concat([past.keys, now.keys], 2), values: tf.concat([past.values, now.values], 2) };
}

/** A layer with `args.dropout`, `args.normFirst`, LayerNorms and a dropout seed, as both Transformer layers are. */
export interface ResidualHost {
  readonly args: { dropout: number; normFirst: boolean };
  readonly norms: tf.layers.Layer[];
  nextSeed(): number;
}

/**
 * One residual sublayer: post-LN `LN(x + drop(f(x)))` or pre-LN `x + drop(f(LN(x)))` with LayerNorm `norm`.
 */
export function residual(
  host: ResidualHost,
  x: tf.Tensor,
  f: (h: tf.Tensor) => tf.Tensor,
  norm: number,
  training: boolean | undefined,
): tf.Tensor {
  const ln = host.norms[norm];
  if (ln === undefined)
    throw new RangeError(`residual: no LayerNorm ${norm} (the layer has ${host.norms.length})`);
  const drop = (h: tf.Tensor) =>
    training && host.args.dropout > 0 ? tf.dropout(h, host.args.dropout, undefined, host.nextSeed()) : h;
  if (host.args.normFirst) return tf.add(x, drop(f(ln.apply(x) as tf.Tensor))); // [B, T, E]
  return ln.apply(tf.add(x, drop(f(x)))) as tf.Tensor; // [B, T, E]
}

/** The one input `x [B, T, E]`, given alone or as a list of one. */
function onlyInput(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const [x] = list;
  if (x === undefined || list.length !== 1) {
    throw new RangeError(`TransformerEncoderLayer: expects one input x [B, T, E], got ${list.length}`);
  }
  return x;
}

tf.serialization.registerClass(TransformerEncoderLayer);

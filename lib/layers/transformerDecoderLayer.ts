/**
 * One Transformer decoder layer: causal self-attention, cross-attention over the encoder output (memory) and a
 * feed-forward block, each with dropout, residual and LayerNorm (post-LN default, pre-LN with `normFirst`).
 * Follows: Vaswani et al. 2017 §3.1 and §3.2.3 (masked decoder self-attention); PyTorch `TransformerDecoderLayer`.
 *
 * Weight layout (`getWeights()` order): self-attention, cross-attention (see {@link MultiHeadAttention}),
 * feed-forward (see {@link PositionwiseFeedForward}), then gamma and beta of LayerNorms 1, 2, 3.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import { childSeed } from "../random/childSeed.js";
import { NO_UPSTREAM_MASK } from "./attentionMask.js";
import { CompositeLayer } from "./compositeLayer.js";
import { PositionwiseFeedForward } from "./feedForward.js";
import { LayerNorm } from "./layerNorm.js";
import { checkCallArgs } from "./layerOptions.js";
import { checkedLens, type MaskInput } from "./maskValues.js";
import { type KeyValueHeads, MultiHeadAttention } from "./multiHeadAttention.js";
import {
  appendKeyValues,
  residual,
  selfAttentionRope,
  type TransformerLayerArgs,
  type TransformerLayerSettings,
  transformerLayerBase,
  transformerLayerDefaults,
} from "./transformerEncoderLayer.js";
import { type AttentionCallRules, applyReturningAttention, type WithAttention } from "./withAttention.js";

/** What {@link TransformerDecoderLayer.applyWithAttention} takes: the padding of both sides, training mode. */
export interface DecoderLayerAttentionArgs {
  /** Valid lengths of the memory (source padding), `[B]`, integers in [0, S]. Default: no padding. */
  memoryValidLens?: MaskInput;
  /** Valid lengths of the target, `[B]`, integers in [0, T], on top of the causal mask. Default: none. */
  validLens?: MaskInput;
  training?: boolean;
}

/** Call arguments of the decoder layer. */
export interface DecoderLayerCallArgs extends DecoderLayerAttentionArgs {
  /** Return `[output, selfWeights [B, N, T, T], crossWeights [B, N, T, S]]`. Default `false`. */
  returnAttention?: boolean;
}

/** The decoder layer's two maps: causal self-attention `[B, N, T, T]`, cross-attention `[B, N, T, S]`. */
export type DecoderLayerAttention = {
  self: tf.Tensor;
  cross: tf.Tensor;
};

/** The rules of {@link DecoderLayerAttentionArgs} and {@link DecoderLayerCallArgs}. */
const MASKS = { memoryValidLens: opt.any(), validLens: opt.any() };
const CALL_SPEC = { ...MASKS, returnAttention: opt.boolean() };
const WITH_ATTENTION: AttentionCallRules = { spec: MASKS, mask: NO_UPSTREAM_MASK };

/** Decoder layer: inputs `[x [B, T, E], memory [B, S, E]]` → `[B, T, E]`. */
export class TransformerDecoderLayer extends CompositeLayer {
  static className = "TransformerDecoderLayer";
  readonly args: TransformerLayerSettings;
  private calls = 0;
  readonly selfAttention: MultiHeadAttention;
  readonly crossAttention: MultiHeadAttention;
  readonly feedForward: PositionwiseFeedForward;
  readonly norms: tf.layers.Layer[];

  constructor(args: TransformerLayerArgs) {
    super(transformerLayerBase("TransformerDecoderLayer", args));
    this.args = transformerLayerDefaults(args);
    const { numHeads, dFF, dropout, activation, layerNormEpsilon: epsilon, seed } = this.args;
    this.selfAttention = new MultiHeadAttention({
      numHeads,
      dropout,
      useCausalMask: true,
      ...selfAttentionRope(this.args),
      seed: childSeed(seed, "selfAttention"),
    });
    this.crossAttention = new MultiHeadAttention({
      numHeads,
      dropout,
      seed: childSeed(seed, "crossAttention"),
    });
    this.feedForward = new PositionwiseFeedForward({
      dFF,
      activation,
      dropout,
      seed: childSeed(seed, "feedForward"),
    });
    this.norms = [0, 1, 2].map(() => new LayerNorm({ epsilon }));
  }

  protected sublayers(): tf.layers.Layer[] {
    return [this.selfAttention, this.crossAttention, this.feedForward, ...this.norms];
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [x, memory] = twoInputs(Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[]) : []);
    this.buildSublayer(this.selfAttention, x);
    this.buildSublayer(this.crossAttention, [x, memory]);
    for (const layer of [this.feedForward, ...this.norms]) this.buildSublayer(layer, x);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return twoInputs(Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[]) : [])[0];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: DecoderLayerCallArgs = {}): tf.Tensor | tf.Tensor[] {
    checkCallArgs("TransformerDecoderLayer", kwargs, CALL_SPEC, NO_UPSTREAM_MASK);
    return tf.tidy(() => {
      const [x, memory] = twoInputs(Array.isArray(inputs) ? inputs : [inputs]);
      const { training } = kwargs;
      const [b, t, s] = [x.shape[0], x.shape[1], memory.shape[1]];
      if (b === undefined || t === undefined || s === undefined || x.rank !== 3 || memory.rank !== 3) {
        throw new RangeError(
          `TransformerDecoderLayer: x and memory must be [B, T, E] and [B, S, E], got [${x.shape}], [${memory.shape}]`,
        );
      }
      const lens = (name: string, v: MaskInput | undefined, max: number, what: string) =>
        v === undefined
          ? undefined
          : checkedLens(
              "TransformerDecoderLayer",
              name,
              v,
              { shapes: [[b], [b, t]], letters: "B, T" },
              max,
              what,
            );
      const validLens = lens("validLens", kwargs.validLens, t, "the target length");
      const memoryValidLens = lens("memoryValidLens", kwargs.memoryValidLens, s, "the memory length");
      const weights: tf.Tensor[] = [];
      const selfAttend = (h: tf.Tensor) => {
        const r = this.selfAttention.applyWithAttention(h, { validLens, training });
        weights.push(r.attention); // [B, N, T, T]
        return r.output;
      };
      const crossAttend = (h: tf.Tensor) => {
        const r = this.crossAttention.applyWithAttention([h, memory], {
          validLens: memoryValidLens,
          training,
        });
        weights.push(r.attention); // [B, N, T, S]
        return r.output;
      };
      let y = residual(this, x, selfAttend, 0, training);
      y = residual(this, y, crossAttend, 1, training);
      y = residual(this, y, (h) => this.feedForward.apply(h, { training }) as tf.Tensor, 2, training);
      return kwargs.returnAttention ? [y, ...weights] : y;
    });
  }

  /**
   * `apply` that also returns both attention maps: output `[B, T, E]`, attention `{ self [B, N, T, T],
   * cross [B, N, T, S] }` (the caller disposes all three). Builds the layer on first use.
   */
  applyWithAttention(
    inputs: [tf.Tensor, tf.Tensor],
    kwargs: DecoderLayerAttentionArgs = {},
  ): WithAttention<DecoderLayerAttention> {
    const [output, self, cross] = applyReturningAttention<[tf.Tensor, tf.Tensor]>(
      this,
      inputs,
      kwargs,
      WITH_ATTENTION,
      2,
    );
    return { output, attention: { self, cross } };
  }

  /**
   * The cross-attention keys and values of `memory [B, S, E]`, `[B, N, S, H]` each: computed once per source and
   * passed to every {@link cachedStep} (the caller disposes both).
   */
  memoryKeyValues(memory: tf.Tensor): KeyValueHeads {
    return this.crossAttention.projectKeyValues(memory);
  }

  /**
   * One cached decoding step: `x [B, T, E]` are T new target positions, `past` the self-attention keys and
   * values of the S_past earlier ones (`null` at the start), `memory` the cross-attention keys and values from
   * {@link memoryKeyValues}. Self-attention appends the new keys and values and masks with `queryOffset: S_past`;
   * the output `[B, T, E]` equals the last T rows of `apply([all positions, memory])`. Returns it and the grown
   * self-attention keys and values `[B, N, S_past + T, H]` (the caller disposes them; `past` and `memory` are left
   * as they were). `memoryValidLens` `[B]` as in a call. Inference only (no dropout).
   */
  cachedStep(
    x: tf.Tensor,
    past: KeyValueHeads | null,
    memory: KeyValueHeads,
    kwargs: { memoryValidLens?: tf.Tensor } = {},
  ): { output: tf.Tensor; cache: KeyValueHeads } {
    checkCallArgs(
      "TransformerDecoderLayer.cachedStep",
      kwargs,
      { memoryValidLens: opt.any() },
      NO_UPSTREAM_MASK,
    );
    return tf.tidy(() => {
      let cache: KeyValueHeads | undefined;
      const selfAttend = (h: tf.Tensor) => {
        cache = appendKeyValues(past, this.selfAttention.projectKeyValues(h));
        const queryOffset = past === null ? 0 : past.keys.shape[2]!;
        const masks = { causal: true, queryOffset };
        return this.selfAttention.attendKeyValues(h, cache.keys, cache.values, masks).output;
      };
      const crossAttend = (h: tf.Tensor) => {
        const masks = { validLens: kwargs.memoryValidLens };
        return this.crossAttention.attendKeyValues(h, memory.keys, memory.values, masks).output;
      };
      let y = residual(this, x, selfAttend, 0, false);
      y = residual(this, y, crossAttend, 1, false);
      y = residual(this, y, (h) => this.feedForward.apply(h) as tf.Tensor, 2, false);
      return { output: y, cache: cache! };
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

/** `[x, memory]`: the decoder layer takes exactly two inputs (shapes or tensors). */
function twoInputs<T>(list: T[]): [T, T] {
  const [x, memory] = list;
  if (x === undefined || memory === undefined || list.length !== 2) {
    throw new RangeError(
      `TransformerDecoderLayer: expects inputs [x [B, T, E], memory [B, S, E]], got ${list.length}`,
    );
  }
  return [x, memory];
}

tf.serialization.registerClass(TransformerDecoderLayer);

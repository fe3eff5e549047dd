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
import { NO_UPSTREAM_MASK } from "./attentionMask.js";
import { CompositeLayer } from "./compositeLayer.js";
import { PositionwiseFeedForward } from "./feedForward.js";
import { LayerNorm } from "./layerNorm.js";
import { checkCallArgs } from "./layerOptions.js";
import { checkedLens, type MaskInput } from "./maskValues.js";
import { MultiHeadAttention } from "./multiHeadAttention.js";
import {
  residual,
  type TransformerLayerArgs,
  type TransformerLayerSettings,
  transformerLayerBase,
  transformerLayerDefaults,
} from "./transformerEncoderLayer.js";

/** Call arguments of the decoder layer. */
export interface DecoderLayerCallArgs {
  /** Valid lengths of the memory (source padding), `[B]`, integers in [0, S]. Default: no padding. */
  memoryValidLens?: MaskInput;
  /** Valid lengths of the target, `[B]`, integers in [0, T], on top of the causal mask. Default: none. */
  validLens?: MaskInput;
  training?: boolean;
  /** Return `[output, selfWeights [B, N, T, T], crossWeights [B, N, T, S]]`. Default `false`. */
  returnAttention?: boolean;
}

/** The rules of {@link DecoderLayerCallArgs}. */
const CALL_SPEC = { memoryValidLens: opt.any(), validLens: opt.any(), returnAttention: opt.boolean() };

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
      seed: seed * 10 + 1,
    });
    this.crossAttention = new MultiHeadAttention({ numHeads, dropout, seed: seed * 10 + 2 });
    this.feedForward = new PositionwiseFeedForward({ dFF, activation, dropout, seed: seed * 10 + 3 });
    this.norms = [0, 1, 2].map(() => new LayerNorm({ epsilon }));
  }

  protected sublayers(): tf.layers.Layer[] {
    return [this.selfAttention, this.crossAttention, this.feedForward, ...this.norms];
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [x, memory] = inputShape as tf.Shape[];
    this.buildSublayer(this.selfAttention, x!);
    this.buildSublayer(this.crossAttention, [x!, memory!]);
    for (const layer of [this.feedForward, ...this.norms]) this.buildSublayer(layer, x!);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (inputShape as tf.Shape[])[0]!;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: DecoderLayerCallArgs = {}): tf.Tensor | tf.Tensor[] {
    checkCallArgs("TransformerDecoderLayer", kwargs, CALL_SPEC, NO_UPSTREAM_MASK);
    return tf.tidy(() => {
      const [x, memory] = inputs as tf.Tensor[];
      const { training } = kwargs;
      const [b, t, s] = [x!.shape[0]!, x!.shape[1]!, memory!.shape[1]!];
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
        const r = this.selfAttention.callWithWeights(h, { validLens, training });
        weights.push(r.weights); // [B, N, T, T]
        return r.output;
      };
      const crossAttend = (h: tf.Tensor) => {
        const r = this.crossAttention.callWithWeights([h, memory!], { validLens: memoryValidLens, training });
        weights.push(r.weights); // [B, N, T, S]
        return r.output;
      };
      let y = residual(this, x!, selfAttend, 0, training);
      y = residual(this, y, crossAttend, 1, training);
      y = residual(this, y, (h) => this.feedForward.apply(h, { training }) as tf.Tensor, 2, training);
      return kwargs.returnAttention ? [y, ...weights] : y;
    });
  }

  /** A seed for the next dropout mask (a fresh one each call, reproducible from `seed`). */
  nextSeed(): number {
    return this.args.seed * 7919 + 104729 + ++this.calls;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}

tf.serialization.registerClass(TransformerDecoderLayer);

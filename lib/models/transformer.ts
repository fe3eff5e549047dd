/**
 * A Transformer encoder–decoder as one tfjs layer: token embeddings scaled by √dModel plus positions, N encoder
 * and N decoder layers, and a linear output head over the target vocabulary; attention weights on request.
 * Follows: Vaswani et al. 2017 §3 (Figure 1) and §3.4 (embeddings × √dModel); the Annotated Transformer.
 *
 * Weight layout (`getWeights()` order): `srcEmbedding [V_src, E]`, `tgtEmbedding [V_tgt, E]`, `outputKernel
 * [E, V_tgt]`, `outputBias [V_tgt]`, then source and target positional layers (a table each when learned),
 * the encoder layers, the decoder layers, and with `normFirst` the final encoder and decoder LayerNorms.
 */
import * as tf from "@tensorflow/tfjs";
import { LayerNorm } from "../layers/layerNorm.js";
import { type BaseLayerArgs, baseLayerArgs, checkLayerArgs, ownArgs } from "../layers/layerOptions.js";
import { linear } from "../layers/linear.js";
import { LearnedPositionalEncoding, SinusoidalPositionalEncoding } from "../layers/positionalEncoding.js";
import { TransformerDecoderLayer } from "../layers/transformerDecoderLayer.js";
import { TransformerEncoderLayer } from "../layers/transformerEncoderLayer.js";
import { type Seq2seqCallArgs, Seq2seqModel, seq2seqCallArgs } from "./seq2seqModel.js";
import {
  resolveTransformerConfig,
  TRANSFORMER_CONFIG_SPEC,
  type TransformerConfig,
} from "./transformerConfig.js";

/** Call arguments of the Transformer (those of every encoder–decoder model). */
export type TransformerCallArgs = Seq2seqCallArgs;

/** Logits `[B, T, V_tgt]` and every attention map, one tensor `[B, N, ·, ·]` per layer. */
export interface TransformerAttention {
  logits: tf.Tensor;
  encoder: tf.Tensor[];
  decoderSelf: tf.Tensor[];
  decoderCross: tf.Tensor[];
}

/** Encoder–decoder. Inputs `[src [B, S] int32, tgtIn [B, T] int32]` → logits `[B, T, V_tgt]`. */
export class Transformer extends Seq2seqModel<tf.Tensor> {
  static className = "Transformer";
  readonly config: TransformerConfig;
  readonly positions: tf.layers.Layer[];
  readonly encoders: TransformerEncoderLayer[];
  readonly decoders: TransformerDecoderLayer[];
  readonly finalNorms: tf.layers.Layer[];
  private params: tf.LayerVariable[] = [];

  /** `config`: any {@link TransformerConfig} keys over DEFAULTS, and tfjs's base layer keys (`name`, …). */
  constructor(config: Partial<TransformerConfig> & BaseLayerArgs = {}) {
    super(baseLayerArgs(checkLayerArgs("Transformer", config, TRANSFORMER_CONFIG_SPEC)));
    const c = resolveTransformerConfig("Transformer", ownArgs(config));
    this.config = c;
    const position = (k: number) =>
      c.positional === "learned"
        ? new LearnedPositionalEncoding({ maxLength: c.maxLength, seed: c.seed * 100 + k })
        : new SinusoidalPositionalEncoding({ maxLength: c.maxLength });
    this.positions = [position(1), position(2)];
    const { numHeads, dFF, dropout, normFirst, activation } = c;
    const layerArgs = (k: number) => ({
      numHeads,
      dFF,
      dropout,
      normFirst,
      activation,
      seed: c.seed * 100 + k,
    });
    this.encoders = Array.from(
      { length: c.numEncoderLayers },
      (_, i) => new TransformerEncoderLayer(layerArgs(10 + i)),
    );
    this.decoders = Array.from(
      { length: c.numDecoderLayers },
      (_, i) => new TransformerDecoderLayer(layerArgs(50 + i)),
    );
    this.finalNorms = c.normFirst ? [0, 1].map(() => new LayerNorm()) : [];
  }

  protected sublayers(): tf.layers.Layer[] {
    return [...this.positions, ...this.encoders, ...this.decoders, ...this.finalNorms];
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    const { srcVocab, tgtVocab, dModel: e, seed } = this.config;
    const normal = (k: number) => tf.initializers.randomNormal({ stddev: e ** -0.5, seed: seed * 100 + k });
    this.params = [
      this.addWeight("srcEmbedding", [srcVocab, e], "float32", normal(90)),
      this.addWeight("tgtEmbedding", [tgtVocab, e], "float32", normal(91)),
      this.addWeight(
        "outputKernel",
        [e, tgtVocab],
        "float32",
        tf.initializers.glorotUniform({ seed: seed * 100 + 92 }),
      ),
      this.addWeight("outputBias", [tgtVocab], "float32", tf.initializers.zeros()),
    ];
    const x: tf.Shape = [null, null, e];
    for (const layer of [...this.positions, ...this.encoders, ...this.finalNorms])
      this.buildSublayer(layer, x);
    for (const layer of this.decoders) this.buildSublayer(layer, [x, x]);
    this.built = true;
  }

  /** Encoder: `src [B, S]` → memory `[B, S, E]` and the self-attention weights of each layer `[B, N, S, S]`. */
  encode(src: tf.Tensor, kwargs: TransformerCallArgs = {}): { memory: tf.Tensor; weights: tf.Tensor[] } {
    this.ensureBuilt();
    return tf.tidy(() => {
      const { srcValidLens, training } = seq2seqCallArgs("Transformer", kwargs, src.shape[0]!, src.shape[1]!);
      const weights: tf.Tensor[] = [];
      let x = this.embed(src, 0); // [B, S, E]
      for (const layer of this.encoders) {
        const opts = { validLens: srcValidLens, training, returnAttention: true };
        const [y, w] = layer.apply(x, opts) as tf.Tensor[];
        weights.push(w!);
        x = y!;
      }
      const memory = this.config.normFirst ? (this.finalNorms[0]!.apply(x) as tf.Tensor) : x;
      return { memory, weights };
    });
  }

  /** Decoder: `tgtIn [B, T]` and memory `[B, S, E]` → logits `[B, T, V_tgt]` and each layer's weights. */
  decode(
    tgtIn: tf.Tensor,
    memory: tf.Tensor,
    kwargs: TransformerCallArgs = {},
  ): Omit<TransformerAttention, "encoder"> {
    this.ensureBuilt();
    return tf.tidy(() => {
      const [b, s] = memory.shape as number[];
      const { srcValidLens, training } = seq2seqCallArgs("Transformer", kwargs, b!, s!);
      const [decoderSelf, decoderCross]: tf.Tensor[][] = [[], []];
      let x = this.embed(tgtIn, 1); // [B, T, E]
      for (const layer of this.decoders) {
        const opts = { memoryValidLens: srcValidLens, training, returnAttention: true };
        const [y, self, cross] = layer.apply([x, memory], opts) as tf.Tensor[];
        decoderSelf.push(self!);
        decoderCross.push(cross!);
        x = y!;
      }
      if (this.config.normFirst) x = this.finalNorms[1]!.apply(x) as tf.Tensor;
      const logits = linear(x, this.params[2]!.read(), this.params[3]!.read()); // [B, T, V_tgt]
      return { logits, decoderSelf, decoderCross };
    });
  }

  /** Logits and every attention map for `[src, tgtIn]`; intermediates are freed, the caller disposes the maps. */
  attention(src: tf.Tensor, tgtIn: tf.Tensor, kwargs: TransformerCallArgs = {}): TransformerAttention {
    return tf.tidy(() => {
      const { memory, weights } = this.encode(src, kwargs);
      return { encoder: weights, ...this.decode(tgtIn, memory, kwargs) };
    });
  }

  /** Token ids `[B, L]` → embeddings × √E + positions, `[B, L, E]` (side 0 source, 1 target). */
  private embed(tokens: tf.Tensor, side: 0 | 1): tf.Tensor {
    const [b, len] = tokens.shape as number[];
    const e = this.config.dModel;
    const rows = tf.gather(this.params[side]!.read(), tokens.reshape([-1]).toInt()); // [B·L, E]
    const scaled = tf.mul(rows.reshape([b!, len!, e]), Math.sqrt(e)); // [B, L, E]
    return this.positions[side]!.apply(scaled) as tf.Tensor;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

tf.serialization.registerClass(Transformer);

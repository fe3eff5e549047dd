/**
 * A Transformer encoder–decoder as one tfjs layer: token embeddings scaled by √dModel plus positions,
 * `numEncoderLayers` encoder and `numDecoderLayers` decoder layers (with `normFirst`, a final LayerNorm after
 * each stack), and a linear output head over the target vocabulary; every attention map through
 * `applyWithAttention`. Follows: Vaswani et al. 2017 §3 (Figure 1) and §3.4 (embeddings × √dModel); the
 * Annotated Transformer; Xiong et al. 2020 (pre-LN needs the final LayerNorm).
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
import { applyReturningAttention, type WithAttention } from "../layers/withAttention.js";
import { childSeed } from "../random/childSeed.js";
import { tfSeed } from "../tfjs/seed.js";
import { KeyValueCache, positionRows } from "./keyValueCache.js";
import {
  SEQ2SEQ_ATTENTION_RULES,
  type Seq2seqCallArgs,
  Seq2seqModel,
  seq2seqCallArgs,
  tokenShape,
} from "./seq2seqModel.js";
import {
  resolveTransformerConfig,
  TRANSFORMER_CONFIG_SPEC,
  type TransformerConfig,
} from "./transformerConfig.js";

/** Call arguments of the Transformer (those of every encoder–decoder model). */
export type TransformerCallArgs = Seq2seqCallArgs;

/** Every attention map of one pass, one tensor per layer (first layer first), N heads each. */
export type TransformerAttention = {
  /** Encoder self-attention, `[B, N, S, S]` per encoder layer. */
  encoder: tf.Tensor[];
  /** Decoder causal self-attention, `[B, N, T, T]` per decoder layer. */
  decoderSelf: tf.Tensor[];
  /** Decoder cross-attention over the memory, `[B, N, T, S]` per decoder layer. */
  decoderCross: tf.Tensor[];
};

/** The Transformer's own weights, by name. */
interface OwnWeights {
  /** Token embeddings of the source `[V_src, E]` and of the target `[V_tgt, E]`. */
  embeddings: [tf.LayerVariable, tf.LayerVariable];
  outputKernel: tf.LayerVariable;
  outputBias: tf.LayerVariable;
}

/** Encoder–decoder. Inputs `[src [B, S] int32, tgtIn [B, T] int32]` → logits `[B, T, V_tgt]`. */
export class Transformer extends Seq2seqModel<tf.Tensor> {
  static className = "Transformer";
  readonly config: TransformerConfig;
  /** Source and target positional layers; none with `positional: "rope"` (the self-attentions rotate). */
  readonly positions: [tf.layers.Layer, tf.layers.Layer] | [];
  readonly encoders: TransformerEncoderLayer[];
  readonly decoders: TransformerDecoderLayer[];
  /** With `normFirst`, the final encoder and decoder LayerNorms; none without. */
  readonly finalNorms: [] | [tf.layers.Layer, tf.layers.Layer];
  private own: OwnWeights | null = null;

  /** `config`: any {@link TransformerConfig} keys over DEFAULTS, and tfjs's base layer keys (`name`, …). */
  constructor(config: Partial<TransformerConfig> & BaseLayerArgs = {}) {
    super(baseLayerArgs(checkLayerArgs("Transformer", config, TRANSFORMER_CONFIG_SPEC)));
    const c = resolveTransformerConfig("Transformer", ownArgs(config));
    this.config = c;
    const position = (side: "source" | "target") =>
      c.positional === "learned"
        ? new LearnedPositionalEncoding({
            maxLength: c.maxLength,
            seed: childSeed(c.seed, `positions/${side}`),
          })
        : new SinusoidalPositionalEncoding({ maxLength: c.maxLength });
    this.positions = c.positional === "rope" ? [] : [position("source"), position("target")];
    const { numHeads, dFF, dropout, normFirst, activation } = c;
    const rope = c.positional === "rope" ? { rope: "interleaved" as const } : {};
    const layerArgs = (part: string) => ({
      numHeads,
      dFF,
      dropout,
      normFirst,
      activation,
      ...rope,
      seed: childSeed(c.seed, part),
    });
    this.encoders = Array.from(
      { length: c.numEncoderLayers },
      (_, i) => new TransformerEncoderLayer(layerArgs(`encoder/${i}`)),
    );
    this.decoders = Array.from(
      { length: c.numDecoderLayers },
      (_, i) => new TransformerDecoderLayer(layerArgs(`decoder/${i}`)),
    );
    this.finalNorms = c.normFirst ? [new LayerNorm(), new LayerNorm()] : [];
  }

  protected sublayers(): tf.layers.Layer[] {
    return [...this.positions, ...this.encoders, ...this.decoders, ...this.finalNorms];
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    const { srcVocab, tgtVocab, dModel: e, seed } = this.config;
    const normal = (side: string) =>
      tf.initializers.randomNormal({ stddev: e ** -0.5, seed: tfSeed(childSeed(seed, `embedding/${side}`)) });
    this.own = {
      embeddings: [
        this.addWeight("srcEmbedding", [srcVocab, e], "float32", normal("source")),
        this.addWeight("tgtEmbedding", [tgtVocab, e], "float32", normal("target")),
      ],
      outputKernel: this.addWeight(
        "outputKernel",
        [e, tgtVocab],
        "float32",
        tf.initializers.glorotUniform({ seed: childSeed(seed, "output") }),
      ),
      outputBias: this.addWeight("outputBias", [tgtVocab], "float32", tf.initializers.zeros()),
    };
    const x: tf.Shape = [null, null, e];
    for (const layer of [...this.positions, ...this.encoders, ...this.finalNorms])
      this.buildSublayer(layer, x);
    for (const layer of this.decoders) this.buildSublayer(layer, [x, x]);
    this.built = true;
  }

  /**
   * Encoder: `src [B, S]` → memory `[B, S, E]` (after the final LayerNorm with `normFirst`) and the
   * self-attention weights of each layer `[B, N, S, S]`.
   */
  encode(src: tf.Tensor, kwargs: TransformerCallArgs = {}): { memory: tf.Tensor; weights: tf.Tensor[] } {
    this.ensureBuilt();
    return tf.tidy(() => {
      const [b, s] = tokenShape("Transformer", src, "src");
      const { srcValidLens, training } = seq2seqCallArgs("Transformer", kwargs, b, s);
      const weights: tf.Tensor[] = [];
      let x = this.embed(src, 0); // [B, S, E]
      for (const layer of this.encoders) {
        const r = layer.applyWithAttention(x, { validLens: srcValidLens, training });
        weights.push(r.attention); // [B, N, S, S]
        x = r.output;
      }
      const norm = this.finalNorms[0];
      return { memory: norm === undefined ? x : (norm.apply(x) as tf.Tensor), weights };
    });
  }

  /** Decoder: `tgtIn [B, T]` and memory `[B, S, E]` → logits `[B, T, V_tgt]` and each layer's weights. */
  decode(
    tgtIn: tf.Tensor,
    memory: tf.Tensor,
    kwargs: TransformerCallArgs = {},
  ): { logits: tf.Tensor } & Omit<TransformerAttention, "encoder"> {
    this.ensureBuilt();
    return tf.tidy(() => {
      const [b, s] = memory.shape;
      if (memory.rank !== 3 || b === undefined || s === undefined) {
        throw new RangeError(`Transformer: memory must be [B, S, E], got [${memory.shape}]`);
      }
      const { srcValidLens, training } = seq2seqCallArgs("Transformer", kwargs, b, s);
      const [decoderSelf, decoderCross]: [tf.Tensor[], tf.Tensor[]] = [[], []];
      let x = this.embed(tgtIn, 1); // [B, T, E]
      for (const layer of this.decoders) {
        const r = layer.applyWithAttention([x, memory], { memoryValidLens: srcValidLens, training });
        decoderSelf.push(r.attention.self); // [B, N, T, T]
        decoderCross.push(r.attention.cross); // [B, N, T, S]
        x = r.output;
      }
      const norm = this.finalNorms[1];
      if (norm !== undefined) x = norm.apply(x) as tf.Tensor;
      const { outputKernel, outputBias } = this.ownWeights();
      const logits = linear(x, outputKernel.read(), outputBias.read()); // [B, T, V_tgt]
      return { logits, decoderSelf, decoderCross };
    });
  }

  /**
   * A key/value cache for decoding `memory [B, S, E]` (from {@link encode}): each decoder layer's
   * cross-attention keys and values, computed once here, and empty self-attention caches that
   * {@link decodeStep} grows. `srcValidLens` `[B]` as in a call. The caller disposes the cache.
   * @example
   *   const cache = model.startCache(memory);
   *   const logits = model.decodeStep(tf.tensor2d([[bos]], [1, 1], "int32"), cache); // [1, 1, V_tgt]
   *   cache.dispose();
   */
  startCache(memory: tf.Tensor, kwargs: Pick<TransformerCallArgs, "srcValidLens"> = {}): KeyValueCache {
    this.ensureBuilt();
    const [b, s] = memory.shape;
    if (memory.rank !== 3 || b === undefined || s === undefined) {
      throw new RangeError(`Transformer.startCache: memory must be [B, S, E], got [${memory.shape}]`);
    }
    const { cross, lens } = tf.tidy(() => {
      const { srcValidLens } = seq2seqCallArgs("Transformer.startCache", kwargs, b, s);
      const lens = srcValidLens === undefined ? undefined : tf.clone(srcValidLens);
      return { cross: this.decoders.map((layer) => layer.memoryKeyValues(memory)), lens };
    });
    return new KeyValueCache(this.decoders.length, cross, lens);
  }

  /**
   * One cached decoding step: `tgtIn [B, T]` are the next T target tokens (positions cache.length …), the cache
   * holds the earlier ones and the memory's keys and values ({@link startCache}). Returns the logits `[B, T,
   * V_tgt]` of the new positions, equal to the last T rows of {@link decode} on the whole prefix, and appends the
   * new keys and values to the cache. Inference only (no dropout). Each step costs O(S) attention per new token,
   * instead of re-reading the prefix.
   */
  decodeStep(tgtIn: tf.Tensor, cache: KeyValueCache): tf.Tensor {
    this.ensureBuilt();
    if (!(cache instanceof KeyValueCache) || cache.numLayers !== this.decoders.length) {
      throw new TypeError(
        `Transformer.decodeStep: cache must be a KeyValueCache from startCache (${this.decoders.length} layers)`,
      );
    }
    const [, t] = tokenShape("Transformer.decodeStep", tgtIn, "tgtIn");
    const start = cache.length;
    if (start + t > this.config.maxLength) {
      throw new RangeError(
        `Transformer.decodeStep: ${start} cached + ${t} new positions exceed maxLength ${this.config.maxLength}`,
      );
    }
    return tf.tidy(() => {
      let x = this.embedAt(tgtIn, start); // [B, T, E]
      this.decoders.forEach((layer, i) => {
        const kwargs = { memoryValidLens: cache.memoryValidLens };
        const r = layer.cachedStep(x, cache.self(i), cache.cross(i), kwargs);
        cache.update(i, r.cache); // [B, N, start + T, H]
        x = r.output;
      });
      const norm = this.finalNorms[1];
      if (norm !== undefined) x = norm.apply(x) as tf.Tensor;
      const { outputKernel, outputBias } = this.ownWeights();
      return linear(x, outputKernel.read(), outputBias.read()); // [B, T, V_tgt]
    });
  }

  /** Target ids `[B, T]` at positions start … start + T − 1 → embeddings × √E + those positions, `[B, T, E]`. */
  private embedAt(tokens: tf.Tensor, start: number): tf.Tensor {
    const [b, len] = tokenShape("Transformer", tokens, "tgtIn");
    const e = this.config.dModel;
    const rows = tf.gather(this.ownWeights().embeddings[1].read(), tokens.reshape([-1]).toInt()); // [B·T, E]
    const scaled = tf.mul(rows.reshape([b, len, e]), Math.sqrt(e)); // [B, T, E]
    const position = this.positions[1];
    return position === undefined ? scaled : tf.add(scaled, positionRows(position, start, len, e)); // [B, T, E]
  }

  /**
   * `apply` that also returns every attention map: output = logits `[B, T, V_tgt]` for `[src [B, S],
   * tgtIn [B, T]]` (teacher-forced), attention = {@link TransformerAttention}. The caller disposes the logits
   * and every map; nothing else survives.
   * @example
   *   const { output, attention } = model.applyWithAttention([src, tgtIn], { srcValidLens: [5, 3] });
   *   attention.decoderCross.length; // numDecoderLayers, each [B, N, T, S]
   */
  applyWithAttention(
    inputs: [tf.Tensor, tf.Tensor],
    kwargs: TransformerCallArgs = {},
  ): WithAttention<TransformerAttention> {
    const { numEncoderLayers: ne, numDecoderLayers: nd } = this.config;
    const [output, ...maps] = applyReturningAttention(
      this,
      inputs,
      kwargs,
      SEQ2SEQ_ATTENTION_RULES,
      ne + 2 * nd,
    );
    const attention = {
      encoder: maps.slice(0, ne),
      decoderSelf: maps.slice(ne, ne + nd),
      decoderCross: maps.slice(ne + nd),
    };
    return { output, attention };
  }

  /** Logits and, in the order `call` lists them, the encoder, decoder-self and decoder-cross maps. */
  protected forwardWithAttention(
    src: tf.Tensor,
    tgtIn: tf.Tensor,
    kwargs: TransformerCallArgs,
  ): { logits: tf.Tensor; attention: tf.Tensor[] } {
    const { memory, weights } = this.encode(src, kwargs);
    const { logits, decoderSelf, decoderCross } = this.decode(tgtIn, memory, kwargs);
    return { logits, attention: [...weights, ...decoderSelf, ...decoderCross] };
  }

  /** Token ids `[B, L]` → embeddings × √E + positions, `[B, L, E]` (side 0 source, 1 target). */
  private embed(tokens: tf.Tensor, side: 0 | 1): tf.Tensor {
    const [b, len] = tokenShape("Transformer", tokens, side === 0 ? "src" : "tgtIn");
    const e = this.config.dModel;
    const rows = tf.gather(this.ownWeights().embeddings[side].read(), tokens.reshape([-1]).toInt()); // [B·L, E]
    const scaled = tf.mul(rows.reshape([b, len, e]), Math.sqrt(e)); // [B, L, E]
    const position = this.positions[side];
    return position === undefined ? scaled : (position.apply(scaled) as tf.Tensor);
  }

  /** The own weights; `ensureBuilt` runs before every use, so missing ones are a bug. */
  private ownWeights(): OwnWeights {
    if (this.own === null) throw new Error("Transformer: used before build (call ensureBuilt or apply)");
    return this.own;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

tf.serialization.registerClass(Transformer);

/**
 * A seq2seq RNN with attention as one tfjs layer: token embeddings, a GRU or LSTM encoder (padding masked by
 * valid lengths), and an {@link AttentionRnnDecoder} (Bahdanau additive or Luong dot/general) that starts
 * from the encoder's final state. Follows: Bahdanau et al. 2015; Luong et al. 2015; d2l §10.7 and §11.4.
 *
 * Weight layout (`getWeights()` order): `srcEmbedding [V_src, E]`, `tgtEmbedding [V_tgt, E]`, then the
 * encoder RNN (tfjs `gru`/`lstm`: kernel, recurrentKernel, bias), then the decoder (its own layout).
 */
import * as tf from "@tensorflow/tfjs";
import { validLensMask } from "../layers/attentionMask.js";
import {
  AttentionRnnDecoder,
  type AttentionRnnDecoder as Decoder,
  recurrentArgs,
} from "../layers/attentionRnnDecoder.js";
import { type BaseLayerArgs, baseLayerArgs, checkLayerArgs, ownArgs } from "../layers/layerOptions.js";
import { applyReturningAttention, type WithAttention } from "../layers/withAttention.js";
import { childSeed } from "../random/childSeed.js";
import {
  SEQ2SEQ_ATTENTION_RULES,
  type Seq2seqCallArgs,
  Seq2seqModel,
  seq2seqCallArgs,
  tokenShape,
} from "./seq2seqModel.js";
import {
  resolveSeq2seqRnnConfig,
  SEQ2SEQ_RNN_CONFIG_SPEC,
  type Seq2seqRnnConfig,
} from "./seq2seqRnnConfig.js";

/** What the encoder hands the decoder: `[outputs [B, S, H], h [B, H]]` (GRU) or `[outputs, h, c]` (LSTM). */
export type RnnMemory = tf.Tensor[];

/** What the decoder gives: logits `[B, T, V_tgt]`, attention weights `[B, T, S]`, each step's query `[B, T, H]`. */
export type Seq2seqRnnDecoded = {
  logits: tf.Tensor;
  weights: tf.Tensor;
  queries: tf.Tensor;
};

/**
 * The seq2seq RNN's attention, named as the Transformer's: its one decoder's attention over the encoder
 * outputs, `[B, T, S]` (a list of one, as `Transformer`'s `decoderCross` has one map per decoder layer).
 */
export type Seq2seqRnnAttention = {
  decoderCross: tf.Tensor[];
};

/** Encoder–decoder. Inputs `[src [B, S] int32, tgtIn [B, T] int32]` → logits `[B, T, V_tgt]`. */
export class Seq2seqRnn extends Seq2seqModel<RnnMemory> {
  static className = "Seq2seqRnn";
  readonly config: Seq2seqRnnConfig;
  readonly encoder: tf.layers.Layer;
  readonly decoder: Decoder;
  /** Token embeddings of the source `[V_src, E]` and of the target `[V_tgt, E]`. */
  private embeddings: [tf.LayerVariable, tf.LayerVariable] | null = null;

  /** `config`: any {@link Seq2seqRnnConfig} keys over DEFAULTS, and tfjs's base layer keys (`name`, …). */
  constructor(config: Partial<Seq2seqRnnConfig> & BaseLayerArgs = {}) {
    super(baseLayerArgs(checkLayerArgs("Seq2seqRnn", config, SEQ2SEQ_RNN_CONFIG_SPEC)));
    const c = resolveSeq2seqRnnConfig("Seq2seqRnn", ownArgs(config));
    this.config = c;
    const rnnArgs = {
      ...recurrentArgs(c.hiddenSize, childSeed(c.seed, "encoder")),
      returnSequences: true,
      returnState: true,
    };
    this.encoder = c.cell === "lstm" ? tf.layers.lstm(rnnArgs) : tf.layers.gru(rnnArgs);
    this.decoder = new AttentionRnnDecoder({
      units: c.hiddenSize,
      vocabSize: c.tgtVocab,
      cell: c.cell,
      attention: c.attention,
      seed: childSeed(c.seed, "decoder"),
    });
  }

  protected sublayers(): tf.layers.Layer[] {
    return [this.encoder, this.decoder];
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    const { srcVocab, tgtVocab, embedSize: e, hiddenSize: h, seed } = this.config;
    const init = (side: string) =>
      tf.initializers.randomUniform({
        minval: -0.5,
        maxval: 0.5,
        seed: childSeed(seed, `embedding/${side}`),
      });
    this.embeddings = [
      this.addWeight("srcEmbedding", [srcVocab, e], "float32", init("source")),
      this.addWeight("tgtEmbedding", [tgtVocab, e], "float32", init("target")),
    ];
    this.buildSublayer(this.encoder, [null, null, e]);
    this.buildSublayer(this.decoder, [
      [null, null, e],
      [null, null, h],
      [null, h],
    ]);
    this.built = true;
  }

  /**
   * Encoder: `src [B, S]` → memory `[outputs [B, S, H], ...final state [B, H]]`. With `srcValidLens` the
   * padded steps keep the state (tfjs RNN mask), so the final state is the one at the last valid position.
   */
  encode(src: tf.Tensor, kwargs: Seq2seqCallArgs = {}): { memory: RnnMemory } {
    this.ensureBuilt();
    return tf.tidy(() => {
      const [b, s] = tokenShape("Seq2seqRnn", src, "src");
      const lens = seq2seqCallArgs("Seq2seqRnn", kwargs, b, s).srcValidLens;
      const mask = lens === undefined ? undefined : validLensMask(lens, s, "Seq2seqRnn"); // [B, S]
      const memory = this.encoder.apply(this.embed(src, 0), { mask }) as tf.Tensor[]; // [B, S, H], [B, H] …
      return { memory };
    });
  }

  /** Decoder, teacher-forced over `tgtIn [B, T]` from the encoder's memory: logits, weights and queries. */
  decode(tgtIn: tf.Tensor, memory: RnnMemory, kwargs: Seq2seqCallArgs = {}): Seq2seqRnnDecoded {
    this.ensureBuilt();
    return tf.tidy(() => {
      const [outputs, ...state] = memory;
      const [b, s] = outputs?.shape ?? [];
      if (outputs?.rank !== 3 || b === undefined || s === undefined) {
        const got = memory.map((m) => `[${m.shape}]`).join(", ");
        throw new RangeError(`Seq2seqRnn: memory must be [outputs [B, S, H], ...state [B, H]], got ${got}`);
      }
      const { srcValidLens } = seq2seqCallArgs("Seq2seqRnn", kwargs, b, s);
      const masks = srcValidLens === undefined ? {} : { validLens: srcValidLens };
      const { logits, weights, queries } = this.decoder.run(this.embed(tgtIn, 1), outputs, state, masks);
      return { logits, weights, queries };
    });
  }

  /**
   * `apply` that also returns the attention: output = logits `[B, T, V_tgt]` for `[src [B, S], tgtIn [B, T]]`
   * (teacher-forced), attention = `{ decoderCross: [weights [B, T, S]] }`. The caller disposes the logits and
   * the map; nothing else survives (the queries are in `decode`).
   */
  applyWithAttention(
    inputs: [tf.Tensor, tf.Tensor],
    kwargs: Seq2seqCallArgs = {},
  ): WithAttention<Seq2seqRnnAttention> {
    const [output, cross] = applyReturningAttention<[tf.Tensor]>(
      this,
      inputs,
      kwargs,
      SEQ2SEQ_ATTENTION_RULES,
      1,
    );
    return { output, attention: { decoderCross: [cross] } };
  }

  /** Logits and the decoder's attention weights (what `call` lists after the logits). */
  protected forwardWithAttention(
    src: tf.Tensor,
    tgtIn: tf.Tensor,
    kwargs: Seq2seqCallArgs,
  ): { logits: tf.Tensor; attention: tf.Tensor[] } {
    const { logits, weights } = this.decode(tgtIn, this.encode(src, kwargs).memory, kwargs);
    return { logits, attention: [weights] };
  }

  /** Token ids `[B, L]` → embeddings `[B, L, E]` (side 0 source, 1 target). */
  private embed(tokens: tf.Tensor, side: 0 | 1): tf.Tensor {
    const [b, len] = tokenShape("Seq2seqRnn", tokens, side === 0 ? "src" : "tgtIn");
    if (this.embeddings === null)
      throw new Error("Seq2seqRnn: used before build (call ensureBuilt or apply)");
    const rows = tf.gather(this.embeddings[side].read(), tokens.reshape([-1]).toInt()); // [B·L, E]
    return rows.reshape([b, len, this.config.embedSize]); // [B, L, E]
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

tf.serialization.registerClass(Seq2seqRnn);

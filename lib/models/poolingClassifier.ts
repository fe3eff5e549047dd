/**
 * An attention-pooling text classifier as one tfjs layer: token embeddings plus learned positions, an optional
 * multi-head self-attention block and an optional ReLU feed-forward block (each added back by a residual, no
 * LayerNorm), attention pooling over the real tokens, and a dense head that gives logits.
 * Follows: Yang et al. 2016 (HAN) §2.2 (attention pooling of word states, eqs. 5–7); Vaswani et al. 2017
 * §3.2.2, §3.3 (self-attention, position-wise FFN) and He et al. 2016 (residuals); Gehring et al. 2017 (learned
 * positions).
 *
 * Weight layout (`getWeights()` order): token `embeddings [V, E]`, position `embeddings [maxLength, E]`, the
 * self-attention (when `numHeads > 0`, see `MultiHeadAttention`), the feed-forward block (when `dFF > 0`, see
 * `PositionwiseFeedForward`), the pooling (see `AttentionPooling`), then the head's `kernel [E, outputs]` and
 * `bias [outputs]`.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import { CompositeLayer } from "../layers/compositeLayer.js";
import { PositionwiseFeedForward } from "../layers/feedForward.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  MAX_LENGTH,
  ownArgs,
  SEED,
  SIZE,
} from "../layers/layerOptions.js";
import { checkedLens, type MaskInput } from "../layers/maskValues.js";
import { MultiHeadAttention } from "../layers/multiHeadAttention.js";
import { AttentionPooling } from "../layers/pooling/attentionPooling.js";
import { LearnedPositionalEncoding } from "../layers/positionalEncoding.js";
import {
  type AttentionCallRules,
  applyReturningAttention,
  type WithAttention,
} from "../layers/withAttention.js";
import { childSeed } from "../random/childSeed.js";

/** Settings of {@link PoolingClassifier}; `vocabSize` and `maxLength` are required, the rest have defaults. */
export interface PoolingClassifierConfig {
  /** Token ids are integers in [0, vocabSize). */
  vocabSize: number;
  /** Longest input accepted (rows of the position table). */
  maxLength: number;
  /** Model width E (embeddings, every block, the pooled vector). Default 32. */
  dModel: number;
  /** Heads N of the self-attention block (dModel must be divisible by it); 0 = no self-attention. Default 2. */
  numHeads: number;
  /** Hidden width of the ReLU feed-forward block; 0 = no feed-forward block. Default 64. */
  dFF: number;
  /** How the pooling scores a token: `"mlp"` vᵀ tanh(h_t W + b), or `"query"` q · h_t / √E. Default "mlp". */
  pooling: "mlp" | "query";
  /** Hidden width of the `"mlp"` pooling scorer; `null` = dModel. Default null. */
  poolingUnits: number | null;
  /** Width of the head: 1 = one logit per input (binary, sigmoid), K = K class logits (softmax). Default 1. */
  outputs: number;
  /** Standard deviation of the initial position table. Default 0.1. */
  positionStddev: number;
  /** Seed of every initializer (each part's is `childSeed(seed, part)`). Default 0. */
  seed: number;
}

/** The defaults of every optional setting. */
export const POOLING_CLASSIFIER_DEFAULTS: Omit<PoolingClassifierConfig, "vocabSize" | "maxLength"> = {
  dModel: 32,
  numHeads: 2,
  dFF: 64,
  pooling: "mlp",
  poolingUnits: null,
  outputs: 1,
  positionStddev: 0.1,
  seed: 0,
};

/** The rules of every {@link PoolingClassifierConfig} key. */
const CONFIG_SPEC = {
  vocabSize: SIZE({ required: true }),
  maxLength: MAX_LENGTH({ required: true }),
  dModel: SIZE(),
  numHeads: opt.integer({ min: 0 }),
  dFF: opt.integer({ min: 0 }),
  pooling: opt.oneOf(["mlp", "query"]),
  poolingUnits: SIZE(),
  outputs: SIZE(),
  positionStddev: opt.number({ above: 0 }),
  seed: SEED,
};

/** Call options: the padding, the training mode, and (for `call`) whether to return the attention too. */
export interface PoolingClassifierCallArgs {
  /** Valid lengths `[B]` (tokens 0 … validLens − 1 are real), integers in [0, T]. Default: every token. */
  validLens?: MaskInput;
  training?: boolean;
  /** Return `[logits, pooling, selfAttention?]` instead of `logits`. Default false. */
  returnAttention?: boolean;
}

/** The attention of one call: the pooling weights and, with self-attention, its weights. */
export interface PoolingClassifierAttention {
  /** `[B, T]`: sums to 1 over each input's real tokens, 0 on padding. */
  pooling: tf.Tensor2D;
  /** `[B, N, T, T]` (rows are queries), or `null` when `numHeads` is 0. */
  selfAttention: tf.Tensor4D | null;
}

const CALL_SPEC = { validLens: opt.any(), returnAttention: opt.boolean() };
const WITH_ATTENTION: AttentionCallRules = {
  spec: { validLens: opt.any() },
  mask: { refuse: "; pass validLens" },
};

/**
 * Token ids `[B, T]` (int32, T ≤ maxLength) → logits `[B, outputs]`.
 * @example
 *   const model = new PoolingClassifier({ vocabSize: 10, maxLength: 6, dModel: 8 }).ensureBuilt();
 *   const ids = tf.tensor2d([[3, 4, 5, 0]], undefined, "int32");
 *   const { output, attention } = model.applyWithAttention(ids, { validLens: [3] });
 *   output.shape; // [1, 1]
 *   attention.pooling.arraySync()[0][3]; // 0 (padding)
 */
export class PoolingClassifier extends CompositeLayer {
  static className = "PoolingClassifier";
  readonly config: PoolingClassifierConfig;
  /** x_t = E[w_t]: `[B, T]` → `[B, T, E]`. */
  readonly embedding: tf.layers.Layer;
  /** x_t + p_t. */
  readonly positions: LearnedPositionalEncoding;
  /** h = x + MHA(x), when `numHeads > 0`. */
  readonly selfAttention: MultiHeadAttention | null;
  /** h ← h + FFN(h), when `dFF > 0`. */
  readonly feedForward: PositionwiseFeedForward | null;
  /** c = Σ_t α_t h_t over the real tokens. */
  readonly pooling: AttentionPooling;
  /** logits = c W + b. */
  readonly head: tf.layers.Layer;

  /** `config`: the required keys, any optional ones, and tfjs's base layer keys (`name`, …). */
  constructor(
    config: Pick<PoolingClassifierConfig, "vocabSize" | "maxLength"> &
      Partial<PoolingClassifierConfig> &
      BaseLayerArgs,
  ) {
    super(baseLayerArgs(checkLayerArgs("PoolingClassifier", config, CONFIG_SPEC, ["poolingUnits"])));
    const given = Object.entries(ownArgs(config)).filter(([, v]) => v !== undefined);
    const c = { ...POOLING_CLASSIFIER_DEFAULTS, ...Object.fromEntries(given) } as PoolingClassifierConfig;
    if (c.numHeads > 0 && c.dModel % c.numHeads !== 0) {
      throw new RangeError(
        `PoolingClassifier: dModel ${c.dModel} is not divisible by numHeads ${c.numHeads}`,
      );
    }
    this.config = c;
    const seed = (part: string) => childSeed(c.seed, part);
    this.embedding = tf.layers.embedding({
      inputDim: c.vocabSize,
      outputDim: c.dModel,
      embeddingsInitializer: tf.initializers.glorotUniform({ seed: seed("embedding") }),
    });
    this.positions = new LearnedPositionalEncoding({
      maxLength: c.maxLength,
      stddev: c.positionStddev,
      seed: seed("positions"),
    });
    this.selfAttention =
      c.numHeads > 0 ? new MultiHeadAttention({ numHeads: c.numHeads, seed: seed("selfAttention") }) : null;
    this.feedForward =
      c.dFF > 0 ? new PositionwiseFeedForward({ dFF: c.dFF, seed: seed("feedForward") }) : null;
    this.pooling = new AttentionPooling({
      score: c.pooling,
      units: c.poolingUnits ?? c.dModel,
      seed: seed("pooling"),
    });
    this.head = tf.layers.dense({
      units: c.outputs,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed("head") }),
    });
  }

  protected sublayers(): tf.layers.Layer[] {
    const blocks = [this.selfAttention, this.feedForward].filter((l) => l !== null);
    return [this.embedding, this.positions, ...blocks, this.pooling, this.head];
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    const e = this.config.dModel;
    this.buildSublayer(this.embedding, [null, null]);
    for (const layer of [this.positions, this.selfAttention, this.feedForward, this.pooling]) {
      if (layer !== null) this.buildSublayer(layer, [null, null, e]);
    }
    this.buildSublayer(this.head, [null, e]);
    this.built = true;
  }

  /** Builds the weights now (as the first call would), so that `trainableWeights` is complete. */
  ensureBuilt(): this {
    if (!this.built) tf.tidy(() => void this.apply(tf.zeros([1, 1], "int32")));
    return this;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [(inputShape as tf.Shape)[0] ?? null, this.config.outputs];
  }

  /** 1) embed and add positions 2) self-attention + residual 3) FFN + residual 4) pool 5) head. */
  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: PoolingClassifierCallArgs = {},
  ): tf.Tensor | tf.Tensor[] {
    checkCallArgs("PoolingClassifier", kwargs, CALL_SPEC, { refuse: "; pass validLens" });
    return tf.tidy(() => {
      const ids = this.checkedIds(inputs);
      const validLens = this.checkedValidLens(kwargs.validLens, ids.shape as [number, number]);
      const training = kwargs.training;
      // 1) x_t = E[w_t] + p_t
      const x = this.positions.apply(this.embedding.apply(ids)) as tf.Tensor; // [B, T, E]
      // 2) h = x + MHA(x), padding keys masked
      let h = x;
      let selfAttention: tf.Tensor | null = null;
      if (this.selfAttention !== null) {
        const r = this.selfAttention.applyWithAttention(x, { validLens, training });
        h = tf.add(x, r.output); // [B, T, E]
        selfAttention = r.attention; // [B, N, T, T]
      }
      // 3) h ← h + FFN(h)
      if (this.feedForward !== null) h = tf.add(h, this.feedForward.apply(h, { training }) as tf.Tensor);
      // 4) c = Σ_t α_t h_t over the real tokens
      const pooled = this.pooling.applyWithAttention(validLens === undefined ? h : [h, validLens]);
      // 5) logits = c W + b
      const logits = this.head.apply(pooled.output) as tf.Tensor; // [B, outputs]
      if (!kwargs.returnAttention) return logits;
      return selfAttention === null ? [logits, pooled.attention] : [logits, pooled.attention, selfAttention];
    });
  }

  /**
   * `apply` that also returns the attention: output = logits `[B, outputs]`, attention = the pooling weights
   * `[B, T]` and the self-attention weights `[B, N, T, T]` (null without self-attention). The caller disposes
   * them. Builds the model on first use.
   */
  applyWithAttention(
    ids: tf.Tensor,
    kwargs: Omit<PoolingClassifierCallArgs, "returnAttention"> = {},
  ): WithAttention<PoolingClassifierAttention> {
    const count = this.selfAttention === null ? 1 : 2;
    const [output, pooling, selfAttention] = applyReturningAttention<tf.Tensor[]>(
      this,
      ids,
      kwargs,
      WITH_ATTENTION,
      count,
    );
    return {
      output: output,
      attention: {
        pooling: pooling as tf.Tensor2D,
        selfAttention: (selfAttention ?? null) as tf.Tensor4D | null,
      },
    };
  }

  /** The one input, token ids `[B, T]`: integers in [0, vocabSize) and T ≤ maxLength. */
  private checkedIds(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor2D {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const ids = list[0];
    if (list.length !== 1 || ids === undefined || ids.rank !== 2) {
      const got = list.length === 1 ? `shape [${ids?.shape}]` : `${list.length} inputs`;
      throw new RangeError(`PoolingClassifier: expects one input, token ids [B, T], got ${got}`);
    }
    const [, t] = ids.shape as [number, number];
    if (t > this.config.maxLength) {
      throw new RangeError(`PoolingClassifier: ${t} tokens exceed maxLength ${this.config.maxLength}`);
    }
    const values = ids.dataSync();
    const bad = values.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= this.config.vocabSize);
    if (bad >= 0) {
      throw new RangeError(
        `PoolingClassifier: token ids must be integers in [0, ${this.config.vocabSize}) (vocabSize), got ${values[bad]}`,
      );
    }
    return ids as tf.Tensor2D;
  }

  /** Valid lengths `[B]` checked against `[B, T]` ids (a tensor, inside the call's tidy), or undefined. */
  private checkedValidLens(value: MaskInput | undefined, [b, t]: [number, number]): tf.Tensor | undefined {
    if (value === undefined) return undefined;
    return checkedLens(
      "PoolingClassifier",
      "validLens",
      value,
      { shapes: [[b]], letters: "B" },
      t,
      "the tokens",
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

tf.serialization.registerClass(PoolingClassifier);

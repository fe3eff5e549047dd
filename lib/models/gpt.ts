/**
 * A decoder-only Transformer (GPT) as one tfjs layer: token embeddings × √E plus positions, `numLayers` pre-LN
 * blocks of causal self-attention and a feed-forward block (the kit's {@link TransformerEncoderLayer} with
 * `normFirst` and its `causal` mask), a final LayerNorm and a linear head to the vocabulary (optionally tied to
 * the token embedding). Follows: Radford et al. 2018 §3.1 (h₀ = U Wₑ + W_p, h_l = block(h_{l−1}), P(u) =
 * softmax(h_n Wₑᵀ)); Radford et al. 2019 §2.3 (LayerNorm moved to each sub-block's input, a final LayerNorm);
 * nanoGPT `GPT.forward`; Vaswani et al. 2017 §3.4 (embeddings × √E, as the kit's Transformer does).
 *
 * Weight layout (`getWeights()` order): `tokenEmbedding [V, E]`, `headKernel [E, V]` (untied only), `headBias
 * [V]`, the position table `[blockSize, E]` (learned only), the blocks (see {@link TransformerEncoderLayer}),
 * then gamma and beta of the final LayerNorm.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import { CompositeLayer } from "../layers/compositeLayer.js";
import { LayerNorm } from "../layers/layerNorm.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  ownArgs,
} from "../layers/layerOptions.js";
import { linear } from "../layers/linear.js";
import { LearnedPositionalEncoding, SinusoidalPositionalEncoding } from "../layers/positionalEncoding.js";
import { TransformerEncoderLayer } from "../layers/transformerEncoderLayer.js";
import {
  type AttentionCallRules,
  applyReturningAttention,
  type WithAttention,
} from "../layers/withAttention.js";
import { childSeed } from "../random/childSeed.js";
import { tfSeed } from "../tfjs/seed.js";
import { GPT_CONFIG_SPEC, type GptConfig, gptConfig } from "./gptConfig.js";
import { KeyValueCache, positionRows } from "./keyValueCache.js";

/** Call arguments of the GPT. */
export interface GptCallArgs {
  /** Dropout on when true. Default `false`. */
  training?: boolean;
}

/** `call`'s options: `training` and whether to return every attention map too. */
export interface GptModelCallArgs extends GptCallArgs {
  /** Return `[logits, ...attention]` (one `[B, N, T, T]` map per block, first block first). Default `false`. */
  returnAttention?: boolean;
}

const REFUSE_MASK = { refuse: "; the GPT masks causally itself, and its windows have no padding" };
const CALL_SPEC = { returnAttention: opt.boolean() };
const WITH_ATTENTION: AttentionCallRules = { spec: {}, mask: REFUSE_MASK };

/** The GPT's own weights, by name. */
interface OwnWeights {
  tokenEmbedding: tf.LayerVariable;
  /** `[E, V]`; `null` when the head is tied to the token embedding. */
  headKernel: tf.LayerVariable | null;
  headBias: tf.LayerVariable;
}

/** Decoder-only language model. Input: token ids `[B, T]` (T ≤ blockSize) → next-token logits `[B, T, V]`. */
export class Gpt extends CompositeLayer {
  static className = "Gpt";
  readonly config: GptConfig;
  /** The positional layer added to the embeddings; `null` with `positional: "rope"` (the blocks rotate). */
  readonly position: tf.layers.Layer | null;
  readonly blocks: TransformerEncoderLayer[];
  readonly finalNorm: LayerNorm;
  private calls = 0;
  private own: OwnWeights | null = null;

  /** `config`: any {@link GptConfig} keys over DEFAULTS, and tfjs's base layer keys (`name`, …). */
  constructor(config: Partial<GptConfig> & BaseLayerArgs = {}) {
    super(baseLayerArgs(checkLayerArgs("Gpt", config, GPT_CONFIG_SPEC)));
    const c = gptConfig(ownArgs(config), undefined, "Gpt");
    this.config = c;
    this.position =
      c.positional === "learned"
        ? new LearnedPositionalEncoding({ maxLength: c.blockSize, seed: childSeed(c.seed, "positions") })
        : c.positional === "sinusoidal"
          ? new SinusoidalPositionalEncoding({ maxLength: c.blockSize })
          : null;
    const rope = c.positional === "rope" ? { rope: "interleaved" as const } : {};
    const { numHeads, dFF, dropout, activation } = c;
    this.blocks = Array.from(
      { length: c.numLayers },
      (_, i) =>
        new TransformerEncoderLayer({
          numHeads,
          dFF,
          dropout,
          activation,
          normFirst: true,
          ...rope,
          seed: childSeed(c.seed, `block/${i}`),
        }),
    );
    this.finalNorm = new LayerNorm();
  }

  protected sublayers(): tf.layers.Layer[] {
    return [...(this.position === null ? [] : [this.position]), ...this.blocks, this.finalNorm];
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    const { vocabSize: v, dModel: e, seed, tieEmbeddings } = this.config;
    const embeddingInit = tf.initializers.randomNormal({
      stddev: e ** -0.5,
      seed: tfSeed(childSeed(seed, "embedding")),
    });
    const headInit = tf.initializers.glorotUniform({ seed: childSeed(seed, "head") });
    this.own = {
      tokenEmbedding: this.addWeight("tokenEmbedding", [v, e], "float32", embeddingInit),
      headKernel: tieEmbeddings ? null : this.addWeight("headKernel", [e, v], "float32", headInit),
      headBias: this.addWeight("headBias", [v], "float32", tf.initializers.zeros()),
    };
    for (const layer of this.sublayers()) this.buildSublayer(layer, [null, null, e]);
    this.built = true;
  }

  /** Builds the weights now (as the first call would), so that `setWeights` and `countParameters` work. */
  ensureBuilt(): this {
    if (!this.built) tf.tidy(() => void this.apply(tf.zeros([1, 1], "int32")));
    return this;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, t] = inputShape as tf.Shape;
    return [b ?? null, t ?? null, this.config.vocabSize];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: GptModelCallArgs = {}): tf.Tensor | tf.Tensor[] {
    const { returnAttention, training } = checkCallArgs("Gpt", kwargs, CALL_SPEC, REFUSE_MASK);
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const [tokens] = list;
    if (tokens === undefined || list.length !== 1) {
      throw new RangeError(`Gpt: expects one input, token ids [B, T], got ${list.length}`);
    }
    return tf.tidy(() => {
      const { logits, attention } = this.forward(tokens, training ?? false);
      return returnAttention ? [logits, ...attention] : logits;
    });
  }

  /**
   * One pass, in paper order: 1) h₀ = Wₑ[ids]·√E + positions 2) each block h ← h + attn(LN(h)) (causal), h ← h +
   * FFN(LN(h)) 3) final LayerNorm 4) logits = h W_head + b. Returns the logits `[B, T, V]` and each block's
   * attention weights `[B, N, T, T]`. Runs inside `call`'s `tidy`.
   */
  private forward(tokens: tf.Tensor, training: boolean): { logits: tf.Tensor; attention: tf.Tensor[] } {
    const [b, t] = checkTokens(tokens, this.config);
    const e = this.config.dModel;
    const { tokenEmbedding, headKernel, headBias } = this.ownWeights();
    const rows = tf.gather(tokenEmbedding.read(), tokens.reshape([-1]).toInt()); // [B·T, E]
    const scaled = tf.mul(rows.reshape([b, t, e]), Math.sqrt(e)); // [B, T, E]
    const placed = this.position === null ? scaled : (this.position.apply(scaled) as tf.Tensor); // [B, T, E]
    let h = this.embeddingDropout(placed, training); // [B, T, E]
    const attention: tf.Tensor[] = [];
    for (const block of this.blocks) {
      const r = block.applyWithAttention(h, { causal: true, training });
      attention.push(r.attention); // [B, N, T, T]
      h = r.output; // [B, T, E]
    }
    h = this.finalNorm.apply(h) as tf.Tensor; // [B, T, E]
    const kernel = headKernel === null ? tf.transpose(tokenEmbedding.read()) : headKernel.read(); // [E, V]
    return { logits: linear(h, kernel, headBias.read()), attention }; // [B, T, V]
  }

  /**
   * `apply` that also returns every block's causal self-attention weights: output = logits `[B, T, V]`,
   * attention = one `[B, N, T, T]` map per block (first block first; row i is zero beyond key i). The caller
   * disposes the logits and every map; nothing else survives.
   * @example
   *   const { output, attention } = new Gpt({ vocabSize: 5, numLayers: 2 }).applyWithAttention(tf.tensor2d([[1, 2, 3]], [1, 3], "int32"));
   *   output.shape; // [1, 3, 5]
   *   attention.map((a) => a.shape); // [[1, 4, 3, 3], [1, 4, 3, 3]]
   */
  applyWithAttention(tokens: tf.Tensor, kwargs: GptCallArgs = {}): WithAttention<tf.Tensor[]> {
    const n = this.config.numLayers;
    const [output, ...attention] = applyReturningAttention(this, tokens, kwargs, WITH_ATTENTION, n);
    return { output, attention };
  }

  /**
   * An empty key/value cache for {@link decodeStep}, one entry per block (the caller disposes it).
   * @example
   *   const cache = model.newCache();
   *   const logits = model.decodeStep(tf.tensor2d([[1, 2]], [1, 2], "int32"), cache); // [1, 2, V]; cache.length 2
   *   cache.dispose();
   */
  newCache(): KeyValueCache {
    return new KeyValueCache(this.config.numLayers);
  }

  /**
   * One cached step: `tokens [B, T]` are the next T tokens (positions cache.length …; the whole prompt at the
   * start), the cache holds every block's keys and values of the earlier ones. Returns the logits `[B, T, V]` of
   * the new positions, equal to the last T rows of `apply` on the whole sequence, and appends the new keys and
   * values (each block attends with `causal: true, queryOffset: cache.length`). Inference only (no dropout). The
   * positions are absolute: the cache cannot hold more than blockSize positions.
   */
  decodeStep(tokens: tf.Tensor, cache: KeyValueCache): tf.Tensor {
    this.ensureBuilt();
    if (!(cache instanceof KeyValueCache) || cache.numLayers !== this.blocks.length) {
      throw new TypeError(
        `Gpt.decodeStep: cache must be a KeyValueCache from newCache (${this.blocks.length} blocks)`,
      );
    }
    const start = cache.length;
    if (tokens.rank === 2 && start + (tokens.shape[1] ?? 0) > this.config.blockSize) {
      throw new RangeError(
        `Gpt.decodeStep: ${start} cached + ${tokens.shape[1]} new positions exceed blockSize ${this.config.blockSize} (start a new cache from the cropped context)`,
      );
    }
    const [b, t] = checkTokens(tokens, this.config);
    return tf.tidy(() => {
      const e = this.config.dModel;
      const { tokenEmbedding, headKernel, headBias } = this.ownWeights();
      const rows = tf.gather(tokenEmbedding.read(), tokens.reshape([-1]).toInt()); // [B·T, E]
      const scaled = tf.mul(rows.reshape([b, t, e]), Math.sqrt(e)); // [B, T, E]
      let h = this.position === null ? scaled : tf.add(scaled, positionRows(this.position, start, t, e)); // [B, T, E]
      this.blocks.forEach((block, i) => {
        const r = block.causalStep(h, cache.self(i));
        cache.update(i, r.cache); // [B, N, start + T, H]
        h = r.output; // [B, T, E]
      });
      h = this.finalNorm.apply(h) as tf.Tensor; // [B, T, E]
      const kernel = headKernel === null ? tf.transpose(tokenEmbedding.read()) : headKernel.read(); // [E, V]
      return linear(h, kernel, headBias.read()); // [B, T, V]
    });
  }

  /** Embedding dropout (GPT-2's `drop` after h₀), with a fresh seed from `seed` each call. */
  private embeddingDropout(x: tf.Tensor, training: boolean): tf.Tensor {
    const rate = this.config.dropout;
    if (!training || rate === 0) return x;
    return tf.dropout(x, rate, undefined, childSeed(this.config.seed, `dropout/${++this.calls}`));
  }

  /** The own weights; `call` runs after `build` (through `apply`), so missing ones are a bug. */
  private ownWeights(): OwnWeights {
    if (this.own === null) throw new Error("Gpt: used before build (call ensureBuilt or apply)");
    return this.own;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

/**
 * `[B, T]` of a batch of token ids, checked: rank 2, 1 ≤ T ≤ blockSize, every id an integer in [0, V) (tfjs-wasm's
 * `gather` does not bounds-check, so a bad id would read stray memory instead of failing).
 */
function checkTokens(tokens: tf.Tensor, config: GptConfig): [number, number] {
  const [b, t] = tokens.shape;
  if (tokens.rank !== 2 || b === undefined || t === undefined || b < 1 || t < 1) {
    throw new RangeError(`Gpt: tokens must be token ids [B, T] with B, T ≥ 1, got [${tokens.shape}]`);
  }
  if (t > config.blockSize) {
    throw new RangeError(
      `Gpt: tokens [${tokens.shape}] are longer than blockSize ${config.blockSize} (crop the context to its last ${config.blockSize} tokens)`,
    );
  }
  const ids = tokens.dataSync();
  const v = config.vocabSize;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(Number.isInteger(id) && id >= 0 && id < v)) {
      throw new RangeError(`Gpt: tokens must be integer ids in [0, ${v - 1}], got ${id} at flat index ${i}`);
    }
  }
  return [b, t];
}

tf.serialization.registerClass(Gpt);

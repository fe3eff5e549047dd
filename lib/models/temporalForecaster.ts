/**
 * A temporal attention forecaster as one tfjs layer: every step x_i of a window `[B, W, F]` is embedded with a
 * learned position, h_i = tanh(x_i W_e + b_e + p_i); additive attention pooling scores the steps,
 * α = softmax_i(vᵀ tanh(h_i U + b)), and pools them, c = Σ_i α_i h_i; a dense head forecasts ŷ = c·w + b₀.
 * α says which past steps the forecast reads. Follows: Yang et al. 2016 (HAN) §2.2 eqs. 5–7 (attention
 * pooling over time steps); learned position embeddings as in Gehring et al. 2017 §3.1.
 *
 * Weight layout (`getWeights()` order), E = `dModel`: embedding `kernel [F, E]`, `bias [E]`; positions
 * `embeddings [W, E]`; pooling `kernel [E, E]` (U), `bias [E]` (b), `context [E]` (v); head `kernel [E, 1]`
 * (w), `bias [1]` (b₀).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import { CompositeLayer } from "../layers/compositeLayer.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  MAX_LENGTH,
  SEED,
  SIZE,
} from "../layers/layerOptions.js";
import { AttentionPooling } from "../layers/pooling/attentionPooling.js";
import { LearnedPositionalEncoding } from "../layers/positionalEncoding.js";
import {
  type AttentionCallRules,
  applyReturningAttention,
  type WithAttention,
} from "../layers/withAttention.js";
import { childSeed } from "../random/childSeed.js";

/** Arguments of {@link TemporalAttentionForecaster}. */
export interface TemporalForecasterArgs extends BaseLayerArgs {
  /** Steps per window W (rows of the position table); a window must have exactly this many. Required. */
  window: number;
  /** Features per step F (columns of x_i). Required. */
  features: number;
  /** Width E of the step embedding h_i and of the pooling's scoring layer. Default 16. */
  dModel?: number;
  /**
   * Seed of the initial weights; the parts draw from `childSeed(seed, "embedding" | "positions" | "pooling" |
   * "head")`. Default 0.
   */
  seed?: number;
}

const ARGS = {
  window: MAX_LENGTH({ required: true }),
  features: SIZE({ required: true, max: 1_000_000 }),
  dModel: SIZE({ max: 1_000_000 }),
  seed: SEED,
};

/** Standard deviation of the initial position table (small next to the embedded steps). */
const POSITION_STDDEV = 0.1;

/** Call options: `training` (no effect: the model has no dropout) and, for `call`, `returnAttention`. */
export interface TemporalForecasterCallArgs {
  training?: boolean;
  /** `call` returns `[predictions, α]` instead of `predictions`. Default false. */
  returnAttention?: boolean;
}

/** What {@link TemporalAttentionForecaster.applyWithAttention} takes: the training flag, and no masks. */
const WITH_ATTENTION: AttentionCallRules = { spec: {}, mask: { refuse: " (every step of a window counts)" } };

/** Windows `[B, W, F]` → forecasts `[B]`; `applyWithAttention` also gives α `[B, W]`. */
export class TemporalAttentionForecaster extends CompositeLayer {
  static className = "TemporalAttentionForecaster";
  readonly window: number;
  readonly features: number;
  readonly dModel: number;
  readonly seed: number;
  /** x_i ↦ x_i W_e + b_e, `[B, W, F]` → `[B, W, E]`. */
  readonly embedding: tf.layers.Layer;
  /** Adds p_i, row i of a learned `[W, E]` table. */
  readonly positions: LearnedPositionalEncoding;
  /** α = softmax_i(vᵀ tanh(h_i U + b)), c = Σ_i α_i h_i. */
  readonly pooling: AttentionPooling;
  /** ŷ = c·w + b₀, `[B, E]` → `[B, 1]`. */
  readonly head: tf.layers.Layer;

  constructor(args: TemporalForecasterArgs) {
    super(baseLayerArgs(checkLayerArgs("TemporalAttentionForecaster", args, ARGS)));
    this.window = args.window;
    this.features = args.features;
    this.dModel = args.dModel ?? 16;
    this.seed = args.seed ?? 0;
    const glorot = (part: string) => tf.initializers.glorotUniform({ seed: childSeed(this.seed, part) });
    this.embedding = tf.layers.dense({ units: this.dModel, kernelInitializer: glorot("embedding") });
    this.positions = new LearnedPositionalEncoding({
      maxLength: this.window,
      stddev: POSITION_STDDEV,
      seed: childSeed(this.seed, "positions"),
    });
    this.pooling = new AttentionPooling({
      score: "mlp",
      units: this.dModel,
      seed: childSeed(this.seed, "pooling"),
    });
    this.head = tf.layers.dense({ units: 1, kernelInitializer: glorot("head") });
  }

  protected sublayers(): tf.layers.Layer[] {
    return [this.embedding, this.positions, this.pooling, this.head];
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    this.checkShape(inputShape as (number | null)[]);
    const [w, f, e] = [this.window, this.features, this.dModel];
    this.buildSublayer(this.embedding, [null, w, f]);
    this.buildSublayer(this.positions, [null, w, e]);
    this.buildSublayer(this.pooling, [null, w, e]);
    this.buildSublayer(this.head, [null, e]);
    this.built = true;
  }

  /** Builds the weights now (the first `apply` would), so they can be trained, counted or compared. */
  ensureBuilt(): this {
    if (!this.built) tf.tidy(() => void this.apply(tf.zeros([1, this.window, this.features])));
    return this;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [(inputShape as tf.Shape)[0] ?? null]; // [B]
  }

  /** Forecasts `[B]` for windows `x [B, W, F]`; with `returnAttention`, `[forecasts, α [B, W]]`. */
  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: TemporalForecasterCallArgs = {},
  ): tf.Tensor | tf.Tensor[] {
    const where = "TemporalAttentionForecaster";
    checkCallArgs(where, kwargs, { returnAttention: opt.boolean() }, WITH_ATTENTION.mask);
    return tf.tidy(() => {
      if (Array.isArray(inputs) && inputs.length !== 1) {
        throw new TypeError(`${where} takes one input, windows [B, W, F]; got ${inputs.length} tensors`);
      }
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      this.checkShape(x.shape);
      // 1) embed each step with its position: h_i = tanh(x_i W_e + b_e + p_i)
      const h = tf.tanh(this.positions.apply(this.embedding.apply(x)) as tf.Tensor); // [B, W, E]
      // 2) score, softmax over the steps, pool: c = Σ_i α_i h_i
      const { output: c, attention: alpha } = this.pooling.applyWithAttention(h); // [B, E], [B, W]
      // 3) the forecast ŷ = c·w + b₀
      const y = tf.reshape(this.head.apply(c) as tf.Tensor, [-1]); // [B]
      return kwargs.returnAttention ? [y, alpha] : y;
    });
  }

  /**
   * `apply` that also returns the attention: forecasts `[B]` and α `[B, W]` (each row sums to 1); the caller
   * disposes both. Builds the model on first use.
   * @example
   *   const model = new TemporalAttentionForecaster({ window: 20, features: 2 });
   *   const { output, attention } = model.applyWithAttention(tf.zeros([3, 20, 2]));
   *   [output.shape, attention.shape]; // [[3], [3, 20]]
   */
  applyWithAttention(
    x: tf.Tensor,
    kwargs: Omit<TemporalForecasterCallArgs, "returnAttention"> = {},
  ): WithAttention<tf.Tensor2D, tf.Tensor1D> {
    const [output, attention] = applyReturningAttention<[tf.Tensor]>(this, x, kwargs, WITH_ATTENTION, 1);
    return { output: output as tf.Tensor1D, attention: attention as tf.Tensor2D };
  }

  /** Refuses anything but windows `[B, W, F]` of this model's W and F. */
  private checkShape(shape: readonly (number | null)[]): void {
    const [w, f] = [this.window, this.features];
    const ok =
      shape.length === 3 && (shape[1] === null || shape[1] === w) && (shape[2] === null || shape[2] === f);
    if (!ok) {
      throw new RangeError(
        `TemporalAttentionForecaster: windows must be [B, ${w}, ${f}] (window, features), got [${shape.join(", ")}]`,
      );
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    const own = { window: this.window, features: this.features, dModel: this.dModel, seed: this.seed };
    return { ...super.getConfig(), ...own };
  }
}

tf.serialization.registerClass(TemporalAttentionForecaster);

/** Forecasts and attention rows of plain windows, as arrays. */
export interface WindowForecasts {
  /** One forecast per window. */
  predictions: number[];
  /** α per window, `[N][W]`. */
  attention: number[][];
  /** α averaged over the windows, one weight per window index `[W]` (sums to 1). */
  meanAttention: number[];
}

/**
 * Runs `model` over `windows` (`[N][W][F]`, one batch) and returns plain arrays; leaves no tensor behind.
 * @example forecastWindows(new TemporalAttentionForecaster({ window: 2, features: 1 }), [[[0], [1]]]).attention[0].length; // 2
 */
export function forecastWindows(model: TemporalAttentionForecaster, windows: number[][][]): WindowForecasts {
  if (!Array.isArray(windows) || windows.length === 0) {
    throw new RangeError("forecastWindows: windows must be a non-empty [N][W][F] array");
  }
  const x = tf.tensor3d(windows);
  try {
    const { output, attention } = model.applyWithAttention(x);
    const predictions = Array.from(output.dataSync());
    const rows = attention.arraySync();
    const meanAttention = Array.from(tf.tidy(() => tf.mean(attention, 0).dataSync())); // [W]
    tf.dispose([output, attention]);
    return { predictions, attention: rows, meanAttention };
  } finally {
    x.dispose();
  }
}

/**
 * CBAM, the convolutional block attention module: channel attention (a shared MLP over the average- and
 * max-pooled channel descriptors) followed by spatial attention (a 7×7 conv over the channel-average and
 * channel-max maps). Follows: Woo et al. 2018 (CBAM) §3, eqs. 1–3 (channel first, then spatial, §4.1).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { baseLayerArgs, checkCallArgs, checkLayerArgs, SEED } from "../layerOptions.js";
import { type AttentionCallRules, applyReturningAttention, type WithAttention } from "../withAttention.js";
import { addChannelMlp, type ChannelMlpWeights, channelMlp } from "./channelMlp.js";
import {
  type BaseLayerArgs,
  bottleneck,
  glorot,
  imageChannels,
  type LayerShape,
  onlyShape,
  onlyTensor,
} from "./layerArgs.js";

/** Arguments of {@link Cbam}. */
export interface CbamArgs extends BaseLayerArgs {
  /** Reduction ratio r of the shared channel MLP (⌊C/r⌋ hidden units, at least 1). Default 16. */
  ratio?: number;
  /** Side of the square spatial-attention conv kernel. Default 7 (Woo et al. Table 4). */
  kernelSize?: number;
  /**
   * When true, `call` returns `[output, channelAttention, spatialAttention]` (for a model graph; eagerly, use
   * `applyWithAttention`). Default false.
   */
  returnAttention?: boolean;
  /** Seed (`null` = none) for the Glorot-uniform kernels (weight k uses `childSeed(seed, "init/k")`); default: unseeded. */
  seed?: number | null;
}

const ARGS = {
  ratio: opt.number({ above: 0 }),
  kernelSize: opt.integer({ min: 1 }),
  returnAttention: opt.boolean(),
  seed: SEED,
};

/** CBAM's two attention maps. */
export type CbamAttention = {
  /** Channel attention M_c, `[B, C]`, each in (0, 1). */
  channel: tf.Tensor2D;
  /** Spatial attention M_s, `[B, height, width]`, each in (0, 1). */
  spatial: tf.Tensor3D;
};

/** Output of one call, the refined images F″ `[B, height, width, C]`, and both attention maps. */
export type CbamResult = WithAttention<CbamAttention, tf.Tensor4D>;

/** `applyWithAttention` takes no options but `training` (which changes nothing here). */
const WITH_ATTENTION: AttentionCallRules = { spec: {}, mask: { refuse: "" } };

/**
 * Channel then spatial attention. Input and output `[B, height, width, C]`.
 *
 * Weights, in `getWeights()` order: the shared MLP `kernel1 [C, C/r]`, `bias1 [C/r]` (ReLU), `kernel2 [C/r, C]`,
 * `bias2 [C]`; the spatial conv `spatialKernel [k, k, 2, 1]` (input channel 0 = channel average, 1 = channel
 * max), `spatialBias [1]`. Biases start at zero.
 * @example
 *   const cbam = new Cbam({ ratio: 2 });
 *   const r = cbam.applyWithAttention(tf.ones([1, 5, 5, 4]));
 *   r.attention.channel.shape; // [1, 4]
 *   r.attention.spatial.shape; // [1, 5, 5]
 */
export class Cbam extends tf.layers.Layer {
  static className = "Cbam";
  readonly ratio: number;
  readonly kernelSize: number;
  readonly returnAttention: boolean;
  readonly seed: number | undefined;
  private mlp!: ChannelMlpWeights;
  private spatialKernel!: tf.LayerVariable;
  private spatialBias!: tf.LayerVariable;

  constructor(args: CbamArgs = {}) {
    super(baseLayerArgs(checkLayerArgs("Cbam", args, ARGS, ["seed"])));
    this.ratio = args.ratio ?? 16;
    this.kernelSize = args.kernelSize ?? 7;
    this.returnAttention = args.returnAttention ?? false;
    this.seed = args.seed ?? undefined; // a config read back from JSON has null
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const c = imageChannels(onlyShape(inputShape, "Cbam"), "Cbam");
    const hidden = bottleneck(c, this.ratio, "Cbam");
    const k = this.kernelSize;
    this.mlp = addChannelMlp(
      (n, shape, init) => this.addWeight(n, shape, "float32", init),
      c,
      hidden,
      this.seed,
    );
    this.spatialKernel = this.addWeight("spatialKernel", [k, k, 2, 1], "float32", glorot(this.seed, 2));
    this.spatialBias = this.addWeight("spatialBias", [1], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const shape = onlyShape(inputShape, "Cbam");
    const [b, h, w, c] = shape as [number | null, number | null, number | null, number | null];
    return this.returnAttention ? [shape, [b, c], [b, h, w]] : shape;
  }

  /** `kwargs.returnAttention` overrides the constructor's choice for an eager call (`applyWithAttention`). */
  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: { returnAttention?: boolean },
  ): tf.Tensor | tf.Tensor[] {
    checkCallArgs("Cbam", kwargs, { returnAttention: opt.boolean() }, { refuse: "" });
    return tf.tidy(() => {
      const r = this.forward(onlyTensor(inputs, "Cbam") as tf.Tensor4D);
      const { channel, spatial } = r.attention;
      return (kwargs.returnAttention ?? this.returnAttention) ? [r.output, channel, spatial] : r.output;
    });
  }

  /**
   * `apply` that also returns both maps: `images [B, height, width, C]` → output of the same shape, attention
   * `{ channel [B, C], spatial [B, height, width] }` (the caller disposes all three). Builds on first use.
   */
  applyWithAttention(images: tf.Tensor, kwargs: { training?: boolean } = {}): CbamResult {
    const [output, channel, spatial] = applyReturningAttention<[tf.Tensor, tf.Tensor]>(
      this,
      images,
      kwargs,
      WITH_ATTENTION,
      2,
    );
    const attention = { channel: channel as tf.Tensor2D, spatial: spatial as tf.Tensor3D };
    return { output: output as tf.Tensor4D, attention };
  }

  private forward(x: tf.Tensor4D): CbamResult {
    const [b, h, w, c] = x.shape;
    // 1) channel attention M_c = σ(MLP(AvgPool F) + MLP(MaxPool F)), one MLP for both (eq. 2)
    const both = tf.add(this.sharedMlp(tf.mean(x, [1, 2])), this.sharedMlp(tf.max(x, [1, 2]))); // [B, C]
    const channel = tf.sigmoid(both) as tf.Tensor2D; // [B, C]
    const refined = tf.mul(x, tf.reshape(channel, [b, 1, 1, c])); // F′ = M_c ⊗ F, [B, height, width, C]
    // 2) spatial attention M_s = σ(f^{k×k}([AvgPool_c F′; MaxPool_c F′])) (eq. 3)
    const pooled = tf.concat([tf.mean(refined, 3, true), tf.max(refined, 3, true)], 3); // [B, height, width, 2]
    const kernel = this.spatialKernel.read() as tf.Tensor4D; // [k, k, 2, 1]
    const conv = tf.add(tf.conv2d(pooled as tf.Tensor4D, kernel, 1, "same"), this.spatialBias.read()); // [B, height, width, 1]
    const spatial = tf.reshape(tf.sigmoid(conv), [b, h, w]) as tf.Tensor3D; // [B, height, width]
    // 3) F″ = M_s ⊗ F′ (eq. 1)
    const output = tf.mul(refined, tf.reshape(spatial, [b, h, w, 1])) as tf.Tensor4D; // [B, height, width, C]
    return { output, attention: { channel, spatial } };
  }

  /** The shared MLP of eq. 2: W₀ (`kernel1`), ReLU, W₁ (`kernel2`) in the paper's names; `[B, C]` → `[B, C]`. */
  private sharedMlp(d: tf.Tensor): tf.Tensor {
    return channelMlp(d, this.mlp);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ratio: this.ratio,
      kernelSize: this.kernelSize,
      returnAttention: this.returnAttention,
      seed: this.seed ?? null,
    };
    return { ...super.getConfig(), ...config };
  }
}

tf.serialization.registerClass(Cbam);

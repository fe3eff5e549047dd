/**
 * Squeeze-and-excitation: channel attention for image batches — average each channel over the image, pass
 * the `[B, C]` summary through a bottleneck MLP, and rescale every channel by the resulting gate in (0, 1).
 * Follows: Hu et al. 2018 (SENet) §3, eqs. 2–4: z = F_sq(u), s = σ(W₂ δ(W₁ z)), x̃_c = s_c · u_c.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { baseLayerArgs, checkCallArgs, checkLayerArgs, SEED } from "../layerOptions.js";
import { type AttentionCallRules, applyReturningAttention, type WithAttention } from "../withAttention.js";
import { addChannelMlp, type ChannelMlpWeights, channelMlp } from "./channelMlp.js";
import {
  type BaseLayerArgs,
  bottleneck,
  imageChannels,
  type LayerShape,
  onlyShape,
  onlyTensor,
} from "./layerArgs.js";

/** Arguments of {@link SqueezeExcitation}. */
export interface SqueezeExcitationArgs extends BaseLayerArgs {
  /** Reduction ratio r: the hidden layer has ⌊C/r⌋ units, at least 1. Default 16 (Hu et al. §6.1). */
  ratio?: number;
  /**
   * When true, `call` returns `[output, gates]` instead of `output` (for a model graph; eagerly, use
   * `applyWithAttention`). Default false.
   */
  returnAttention?: boolean;
  /** Seed (`null` = none) for the Glorot-uniform kernels (weight k uses `childSeed(seed, "init/k")`); default: unseeded. */
  seed?: number | null;
}

const ARGS = { ratio: opt.number({ above: 0 }), returnAttention: opt.boolean(), seed: SEED };

/**
 * Output and channel attention of one call: `output`, the rescaled images `[B, height, width, C]`; `attention`,
 * the channel gates s `[B, C]`, each in (0, 1).
 */
export type SqueezeExcitationResult = WithAttention<tf.Tensor2D, tf.Tensor4D>;

/** `applyWithAttention` takes no options but `training` (which changes nothing here). */
const WITH_ATTENTION: AttentionCallRules = { spec: {}, mask: { refuse: "" } };

/**
 * Channel attention by squeeze and excitation. Input and output `[B, height, width, C]`.
 *
 * Weights, in `getWeights()` order: `kernel1 [C, C/r]`, `bias1 [C/r]` (squeeze → hidden, ReLU),
 * `kernel2 [C/r, C]`, `bias2 [C]` (hidden → gates, sigmoid); biases start at zero.
 * @example
 *   const se = new SqueezeExcitation({ ratio: 2 });
 *   const { output, attention } = se.applyWithAttention(tf.ones([1, 4, 4, 8]));
 *   output.shape; // [1, 4, 4, 8]
 *   attention.shape; // [1, 8]
 */
export class SqueezeExcitation extends tf.layers.Layer {
  static className = "SqueezeExcitation";
  readonly ratio: number;
  readonly returnAttention: boolean;
  readonly seed: number | undefined;
  private mlp!: ChannelMlpWeights;

  constructor(args: SqueezeExcitationArgs = {}) {
    super(baseLayerArgs(checkLayerArgs("SqueezeExcitation", args, ARGS, ["seed"])));
    this.ratio = args.ratio ?? 16;
    this.returnAttention = args.returnAttention ?? false;
    this.seed = args.seed ?? undefined; // a config read back from JSON has null
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const c = imageChannels(onlyShape(inputShape, "SqueezeExcitation"), "SqueezeExcitation");
    const hidden = bottleneck(c, this.ratio, "SqueezeExcitation");
    this.mlp = addChannelMlp(
      (n, shape, init) => this.addWeight(n, shape, "float32", init),
      c,
      hidden,
      this.seed,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const shape = onlyShape(inputShape, "SqueezeExcitation");
    return this.returnAttention ? [shape, [shape[0]!, shape[3]!]] : shape;
  }

  /** `kwargs.returnAttention` overrides the constructor's choice for an eager call (`applyWithAttention`). */
  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: { returnAttention?: boolean },
  ): tf.Tensor | tf.Tensor[] {
    checkCallArgs("SqueezeExcitation", kwargs, { returnAttention: opt.boolean() }, { refuse: "" });
    return tf.tidy(() => {
      const { output, attention } = this.forward(onlyTensor(inputs, "SqueezeExcitation") as tf.Tensor4D);
      return (kwargs.returnAttention ?? this.returnAttention) ? [output, attention] : output;
    });
  }

  /**
   * `apply` that also returns the channel gates: `images [B, height, width, C]` → output of the same shape,
   * attention `[B, C]` (the caller disposes both). Builds on first use.
   */
  applyWithAttention(images: tf.Tensor, kwargs: { training?: boolean } = {}): SqueezeExcitationResult {
    const [output, attention] = applyReturningAttention<[tf.Tensor]>(this, images, kwargs, WITH_ATTENTION, 1);
    return { output: output as tf.Tensor4D, attention: attention as tf.Tensor2D };
  }

  private forward(x: tf.Tensor4D): SqueezeExcitationResult {
    const [b, , , c] = x.shape;
    // 1) squeeze: global average pool (eq. 2)
    const z = tf.mean(x, [1, 2]); // [B, C]
    // 2) excite: bottleneck MLP, ReLU then sigmoid (eq. 3)
    const gates = tf.sigmoid(channelMlp(z, this.mlp)); // [B, C]
    // 3) scale each channel by its gate (eq. 4)
    const output = tf.mul(x, tf.reshape(gates, [b, 1, 1, c])) as tf.Tensor4D; // [B, height, width, C]
    return { output, attention: gates as tf.Tensor2D };
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ratio: this.ratio,
      returnAttention: this.returnAttention,
      seed: this.seed ?? null,
    };
    return { ...super.getConfig(), ...config };
  }
}

tf.serialization.registerClass(SqueezeExcitation);

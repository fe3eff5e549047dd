/**
 * Soft spatial attention pooling: a 1×1 conv scores every pixel, a softmax over all height·width pixels
 * turns the scores into an attention map, and the layer returns the attention-weighted feature vector and the
 * map's expected location (soft-argmax). Follows: Xu et al. 2015 (Show, Attend and Tell) §4.2 eqs. 4–6,
 * deterministic "soft" attention over image locations; soft-argmax as in Levine et al. 2016 §3.2 (spatial softmax).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import {
  type BaseLayerArgs,
  glorot,
  imageChannels,
  type LayerShape,
  onlyShape,
  onlyTensor,
} from "../cnn/layerArgs.js";
import { baseLayerArgs, checkCallArgs, checkLayerArgs, SEED } from "../layerOptions.js";
import { type AttentionCallRules, applyReturningAttention, type WithAttention } from "../withAttention.js";

/** Arguments of {@link SoftSpatialAttentionPooling}. */
export interface SoftSpatialAttentionPoolingArgs extends BaseLayerArgs {
  /** Softmax temperature τ > 0: weights = softmax(scores/τ). Default 1; smaller is sharper. */
  temperature?: number;
  /**
   * When true, `call` returns `[features, attention, location]` instead of `features` (for a model graph;
   * eagerly, use `applyWithAttention`). Default false.
   */
  returnAttention?: boolean;
  /** Seed (`null` = none) for the Glorot-uniform score kernel; default: unseeded. */
  seed?: number | null;
}

const ARGS = { temperature: opt.number({ above: 0 }), returnAttention: opt.boolean(), seed: SEED };

/**
 * Outputs of one call: `output`, the attention-weighted sum of the pixel features `[B, C]`; `attention`, the
 * map `[B, height, width]` (non-negative, sums to 1 per image); and the map's soft-argmax.
 */
export type SoftSpatialAttentionPoolingResult = WithAttention<tf.Tensor3D, tf.Tensor2D> & {
  /** Soft-argmax: the expected (row, col) under the map, `[B, 2]`, in pixel coordinates (0 … height−1, 0 … width−1). */
  location: tf.Tensor2D;
};

/** `applyWithAttention` takes no options but `training` (which changes nothing here). */
const WITH_ATTENTION: AttentionCallRules = { spec: {}, mask: { refuse: "" } };

/**
 * Soft attention pooling over the pixels of `[B, height, width, C]` images → features `[B, C]`.
 *
 * Weights: `scoreKernel [1, 1, C, 1]`, the 1×1 conv that gives each pixel its score. It has no bias: a constant
 * added to every score cancels in the softmax.
 * @example
 *   const pool = new SoftSpatialAttentionPooling({ temperature: 0.5 });
 *   const r = pool.applyWithAttention(tf.ones([2, 3, 4, 5]));
 *   r.output.shape; // [2, 5]
 *   r.attention.shape; // [2, 3, 4] (uniform here: every pixel scores the same)
 *   r.location.arraySync(); // [[1, 1.5], [1, 1.5]] (the centre)
 */
export class SoftSpatialAttentionPooling extends tf.layers.Layer {
  static className = "SoftSpatialAttentionPooling";
  readonly temperature: number;
  readonly returnAttention: boolean;
  readonly seed: number | undefined;
  private scoreKernel!: tf.LayerVariable;

  constructor(args: SoftSpatialAttentionPoolingArgs = {}) {
    super(baseLayerArgs(checkLayerArgs("SoftSpatialAttentionPooling", args, ARGS, ["seed"])));
    this.temperature = args.temperature ?? 1;
    this.returnAttention = args.returnAttention ?? false;
    this.seed = args.seed ?? undefined; // a config read back from JSON has null
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const c = imageChannels(onlyShape(inputShape, this.getClassName()), this.getClassName());
    this.scoreKernel = this.addWeight("scoreKernel", [1, 1, c, 1], "float32", glorot(this.seed, 0));
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const [b, h, w, c] = onlyShape(inputShape, this.getClassName()) as (number | null)[];
    return this.returnAttention
      ? [
          [b!, c!],
          [b!, h!, w!],
          [b!, 2],
        ]
      : [b!, c!];
  }

  /** `kwargs.returnAttention` overrides the constructor's choice for an eager call (`applyWithAttention`). */
  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: { returnAttention?: boolean },
  ): tf.Tensor | tf.Tensor[] {
    checkCallArgs("SoftSpatialAttentionPooling", kwargs, { returnAttention: opt.boolean() }, { refuse: "" });
    return tf.tidy(() => {
      const r = this.forward(onlyTensor(inputs, this.getClassName()) as tf.Tensor4D);
      return (kwargs.returnAttention ?? this.returnAttention)
        ? [r.output, r.attention, r.location]
        : r.output;
    });
  }

  /**
   * `apply` that also returns the map and its soft-argmax: `images [B, height, width, C]` → output `[B, C]`,
   * attention `[B, height, width]`, location `[B, 2]` (the caller disposes all three). Builds on first use.
   */
  applyWithAttention(
    images: tf.Tensor,
    kwargs: { training?: boolean } = {},
  ): SoftSpatialAttentionPoolingResult {
    const [output, attention, location] = applyReturningAttention<[tf.Tensor, tf.Tensor]>(
      this,
      images,
      kwargs,
      WITH_ATTENTION,
      2,
    );
    return {
      output: output as tf.Tensor2D,
      attention: attention as tf.Tensor3D,
      location: location as tf.Tensor2D,
    };
  }

  private forward(x: tf.Tensor4D): SoftSpatialAttentionPoolingResult {
    const [b, h, w, c] = x.shape;
    // 1) score each pixel with the 1×1 conv e_i = w · a_i (Xu et al. eq. 4, a linear f_att)
    const scores = tf.conv2d(x, this.scoreKernel.read() as tf.Tensor4D, 1, "valid"); // [B, height, width, 1]
    // 2) softmax over all height·width pixels (eq. 5), sharpened or flattened by τ
    const flat = tf.div(tf.reshape(scores, [b, h * w]), this.temperature); // [B, height·width]
    const weights = tf.softmax(flat); // [B, height·width]
    // 3) attention-weighted sum of the pixel features z = Σ_i α_i a_i (eq. 6)
    const pixels = tf.reshape(x, [b, h * w, c]); // [B, height·width, C]
    const features = tf.sum(tf.mul(tf.expandDims(weights, 2), pixels), 1) as tf.Tensor2D; // [B, C]
    // 4) soft-argmax: expected row and column under the map
    const location = tf.matMul(weights, pixelGrid(h, w)) as tf.Tensor2D; // [B, 2]
    return { output: features, attention: tf.reshape(weights, [b, h, w]) as tf.Tensor3D, location };
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      temperature: this.temperature,
      returnAttention: this.returnAttention,
      seed: this.seed ?? null,
    };
    return { ...super.getConfig(), ...config };
  }
}

/** The (row, col) of every pixel in row-major order, `[height·width, 2]`. */
function pixelGrid(height: number, width: number): tf.Tensor2D {
  const coords: number[] = [];
  for (let i = 0; i < height * width; i++) coords.push(Math.floor(i / width), i % width);
  return tf.tensor2d(coords, [height * width, 2]);
}

tf.serialization.registerClass(SoftSpatialAttentionPooling);

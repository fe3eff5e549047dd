/**
 * The segmentation model: 3×3 conv blocks (as in `attentionCnn`) give a feature f_i at every pixel i; then one
 * learned query q_c per class scores every pixel, e_{c,i} = q_cᵀ f_i, and one softmax over the pixels per class,
 * α_{c,i} = softmax_i(e_{c,i}/τ), pools the class's own feature z_c = Σ_i α_{c,i} f_i, which a per-class head turns
 * into the logit of "class c is in the image", ℓ_c = w_cᵀ z_c + b_c (sigmoid per class: multi-label). The
 * class maps α_c are the weak segmentation: trained on the label set alone, they are never told where a shape is.
 * Follows: Xu et al. 2015 §4.2 eqs. 4–6 (soft attention over locations) with one query per class, as the
 * class-specific attention of Zhu & Wu 2021 (CSRA) and the label queries of Liu et al. 2021 (Query2Label).
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
} from "../../layers/cnn/layerArgs.js";
import { baseLayerArgs, checkCallArgs, checkLayerArgs, SEED, SIZE } from "../../layers/layerOptions.js";
import {
  type AttentionCallRules,
  applyReturningAttention,
  type WithAttention,
} from "../../layers/withAttention.js";
import { childSeed } from "../../random/childSeed.js";
import { tfSeed } from "../../tfjs/seed.js";
import { SEGMENTATION_CLASSES } from "./data.js";

/** Arguments of {@link ClassQueryAttention}. */
export interface ClassQueryAttentionArgs extends BaseLayerArgs {
  /** Number of classes K: one query, one map and one logit each. Required. */
  classes: number;
  /** Softmax temperature τ > 0 of every class map. Default 1. */
  temperature?: number;
  /** When true, `call` returns `[logits, maps]` (for a model graph; eagerly, use `applyWithAttention`). */
  returnAttention?: boolean;
  /** Seed (`null` = none) of the initial weights (weight k from `childSeed(seed, "init/k")`); default: unseeded. */
  seed?: number | null;
}

const ARGS = {
  classes: SIZE({ required: true }),
  temperature: opt.number({ above: 0 }),
  returnAttention: opt.boolean(),
  seed: SEED,
};

/** `applyWithAttention` takes no options but `training` (which changes nothing here). */
const WITH_ATTENTION: AttentionCallRules = { spec: {}, mask: { refuse: "" } };

/** Logits `[B, K]` and the class maps `[B, K, height, width]` (each map sums to 1 over the pixels). */
export type ClassQueryAttentionResult = WithAttention<tf.Tensor4D, tf.Tensor2D>;

/**
 * Class-query attention over the pixels of `[B, height, width, C]` features → one logit per class `[B, K]`.
 *
 * Weights, in `getWeights()` order: `queries [C, K]` (column c is q_c), `headKernel [K, C]` (row c is w_c),
 * `headBias [K]` (starts at zero).
 * @example
 *   const layer = new ClassQueryAttention({ classes: 3, seed: 0 });
 *   const r = layer.applyWithAttention(tf.ones([2, 4, 4, 8]));
 *   [r.output.shape, r.attention.shape]; // [[2, 3], [2, 3, 4, 4]] (uniform maps: every pixel is the same)
 */
export class ClassQueryAttention extends tf.layers.Layer {
  static className = "ClassQueryAttention";
  readonly classes: number;
  readonly temperature: number;
  readonly returnAttention: boolean;
  readonly seed: number | undefined;
  private queries!: tf.LayerVariable;
  private headKernel!: tf.LayerVariable;
  private headBias!: tf.LayerVariable;

  constructor(args: ClassQueryAttentionArgs) {
    super(baseLayerArgs(checkLayerArgs("ClassQueryAttention", args, ARGS, ["seed"])));
    this.classes = args.classes;
    this.temperature = args.temperature ?? 1;
    this.returnAttention = args.returnAttention ?? false;
    this.seed = args.seed ?? undefined;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const c = imageChannels(onlyShape(inputShape, this.getClassName()), this.getClassName());
    const k = this.classes;
    this.queries = this.addWeight("queries", [c, k], "float32", glorot(this.seed, 0));
    this.headKernel = this.addWeight("headKernel", [k, c], "float32", glorot(this.seed, 1));
    this.headBias = this.addWeight("headBias", [k], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const [b, h, w] = onlyShape(inputShape, this.getClassName()) as (number | null)[];
    const logits: LayerShape = [b!, this.classes];
    return this.returnAttention ? [logits, [b!, this.classes, h!, w!]] : logits;
  }

  /** `kwargs.returnAttention` overrides the constructor's choice for an eager call (`applyWithAttention`). */
  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: { returnAttention?: boolean },
  ): tf.Tensor | tf.Tensor[] {
    checkCallArgs("ClassQueryAttention", kwargs, { returnAttention: opt.boolean() }, { refuse: "" });
    return tf.tidy(() => {
      const r = this.forward(onlyTensor(inputs, this.getClassName()) as tf.Tensor4D);
      return (kwargs.returnAttention ?? this.returnAttention) ? [r.output, r.attention] : r.output;
    });
  }

  /** `apply` that also returns the class maps: features `[B, H, W, C]` → logits `[B, K]`, maps `[B, K, H, W]`. */
  applyWithAttention(features: tf.Tensor, kwargs: { training?: boolean } = {}): ClassQueryAttentionResult {
    const [output, attention] = applyReturningAttention<[tf.Tensor]>(
      this,
      features,
      kwargs,
      WITH_ATTENTION,
      1,
    );
    return { output: output as tf.Tensor2D, attention: attention as tf.Tensor4D };
  }

  private forward(x: tf.Tensor4D): ClassQueryAttentionResult {
    const [b, h, w, c] = x.shape;
    const k = this.classes;
    const pixels = tf.reshape(x, [b * h * w, c]); // every pixel's feature f_i, [B·H·W, C]
    // 1) e_{c,i} = q_cᵀ f_i for every class and pixel (one plain 2-D matMul)
    const scores = tf.reshape(tf.matMul(pixels, this.queries.read()), [b, h * w, k]); // [B, H·W, K]
    // 2) one softmax over the H·W pixels per class
    const alpha = tf.softmax(tf.div(tf.transpose(scores, [0, 2, 1]), this.temperature)); // [B, K, H·W]
    // 3) z_c = Σ_i α_{c,i} f_i: the class's own attended feature
    const perPixel = tf.reshape(x, [b, 1, h * w, c]); // [B, 1, H·W, C]
    const z = tf.sum(tf.mul(tf.expandDims(alpha, 3), perPixel), 2); // [B, K, C]
    // 4) ℓ_c = w_cᵀ z_c + b_c: one logit per class, from that class's feature only
    const logits = tf.add(tf.sum(tf.mul(z, this.headKernel.read()), 2), this.headBias.read()); // [B, K]
    return { output: logits as tf.Tensor2D, attention: tf.reshape(alpha, [b, k, h, w]) as tf.Tensor4D };
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      classes: this.classes,
      temperature: this.temperature,
      returnAttention: this.returnAttention,
      seed: this.seed ?? null,
    };
    return { ...super.getConfig(), ...config };
  }
}

tf.serialization.registerClass(ClassQueryAttention);

/** The settings the model reads from a segmentation config. */
export interface SegmentationModelConfig {
  seed: number;
  /** Channels of the 3×3 conv blocks, one block per entry. */
  filters: number[];
  /** Softmax temperature of the class maps. */
  temperature: number;
}

/** The model and the inspector that shares its layers. */
export interface SegmentationModel {
  /** Images `[B, 24, 24, 1]` → logits `[B, K]` (sigmoid per class gives P(class in image)). */
  model: tf.LayersModel;
  /** The same layers and weights → the class maps `[B, K, 24, 24]`. */
  inspector: tf.LayersModel;
  config: SegmentationModelConfig;
}

/**
 * The model for 24×24 grey scenes: conv blocks `conv{i}` (3×3, 'same', ReLU, He-normal from
 * `childSeed(seed, "block/{i}")`, the seeds `attentionCnn` uses) and the class queries `classQueries`
 * (`childSeed(seed, "classQueries")`), all under `childSeed(config.seed, "model")`.
 */
export function segmentationModel(config: SegmentationModelConfig): SegmentationModel {
  const isFilter = (f: unknown) => Number.isInteger(f) && (f as number) >= 1;
  if (!(Array.isArray(config.filters) && config.filters.length >= 1 && config.filters.every(isFilter))) {
    throw new TypeError(
      `segmentationModel: config.filters must be a non-empty array of integers ≥ 1 (one conv block each), got ${JSON.stringify(config.filters)}`,
    );
  }
  const seed = childSeed(config.seed, "model");
  const input = tf.input({ shape: [24, 24, 1], name: "images" });
  let x = input;
  config.filters.forEach((filters, i) => {
    const conv = tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: "same",
      activation: "relu",
      kernelInitializer: tf.initializers.heNormal({ seed: tfSeed(childSeed(seed, `block/${i}`)) }),
      name: `conv${i}`,
    });
    x = conv.apply(x) as tf.SymbolicTensor; // [B, 24, 24, filters]
  });
  const queries = new ClassQueryAttention({
    classes: SEGMENTATION_CLASSES.length,
    temperature: config.temperature,
    returnAttention: true,
    seed: childSeed(seed, "classQueries"),
    name: "classQueries",
  });
  const [logits, maps] = queries.apply(x) as tf.SymbolicTensor[];
  return {
    model: tf.model({ inputs: input, outputs: logits!, name: "segmentation" }),
    inspector: tf.model({ inputs: input, outputs: maps!, name: "segmentationMaps" }),
    config: { seed: config.seed, filters: [...config.filters], temperature: config.temperature },
  };
}

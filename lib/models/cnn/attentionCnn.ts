/**
 * A small image classifier with attention: 3×3 conv blocks, each followed by squeeze-excitation or CBAM, then
 * soft spatial attention pooling (or plain average pooling) and a softmax head; plus an inspector model that
 * returns every attention map. Follows: Woo et al. 2018 §4 (CBAM after each block of a ResNet-style CNN) and
 * Hu et al. 2018 §4 (SE blocks), scaled down for teaching.
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, type OptionSpec, opt } from "../../check/options.js";
import { Cbam } from "../../layers/cnn/cbam.js";
import { SqueezeExcitation } from "../../layers/cnn/squeezeExcitation.js";
import { SEED, SIZE } from "../../layers/layerOptions.js";
import { SoftSpatialAttentionPooling } from "../../layers/pooling/softSpatialAttentionPooling.js";
import { tfSeed } from "../../tfjs/seed.js";
import { childSeed } from "../../random/childSeed.js";

/** Configuration of {@link attentionCnn}. */
export interface AttentionCnnConfig {
  /** Image height, width and channels of the input `[B, height, width, channels]`. */
  height: number;
  width: number;
  channels: number;
  /** Number of classes of the softmax head. */
  classes: number;
  /** One block per entry: conv 3×3 ('same') with this many filters, ReLU, then the attention module. */
  filters: number[];
  /** Attention module after each conv: squeeze-excitation, CBAM, or none. */
  attention: "se" | "cbam" | "none";
  /** Reduction ratio of the SE/CBAM channel MLP. */
  ratio: number;
  /** How the last feature map becomes a vector: soft spatial attention pooling or global average pooling. */
  pooling: "softSpatial" | "average";
  /** Softmax temperature of soft spatial attention pooling. */
  temperature: number;
  /** Seed of every initialiser (each layer's is `childSeed(seed, its part)`). */
  seed: number;
}

/** Defaults: 16×16 grey images, 10 classes, two blocks with CBAM, soft spatial pooling. */
export const ATTENTION_CNN_DEFAULTS: AttentionCnnConfig = {
  height: 16,
  width: 16,
  channels: 1,
  classes: 10,
  filters: [16, 32],
  attention: "cbam",
  ratio: 4,
  pooling: "softSpatial",
  temperature: 1,
  seed: 0,
};

/** The rules of every {@link AttentionCnnConfig} key (`filters`: integers ≥ 1, checked by {@link attentionCnn}). */
export const ATTENTION_CNN_SPEC: OptionSpec = {
  height: SIZE(),
  width: SIZE(),
  channels: SIZE(),
  classes: SIZE(),
  filters: opt.any(),
  attention: opt.oneOf(["se", "cbam", "none"]),
  ratio: opt.number({ above: 0 }),
  pooling: opt.oneOf(["softSpatial", "average"]),
  temperature: opt.number({ above: 0 }),
  seed: SEED,
};

/** Named presets, applied over the defaults: `tiny` for tests and quick notebook runs, `small` for case studies. */
export const ATTENTION_CNN_PRESETS = {
  tiny: { height: 8, width: 8, classes: 4, filters: [8], ratio: 2 },
  small: { filters: [16, 32], ratio: 4 },
} satisfies Record<string, Partial<AttentionCnnConfig>>;

/** The classifier, its attention inspector and the full configuration. */
export interface AttentionCnn {
  /** Images `[B, height, width, channels]` → class probabilities `[B, classes]`. */
  model: tf.LayersModel;
  /** The same layers and weights, returning the attention maps named in `mapNames`, in that order; null if none. */
  inspector: tf.LayersModel | null;
  /**
   * `block{i}Channel [B, C]` (SE or CBAM), `block{i}Spatial [B, height, width]` (CBAM), and with soft spatial
   * pooling `poolingMap [B, height, width]` and `poolingLocation [B, 2]`.
   */
  mapNames: string[];
  config: AttentionCnnConfig;
}

/**
 * Builds the classifier (not compiled).
 * @example
 *   const { model, mapNames } = attentionCnn({ ...ATTENTION_CNN_PRESETS.tiny });
 *   model.outputs[0].shape; // [null, 4]
 *   mapNames; // ["block0Channel", "block0Spatial", "poolingMap", "poolingLocation"]
 */
export function attentionCnn(overrides: Partial<AttentionCnnConfig> = {}): AttentionCnn {
  checkOptions("attentionCnn", overrides, ATTENTION_CNN_SPEC);
  const { filters } = overrides;
  const isFilter = (f: unknown) => Number.isInteger(f) && (f as number) >= 1;
  if (filters !== undefined && !(Array.isArray(filters) && Array.from(filters).every(isFilter))) {
    throw new TypeError(
      `attentionCnn: options.filters must be an array of integers ≥ 1 (one conv block each), got ${JSON.stringify(filters)}`,
    );
  }
  const given = Object.entries(overrides).filter(([, v]) => v !== undefined);
  const config: AttentionCnnConfig = { ...ATTENTION_CNN_DEFAULTS, ...Object.fromEntries(given) };
  const { height, width, channels, seed } = config;
  const input = tf.input({ shape: [height, width, channels], name: "images" });
  const maps: Maps = { tensors: [], names: [] };
  let x = input;
  config.filters.forEach((filters, i) => {
    x = convBlock(config, i, filters, x, maps); // [B, height, width, filters]
  });
  const pooled = poolingStage(config, x, maps); // [B, filters]
  const head = tf.layers.dense({
    units: config.classes,
    activation: "softmax",
    kernelInitializer: tf.initializers.glorotUniform({ seed: childSeed(seed, "head") }),
    name: "head",
  });
  const probs = head.apply(pooled) as tf.SymbolicTensor; // [B, classes]
  const model = tf.model({ inputs: input, outputs: probs, name: "attentionCnn" });
  const inspector =
    maps.tensors.length > 0
      ? tf.model({ inputs: input, outputs: maps.tensors, name: "attentionCnnMaps" })
      : null;
  return { model, inspector, mapNames: maps.names, config };
}

/** Attention maps collected while building, with their names. */
interface Maps {
  tensors: tf.SymbolicTensor[];
  names: string[];
}

/** Block `i`: conv 3×3 + ReLU, then SE or CBAM (whose maps go to `maps`). */
function convBlock(
  config: AttentionCnnConfig,
  i: number,
  filters: number,
  x: tf.SymbolicTensor,
  maps: Maps,
): tf.SymbolicTensor {
  const seed = childSeed(config.seed, `block/${i}`);
  const conv = tf.layers.conv2d({
    filters,
    kernelSize: 3,
    padding: "same",
    activation: "relu",
    kernelInitializer: tf.initializers.heNormal({ seed: tfSeed(seed) }),
    name: `conv${i}`,
  });
  const features = conv.apply(x) as tf.SymbolicTensor; // [B, height, width, filters]
  if (config.attention === "none") return features;
  const args = {
    ratio: config.ratio,
    returnAttention: true,
    seed: childSeed(seed, "attention"),
    name: `attention${i}`,
  };
  const module = config.attention === "se" ? new SqueezeExcitation(args) : new Cbam(args);
  const [out, ...blockMaps] = module.apply(features) as tf.SymbolicTensor[];
  maps.tensors.push(...blockMaps);
  maps.names.push(`block${i}Channel`, ...(config.attention === "cbam" ? [`block${i}Spatial`] : []));
  return out!;
}

/** Soft spatial attention pooling (its map and location go to `maps`) or global average pooling. */
function poolingStage(config: AttentionCnnConfig, x: tf.SymbolicTensor, maps: Maps): tf.SymbolicTensor {
  if (config.pooling === "average")
    return tf.layers.globalAveragePooling2d({ name: "pooling" }).apply(x) as tf.SymbolicTensor;
  const pool = new SoftSpatialAttentionPooling({
    temperature: config.temperature,
    returnAttention: true,
    seed: childSeed(config.seed, "pooling"),
    name: "pooling",
  });
  const [features, map, location] = pool.apply(x) as tf.SymbolicTensor[];
  maps.tensors.push(map!, location!);
  maps.names.push("poolingMap", "poolingLocation");
  return features!;
}

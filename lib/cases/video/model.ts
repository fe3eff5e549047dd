/**
 * The video model: a per-frame CNN (3×3 conv blocks with ReLU), soft spatial attention pooling over each frame's
 * pixels (its soft-argmax tracks the dot), attention pooling over the 8 frame vectors (its weights α say which
 * frame the class reads) and a softmax head for the event type. One model, two heads: class probabilities from
 * the pooled clip vector, the dot's position from each frame's spatial map. Built from the kit's layers:
 * `SoftSpatialAttentionPooling` (Xu et al. 2015 §4.2, soft-argmax as Levine et al. 2016 §3.2) and
 * `AttentionPooling` (Yang et al. 2016 §2.2 eqs. 5–7, over time steps).
 */
import * as tf from "@tensorflow/tfjs";
import { checkOptions, opt } from "../../check/options.js";
import { AttentionPooling } from "../../layers/pooling/attentionPooling.js";
import { SoftSpatialAttentionPooling } from "../../layers/pooling/softSpatialAttentionPooling.js";
import { childSeed } from "../../random/childSeed.js";
import { tfSeed } from "../../tfjs/seed.js";
import { VIDEO_EVENTS, VIDEO_FRAMES, VIDEO_SIDE } from "./data.js";

/** The settings the model reads from a video config. */
export interface VideoModelConfig {
  seed: number;
  /** Channels of the per-frame conv blocks (3×3, 'same', ReLU), one block each. */
  filters: number[];
  /** Softmax temperature of the spatial attention over each frame's pixels. */
  temperature: number;
  /** Hidden width of the temporal attention's scorer, s_t = vᵀ tanh(W f_t + b). */
  attentionUnits: number;
  temporalScore?: "mlp" | "query";
}

/**
 * What one call gives: class probabilities and every attention map, all tensors (the caller disposes them). A type
 * alias, so that it is a tfjs `TensorContainer` (`tf.tidy` can return it, `tf.dispose` frees it).
 */
export type VideoForward = {
  /** Event-type probabilities `[B, K]`. */
  output: tf.Tensor2D;
  attention: {
    /** Temporal attention α over the frames `[B, T]` (each row sums to 1). */
    temporal: tf.Tensor2D;
    /** Spatial attention of every frame `[B, T, H, W]` (each map sums to 1). */
    spatial: tf.Tensor4D;
    /** Soft-argmax `[row, col]` of every frame's map `[B, T, 2]`: the tracked dot. */
    location: tf.Tensor3D;
  };
};

const CONFIG_SPEC = {
  seed: opt.integer({ min: 0, required: true }),
  filters: opt.any({ required: true }),
  temperature: opt.number({ above: 0, required: true }),
  attentionUnits: opt.integer({ min: 1, max: 4096, required: true }),
  temporalScore: opt.oneOf(["mlp", "query"]),
};

/**
 * Clips `[B, 8, 16, 16]` → event probabilities `[B, 3]`, with temporal attention, spatial maps and tracked
 * positions (`applyWithAttention`). The layers are public so a notebook can run the forward pass step by step.
 */
export class VideoModel {
  readonly config: VideoModelConfig;
  /** The per-frame conv blocks, `[B·T, H, W, C_in]` → `[B·T, H, W, filters[i]]`. */
  readonly convs: tf.layers.Layer[];
  /** Soft spatial attention pooling over each frame: `[B·T, H, W, C]` → features `[B·T, C]`, map, location. */
  readonly spatial: SoftSpatialAttentionPooling;
  /** Attention pooling over the frames: `[B, T, C]` → clip vector `[B, C]`, α `[B, T]`. */
  readonly temporal: AttentionPooling;
  /** Softmax head, `[B, C]` → `[B, K]`. */
  readonly head: tf.layers.Layer;

  constructor(config: VideoModelConfig) {
    this.config = { ...config, filters: [...config.filters] };
    const seed = childSeed(config.seed, "model");
    this.convs = config.filters.map((filters, i) =>
      tf.layers.conv2d({
        filters,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: tf.initializers.heNormal({ seed: tfSeed(childSeed(seed, `block/${i}`)) }),
        name: `videoConv${i}`,
      }),
    );
    this.spatial = new SoftSpatialAttentionPooling({
      temperature: config.temperature,
      seed: childSeed(seed, "spatial"),
    });
    this.temporal = new AttentionPooling({
      score: config.temporalScore ?? "mlp",
      units: config.attentionUnits,
      seed: childSeed(seed, "temporal"),
    });
    this.head = tf.layers.dense({
      units: VIDEO_EVENTS.length,
      activation: "softmax",
      kernelInitializer: tf.initializers.glorotUniform({ seed: childSeed(seed, "head") }),
      name: "videoHead",
    });
    tf.tidy(() => void this.applyWithAttention(tf.zeros([1, VIDEO_FRAMES, VIDEO_SIDE, VIDEO_SIDE])));
  }

  /** Every layer, in weight order. */
  get layers(): tf.layers.Layer[] {
    return [...this.convs, this.spatial, this.temporal, this.head];
  }

  /** The trainable weights of every layer, in order (what `fit` trains and `sameWeights` compares). */
  get trainableWeights(): tf.LayerVariable[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  /** Event probabilities `[B, K]` for clips `[B, T, H, W]`. */
  predict(clips: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const r = this.applyWithAttention(clips);
      return r.output;
    });
  }

  /** The forward pass: probabilities and every attention map (the caller disposes them). */
  applyWithAttention(clips: tf.Tensor): VideoForward {
    if (!(clips instanceof tf.Tensor) || clips.rank !== 4 || clips.shape[1] !== VIDEO_FRAMES) {
      const shape = clips instanceof tf.Tensor ? `[${clips.shape.join(", ")}]` : String(clips);
      throw new RangeError(
        `VideoModel.applyWithAttention: clips must be a tensor [B, ${VIDEO_FRAMES}, ${VIDEO_SIDE}, ${VIDEO_SIDE}], got ${shape}`,
      );
    }
    const [b, t, h, w] = clips.shape as [number, number, number, number];
    if (h !== VIDEO_SIDE || w !== VIDEO_SIDE) {
      throw new RangeError(
        `VideoModel.applyWithAttention: frames must be ${VIDEO_SIDE}×${VIDEO_SIDE}, got ${h}×${w}`,
      );
    }
    return tf.tidy(() => {
      // 1) every frame on its own through the conv blocks
      let x = tf.reshape(clips, [b * t, h, w, 1]) as tf.Tensor; // [B·T, H, W, 1]
      for (const conv of this.convs) x = conv.apply(x) as tf.Tensor; // [B·T, H, W, C]
      // 2) soft spatial attention per frame: feature vector, map, soft-argmax
      const s = this.spatial.applyWithAttention(x); // [B·T, C], [B·T, H, W], [B·T, 2]
      const c = s.output.shape[1]!;
      const frames = tf.reshape(s.output, [b, t, c]); // [B, T, C]
      // 3) temporal attention pooling over the frames
      const p = this.temporal.applyWithAttention(frames); // [B, C], [B, T]
      // 4) the event head
      const output = this.head.apply(p.output) as tf.Tensor2D; // [B, K]
      return {
        output,
        attention: {
          temporal: p.attention,
          spatial: tf.reshape(s.attention, [b, t, h, w]) as tf.Tensor4D,
          location: tf.reshape(s.location, [b, t, 2]) as tf.Tensor3D,
        },
      };
    });
  }

  dispose(): void {
    for (const layer of this.layers) layer.dispose();
  }
}

/** The video model of `config`, built, seeded by `childSeed(seed, "model")`. */
export function videoModel(config: VideoModelConfig): VideoModel {
  const picked = {
    seed: config.seed,
    filters: config.filters,
    temperature: config.temperature,
    attentionUnits: config.attentionUnits,
    temporalScore: config.temporalScore,
  };
  checkOptions("videoModel", picked, CONFIG_SPEC);
  const filters = config.filters as unknown;
  if (
    !Array.isArray(filters) ||
    filters.length === 0 ||
    !filters.every((f) => Number.isInteger(f) && f >= 1 && f <= 256)
  ) {
    throw new RangeError(
      `videoModel: config.filters must be a non-empty array of whole numbers from 1 to 256 (one conv block each), got ${JSON.stringify(filters)}`,
    );
  }
  return new VideoModel(picked);
}

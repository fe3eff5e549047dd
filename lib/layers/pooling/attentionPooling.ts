/**
 * Attention pooling for sequence classifiers: score every time step, take a masked softmax over time, and
 * return the weighted sum of the steps `[B, E]` with the weights `[B, T]`. Follows: Yang et al. 2016 (HAN)
 * §2.2 eqs. 5–7 (MLP scores u_t = tanh(W h_t + b), α_t = softmax(u_tᵀ u_w)) and, for `score: "query"`,
 * a learned query vector with scaled dot-product scores (Vaswani et al. 2017 eq. 1, one query).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../../check/options.js";
import { tfSeed } from "../../tfjs/seed.js";
import { maskedSoftmax, validLensMask } from "../attentionMask.js";
import { type BaseLayerArgs, glorot, type LayerShape, onlyShape } from "../cnn/layerArgs.js";
import { baseLayerArgs, checkCallArgs, checkLayerArgs, SEED, SIZE } from "../layerOptions.js";
import { checkedLens, checkedMask } from "../maskValues.js";
import { type AttentionCallRules, applyReturningAttention, type WithAttention } from "../withAttention.js";

/** Arguments of {@link AttentionPooling}. */
export interface AttentionPoolingArgs extends BaseLayerArgs {
  /**
   * How a step is scored. `"mlp"` (default): s_t = vᵀ tanh(h_t W + b), Yang et al. eq. 5–6. `"query"`:
   * s_t = q · h_t / √E with a learned query q.
   */
  score?: "mlp" | "query";
  /** Hidden width of the `"mlp"` scorer (columns of W). Default 32. Not used by `"query"`. */
  units?: number;
  /**
   * When true, `call` returns `[output, weights]` instead of `output` (for a model graph; eagerly, use
   * `applyWithAttention`). Default false.
   */
  returnAttention?: boolean;
  /** Seed (`null` = none) for the initial weights (weight k uses `childSeed(seed, "init/k")`); default: unseeded. */
  seed?: number | null;
}

const ARGS = {
  score: opt.oneOf(["mlp", "query"]),
  units: SIZE(),
  returnAttention: opt.boolean(),
  seed: SEED,
};

/**
 * Output and weights of one call: `output`, the weighted sum of the steps `[B, E]` (zeros for a sequence with no
 * valid step); `attention`, the weights over time `[B, T]`, summing to 1 over the valid steps, 0 on padding.
 */
export type AttentionPoolingResult = WithAttention<tf.Tensor2D, tf.Tensor2D>;

/** Options of {@link AttentionPooling.applyWithAttention}: an upstream `[B, T]` mask (as tfjs passes it). */
export interface AttentionPoolingCallArgs {
  mask?: tf.Tensor | tf.Tensor[];
  training?: boolean;
}

/** The rules of {@link AttentionPoolingCallArgs}: `mask` and `training`, nothing else. */
const WITH_ATTENTION: AttentionCallRules = { spec: {}, mask: "accept" };

/**
 * Pools `[B, T, E]` sequences to `[B, E]`. Inputs: `values`, or `[values, mask]` with `mask [B, T]` 1 (or true) on
 * valid steps and 0 on padding, or `[values, validLens]` with integer `validLens [B]` in [0, T] (step t of row b
 * is valid when t < validLens[b]);
 * without either, a mask from an upstream layer (`embedding({ maskZero: true })`) is used.
 *
 * Weights, in `getWeights()` order — `"mlp"`: `kernel [E, units]` (W), `bias [units]` (b, starts at zero),
 * `context [units]` (v, Yang et al.'s u_w). `"query"`: `query [E]`, starting N(0, 1) so that q · h_t / √E has
 * unit variance for unit-variance steps.
 * @example
 *   const pool = new AttentionPooling({ score: "query" });
 *   const r = pool.applyWithAttention([tf.ones([2, 5, 8]), validLensMask([5, 2], 5)]);
 *   r.output.shape; // [2, 8]
 *   r.attention.arraySync()[1]; // [0.5, 0.5, 0, 0, 0]
 */
export class AttentionPooling extends tf.layers.Layer {
  static className = "AttentionPooling";
  readonly score: "mlp" | "query";
  readonly units: number;
  readonly returnAttention: boolean;
  readonly seed: number | undefined;
  private scorers: tf.LayerVariable[] = [];
  /** How many tensors the latest `call` returned: 2 with the weights, else 1 (see {@link computeMask}). */
  private lastOutputCount: 1 | 2;

  constructor(args: AttentionPoolingArgs = {}) {
    super(baseLayerArgs(checkLayerArgs("AttentionPooling", args, ARGS, ["seed"])));
    this.score = args.score ?? "mlp";
    this.units = args.units ?? 32;
    this.returnAttention = args.returnAttention ?? false;
    this.seed = args.seed ?? undefined; // a config read back from JSON has null
    this.supportsMasking = true;
    this.lastOutputCount = this.returnAttention ? 2 : 1;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const e = this.valuesShape(inputShape)[2]!;
    this.scorers = this.score === "query" ? [this.queryWeight(e)] : this.mlpWeights(e);
    this.built = true;
  }

  private queryWeight(e: number): tf.LayerVariable {
    return this.addWeight(
      "query",
      [e],
      "float32",
      tf.initializers.randomNormal({
        stddev: 1,
        seed: this.seed === undefined ? undefined : tfSeed(this.seed),
      }),
    );
  }

  private mlpWeights(e: number): tf.LayerVariable[] {
    return [
      this.addWeight("kernel", [e, this.units], "float32", glorot(this.seed, 0)),
      this.addWeight("bias", [this.units], "float32", tf.initializers.zeros()),
      this.addWeight("context", [this.units], "float32", glorot(this.seed, 1)),
    ];
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    const [b, t, e] = this.valuesShape(inputShape);
    const output = [b!, e!]; // [B, E]
    return this.returnAttention ? [output, [b!, t!]] : output;
  }

  /**
   * The outputs have no time axis, so no mask is passed on: one `null` per output. tfjs asks right after
   * `call` (in `apply` and in a model's executor) and wants one per tensor that call returned, which
   * `applyWithAttention` makes two even when the constructor's `returnAttention` is false.
   */
  override computeMask(): tf.Tensor | tf.Tensor[] {
    return (this.lastOutputCount === 2 ? [null, null] : null) as unknown as tf.Tensor[];
  }

  /**
   * `kwargs.mask` is an upstream `[B, T]` mask. `kwargs.returnAttention` overrides the constructor's choice for
   * an eager call (a symbolic call must keep the output count that `computeOutputShape` gives).
   */
  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: { returnAttention?: boolean; mask?: tf.Tensor | tf.Tensor[] },
  ): tf.Tensor | tf.Tensor[] {
    checkCallArgs("AttentionPooling", kwargs, { returnAttention: opt.boolean() }, "accept");
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const [values, given] = list;
      if (values === undefined || list.length > 2) {
        throw new RangeError(
          `AttentionPooling: expects values, [values, mask] or [values, validLens], got ${list.length} inputs`,
        );
      }
      const upstream = Array.isArray(kwargs.mask) ? kwargs.mask[0] : kwargs.mask;
      const r = this.forward(values as tf.Tensor3D, given ?? upstream ?? undefined);
      const attending = kwargs.returnAttention ?? this.returnAttention;
      this.lastOutputCount = attending ? 2 : 1;
      return attending ? [r.output, r.attention] : r.output;
    });
  }

  /**
   * `apply` that also returns the weights: `inputs` `values [B, T, E]`, or `[values, mask [B, T]]`, or
   * `[values, validLens [B]]`; output `[B, E]`, attention `[B, T]` (the caller disposes both). Builds the layer
   * on first use.
   */
  applyWithAttention(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: AttentionPoolingCallArgs = {},
  ): AttentionPoolingResult {
    const [output, attention] = applyReturningAttention<[tf.Tensor]>(this, inputs, kwargs, WITH_ATTENTION, 1);
    return { output: output as tf.Tensor2D, attention: attention as tf.Tensor2D };
  }

  private forward(x: tf.Tensor3D, mask: tf.Tensor | undefined): AttentionPoolingResult {
    const [b, t, e] = x.shape;
    const steps = tf.reshape(x, [b * t, e]) as tf.Tensor2D; // [B·T, E]
    // 1) score every step
    const scores = tf.reshape(this.scoreSteps(steps, e), [b, t]); // [B, T]
    // 2) masked softmax over time (all-masked sequence → zeros)
    const valid = this.validSteps(mask, b, t); // [B, T]
    const weights = maskedSoftmax(scores, valid) as tf.Tensor2D; // [B, T]
    // 3) weighted sum over time
    const output = tf.sum(tf.mul(tf.expandDims(weights, 2), x), 1) as tf.Tensor2D; // [B, E]
    return { output, attention: weights };
  }

  /** The `[B, T]` float mask: all ones, the given `[B, T]` mask, or one built from valid lengths `[B]`. */
  private validSteps(mask: tf.Tensor | undefined, b: number, t: number): tf.Tensor2D {
    if (mask === undefined) return tf.ones([b, t]);
    if (mask.rank === 1) {
      const lens = checkedLens(
        "AttentionPooling",
        "validLens",
        mask,
        { shapes: [[b]], letters: "B" },
        t,
        "the steps",
      );
      return validLensMask(lens, t, "AttentionPooling"); // [B, T]
    }
    const checked = checkedMask("AttentionPooling", "mask", mask, { shapes: [[b, t]], letters: "B, T" });
    return tf.cast(checked, "float32") as tf.Tensor2D; // [B, T]
  }

  /** Scores of `[B·T, E]` steps, `[B·T, 1]`. */
  private scoreSteps(steps: tf.Tensor2D, e: number): tf.Tensor {
    if (this.score === "query") {
      const q = tf.reshape(this.scorers[0]!.read(), [e, 1]); // [E, 1]
      return tf.mul(tf.matMul(steps, q), 1 / Math.sqrt(e)); // [B·T, 1]
    }
    const [kernel, bias, context] = this.scorers.map((v) => v.read());
    const hidden = tf.tanh(tf.add(tf.matMul(steps, kernel as tf.Tensor2D), bias!)); // [B·T, units]
    return tf.matMul(hidden, tf.reshape(context!, [this.units, 1])); // [B·T, 1]
  }

  private valuesShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shape = Array.isArray(inputShape[0])
      ? (inputShape[0] as LayerShape)
      : onlyShape(inputShape, "AttentionPooling");
    if (shape.length !== 3 || shape[2] === null)
      throw new RangeError(
        `AttentionPooling expects values [B, T, E] with a known E, got [${shape.join(", ")}]`,
      );
    return shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      score: this.score,
      units: this.units,
      returnAttention: this.returnAttention,
      seed: this.seed ?? null,
    };
    return { ...super.getConfig(), ...config };
  }
}

tf.serialization.registerClass(AttentionPooling);

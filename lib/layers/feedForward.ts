/**
 * The position-wise feed-forward block of a Transformer layer: FFN(x) = act(x W_1 + b_1) W_2 + b_2, applied to
 * every position alike. Follows: Vaswani et al. 2017 §3.3, eq. 2 (ReLU); d2l §11.7.2.
 *
 * Weight layout (`getWeights()` order): `kernel1 [E, dFF]`, `bias1 [dFF]`, `kernel2 [dFF, E]`, `bias2 [E]`.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import { childSeed } from "../random/childSeed.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  RATE,
  SEED,
  SIZE,
} from "./layerOptions.js";
import { linear } from "./linear.js";

/** Constructor arguments of {@link PositionwiseFeedForward}. */
export interface PositionwiseFeedForwardArgs extends BaseLayerArgs {
  /** Hidden width dFF. Required. */
  dFF: number;
  /** Hidden activation: "relu" or "gelu". Default "relu". */
  activation?: "relu" | "gelu";
  /** Dropout rate on the hidden layer while training, in [0, 1). Default 0. */
  dropout?: number;
  /** Seed of the initializers and of dropout. Default 0. */
  seed?: number;
}

/** The activations the feed-forward block supports. */
export const FFN_ACTIVATIONS = ["relu", "gelu"] as const;

const ARGS = {
  dFF: SIZE({ required: true }),
  activation: opt.oneOf(FFN_ACTIVATIONS),
  dropout: RATE,
  seed: SEED,
};

/** Two affine maps with an activation between: `x [B, T, E]` → `[B, T, E]`. */
export class PositionwiseFeedForward extends tf.layers.Layer {
  static className = "PositionwiseFeedForward";
  readonly dFF: number;
  readonly activation: "relu" | "gelu";
  readonly dropout: number;
  readonly seed: number;
  private calls = 0;
  private params: tf.LayerVariable[] = [];

  constructor(args: PositionwiseFeedForwardArgs) {
    super(baseLayerArgs(checkLayerArgs("PositionwiseFeedForward", args, ARGS)));
    this.dFF = args.dFF;
    this.activation = args.activation ?? "relu";
    this.dropout = args.dropout ?? 0;
    this.seed = args.seed ?? 0;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const e = (inputShape as tf.Shape).at(-1)!;
    const init = (k: number) => tf.initializers.glorotUniform({ seed: childSeed(this.seed, `init/${k}`) });
    this.params = [
      this.addWeight("kernel1", [e, this.dFF], "float32", init(0)),
      this.addWeight("bias1", [this.dFF], "float32", tf.initializers.zeros()),
      this.addWeight("kernel2", [this.dFF, e], "float32", init(1)),
      this.addWeight("bias2", [e], "float32", tf.initializers.zeros()),
    ];
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape): tf.Shape {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean } = {}): tf.Tensor {
    checkCallArgs("PositionwiseFeedForward", kwargs, {}, { refuse: "" });
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [w1, b1, w2, b2] = this.params.map((p) => p.read());
      const pre = linear(x, w1!, b1); // [B, T, dFF]
      let hidden = this.activation === "gelu" ? gelu(pre) : tf.relu(pre);
      if (kwargs.training && this.dropout > 0) {
        hidden = tf.dropout(hidden, this.dropout, undefined, childSeed(this.seed, `dropout/${++this.calls}`));
      }
      return linear(hidden, w2!, b2); // [B, T, E]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      dFF: this.dFF,
      activation: this.activation,
      dropout: this.dropout,
      seed: this.seed,
    };
  }
}

/** GELU, tanh approximation (Hendrycks & Gimpel 2016): 0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³))). */
function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

tf.serialization.registerClass(PositionwiseFeedForward);

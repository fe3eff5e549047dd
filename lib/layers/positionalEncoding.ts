/**
 * Positional encodings as tfjs layers that add a position signal to `[B, T, E]` inputs: the fixed sinusoidal
 * one and a learned table. Follows: Vaswani et al. 2017 §3.5 (sinusoidal; tier-1 `sinusoidalPositionalEncoding`
 * supplies the numbers) and Gehring et al. 2017 / BERT (learned position embeddings).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import { sinusoidalPositionalEncoding } from "../math/positional.js";
import { childSeed } from "../random/childSeed.js";
import { tfSeed } from "../tfjs/seed.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  MAX_LENGTH,
  SEED,
} from "./layerOptions.js";

/** Constructor arguments of {@link SinusoidalPositionalEncoding}. */
export interface SinusoidalPositionalEncodingArgs extends BaseLayerArgs {
  /** Longest sequence accepted, an integer in [1, 1e6]. Default 512. */
  maxLength?: number;
  /** Base of the frequencies ω_i = base^{−2i/E}, a finite number > 0. Default 10000. */
  base?: number;
}

const SINUSOIDAL_ARGS = { maxLength: MAX_LENGTH(), base: opt.number({ above: 0 }) };

/** Adds PE[0 … T−1] (tier 1's table, `[T, E]`) to `x [B, T, E]`. No weights. */
export class SinusoidalPositionalEncoding extends tf.layers.Layer {
  static className = "SinusoidalPositionalEncoding";
  readonly maxLength: number;
  readonly base: number;
  private table: number[][] = [];

  constructor(args: SinusoidalPositionalEncodingArgs = {}) {
    super(baseLayerArgs(checkLayerArgs("SinusoidalPositionalEncoding", args, SINUSOIDAL_ARGS)));
    this.maxLength = args.maxLength ?? 512;
    this.base = args.base ?? 10000;
  }

  override computeOutputShape(inputShape: tf.Shape): tf.Shape {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean } = {}): tf.Tensor {
    checkCallArgs("SinusoidalPositionalEncoding", kwargs, {}, { refuse: "" });
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [t, e] = [x.shape[1]!, x.shape[2]!];
      checkLength("SinusoidalPositionalEncoding", t, this.maxLength);
      if (this.table.length < t || this.table[0]?.length !== e) {
        // the rows needed so far (row p does not depend on the table's length), cached per width
        this.table = sinusoidalPositionalEncoding(Math.max(t, this.table.length), e, this.base);
      }
      return tf.add(x, tf.tensor2d(this.table.slice(0, t))); // [B, T, E]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxLength: this.maxLength, base: this.base };
  }
}

/** Constructor arguments of {@link LearnedPositionalEncoding}. */
export interface LearnedPositionalEncodingArgs extends BaseLayerArgs {
  /** Rows of the table: the longest sequence accepted, an integer in [1, 1e6]. Required. */
  maxLength: number;
  /** Standard deviation of the normal initializer, > 0. Default 0.02. */
  stddev?: number;
  /** Seed of the initializer. Default 0. */
  seed?: number;
}

const LEARNED_ARGS = {
  maxLength: MAX_LENGTH({ required: true }),
  stddev: opt.number({ above: 0 }),
  seed: SEED,
};

/** Adds rows 0 … T−1 of a learned table `embeddings [maxLength, E]` (its one weight) to `x [B, T, E]`. */
export class LearnedPositionalEncoding extends tf.layers.Layer {
  static className = "LearnedPositionalEncoding";
  readonly maxLength: number;
  readonly stddev: number;
  readonly seed: number;
  private table: tf.LayerVariable | null = null;

  constructor(args: LearnedPositionalEncodingArgs) {
    super(baseLayerArgs(checkLayerArgs("LearnedPositionalEncoding", args, LEARNED_ARGS)));
    this.maxLength = args.maxLength;
    this.stddev = args.stddev ?? 0.02;
    this.seed = args.seed ?? 0;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const init = tf.initializers.randomNormal({
      stddev: this.stddev,
      seed: tfSeed(childSeed(this.seed, "init/embedding")),
    });
    this.table = this.addWeight("embeddings", [this.maxLength, shape.at(-1)!], "float32", init);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape): tf.Shape {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean } = {}): tf.Tensor {
    checkCallArgs("LearnedPositionalEncoding", kwargs, {}, { refuse: "" });
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [t, e] = [x.shape[1]!, x.shape[2]!];
      checkLength("LearnedPositionalEncoding", t, this.maxLength); // wasm does not bounds-check slice
      return tf.add(x, tf.slice(this.table!.read(), [0, 0], [t, e])); // [B, T, E]
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxLength: this.maxLength, stddev: this.stddev, seed: this.seed };
  }
}

function checkLength(where: string, t: number, maxLength: number): void {
  if (t > maxLength) throw new RangeError(`${where}: sequence length ${t} exceeds maxLength ${maxLength}`);
}

tf.serialization.registerClass(SinusoidalPositionalEncoding);
tf.serialization.registerClass(LearnedPositionalEncoding);

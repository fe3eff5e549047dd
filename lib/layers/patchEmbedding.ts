/**
 * Patch embedding as a tfjs layer: cut each image into P×P patches, flatten each (row by row, channels
 * innermost) and project it with one kernel, so every patch becomes a token. Follows: Dosovitskiy et al. 2021
 * §3.1, eq. 1 (x_p ∈ R^{N×(P²·C)}, x_p E with E ∈ R^{(P²·C)×D}); tier-1 `patchEmbed` gives the same numbers.
 * The cut is two reshapes around one rank-4 transpose, and the projection one plain 2-D `matMul` (`linear`),
 * the forms tfjs-wasm runs fast (ARCHITECTURE "Pitfalls").
 *
 * Weight layout (`getWeights()` order): `kernel [P²·C, dModel]` (Glorot uniform), then with `useBias` (default)
 * `bias [dModel]` (zeros).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import { childSeed } from "../random/childSeed.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  SEED,
  SIZE,
} from "./layerOptions.js";
import { linear } from "./linear.js";

/** Constructor arguments of {@link PatchEmbedding}. */
export interface PatchEmbeddingArgs extends BaseLayerArgs {
  /** Side P of the square patches; it must divide the image's height and width. Required. */
  patchSize: number;
  /** Width D of each patch's token. Required. */
  dModel: number;
  /** Add a bias to the projection. Default `true`. */
  useBias?: boolean;
  /** Seed of the kernel's initializer. Default 0. */
  seed?: number;
}

const ARGS = {
  patchSize: SIZE({ required: true }),
  dModel: SIZE({ required: true }),
  useBias: opt.boolean(),
  seed: SEED,
};

/** Images `[B, H, W, C]` → patch tokens `[B, (H/P)·(W/P), dModel]`, patches in reading order. */
export class PatchEmbedding extends tf.layers.Layer {
  static className = "PatchEmbedding";
  readonly patchSize: number;
  readonly dModel: number;
  readonly useBias: boolean;
  readonly seed: number;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: PatchEmbeddingArgs) {
    super(baseLayerArgs(checkLayerArgs("PatchEmbedding", args, ARGS)));
    this.patchSize = args.patchSize;
    this.dModel = args.dModel;
    this.useBias = args.useBias ?? true;
    this.seed = args.seed ?? 0;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const c = this.checkShape(inputShape as tf.Shape)[3]!;
    const p = this.patchSize;
    const init = tf.initializers.glorotUniform({ seed: childSeed(this.seed, "kernel") });
    this.kernel = this.addWeight("kernel", [p * p * c, this.dModel], "float32", init);
    if (this.useBias) this.bias = this.addWeight("bias", [this.dModel], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w] = this.checkShape(inputShape as tf.Shape);
    const p = this.patchSize;
    const n = h === null || w === null ? null : (h! / p) * (w! / p);
    return [b ?? null, n, this.dModel];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean } = {}): tf.Tensor {
    checkCallArgs("PatchEmbedding", kwargs, {}, { refuse: "" });
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [b, h, w, c] = this.checkShape(x.shape) as number[];
      const p = this.patchSize;
      const [rows, cols] = [h! / p, w! / p];
      // 1) cut: [B, H, W, C] → [B·rows, P, cols, P·C] → swap the middle axes → [B·rows, cols, P, P·C]
      const strips = x.reshape([b! * rows, p, cols, p * c!]); // [B·rows, P, cols, P·C]
      const cut = tf.transpose(strips, [0, 2, 1, 3]); // [B·rows, cols, P, P·C]
      // 2) flatten: patch (r, c) → row r·cols + c, entry (i·P + j)·C + channel
      const patches = cut.reshape([b!, rows * cols, p * p * c!]); // [B, N, P²·C]
      // 3) project: x_p E + b
      return linear(patches, this.kernel!.read(), this.bias?.read()); // [B, N, D]
    });
  }

  /** `[B, H, W, C]` with H and W divisible by P (a clear error otherwise). */
  private checkShape(shape: tf.Shape): tf.Shape {
    const [, h, w, c] = shape;
    const p = this.patchSize;
    const fits = (d: number | null | undefined) => d === null || (d !== undefined && d % p === 0);
    if (shape.length !== 4 || !fits(h) || !fits(w) || !c) {
      throw new RangeError(
        `PatchEmbedding: input must be images [B, H, W, C] with H and W divisible by patchSize ${p}, got [${shape}]`,
      );
    }
    return shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const own = { patchSize: this.patchSize, dModel: this.dModel, useBias: this.useBias, seed: this.seed };
    return { ...super.getConfig(), ...own };
  }
}

tf.serialization.registerClass(PatchEmbedding);

/**
 * A Vision Transformer (ViT) classifier as one tfjs layer: the image cut into P×P patches, each projected to a
 * token ({@link PatchEmbedding}), a learned class token prepended, learned position embeddings added, `numLayers`
 * pre-LN encoder blocks (the kit's {@link TransformerEncoderLayer} with `normFirst`), and the class token's final
 * state, layer-normed, mapped to class logits. Follows: Dosovitskiy et al. 2021 §3.1, eq. 1–4:
 * z₀ = [x_class; x_p¹E; …; x_pᴺE] + E_pos, z'_l = MSA(LN(z_{l−1})) + z_{l−1}, z_l = MLP(LN(z'_l)) + z'_l,
 * y = LN(z_L⁰); the head is one linear layer (their fine-tuning head).
 *
 * Weight layout (`getWeights()` order): `classToken [D]` (zeros, as the paper's code), `headKernel [D, K]`,
 * `headBias [K]`, the patch embedding (`kernel [P²C, D]`, `bias [D]`), the position table `[N + 1, D]`, the
 * blocks (see {@link TransformerEncoderLayer}), then gamma and beta of the final LayerNorm.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import { CompositeLayer } from "../layers/compositeLayer.js";
import { LayerNorm } from "../layers/layerNorm.js";
import {
  type BaseLayerArgs,
  baseLayerArgs,
  checkCallArgs,
  checkLayerArgs,
  ownArgs,
} from "../layers/layerOptions.js";
import { linear } from "../layers/linear.js";
import { PatchEmbedding } from "../layers/patchEmbedding.js";
import { LearnedPositionalEncoding } from "../layers/positionalEncoding.js";
import { TransformerEncoderLayer } from "../layers/transformerEncoderLayer.js";
import {
  type AttentionCallRules,
  applyReturningAttention,
  type WithAttention,
} from "../layers/withAttention.js";
import { childSeed } from "../random/childSeed.js";
import { VIT_CONFIG_SPEC, type VitConfig, vitConfig, vitPatchGrid } from "./vitConfig.js";

/** Call arguments of the ViT. */
export interface VitCallArgs {
  /** Dropout on when true. Default `false`. */
  training?: boolean;
}

/** `call`'s options: `training` and whether to return every attention map too. */
export interface VitModelCallArgs extends VitCallArgs {
  /** Return `[logits, ...attention]` (one `[B, N, T, T]` map per block, T = patches + 1). Default `false`. */
  returnAttention?: boolean;
}

const REFUSE_MASK = { refuse: "; every patch of an image is attended, so the ViT takes no mask" };
const CALL_SPEC = { returnAttention: opt.boolean() };
const WITH_ATTENTION: AttentionCallRules = { spec: {}, mask: REFUSE_MASK };

/** The ViT's own weights, by name. */
interface OwnWeights {
  classToken: tf.LayerVariable;
  headKernel: tf.LayerVariable;
  headBias: tf.LayerVariable;
}

/** Images `[B, height, width, channels]` → class logits `[B, K]`. Token 0 is the class token, 1 … N the patches. */
export class Vit extends CompositeLayer {
  static className = "Vit";
  readonly config: VitConfig;
  readonly patchEmbedding: PatchEmbedding;
  readonly position: LearnedPositionalEncoding;
  readonly blocks: TransformerEncoderLayer[];
  readonly finalNorm: LayerNorm;
  /** Patch tokens N and their grid `[rows, cols]` (patch n at row ⌊n / cols⌋, column n mod cols). */
  readonly grid: { rows: number; cols: number; patches: number };
  private calls = 0;
  private own: OwnWeights | null = null;

  /** `config`: any {@link VitConfig} keys over DEFAULTS, and tfjs's base layer keys (`name`, …). */
  constructor(config: Partial<VitConfig> & BaseLayerArgs = {}) {
    super(baseLayerArgs(checkLayerArgs("Vit", config, VIT_CONFIG_SPEC)));
    const c = vitConfig(ownArgs(config), undefined, "Vit");
    this.config = c;
    this.grid = vitPatchGrid(c);
    const { patchSize, dModel, numHeads, dFF, dropout, activation, seed } = c;
    this.patchEmbedding = new PatchEmbedding({ patchSize, dModel, seed: childSeed(seed, "patches") });
    this.position = new LearnedPositionalEncoding({
      maxLength: this.grid.patches + 1,
      seed: childSeed(seed, "positions"),
    });
    this.blocks = Array.from(
      { length: c.numLayers },
      (_, i) =>
        new TransformerEncoderLayer({
          numHeads,
          dFF,
          dropout,
          activation,
          normFirst: true,
          seed: childSeed(seed, `block/${i}`),
        }),
    );
    this.finalNorm = new LayerNorm();
  }

  protected sublayers(): tf.layers.Layer[] {
    return [this.patchEmbedding, this.position, ...this.blocks, this.finalNorm];
  }

  override build(_inputShape: tf.Shape | tf.Shape[]): void {
    const { height, width, channels, dModel: d, classes: k, seed } = this.config;
    this.own = {
      classToken: this.addWeight("classToken", [d], "float32", tf.initializers.zeros()),
      headKernel: this.addWeight(
        "headKernel",
        [d, k],
        "float32",
        tf.initializers.glorotUniform({ seed: childSeed(seed, "head") }),
      ),
      headBias: this.addWeight("headBias", [k], "float32", tf.initializers.zeros()),
    };
    this.buildSublayer(this.patchEmbedding, [null, height, width, channels]);
    for (const layer of this.sublayers().slice(1))
      this.buildSublayer(layer, [null, this.grid.patches + 1, d]);
    this.built = true;
  }

  /** Builds the weights now (as the first call would), so that `setWeights` and `countParameters` work. */
  ensureBuilt(): this {
    const { height, width, channels } = this.config;
    if (!this.built) tf.tidy(() => void this.apply(tf.zeros([1, height, width, channels])));
    return this;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [(inputShape as tf.Shape)[0] ?? null, this.config.classes];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: VitModelCallArgs = {}): tf.Tensor | tf.Tensor[] {
    const { returnAttention, training } = checkCallArgs("Vit", kwargs, CALL_SPEC, REFUSE_MASK);
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const [images] = list;
    if (images === undefined || list.length !== 1) {
      throw new RangeError(`Vit: expects one input, images [B, height, width, channels], got ${list.length}`);
    }
    return tf.tidy(() => {
      const { logits, attention } = this.forward(images, training ?? false);
      return returnAttention ? [logits, ...attention] : logits;
    });
  }

  /**
   * One pass, in the paper's order: 1) patch tokens x_p E 2) prepend the class token 3) + E_pos (eq. 1) 4) each
   * block z' = z + MSA(LN(z)), z = z' + MLP(LN(z')) (eq. 2–3) 5) y = LN(z_L⁰) (eq. 4) 6) logits = y W + b.
   * Returns the logits `[B, K]` and each block's attention `[B, N, T, T]`. Runs inside `call`'s `tidy`.
   */
  private forward(images: tf.Tensor, training: boolean): { logits: tf.Tensor; attention: tf.Tensor[] } {
    const b = this.checkImages(images);
    const d = this.config.dModel;
    const { classToken, headKernel, headBias } = this.ownWeights();
    const patches = this.patchEmbedding.apply(images) as tf.Tensor; // 1) [B, N, D]
    const cls = tf.add(tf.zeros([b, 1, d]), classToken.read()); // 2) x_class for every image [B, 1, D]
    const tokens = tf.concat([cls, patches], 1); // [B, N + 1, D]
    let z = this.embeddingDropout(this.position.apply(tokens) as tf.Tensor, training); // 3) z₀ [B, N + 1, D]
    const attention: tf.Tensor[] = [];
    for (const block of this.blocks) {
      const r = block.applyWithAttention(z, { training }); // 4)
      attention.push(r.attention); // [B, heads, N + 1, N + 1]
      z = r.output; // [B, N + 1, D]
    }
    const y = this.finalNorm.apply(tf.squeeze(tf.slice(z, [0, 0, 0], [b, 1, d]), [1])) as tf.Tensor; // 5) [B, D]
    return { logits: linear(y, headKernel.read(), headBias.read()), attention }; // 6) [B, K]
  }

  /**
   * `apply` that also returns every block's self-attention: output = logits `[B, K]`, attention = one
   * `[B, heads, T, T]` map per block (first block first; T = N + 1, token 0 the class token, row 0 what the class
   * token reads). The caller disposes the logits and every map; nothing else survives.
   * @example
   *   const { output, attention } = new Vit({ height: 8, width: 8, patchSize: 4, numLayers: 2 }).applyWithAttention(tf.zeros([1, 8, 8, 1]));
   *   output.shape; // [1, 3]
   *   attention.map((a) => a.shape); // [[1, 4, 5, 5], [1, 4, 5, 5]]
   */
  applyWithAttention(images: tf.Tensor, kwargs: VitCallArgs = {}): WithAttention<tf.Tensor[]> {
    const n = this.config.numLayers;
    const [output, ...attention] = applyReturningAttention(this, images, kwargs, WITH_ATTENTION, n);
    return { output, attention };
  }

  /** The batch size of `images`, after checking they are `[B, height, width, channels]` of this config. */
  private checkImages(images: tf.Tensor): number {
    const { height, width, channels } = this.config;
    const [b, h, w, c] = images.shape;
    if (images.rank !== 4 || !b || h !== height || w !== width || c !== channels) {
      throw new RangeError(
        `Vit: images must be [B, ${height}, ${width}, ${channels}] (B ≥ 1, the config's height, width and channels), got [${images.shape}]`,
      );
    }
    return b;
  }

  /** Dropout directly after adding the position embeddings (Dosovitskiy et al. Appendix B.1). */
  private embeddingDropout(x: tf.Tensor, training: boolean): tf.Tensor {
    const rate = this.config.dropout;
    if (!training || rate === 0) return x;
    return tf.dropout(x, rate, undefined, childSeed(this.config.seed, `dropout/${++this.calls}`));
  }

  /** The own weights; `call` runs after `build` (through `apply`), so missing ones are a bug. */
  private ownWeights(): OwnWeights {
    if (this.own === null) throw new Error("Vit: used before build (call ensureBuilt or apply)");
    return this.own;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.config };
  }
}

tf.serialization.registerClass(Vit);

/**
 * Multi-head scaled-dot-product attention as a tfjs layer that can return its attention weights.
 * Follows: Vaswani et al. 2017 §3.2.2; tfjs/Keras `MultiHeadAttention` (inputs query/value/key, call-time
 * masks, `callAndReturnAttentionScores`); tier-1 `multiHeadAttend`, which it equals with the same weights.
 *
 * Weight layout (`getWeights()` order), E_q/E_k/E_v the input widths, N heads of size H, E_out the output width:
 *   0 `queryKernel [E_q, N·H]` = W_q, 1 `keyKernel [E_k, N·H]` = W_k, 2 `valueKernel [E_v, N·H]` = W_v,
 *   3 `outputKernel [N·H, E_out]` = W_o, then (when `useBias`) 4–7 `queryBias`, `keyBias`, `valueBias [N·H]`,
 *   `outputBias [E_out]`. Head n owns columns n·H … (n+1)·H − 1 of W_q, W_k, W_v and rows n·H … of W_o, as in
 *   tier 1, so for self-attention the three kernels concatenate into one fused `[E, 3·N·H]` QKV projection.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import {
  ATTENTION_CALL_SPEC,
  ATTENTION_MASK_SPEC,
  type AttentionMaskArgs,
  attentionMask,
  maskedSoftmax,
  NO_UPSTREAM_MASK,
} from "./attentionMask.js";
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

/** Constructor arguments of {@link MultiHeadAttention}. */
export interface MultiHeadAttentionArgs extends BaseLayerArgs {
  /** Number of heads N. Required. */
  numHeads: number;
  /** Head size H. Default: query width / numHeads. */
  keyDim?: number | null;
  /** Output width E_out. Default: the query width. */
  outputDim?: number | null;
  /** Add biases to the four projections. Default `true`. */
  useBias?: boolean;
  /** Dropout rate on the attention weights while training. Default 0. */
  dropout?: number;
  /** Always apply a causal mask. Default `false` (a call can still ask with `causal`). */
  useCausalMask?: boolean;
  /** Seed of the weight initializers and of dropout. Default 0. */
  seed?: number;
}

/** The rules of {@link MultiHeadAttentionArgs} (with tfjs's base layer keys). */
const ARGS = {
  numHeads: SIZE({ required: true }),
  keyDim: SIZE(),
  outputDim: SIZE(),
  useBias: opt.boolean(),
  dropout: RATE,
  useCausalMask: opt.boolean(),
  seed: SEED,
};

/** Call arguments: masks, training mode, and whether to return the weights too. */
export interface MultiHeadAttentionCallArgs extends AttentionMaskArgs {
  /** Dropout on when true. Default `false`. */
  training?: boolean;
  /** Return `[output, weights]` instead of `output`. Default `false`. */
  returnAttention?: boolean;
}

/** Output `[B, T, E_out]` and attention weights `[B, N, T, S]`. */
export interface AttentionResult {
  output: tf.Tensor;
  weights: tf.Tensor;
}

/** Multi-head attention. Inputs: `query [B, T, E_q]`, or `[query, value [B, S, E_v]]`, or `[query, value, key [B, S, E_k]]`. */
export class MultiHeadAttention extends tf.layers.Layer {
  static className = "MultiHeadAttention";
  readonly numHeads: number;
  readonly keyDim: number | null;
  readonly outputDim: number | null;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly useCausalMask: boolean;
  readonly seed: number;
  private calls = 0;
  private kernels: tf.LayerVariable[] = [];
  private biases: tf.LayerVariable[] = [];

  constructor(args: MultiHeadAttentionArgs) {
    super(baseLayerArgs(checkLayerArgs("MultiHeadAttention", args, ARGS, ["keyDim", "outputDim"])));
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim ?? null;
    this.outputDim = args.outputDim ?? null;
    this.useBias = args.useBias ?? true;
    this.dropout = args.dropout ?? 0;
    this.useCausalMask = args.useCausalMask ?? false;
    this.seed = args.seed ?? 0;
  }

  /** Head size H for a query width. */
  headSize(queryDim: number): number {
    if (this.keyDim !== null) return this.keyDim;
    if (queryDim % this.numHeads !== 0) {
      throw new RangeError(
        `MultiHeadAttention: query width ${queryDim} is not divisible by numHeads ${this.numHeads}`,
      );
    }
    return queryDim / this.numHeads;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [q, v, k] = splitShapes(inputShape);
    const width = this.numHeads * this.headSize(q.at(-1)!); // N·H
    const outDim = this.outputDim ?? q.at(-1)!;
    const init = (k: number) => tf.initializers.glorotUniform({ seed: this.seed * 97 + k + 1 });
    const names = ["query", "key", "value", "output"];
    const rows = [q.at(-1)!, k.at(-1)!, v.at(-1)!, width];
    const cols = [width, width, width, outDim];
    this.kernels = names.map((n, i) =>
      this.addWeight(`${n}Kernel`, [rows[i]!, cols[i]!], "float32", init(i)),
    );
    if (this.useBias) {
      this.biases = names.map((n, i) =>
        this.addWeight(`${n}Bias`, [cols[i]!], "float32", tf.initializers.zeros()),
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [q] = splitShapes(inputShape);
    return [...q.slice(0, -1), this.outputDim ?? q.at(-1)!];
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: MultiHeadAttentionCallArgs = {},
  ): tf.Tensor | tf.Tensor[] {
    checkCallArgs("MultiHeadAttention", kwargs, ATTENTION_CALL_SPEC, NO_UPSTREAM_MASK);
    return tf.tidy(() => {
      const { output, weights } = this.attend(inputs, kwargs);
      return kwargs.returnAttention ? [output, weights] : output;
    });
  }

  /** Runs the layer (building it if needed) and returns the output and the attention weights. */
  callWithWeights(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: AttentionMaskArgs & { training?: boolean } = {},
  ): AttentionResult {
    checkCallArgs("MultiHeadAttention.callWithWeights", kwargs, ATTENTION_MASK_SPEC, NO_UPSTREAM_MASK);
    const [output, weights] = this.apply(inputs, { ...kwargs, returnAttention: true }) as tf.Tensor[];
    return { output: output!, weights: weights! };
  }

  private attend(inputs: tf.Tensor | tf.Tensor[], kwargs: MultiHeadAttentionCallArgs): AttentionResult {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const query = list[0]!;
    const value = list[1] ?? query;
    const key = list[2] ?? value;
    const [b, t] = query.shape as number[];
    const s = value.shape[1]!;
    const [nh, h] = [this.numHeads, this.headSize(query.shape[2]!)];
    // 1) project: one fused [E, 3·N·H] matMul for self-attention, else three
    const [q, k, v] = this.project(query, value, key); // [B, T, N·H], [B, S, N·H], [B, S, N·H]
    // 2) split heads: column block n → head n
    const heads = (x: tf.Tensor, len: number) => x.reshape([b!, len, nh, h]).transpose([0, 2, 1, 3]);
    const [qh, kh, vh] = [heads(q, t!), heads(k, s), heads(v, s)]; // [B, N, T, H], [B, N, S, H], [B, N, S, H]
    // 3) score: Q Kᵀ / √H
    const scores = tf.mul(tf.matMul(qh, kh, false, true), 1 / Math.sqrt(h)); // [B, N, T, S]
    // 4) mask 5) softmax
    const masks = { ...kwargs, causal: kwargs.causal ?? this.useCausalMask };
    const mask = attentionMask(b!, t!, s, masks, "MultiHeadAttention");
    const weights = maskedSoftmax(scores, mask === null ? null : mask.expandDims(1)); // [B, N, T, S]
    const dropped =
      kwargs.training && this.dropout > 0
        ? tf.dropout(weights, this.dropout, undefined, this.nextSeed())
        : weights;
    // 6) weight the values, concat heads 7) output projection
    const context = tf
      .matMul(dropped, vh)
      .transpose([0, 2, 1, 3])
      .reshape([b!, t!, nh * h]); // [B, T, N·H]
    const output = linear(context, this.kernels[3]!.read(), this.biases[3]?.read()); // [B, T, E_out]
    return { output, weights };
  }

  private project(query: tf.Tensor, value: tf.Tensor, key: tf.Tensor): tf.Tensor[] {
    const [wq, wk, wv] = this.kernels.map((w) => w.read());
    const [bq, bk, bv] = this.biases.map((w) => w.read());
    if (query === value && value === key) {
      const w = tf.concat([wq!, wk!, wv!], 1); // [E, 3·N·H]
      const bias = this.useBias ? tf.concat([bq!, bk!, bv!]) : undefined; // [3·N·H]
      return tf.split(linear(query, w, bias), 3, 2); // 3 × [B, T, N·H]
    }
    return [linear(query, wq!, bq), linear(key, wk!, bk), linear(value, wv!, bv)];
  }

  private nextSeed(): number {
    this.calls += 1;
    return this.seed * 7919 + this.calls;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      outputDim: this.outputDim,
      useBias: this.useBias,
      dropout: this.dropout,
      useCausalMask: this.useCausalMask,
      seed: this.seed,
    };
  }
}

/** `[query, value, key]` shapes from one shape (self-attention) or a list of two or three. */
function splitShapes(inputShape: tf.Shape | tf.Shape[]): [tf.Shape, tf.Shape, tf.Shape] {
  const list = Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[]) : [inputShape as tf.Shape];
  const q = list[0]!;
  const v = list[1] ?? q;
  return [q, v, list[2] ?? v];
}

tf.serialization.registerClass(MultiHeadAttention);

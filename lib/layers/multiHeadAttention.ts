/**
 * Multi-head scaled-dot-product attention as a tfjs layer that can return its attention weights.
 * Follows: Vaswani et al. 2017 §3.2.2; tfjs/Keras `MultiHeadAttention` (inputs query/value/key, call-time
 * masks, `return_attention_scores`); tier-1 `multiHeadAttend`, which it equals with the same weights.
 *
 * Weight layout (`getWeights()` order), E_q/E_k/E_v the input widths, N heads of size H, E_out the output width:
 *   0 `queryKernel [E_q, N·H]` = W_q, 1 `keyKernel [E_k, N·H]` = W_k, 2 `valueKernel [E_v, N·H]` = W_v,
 *   3 `outputKernel [N·H, E_out]` = W_o, then (when `useBias`) 4–7 `queryBias`, `keyBias`, `valueBias [N·H]`,
 *   `outputBias [E_out]`. Head n owns columns n·H … (n+1)·H − 1 of W_q, W_k, W_v and rows n·H … of W_o, as in
 *   tier 1, so for self-attention the three kernels concatenate into one fused `[E, 3·N·H]` QKV projection.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import type { RopeLayout } from "../math/rope.js";
import { childSeed } from "../random/childSeed.js";
import {
  ATTENTION_CALL_SPEC,
  ATTENTION_MASK_SPEC,
  type AttentionCallArgs,
  type AttentionMaskArgs,
  attentionMask,
  maskedSoftmax,
  NO_UPSTREAM_MASK,
} from "./attentionMask.js";
import {
  buildProjections,
  type Initializer,
  inputWidth,
  type Projection,
  type Projections,
  splitInputs,
  splitShapes,
} from "./attentionProjections.js";
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
import { ROPE_ARGS, type RopeSetting, ropeRotate, ropeSetting } from "./rope.js";
import { type AttentionCallRules, applyReturningAttention, type WithAttention } from "./withAttention.js";

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
  /**
   * The default of the call option `causal`: when `true`, every call masks causally unless it passes
   * `causal: false`. Default `false` (a call can still ask with `causal: true`).
   */
  useCausalMask?: boolean;
  /**
   * Rotary positions (RoPE) on every head's queries and keys, pairing features "interleaved" (RoFormer) or
   * "half" (GPT-NeoX, LLaMA): key j sits at position j, query i at i + queryOffset (0 without a causal
   * mask). Default none. The keys of a cache ({@link projectKeyValues}) are kept unrotated and rotated when
   * attended.
   */
  rope?: RopeLayout | null;
  /** The base of RoPE's frequencies θ_i = base^{−2i/H}, > 1 (only with `rope`). Default 10000. */
  ropeBase?: number;
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
  ...ROPE_ARGS,
  seed: SEED,
};

/** Call arguments: masks, training mode, and whether to return the weights too. */
export interface MultiHeadAttentionCallArgs extends AttentionCallArgs {
  /** Return `[output, weights [B, N, T, S]]` instead of `output`. Default `false`. */
  returnAttention?: boolean;
}

/** The rules of {@link AttentionCallArgs}, for {@link MultiHeadAttention.applyWithAttention}. */
const WITH_ATTENTION: AttentionCallRules = { spec: ATTENTION_MASK_SPEC, mask: NO_UPSTREAM_MASK };

/**
 * Keys and values split into heads, `[B, N, S, H]` each: what a key/value cache holds for one attention layer
 * (K = source W_k + b_k and V = source W_v + b_v, head n in slice n of axis 1).
 */
export type KeyValueHeads = { keys: tf.Tensor; values: tf.Tensor };

/** Multi-head attention. Inputs: `query [B, T, E_q]`, or `[query, value [B, S, E_v]]`, or `[query, value, key [B, S, E_k]]`. */
export class MultiHeadAttention extends tf.layers.Layer {
  static className = "MultiHeadAttention";
  readonly numHeads: number;
  readonly keyDim: number | null;
  readonly outputDim: number | null;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly useCausalMask: boolean;
  /** The RoPE layout and base, or `null` without rotary positions. */
  readonly rope: RopeSetting | null;
  readonly seed: number;
  private calls = 0;
  private projections: Projections | null = null;

  constructor(args: MultiHeadAttentionArgs) {
    super(baseLayerArgs(checkLayerArgs("MultiHeadAttention", args, ARGS, ["keyDim", "outputDim", "rope"])));
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim ?? null;
    this.outputDim = args.outputDim ?? null;
    this.useBias = args.useBias ?? true;
    this.dropout = args.dropout ?? 0;
    this.useCausalMask = args.useCausalMask ?? false;
    this.rope = ropeSetting("MultiHeadAttention", args);
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
    const [qs, vs, ks] = splitShapes("MultiHeadAttention", inputShape);
    const [eq, ev, ek] = [
      inputWidth("MultiHeadAttention", qs, "query"),
      inputWidth("MultiHeadAttention", vs, "value"),
      inputWidth("MultiHeadAttention", ks, "key"),
    ]; // E_q, E_v, E_k
    const n = this.numHeads * this.headSize(eq); // N·H
    const outDim = this.outputDim ?? eq;
    const addWeight = (name: string, shape: number[], init: Initializer) =>
      this.addWeight(name, shape, "float32", init);
    this.projections = buildProjections(addWeight, { eq, ev, ek, n, outDim }, this.seed, this.useBias);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [q] = splitShapes("MultiHeadAttention", inputShape);
    return [...q.slice(0, -1), this.outputDim ?? inputWidth("MultiHeadAttention", q, "query")];
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: MultiHeadAttentionCallArgs = {},
  ): tf.Tensor | tf.Tensor[] {
    checkCallArgs("MultiHeadAttention", kwargs, ATTENTION_CALL_SPEC, NO_UPSTREAM_MASK);
    return tf.tidy(() => {
      const { output, attention } = this.attend(inputs, kwargs);
      return kwargs.returnAttention ? [output, attention] : output;
    });
  }

  /**
   * `apply` that also returns the attention weights: output `[B, T, E_out]`, attention `[B, N, T, S]` (the
   * caller disposes both). Builds the layer on first use.
   * @example
   *   const { output, attention } = new MultiHeadAttention({ numHeads: 2 }).applyWithAttention(tf.ones([1, 3, 4]), { causal: true });
   *   output.shape; // [1, 3, 4]
   *   attention.shape; // [1, 2, 3, 3] (row 0 is [1, 0, 0] in both heads)
   */
  applyWithAttention(inputs: tf.Tensor | tf.Tensor[], kwargs: AttentionCallArgs = {}): WithAttention {
    const [output, attention] = applyReturningAttention<[tf.Tensor]>(this, inputs, kwargs, WITH_ATTENTION, 1);
    return { output, attention };
  }

  private attend(inputs: tf.Tensor | tf.Tensor[], kwargs: MultiHeadAttentionCallArgs): WithAttention {
    const [query, value, key] = splitInputs("MultiHeadAttention", inputs);
    const s = value.shape[1];
    // 1) project: one fused [E, 3·N·H] matMul for self-attention, else three
    const [q, k, v] = this.project(query, value, key); // [B, T, N·H], [B, S, N·H], [B, S, N·H]
    // 2) split heads: column block n → head n
    const [kh, vh] = [this.heads(k, s, query.shape[2]), this.heads(v, s, query.shape[2])]; // [B, N, S, H] each
    return this.attendHeads(query, q, kh, vh, kwargs);
  }

  /** `[B, L, N·H]` → `[B, N, L, H]`: column block n → head n (H from the query width `e`). */
  private heads(x: tf.Tensor, len: number, e: number): tf.Tensor {
    return x.reshape([x.shape[0]!, len, this.numHeads, this.headSize(e)]).transpose([0, 2, 1, 3]);
  }

  /**
   * Keys and values of a source for a key/value cache: `value [B, S, E_v]` (and `key [B, S, E_k]`, default
   * `value`) → `{ keys, values }` `[B, N, S, H]` each, the K and V that {@link apply} would compute from it (the
   * caller disposes both). With {@link attendKeyValues}, attention without recomputing the keys of earlier
   * positions (Pope et al. 2022 §2). The layer must be built.
   */
  projectKeyValues(value: tf.Tensor, key: tf.Tensor = value): KeyValueHeads {
    const p = this.builtProjections();
    return tf.tidy(() => {
      const [, v, k] = splitInputs("MultiHeadAttention", [value, value, key]);
      const e = p.query.kernel.shape[0]!; // E_q
      const s = v.shape[1];
      const [wk, wv] = [p.key, p.value];
      const keys = this.heads(linear(k, wk.kernel.read(), wk.bias?.read()), s, e); // [B, N, S, H]
      const values = this.heads(linear(v, wv.kernel.read(), wv.bias?.read()), s, e); // [B, N, S, H]
      return { keys, values };
    });
  }

  /**
   * Attention of `query [B, T, E_q]` over keys and values already projected and split into heads (from
   * {@link projectKeyValues}, a cache's concatenation of them), with the masks of a call (`causal` defaults to
   * `useCausalMask`; a cache of S − T earlier positions needs `queryOffset: S − T`) and `training` (dropout).
   * Returns output `[B, T, E_out]` and weights `[B, N, T, S]` (the caller disposes both).
   * @example
   *   const past = mha.projectKeyValues(x.slice([0, 0, 0], [1, 2, 4])); // positions 0, 1
   *   const now = mha.projectKeyValues(xNew); // position 2
   *   const keys = tf.concat([past.keys, now.keys], 2); // [1, N, 3, H], and values alike
   *   mha.attendKeyValues(xNew, keys, values, { causal: true, queryOffset: 2 }).output; // = row 2 of mha.apply(x, { causal: true })
   */
  attendKeyValues(
    query: tf.Tensor,
    keys: tf.Tensor,
    values: tf.Tensor,
    kwargs: AttentionMaskArgs = {},
  ): WithAttention {
    checkCallArgs("MultiHeadAttention.attendKeyValues", kwargs, ATTENTION_MASK_SPEC, NO_UPSTREAM_MASK);
    const p = this.builtProjections();
    const [q3] = splitInputs("MultiHeadAttention", query);
    const [b, , e] = q3.shape;
    const want = [b, this.numHeads, null, this.headSize(e)];
    for (const [name, x] of [
      ["keys", keys],
      ["values", values],
    ] as const) {
      const ok = x.rank === 4 && want.every((d, i) => d === null || x.shape[i] === d);
      if (!ok || x.shape[2] !== keys.shape[2]) {
        throw new RangeError(
          `MultiHeadAttention.attendKeyValues: ${name} must be [B, N, S, H] = [${b}, ${this.numHeads}, S, ${this.headSize(e)}] (S as keys), got [${x.shape}]`,
        );
      }
    }
    return tf.tidy(() => {
      const q = linear(q3, p.query.kernel.read(), p.query.bias?.read()); // [B, T, N·H]
      return this.attendHeads(q3, q, keys, values, kwargs);
    });
  }

  /** Steps 2–7 of attention for projected queries `q [B, T, N·H]` over head-split `kh`, `vh` `[B, N, S, H]`. */
  private attendHeads(
    query: tf.Tensor3D,
    q: tf.Tensor,
    kh: tf.Tensor,
    vh: tf.Tensor,
    kwargs: MultiHeadAttentionCallArgs,
  ): WithAttention {
    const [b, t, e] = query.shape;
    const s = kh.shape[2]!;
    const [nh, h] = [this.numHeads, this.headSize(e)];
    const masks = { ...kwargs, causal: kwargs.causal ?? this.useCausalMask };
    let [qh, kr] = [this.heads(q, t, e), kh]; // [B, N, T, H], [B, N, S, H]
    if (this.rope !== null) {
      // 2b) RoPE: query i at position i + queryOffset, key j at j
      const offset = masks.causal ? (kwargs.queryOffset ?? 0) : 0;
      if (offset < 0)
        throw new RangeError(
          `MultiHeadAttention: with rope, queryOffset (${offset}) places the queries at positions ≥ 0; it must be ≥ 0`,
        );
      [qh, kr] = [ropeRotate(qh, offset, this.rope), ropeRotate(kh, 0, this.rope)];
    }
    // 3) score: Q Kᵀ / √H
    const scores = tf.mul(tf.matMul(qh, kr, false, true), 1 / Math.sqrt(h)); // [B, N, T, S]
    // 4) mask (a call's `causal` wins over `useCausalMask`) 5) softmax
    const mask = attentionMask(b, t, s, masks, "MultiHeadAttention");
    const weights = maskedSoftmax(scores, mask === null ? null : mask.expandDims(1)); // [B, N, T, S]
    const dropped =
      kwargs.training && this.dropout > 0
        ? tf.dropout(weights, this.dropout, undefined, this.nextSeed())
        : weights;
    // 6) weight the values, concat heads 7) output projection
    const context = tf
      .matMul(dropped, vh)
      .transpose([0, 2, 1, 3])
      .reshape([b, t, nh * h]); // [B, T, N·H]
    const { kernel, bias } = this.builtProjections().output;
    const output = linear(context, kernel.read(), bias?.read()); // [B, T, E_out]
    return { output, attention: weights };
  }

  /** Q, K, V: `query [B, T, E_q]` → `[B, T, N·H]`, `value`/`key [B, S, ·]` → `[B, S, N·H]`. */
  private project(
    query: tf.Tensor3D,
    value: tf.Tensor3D,
    key: tf.Tensor3D,
  ): [tf.Tensor, tf.Tensor, tf.Tensor] {
    const p = this.builtProjections();
    const affine = (x: tf.Tensor, w: Projection) => linear(x, w.kernel.read(), w.bias?.read());
    if (query === value && value === key) {
      const parts = [p.query, p.key, p.value];
      const w = tf.concat(
        parts.map((x) => x.kernel.read()),
        1,
      ); // [E, 3·N·H]
      const biases = parts.flatMap((x) => (x.bias === undefined ? [] : [x.bias.read()]));
      const bias = biases.length === 0 ? undefined : tf.concat(biases); // [3·N·H]
      const [q, k, v] = tf.split(linear(query, w, bias), 3, 2); // 3 × [B, T, N·H]
      if (q === undefined || k === undefined || v === undefined)
        throw new Error("MultiHeadAttention: split gave < 3");
      return [q, k, v];
    }
    return [affine(query, p.query), affine(key, p.key), affine(value, p.value)];
  }

  /** The projections; `call` runs after `build` (through `apply`), so a missing one is a misuse. */
  private builtProjections(): Projections {
    if (this.projections === null) {
      throw new Error("MultiHeadAttention: call before build; use apply or applyWithAttention");
    }
    return this.projections;
  }

  private nextSeed(): number {
    return childSeed(this.seed, `dropout/${++this.calls}`);
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
      rope: this.rope?.layout ?? null,
      ...(this.rope === null ? {} : { ropeBase: this.rope.base }),
      seed: this.seed,
    };
  }
}

tf.serialization.registerClass(MultiHeadAttention);

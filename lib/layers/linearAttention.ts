/**
 * Multi-head linear attention as a tfjs layer: MultiHeadAttention's projections and heads, with the softmax
 * replaced by the kernel φ(q)·φ(k), φ(x) = elu(x) + 1, computed as φ(Q) (φ(K)ᵀ V) / φ(Q) (φ(K)ᵀ 1) so that no
 * `[T, S]` matrix is formed; causal attention by cumulative sums over the keys. Follows: Katharopoulos et al.
 * 2020 eq. 6 and 9–12 (the "linear transformer"); tier-1 `linearAttend`, which it equals per head with the same
 * weights.
 *
 * Weight layout (`getWeights()` order), as {@link MultiHeadAttention}'s: 0 `queryKernel [E_q, N·H]`,
 * 1 `keyKernel [E_k, N·H]`, 2 `valueKernel [E_v, N·H]`, 3 `outputKernel [N·H, E_out]`, then (when `useBias`)
 * 4–7 `queryBias`, `keyBias`, `valueBias [N·H]`, `outputBias [E_out]`; head n owns columns n·H … (n+1)·H − 1.
 *
 * Masks: only what keeps the regrouping — padding of keys (`validLens [B]`, `attentionMask [B, S]`: a masked
 * key's φ(k) is 0) and `causal`. A per-query mask `[B, T, S]` (a sliding window) needs the `[T, S]` scores: use
 * MultiHeadAttention with `attentionMask` (see `slidingWindowAttentionMask`).
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import { attentionMask, NO_UPSTREAM_MASK } from "./attentionMask.js";
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
  SEED,
  SIZE,
} from "./layerOptions.js";
import { linear } from "./linear.js";
import type { MaskInput } from "./maskValues.js";
import { type AttentionCallRules, applyReturningAttention, type WithAttention } from "./withAttention.js";

/** Constructor arguments of {@link LinearAttention}. */
export interface LinearAttentionArgs extends BaseLayerArgs {
  /** Number of heads N. Required. */
  numHeads: number;
  /** Head size H. Default: query width / numHeads. */
  keyDim?: number | null;
  /** Output width E_out. Default: the query width. */
  outputDim?: number | null;
  /** Add biases to the four projections. Default `true`. */
  useBias?: boolean;
  /** The default of the call option `causal`. Default `false`. */
  useCausalMask?: boolean;
  /** Seed of the weight initializers. Default 0. */
  seed?: number;
}

const ARGS = {
  numHeads: SIZE({ required: true }),
  keyDim: SIZE(),
  outputDim: SIZE(),
  useBias: opt.boolean(),
  useCausalMask: opt.boolean(),
  seed: SEED,
};

/** Call arguments of {@link LinearAttention}: key padding, causal, and the training flag (no dropout here). */
export interface LinearAttentionMaskArgs {
  /** Padding of the keys: `[B]` valid lengths (numbers of keys, integers in [0, S]). */
  validLens?: MaskInput;
  /** Which keys to attend, `[B, S]`, 1 (or true) = attend. */
  attentionMask?: MaskInput;
  /** Query i sees keys j ≤ i (by prefix sums; key min(i, S − 1) when T > S). Default `useCausalMask`. */
  causal?: boolean;
  /** Accepted for the layers' common call signature; there is no dropout to turn on. */
  training?: boolean;
}

/** Call arguments, with `returnAttention`. */
export interface LinearAttentionCallArgs extends LinearAttentionMaskArgs {
  /**
   * Also return the weights the layer applies without forming them, `[B, N, T, S]`: w_ij = φ(q_i)·φ(k_j) / Σ_j'
   * (computed at O(T·S) for inspection only). Default `false`.
   */
  returnAttention?: boolean;
}

const MASK_SPEC = { validLens: opt.any(), attentionMask: opt.any(), causal: opt.boolean() };
const CALL_SPEC = { ...MASK_SPEC, returnAttention: opt.boolean() };
const WITH_ATTENTION: AttentionCallRules = { spec: MASK_SPEC, mask: NO_UPSTREAM_MASK };
const NAME = "LinearAttention";

/** Linear attention. Inputs: `query [B, T, E_q]`, or `[query, value [B, S, E_v]]`, or `[query, value, key [B, S, E_k]]`. */
export class LinearAttention extends tf.layers.Layer {
  static className = NAME;
  readonly numHeads: number;
  readonly keyDim: number | null;
  readonly outputDim: number | null;
  readonly useBias: boolean;
  readonly useCausalMask: boolean;
  readonly seed: number;
  private projections: Projections | null = null;

  constructor(args: LinearAttentionArgs) {
    super(baseLayerArgs(checkLayerArgs(NAME, args, ARGS, ["keyDim", "outputDim"])));
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim ?? null;
    this.outputDim = args.outputDim ?? null;
    this.useBias = args.useBias ?? true;
    this.useCausalMask = args.useCausalMask ?? false;
    this.seed = args.seed ?? 0;
  }

  /** Head size H for a query width. */
  headSize(queryDim: number): number {
    if (this.keyDim !== null) return this.keyDim;
    if (queryDim % this.numHeads !== 0)
      throw new RangeError(`${NAME}: query width ${queryDim} is not divisible by numHeads ${this.numHeads}`);
    return queryDim / this.numHeads;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [qs, vs, ks] = splitShapes(NAME, inputShape);
    const [eq, ev, ek] = [
      inputWidth(NAME, qs, "query"),
      inputWidth(NAME, vs, "value"),
      inputWidth(NAME, ks, "key"),
    ];
    const n = this.numHeads * this.headSize(eq); // N·H
    const outDim = this.outputDim ?? eq;
    const addWeight = (name: string, shape: number[], init: Initializer) =>
      this.addWeight(name, shape, "float32", init);
    this.projections = buildProjections(addWeight, { eq, ev, ek, n, outDim }, this.seed, this.useBias);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [q] = splitShapes(NAME, inputShape);
    return [...q.slice(0, -1), this.outputDim ?? inputWidth(NAME, q, "query")];
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: LinearAttentionCallArgs = {},
  ): tf.Tensor | tf.Tensor[] {
    checkCallArgs(NAME, kwargs, CALL_SPEC, NO_UPSTREAM_MASK);
    return tf.tidy(() => {
      const [query, value, key] = splitInputs(NAME, inputs);
      const [b, t, e] = query.shape;
      const s = value.shape[1];
      if (key.shape[1] !== s)
        throw new RangeError(
          `${NAME}: key [${key.shape}] and value [${value.shape}] must have the same length S`,
        );
      const p = this.builtProjections();
      const heads = (x: tf.Tensor, len: number) =>
        x.reshape([b, len, this.numHeads, this.headSize(e)]).transpose([0, 2, 1, 3]); // [B, N, len, H]
      const affine = (x: tf.Tensor, w: Projection) => linear(x, w.kernel.read(), w.bias?.read());
      // 1) project and split heads 2) feature maps, masked keys' φ(k) = 0
      const v = heads(affine(value, p.value), s); // [B, N, S, H]
      const phiQ = tf.add(tf.elu(heads(affine(query, p.query), t)), 1); // [B, N, T, H]
      const keyMask = keyMaskOf(b, s, kwargs); // [B, 1, S, 1] or null
      const phiK0 = tf.add(tf.elu(heads(affine(key, p.key), s)), 1); // [B, N, S, H]
      const phiK = keyMask === null ? phiK0 : tf.mul(phiK0, keyMask);
      const causal = kwargs.causal ?? this.useCausalMask;
      // 3) numerator φ(Q)(φ(K)ᵀV) and normaliser φ(Q)(φ(K)ᵀ1), by prefix sums when causal
      const [numerator, normaliser] = causal ? causalSums(phiQ, phiK, v, t) : fullSums(phiQ, phiK, v);
      // 4) divide; a row that sees no key has numerator and normaliser 0: adding 1 there keeps it 0, not NaN
      const safe = tf.add(normaliser, emptyRows(keyMask, s, t, causal)); // [B, N, T, 1]
      const context = tf
        .div(numerator, safe)
        .transpose([0, 2, 1, 3])
        .reshape([b, t, this.numHeads * this.headSize(e)]); // [B, T, N·H]
      const output = affine(context, p.output); // [B, T, E_out]
      if (!kwargs.returnAttention) return output;
      return [output, impliedWeights(phiQ, phiK, causal, emptyRows(keyMask, s, t, causal))];
    });
  }

  /**
   * `apply` that also returns the weights linear attention applies, `[B, N, T, S]` (formed here for inspection;
   * the caller disposes both). Builds the layer on first use.
   */
  applyWithAttention(inputs: tf.Tensor | tf.Tensor[], kwargs: LinearAttentionMaskArgs = {}): WithAttention {
    const [output, attention] = applyReturningAttention<[tf.Tensor]>(this, inputs, kwargs, WITH_ATTENTION, 1);
    return { output, attention };
  }

  private builtProjections(): Projections {
    if (this.projections === null)
      throw new Error(`${NAME}: call before build; use apply or applyWithAttention`);
    return this.projections;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      outputDim: this.outputDim,
      useBias: this.useBias,
      useCausalMask: this.useCausalMask,
      seed: this.seed,
    };
  }
}

/** Σ_j φ(k_j) v_jᵀ `[B, N, H, H_v]` and Σ_j φ(k_j), each query against them: numerator `[B, N, T, H_v]`, normaliser `[B, N, T, 1]`. */
function fullSums(phiQ: tf.Tensor, phiK: tf.Tensor, v: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const kv = tf.matMul(phiK, v, true, false); // φ(K)ᵀ V: [B, N, H, H_v]
  const z = tf.sum(phiK, 2, true); // [B, N, 1, H]
  return [tf.matMul(phiQ, kv), tf.sum(tf.mul(phiQ, z), -1, true)];
}

/**
 * Causal sums: S_j = Σ_{j' ≤ j} φ(k_j') v_j'ᵀ `[B, N, S, H, H_v]` and z_j by `cumsum` over the keys (what a
 * recurrent decoder would carry step by step), read at key min(i, S − 1) for query i.
 */
function causalSums(phiQ: tf.Tensor, phiK: tf.Tensor, v: tf.Tensor, t: number): [tf.Tensor, tf.Tensor] {
  const s = phiK.shape[2]!;
  let kv = prefixSums(tf.mul(phiK.expandDims(4), v.expandDims(3))); // [B, N, S, H, H_v]
  let z = prefixSums(phiK); // [B, N, S, H]
  if (t !== s) {
    const last = tf.minimum(tf.range(0, t, 1, "int32"), tf.scalar(s - 1, "int32")); // [T]
    [kv, z] = [tf.gather(kv, last, 2), tf.gather(z, last, 2)];
  }
  const numerator = tf.sum(tf.mul(phiQ.expandDims(4), kv), 3); // [B, N, T, H_v]
  return [numerator, tf.sum(tf.mul(phiQ, z), -1, true)];
}

/**
 * Cumulative sums over axis 2 (the keys). `tf.cumsum` is run on the last axis: its gradient for an inner axis
 * has the wrong shape in tfjs 4 ("The gradient of input 'x' has shape …").
 */
function prefixSums(x: tf.Tensor): tf.Tensor {
  const perm = [...x.shape.keys()].filter((a) => a !== 2).concat(2); // axis 2 last
  const back = perm.map((_, a) => perm.indexOf(a));
  return tf.cumsum(x.transpose(perm), x.rank - 1).transpose(back);
}

/** w_ij = φ(q_i)·φ(k_j) / Σ_j' φ(q_i)·φ(k_j') (j ≤ i when causal), `[B, N, T, S]`; rows without keys are 0. */
function impliedWeights(phiQ: tf.Tensor, phiK: tf.Tensor, causal: boolean, empty: tf.Tensor): tf.Tensor {
  const [t, s] = [phiQ.shape[2]!, phiK.shape[2]!];
  const kernel = tf.matMul(phiQ, phiK, false, true); // [B, N, T, S]
  const masked = causal ? tf.mul(kernel, tf.linalg.bandPart(tf.ones([t, s]), -1, 0)) : kernel;
  return tf.div(masked, tf.add(tf.sum(masked, -1, true), empty));
}

/**
 * 1 for a query row that sees no key (all padded, or before the first kept key when causal), else 0:
 * `[B | 1, 1, T | 1, 1]`. Made from the masks alone, so no gradient passes through it (φ > 0 makes every other
 * normaliser positive).
 */
function emptyRows(keyMask: tf.Tensor | null, s: number, t: number, causal: boolean): tf.Tensor {
  const keys = keyMask ?? tf.ones([1, 1, s, 1]); // [B | 1, 1, S, 1]
  let seen = tf.sum(keys, 2, true); // [B | 1, 1, 1, 1]
  if (causal) {
    const prefix = prefixSums(keys); // [B | 1, 1, S, 1]
    seen = tf.gather(prefix, tf.minimum(tf.range(0, t, 1, "int32"), tf.scalar(s - 1, "int32")), 2); // [·, 1, T, 1]
  }
  return tf.equal(seen, 0).toFloat();
}

/** The key mask `[B, 1, S, 1]` from `validLens [B]` and `attentionMask [B, S]`, or null; per-query masks are refused. */
function keyMaskOf(b: number, s: number, kwargs: LinearAttentionMaskArgs): tf.Tensor | null {
  const rank = (x: MaskInput | undefined) =>
    x === undefined
      ? 0
      : x instanceof tf.Tensor
        ? x.rank
        : Array.isArray(x) && Array.isArray(x[0])
          ? Array.isArray(x[0][0])
            ? 3
            : 2
          : 1;
  if (rank(kwargs.validLens) > 1)
    throw new RangeError(
      `${NAME}: validLens must be [B] (one length per example); per-query lengths [B, T] need the [T, S] scores, which linear attention never forms (use MultiHeadAttention)`,
    );
  if (rank(kwargs.attentionMask) > 2)
    throw new RangeError(
      `${NAME}: attentionMask must be [B, S] (which keys to attend); a per-query mask [B, T, S] such as a sliding window needs the [T, S] scores, which linear attention never forms (use MultiHeadAttention with attentionMask)`,
    );
  const args = { validLens: kwargs.validLens, attentionMask: kwargs.attentionMask };
  const mask = attentionMask(b, 1, s, args, NAME); // [B, 1, S]
  return mask === null ? null : mask.reshape([b, 1, s, 1]);
}

tf.serialization.registerClass(LinearAttention);

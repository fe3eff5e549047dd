/**
 * What every encoder–decoder model shares: `[src, tgtIn]` → logits through its own `encode` and `decode`,
 * the output shape, and building the weights before the first call. The Transformer and the seq2seq RNN
 * extend it; decoding (`decoding.ts`) and training (`seq2seqTraining.ts`) only need this shape.
 */
import * as tf from "@tensorflow/tfjs";
import { opt } from "../check/options.js";
import { CompositeLayer } from "../layers/compositeLayer.js";
import { checkCallArgs } from "../layers/layerOptions.js";
import { checkedLens, type MaskInput } from "../layers/maskValues.js";
import type { AttentionCallRules } from "../layers/withAttention.js";

/** Call arguments of an encoder–decoder model. */
export interface Seq2seqCallArgs {
  /**
   * Valid lengths of the sources `[B]` (padding at the end), integers in [0, S]: a tensor, a number array or a
   * typed array. Default: none.
   */
  srcValidLens?: MaskInput;
  training?: boolean;
}

/** `call`'s options: those of {@link Seq2seqCallArgs} and whether to return every attention map too. */
export interface Seq2seqModelCallArgs extends Seq2seqCallArgs {
  /** Return `[logits, ...attention]` (the order of the model's `applyWithAttention`). Default `false`. */
  returnAttention?: boolean;
}

/** The rules of {@link Seq2seqCallArgs} (with `training` and tfjs's `mask`, refused). */
const CALL_SPEC = { srcValidLens: opt.any() };
const REFUSE_MASK = { refuse: "; pass srcValidLens" };
const MODEL_CALL_SPEC = { ...CALL_SPEC, returnAttention: opt.boolean() };

/** How the models' `applyWithAttention` checks its options: those of {@link Seq2seqCallArgs}. */
export const SEQ2SEQ_ATTENTION_RULES: AttentionCallRules = { spec: CALL_SPEC, mask: REFUSE_MASK };

/**
 * Checks an encoder–decoder call's options (`where`: the model) and returns them with `srcValidLens` checked
 * against `b` sources of length `s` (as a tensor: call inside `tf.tidy`).
 */
export function seq2seqCallArgs(
  where: string,
  kwargs: Seq2seqCallArgs | undefined,
  b: number,
  s: number,
): { srcValidLens?: tf.Tensor; training?: boolean } {
  const { srcValidLens: lens, training } = checkCallArgs(where, kwargs, CALL_SPEC, REFUSE_MASK);
  if (lens === undefined) return { training };
  const shapes = { shapes: [[b]], letters: "B" };
  return { training, srcValidLens: checkedLens(where, "srcValidLens", lens, shapes, s, "the source length") };
}

/** `[B, L]` of a batch of token ids (`name`: which input, for the message under `where`). */
export function tokenShape(where: string, tokens: tf.Tensor, name: "src" | "tgtIn"): [number, number] {
  const [b, len] = tokens.shape;
  if (tokens.rank !== 2 || b === undefined || len === undefined) {
    throw new RangeError(`${where}: ${name} must be token ids [B, L], got [${tokens.shape}]`);
  }
  return [b, len];
}

/** Base of the encoder–decoder models; `M` is what the encoder hands the decoder (its "memory"). */
export abstract class Seq2seqModel<M extends tf.Tensor | tf.Tensor[]> extends CompositeLayer {
  abstract readonly config: { readonly tgtVocab: number; readonly maxLength: number };

  /** Encoder: `src [B, S]` → memory for the decoder. */
  abstract encode(src: tf.Tensor, kwargs?: Seq2seqCallArgs): { memory: M };

  /** Decoder: `tgtIn [B, T]` and memory → logits `[B, T, V_tgt]`. */
  abstract decode(tgtIn: tf.Tensor, memory: M, kwargs?: Seq2seqCallArgs): { logits: tf.Tensor };

  /**
   * One teacher-forced pass that keeps the attention: logits and every map, in the order `call` lists them
   * after the logits under `returnAttention` (and the model's `applyWithAttention` reads them). Runs inside
   * `call`'s `tidy`, which frees the rest.
   */
  protected abstract forwardWithAttention(
    src: tf.Tensor,
    tgtIn: tf.Tensor,
    kwargs: Seq2seqCallArgs,
  ): { logits: tf.Tensor; attention: tf.Tensor[] };

  /** Builds the weights now (as the first call would), so that `setWeights` works on a fresh model. */
  ensureBuilt(): this {
    if (!this.built)
      tf.tidy(() => {
        this.apply([tf.zeros([1, 1], "int32"), tf.zeros([1, 1], "int32")]);
      });
    return this;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const tgt = (inputShape as tf.Shape[])[1]!;
    return [tgt[0]!, tgt[1]!, this.config.tgtVocab];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Seq2seqModelCallArgs = {}): tf.Tensor | tf.Tensor[] {
    const where = this.getClassName();
    const { returnAttention, ...args } = checkCallArgs(where, kwargs, MODEL_CALL_SPEC, REFUSE_MASK);
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const [src, tgtIn] = list;
    if (src === undefined || tgtIn === undefined || list.length !== 2) {
      throw new RangeError(`${where}: expects inputs [src [B, S], tgtIn [B, T]], got ${list.length}`);
    }
    return tf.tidy(() => {
      if (!returnAttention) return this.decode(tgtIn, this.encode(src, args).memory, args).logits;
      const { logits, attention } = this.forwardWithAttention(src, tgtIn, args);
      return [logits, ...attention];
    });
  }
}

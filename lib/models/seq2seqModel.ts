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

/** Call arguments of an encoder–decoder model. */
export interface Seq2seqCallArgs {
  /**
   * Valid lengths of the sources `[B]` (padding at the end), integers in [0, S]: a tensor, a number array or a
   * typed array. Default: none.
   */
  srcValidLens?: MaskInput;
  training?: boolean;
}

/** The rules of {@link Seq2seqCallArgs} (with `training` and tfjs's `mask`, refused). */
const CALL_SPEC = { srcValidLens: opt.any() };

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
  const { srcValidLens: lens, training } = checkCallArgs(where, kwargs, CALL_SPEC, {
    refuse: "; pass srcValidLens",
  });
  if (lens === undefined) return { training };
  const shapes = { shapes: [[b]], letters: "B" };
  return { training, srcValidLens: checkedLens(where, "srcValidLens", lens, shapes, s, "the source length") };
}

/** Base of the encoder–decoder models; `M` is what the encoder hands the decoder (its "memory"). */
export abstract class Seq2seqModel<M extends tf.Tensor | tf.Tensor[]> extends CompositeLayer {
  abstract readonly config: { readonly tgtVocab: number; readonly maxLength: number };

  /** Encoder: `src [B, S]` → memory for the decoder. */
  abstract encode(src: tf.Tensor, kwargs?: Seq2seqCallArgs): { memory: M };

  /** Decoder: `tgtIn [B, T]` and memory → logits `[B, T, V_tgt]`. */
  abstract decode(tgtIn: tf.Tensor, memory: M, kwargs?: Seq2seqCallArgs): { logits: tf.Tensor };

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

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Seq2seqCallArgs = {}): tf.Tensor {
    checkCallArgs(this.getClassName(), kwargs, CALL_SPEC, { refuse: "; pass srcValidLens" });
    return tf.tidy(() => {
      const [src, tgtIn] = inputs as tf.Tensor[];
      return this.decode(tgtIn!, this.encode(src!, kwargs).memory, kwargs).logits;
    });
  }
}

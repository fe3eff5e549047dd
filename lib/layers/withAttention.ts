/**
 * The one way to get attention out of a tier-2 layer or model: `applyWithAttention(inputs, kwargs?)` runs it
 * through tfjs's `apply` (which builds it on first use and counts the call, so `dispose()` works) with the call
 * option `returnAttention: true`, under which its `call` returns `[output, ...attention]`, and hands back
 * `{ output, attention }`. Follows: tfjs/Keras `MultiHeadAttention` (`return_attention_scores`).
 */
import * as tf from "@tensorflow/tfjs";
import { describeValue, type OptionSpec } from "../check/options.js";
import { checkCallArgs, type UpstreamMask } from "./layerOptions.js";

/**
 * What every `applyWithAttention` returns; the caller owns every tensor in it (dispose `output` and each
 * attention tensor), and nothing else from the call survives. `A` is one tensor for a layer with one map
 * (`MultiHeadAttention` `[B, N, T, S]`), a named record for a layer with several (`Cbam` `{ channel, spatial }`),
 * and named per-layer lists for a model (`Transformer` `{ encoder, decoderSelf, decoderCross }`). A type alias
 * (as the records in it), so that it is a tfjs `TensorContainer`: `tf.tidy` can return it, `tf.dispose` frees it.
 */
export type WithAttention<A = tf.Tensor, O extends tf.Tensor = tf.Tensor> = {
  /** What `apply(inputs, kwargs)` returns. */
  output: O;
  /** The attention weights of the same call. */
  attention: A;
};

/** The call options an `applyWithAttention` takes (never `returnAttention`, which it sets) and upstream masks. */
export interface AttentionCallRules {
  spec: OptionSpec;
  mask: UpstreamMask;
}

/**
 * Checks `kwargs` by `rules` (messages start with `<ClassName>.applyWithAttention`), applies `layer` to tensor
 * `inputs` with `returnAttention: true`, and returns the list its `call` gave: the output, then `count`
 * attention tensors. For a layer's `applyWithAttention`, which names the parts.
 * @example
 *   const [output, weights] = applyReturningAttention<[tf.Tensor]>(mha, x, {}, RULES, 1); // [B, T, E], [B, N, T, T]
 */
export function applyReturningAttention<T extends tf.Tensor[]>(
  layer: tf.layers.Layer,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: object | undefined,
  rules: AttentionCallRules,
  count: T["length"],
): [tf.Tensor, ...T] {
  const where = `${layer.getClassName()}.applyWithAttention`;
  checkCallArgs(where, kwargs, rules.spec, rules.mask);
  for (const x of Array.isArray(inputs) ? inputs : [inputs]) {
    if (!(x instanceof tf.Tensor)) {
      throw new TypeError(
        `${where}: inputs must be tensors (it runs eagerly; in a model graph use apply), got ${describeValue(x)}`,
      );
    }
  }
  const out = layer.apply(inputs, { ...kwargs, returnAttention: true }) as tf.Tensor | tf.Tensor[];
  const list = Array.isArray(out) ? out : [out];
  if (list.length !== 1 + count) {
    tf.dispose(list);
    throw new Error(`${where}: call returned ${list.length} tensors, expected the output and ${count} maps`);
  }
  return list as [tf.Tensor, ...T];
}

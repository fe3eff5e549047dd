/**
 * Every attention map of a Transformer for one source and one decoder input, as plain arrays for drawing:
 * lib/models' `Transformer.applyWithAttention` (teacher-forced), first batch row of each `[B, N, ·, ·]` tensor.
 */
import * as tf from "@tensorflow/tfjs";
import type { Transformer } from "../../../lib/models/transformer.js";
import type { AttentionMaps } from "./headGrid.js";

/** Maps for `source` ids `[S]` and decoder input ids `[T]` (start token first): `[L][N][rows][cols]`. */
export function attentionMaps(model: Transformer, source: number[], decoderInput: number[]): AttentionMaps {
  const src = tf.tensor2d([source], undefined, "int32"); // [1, S]
  const tgtIn = tf.tensor2d([decoderInput], undefined, "int32"); // [1, T]
  const { output, attention } = model.applyWithAttention([src, tgtIn]);
  const first = (maps: tf.Tensor[]) => maps.map((m) => (m.arraySync() as number[][][][])[0]!); // [N, ·, ·]
  const maps = {
    encoder: first(attention.encoder),
    decoderSelf: first(attention.decoderSelf),
    decoderCross: first(attention.decoderCross),
  };
  tf.dispose([src, tgtIn, output, attention]);
  return maps;
}

/**
 * Saving and loading a {@link Seq2seqRnn} through any tfjs `IOHandler`: config as `modelTopology`, weights in
 * `getWeights()` order. Follows: `modelIO.ts` (tfjs `io.ModelArtifacts`), like `transformerIO.ts`.
 */
import type * as tf from "@tensorflow/tfjs";
import { loadModel, saveModel } from "./modelIO.js";
import { Seq2seqRnn } from "./seq2seqRnn.js";

const FORMAT = "attnlab-seq2seq-rnn";

/** Saves config and weights through `handler` (e.g. `tf.io.withSaveHandler`). */
export function saveSeq2seqRnn(model: Seq2seqRnn, handler: tf.io.IOHandler): Promise<tf.io.SaveResult> {
  return saveModel(model, handler, FORMAT);
}

/** Loads a model saved by {@link saveSeq2seqRnn}: same config, same weights, same predictions. */
export function loadSeq2seqRnn(handler: tf.io.IOHandler): Promise<Seq2seqRnn> {
  return loadModel(handler, FORMAT, Seq2seqRnn.className, (config) => new Seq2seqRnn(config as never));
}

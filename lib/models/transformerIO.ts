/**
 * Saving and loading a {@link Transformer} through any tfjs `IOHandler` (memory, browser storage, files):
 * the config travels as `modelTopology`, the weights as tfjs's binary weight format, in `getWeights()` order.
 * Follows: tfjs `io.ModelArtifacts`, `io.encodeWeights`/`decodeWeights`, `io.withSaveHandler`/`fromMemory`.
 */
import type * as tf from "@tensorflow/tfjs";
import { loadModel, saveModel } from "./modelIO.js";
import { Transformer } from "./transformer.js";

const FORMAT = "attnlab-transformer";

/**
 * Saves config and weights through `handler`.
 * @example
 *   let saved: tf.io.ModelArtifacts | undefined;
 *   await saveTransformer(model, tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) }; }));
 *   const copy = await loadTransformer(tf.io.fromMemory(saved!));
 */
export function saveTransformer(model: Transformer, handler: tf.io.IOHandler): Promise<tf.io.SaveResult> {
  return saveModel(model, handler, FORMAT);
}

/** Loads a model saved by {@link saveTransformer}: same config, same weights, same predictions. */
export function loadTransformer(handler: tf.io.IOHandler): Promise<Transformer> {
  return loadModel(handler, FORMAT, Transformer.className, (config) => new Transformer(config as never));
}

/**
 * Saving and loading a {@link Transformer} through any tfjs `IOHandler` (memory, browser storage, files):
 * the config travels as `modelTopology`, the weights as tfjs's binary weight format, in `getWeights()` order.
 * Follows: tfjs `io.ModelArtifacts`, `io.encodeWeights`/`decodeWeights`, `io.withSaveHandler`/`fromMemory`.
 */
import * as tf from "@tensorflow/tfjs";
import { Transformer } from "./transformer.js";

const FORMAT = "attnlab-transformer";

/**
 * Saves config and weights through `handler`.
 * @example
 *   let saved: tf.io.ModelArtifacts | undefined;
 *   await saveTransformer(model, tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) }; }));
 *   const copy = await loadTransformer(tf.io.fromMemory(saved!));
 */
export async function saveTransformer(
  model: Transformer,
  handler: tf.io.IOHandler,
): Promise<tf.io.SaveResult> {
  if (handler.save === undefined) throw new TypeError("handler cannot save (it has no save method)");
  model.ensureBuilt();
  const named = model.weights.map((w, i) => ({
    name: `${String(i).padStart(4, "0")}/${w.originalName}`,
    tensor: w.read(),
  }));
  const { data, specs } = await tf.io.encodeWeights(named);
  return handler.save({
    modelTopology: {
      className: Transformer.className,
      config: model.getConfig(),
    } as unknown as tf.io.ModelJSON,
    format: FORMAT,
    generatedBy: "attnlab",
    weightSpecs: specs,
    weightData: data,
  });
}

/** Loads a model saved by {@link saveTransformer}: same config, same weights, same predictions. */
export async function loadTransformer(handler: tf.io.IOHandler): Promise<Transformer> {
  if (handler.load === undefined) throw new TypeError("handler cannot load (it has no load method)");
  const artifacts = await handler.load();
  const topology = artifacts.modelTopology as
    | { className?: string; config?: tf.serialization.ConfigDict }
    | undefined;
  if (artifacts.format !== FORMAT || topology?.className !== Transformer.className) {
    throw new TypeError(`not a saved Transformer: format ${artifacts.format}, class ${topology?.className}`);
  }
  if (artifacts.weightSpecs === undefined || artifacts.weightData === undefined) {
    throw new TypeError("the saved Transformer has no weights");
  }
  const model = new Transformer(topology.config as never).ensureBuilt();
  const named = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  const tensors = artifacts.weightSpecs.map((s) => named[s.name]!);
  if (tensors.length !== model.weights.length) {
    tf.dispose(tensors);
    throw new RangeError(`saved ${tensors.length} weights but the model has ${model.weights.length}`);
  }
  model.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}

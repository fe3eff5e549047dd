/**
 * Saving and loading an attnlab model layer through any tfjs `IOHandler` (memory, browser storage, files):
 * the config travels as `modelTopology`, the weights as tfjs's binary weight format, in `getWeights()` order.
 * Follows: tfjs `io.ModelArtifacts`, `io.encodeWeights`/`decodeWeights`, `io.withSaveHandler`/`fromMemory`.
 */
import * as tf from "@tensorflow/tfjs";

/** A model layer that can build its weights on demand (the Transformer, the seq2seq RNN). */
export interface SavableModel extends tf.layers.Layer {
  ensureBuilt(): this;
}

/** Saves `model`'s class name, config and weights through `handler`, tagged with `format`. */
export async function saveModel(
  model: SavableModel,
  handler: tf.io.IOHandler,
  format: string,
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
      className: model.getClassName(),
      config: model.getConfig(),
    } as unknown as tf.io.ModelJSON,
    format,
    generatedBy: "attnlab",
    weightSpecs: specs,
    weightData: data,
  });
}

/** Loads a model saved by {@link saveModel} with `format` and `className`, made by `make(config)`. */
export async function loadModel<M extends SavableModel>(
  handler: tf.io.IOHandler,
  format: string,
  className: string,
  make: (config: tf.serialization.ConfigDict) => M,
): Promise<M> {
  if (handler.load === undefined) throw new TypeError("handler cannot load (it has no load method)");
  const artifacts = await handler.load();
  const topology = artifacts.modelTopology as
    | { className?: string; config?: tf.serialization.ConfigDict }
    | undefined;
  if (artifacts.format !== format || topology?.className !== className) {
    throw new TypeError(`not a saved ${className}: format ${artifacts.format}, class ${topology?.className}`);
  }
  if (artifacts.weightSpecs === undefined || artifacts.weightData === undefined) {
    throw new TypeError(`the saved ${className} has no weights`);
  }
  const model = make(topology.config ?? {}).ensureBuilt();
  const named = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  const tensors = artifacts.weightSpecs.map((s) => named[s.name]!);
  if (tensors.length !== model.weights.length) {
    tf.dispose(tensors);
    throw new RangeError(`saved ${tensors.length} weights but the model has ${model.weights.length}`);
  }
  const wrong = tensors.findIndex((t, i) => t.shape.join() !== model.weights[i]!.shape.join());
  if (wrong >= 0) {
    const [saved, expected] = [tensors[wrong]!.shape, model.weights[wrong]!.shape];
    tf.dispose(tensors);
    throw new RangeError(
      `the saved ${className}'s weight ${artifacts.weightSpecs[wrong]!.name} has shape [${saved}] but its config ` +
        `builds [${expected}] (weights and config from different saves?)`,
    );
  }
  model.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}

/**
 * A tfjs layer made of other layers: its weights are its own followed by those of its sublayers, so
 * `getWeights`, `setWeights`, `dispose` and optimizers see them all.
 * Follows: tfjs-layers `Layer` (weights via the `trainableWeights`/`nonTrainableWeights` getters), Keras
 * nested-layer weight tracking.
 */
import * as tf from "@tensorflow/tfjs";

type LayerVariable = tf.LayerVariable;

/** Base class for layers that own sublayers; subclasses list them in {@link sublayers}. */
export abstract class CompositeLayer extends tf.layers.Layer {
  /** The sublayers whose weights follow this layer's own, in a fixed order. */
  protected abstract sublayers(): tf.layers.Layer[];

  override get trainableWeights(): LayerVariable[] {
    return super.trainableWeights.concat(...this.sublayers().map((l) => l.trainableWeights));
  }

  override set trainableWeights(weights: LayerVariable[]) {
    super.trainableWeights = weights;
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return super.nonTrainableWeights.concat(...this.sublayers().map((l) => l.nonTrainableWeights));
  }

  override set nonTrainableWeights(weights: LayerVariable[]) {
    super.nonTrainableWeights = weights;
  }

  /** Builds a sublayer for `shape` now (so that `setWeights` works before the first call). */
  protected buildSublayer(layer: tf.layers.Layer, shape: tf.Shape | tf.Shape[]): void {
    if (layer.built) return;
    layer.build(shape);
    layer.built = true;
  }
}

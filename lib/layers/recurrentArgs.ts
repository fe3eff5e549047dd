/** The arguments attnlab gives every tfjs GRU/LSTM (cell): the encoders' and the attention decoders'. */
import * as tf from "@tensorflow/tfjs";
import { childSeed } from "../random/childSeed.js";

/**
 * Arguments of a tfjs GRU/LSTM (cell): seeded Glorot initializers (tfjs's default orthogonal recurrent
 * initializer warns and runs a QR above 2000 entries) and the logistic gate, not tfjs's hard sigmoid.
 */
export function recurrentArgs(units: number, seed: number) {
  return {
    units,
    recurrentActivation: "sigmoid" as const,
    kernelInitializer: tf.initializers.glorotUniform({ seed: childSeed(seed, "kernel") }),
    recurrentInitializer: tf.initializers.glorotUniform({ seed: childSeed(seed, "recurrentKernel") }),
    biasInitializer: tf.initializers.zeros(),
  };
}

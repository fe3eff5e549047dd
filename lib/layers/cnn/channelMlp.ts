/**
 * The bottleneck MLP over channels that squeeze-excitation and CBAM's channel attention share:
 * `[B, C]` → ReLU(x W₁ + b₁) W₂ + b₂ → `[B, C]`, hidden width C/r. Follows: Hu et al. 2018 (SENet) eq. 3,
 * Woo et al. 2018 (CBAM) eq. 2 (before their sigmoid).
 */
import * as tf from "@tensorflow/tfjs";
import { glorot } from "./layerArgs.js";

/** The MLP's weights, in `getWeights()` order: `kernel1 [C, C/r]`, `bias1 [C/r]`, `kernel2 [C/r, C]`, `bias2 [C]`. */
export interface ChannelMlpWeights {
  kernel1: tf.LayerVariable;
  bias1: tf.LayerVariable;
  kernel2: tf.LayerVariable;
  bias2: tf.LayerVariable;
}

/** A layer's `addWeight`, passed in because it is protected. */
type AddWeight = (name: string, shape: number[], initializer: ReturnType<typeof glorot>) => tf.LayerVariable;

/** Creates the four weights (Glorot kernels seeded `childSeed(seed, "init/0")`, `"init/1"`; zero biases) through `addWeight`. */
export function addChannelMlp(
  addWeight: AddWeight,
  channels: number,
  hidden: number,
  seed: number | undefined,
): ChannelMlpWeights {
  return {
    kernel1: addWeight("kernel1", [channels, hidden], glorot(seed, 0)),
    bias1: addWeight("bias1", [hidden], tf.initializers.zeros()),
    kernel2: addWeight("kernel2", [hidden, channels], glorot(seed, 1)),
    bias2: addWeight("bias2", [channels], tf.initializers.zeros()),
  };
}

/** `[B, C]` → `[B, C]` pre-activation gates. */
export function channelMlp(x: tf.Tensor, w: ChannelMlpWeights): tf.Tensor {
  const hidden = tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, w.kernel1.read()), w.bias1.read())); // [B, C/r]
  return tf.add(tf.matMul(hidden, w.kernel2.read()), w.bias2.read()); // [B, C]
}

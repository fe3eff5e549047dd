/**
 * Shared plumbing for attnlab's CNN and pooling layers: the base tfjs layer args, seeded initialisers and
 * input checks. Follows: tfjs-layers `engine/topology.ts` (`LayerArgs`) and `initializers.ts` (seeded Glorot).
 */
import * as tf from "@tensorflow/tfjs";
import { childSeed } from "../../random/childSeed.js";

/** tfjs's own `LayerArgs` (`name`, `trainable`, `inputShape`, `dtype`, …), taken from the `Layer` constructor. */
export type { BaseLayerArgs } from "../layerOptions.js";

/** The tfjs `Shape` type: dimensions, `null` where unknown (the batch). */
export type LayerShape = (number | null)[];

/**
 * Glorot-uniform initialiser for the `k`-th weight of a layer: seeded (`childSeed(seed, "init/k")`) when `seed` is given, so two
 * layers built with the same seed start from the same weights; unseeded otherwise (tfjs's default).
 */
export function glorot(
  seed: number | undefined,
  k: number,
): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform(seed === undefined ? {} : { seed: childSeed(seed, `init/${k}`) });
}

/** The one tensor of `inputs` (a tensor or a one-element list), as tfjs layers accept both. */
export function onlyTensor(inputs: tf.Tensor | tf.Tensor[], layer: string): tf.Tensor {
  if (!Array.isArray(inputs)) return inputs;
  if (inputs.length !== 1) throw new TypeError(`${layer} takes one input tensor, got ${inputs.length}`);
  return inputs[0]!;
}

/** The one shape of `shapes` (a shape or a one-element list of shapes). */
export function onlyShape(shapes: LayerShape | LayerShape[], layer: string): LayerShape {
  if (!Array.isArray(shapes[0])) return shapes as LayerShape;
  if (shapes.length !== 1) throw new TypeError(`${layer} takes one input shape, got ${shapes.length}`);
  return shapes[0] as LayerShape;
}

/** Checks that `shape` is an image batch `[B, height, width, C]` with a known C; returns C. */
export function imageChannels(shape: LayerShape, layer: string): number {
  const c = shape[3];
  if (shape.length !== 4 || c === null || c === undefined) {
    throw new RangeError(
      `${layer} expects images [B, height, width, C] with a known C, got [${shape.map(String).join(", ")}]`,
    );
  }
  return c;
}

/** Bottleneck width of a channel MLP: ⌊C / ratio⌋, at least 1 (Hu et al. 2018 §3.2, reduction ratio r). */
export function bottleneck(channels: number, ratio: number, layer: string): number {
  if (!(ratio > 0)) throw new RangeError(`${layer}: ratio must be > 0, got ${ratio}`);
  return Math.max(1, Math.floor(channels / ratio));
}

/**
 * What the projection-based attention layers share (`MultiHeadAttention`, `LinearAttention`): their inputs —
 * one tensor (self-attention) or `[query, value, key]` — and their four projections W_q, W_k, W_v, W_o, created
 * in the weight layout both document (the four kernels, Glorot uniform seeded `init/0` … `init/3`, then with
 * `useBias` the four zero biases).
 */
import * as tf from "@tensorflow/tfjs";
import { childSeed } from "../random/childSeed.js";

/** One of the four projections: kernel `[E_in, E_out]` and, with `useBias`, bias `[E_out]`. */
export interface Projection {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | undefined;
}

/** The four projections by name (W_q, W_k, W_v, W_o), in the order of the weight layout. */
export type Projections = Record<"query" | "key" | "value" | "output", Projection>;

/** A layer's `addWeight`, passed in (it is protected). */
/** The initializers tfjs layers take. */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;
type AddWeight = (name: string, shape: number[], initializer: Initializer) => tf.LayerVariable;

/**
 * The four projections for query, value and key widths `eq`, `ev`, `ek`, `n` = N·H columns per head block and an
 * output width `outDim`: the four kernels first, then (with `useBias`) the four biases.
 */
export function buildProjections(
  addWeight: AddWeight,
  sizes: { eq: number; ev: number; ek: number; n: number; outDim: number },
  seed: number,
  useBias: boolean,
): Projections {
  const { eq, ev, ek, n, outDim } = sizes;
  const kernel = (name: string, rows: number, cols: number, k: number) =>
    addWeight(
      `${name}Kernel`,
      [rows, cols],
      tf.initializers.glorotUniform({ seed: childSeed(seed, `init/${k}`) }),
    );
  const [wq, wk, wv] = [kernel("query", eq, n, 0), kernel("key", ek, n, 1), kernel("value", ev, n, 2)];
  const wo = kernel("output", n, outDim, 3);
  const bias = (name: string, cols: number) =>
    useBias ? addWeight(`${name}Bias`, [cols], tf.initializers.zeros()) : undefined;
  return {
    query: { kernel: wq, bias: bias("query", n) },
    key: { kernel: wk, bias: bias("key", n) },
    value: { kernel: wv, bias: bias("value", n) },
    output: { kernel: wo, bias: bias("output", outDim) },
  };
}

/** `[query, value, key]` shapes from one shape (self-attention) or a list of one to three. */
export function splitShapes(
  layer: string,
  inputShape: tf.Shape | tf.Shape[],
): [tf.Shape, tf.Shape, tf.Shape] {
  const list = Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[]) : [inputShape as tf.Shape];
  const [q, v = q, k = v] = list;
  if (q === undefined || v === undefined || k === undefined || list.length > 3) {
    throw new RangeError(`${layer}: expects 1 to 3 inputs (query, value, key), got ${list.length}`);
  }
  return [q, v, k];
}

/** The last (feature) dimension of an input shape, which the weights need. */
export function inputWidth(layer: string, shape: tf.Shape, name: "query" | "value" | "key"): number {
  const e = shape.at(-1);
  if (shape.length !== 3 || e === null || e === undefined) {
    throw new RangeError(
      `${layer}: ${name} must be [B, length, width] with a known width, got [${shape.join(", ")}]`,
    );
  }
  return e;
}

/** `[query, value, key]` from one tensor (self-attention) or a list of one to three, each `[B, ·, ·]`. */
export function splitInputs(
  layer: string,
  inputs: tf.Tensor | tf.Tensor[],
): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const [query, value = query, key = value] = list;
  if (query === undefined || value === undefined || key === undefined || list.length > 3) {
    throw new RangeError(`${layer}: expects 1 to 3 inputs (query, value, key), got ${list.length}`);
  }
  inputWidth(layer, query.shape, "query");
  inputWidth(layer, value.shape, "value");
  inputWidth(layer, key.shape, "key");
  return [query as tf.Tensor3D, value as tf.Tensor3D, key as tf.Tensor3D];
}

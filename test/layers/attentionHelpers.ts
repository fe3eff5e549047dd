/**
 * Helpers for the layer tests: seeded plain-array inputs and weights (shared by tier 1 and tier 2), and a
 * `forEachBackend` that runs a test body on wasm and on cpu.
 */
import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "../../lib/random/prng.js";
import { setupWasm } from "../tfjs/backends.js";

export const BACKENDS = ["wasm", "cpu"] as const;

/** Starts wasm with attnlab's kernels (once per file) and switches to `backend`. */
export async function useBackend(backend: string): Promise<void> {
  if (tf.findBackend("wasm") === null || tf.getBackend() === undefined) await setupWasm();
  tf.env().set("IS_TEST", false);
  await tf.setBackend(backend);
  await tf.ready();
}

/** A seeded `rows × cols` matrix of uniform numbers in [−1, 1). */
export function matrix(rows: number, cols: number, seed: number): number[][] {
  return mulberry32(seed).matrix(rows, cols, -1, 1);
}

/** A seeded `[b, rows, cols]` array. */
export function batch(b: number, rows: number, cols: number, seed: number): number[][][] {
  return Array.from({ length: b }, (_, i) => matrix(rows, cols, seed * 31 + i));
}

/** Tier-2 weights from tier-1 matrices and vectors. */
export function tensors(values: (number[][] | number[])[]): tf.Tensor[] {
  return values.map((v) => tf.tensor(v));
}

/** Builds `layer` by calling it once on zeros of `shapes` (so that `dispose()` later works, unlike `build()`). */
export function buildWith<L extends tf.layers.Layer>(
  layer: L,
  shapes: number[][],
  dtype: "float32" | "int32" = "float32",
): L {
  tf.tidy(() => {
    const xs = shapes.map((s) => tf.zeros(s, dtype));
    layer.apply(xs.length === 1 ? xs[0]! : xs);
  });
  return layer;
}

/** `getConfig` → the registered class's `fromConfig`, as tfjs deserialisation does. */
export function roundTrip<L extends tf.layers.Layer>(layer: L): L {
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()]!;
  return fromConfig(cls, layer.getConfig()) as L;
}

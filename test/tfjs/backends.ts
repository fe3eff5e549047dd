/**
 * Test helpers for backend parity: run the same seeded computation on wasm and on cpu and compare, and check
 * that repeated calls leave no tensors behind.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/tfjs/index.js";

/** Starts wasm (with attnlab's kernels) and turns on tfjs's own per-kernel leak check. */
export async function setupWasm(): Promise<void> {
  delete process.env.ATTNLAB_BACKEND;
  tf.env().set("IS_TEST", true); // engine checks every kernel for leaked data ids; silences the cpu banner
  const info = await initBackend();
  assert.equal(info.name, "wasm", `expected wasm, got ${JSON.stringify(info)}`);
}

/** Seeded normal tensor, the same values on every backend; any integer seed ≥ 0. */
export function randn(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, "float32", seed + 1); // tfjs treats seed 0 as "no seed"
}

/** Runs `f` on `backend` inside a tidy and returns every output as a flat array with its shape. */
export async function runOn(
  backend: string,
  f: () => tf.Tensor | tf.Tensor[],
): Promise<{ shape: number[]; values: number[] }[]> {
  await tf.setBackend(backend);
  await tf.ready();
  return tf.tidy(() => {
    const out = f();
    return (Array.isArray(out) ? out : [out]).map((t) => ({
      shape: t.shape,
      values: Array.from(t.dataSync()),
    }));
  });
}

/**
 * Asserts that `f` gives the same shapes and values on wasm and cpu: max |wasm − cpu| ≤ tol · max(1, max |cpu|)
 * (float32 sums in a different order differ in the last bits, in proportion to the magnitude).
 */
export async function assertSameOnWasmAndCpu(
  where: string,
  f: () => tf.Tensor | tf.Tensor[],
  tol = 1e-5,
): Promise<void> {
  const wasm = await runOn("wasm", f);
  const cpu = await runOn("cpu", f);
  await tf.setBackend("wasm");
  assert.equal(wasm.length, cpu.length, `${where}: number of outputs`);
  cpu.forEach((want, k) => {
    const got = wasm[k]!;
    assert.deepEqual(got.shape, want.shape, `${where}: output ${k} shape`);
    const scale = Math.max(1, ...want.values.map(Math.abs));
    const worst = Math.max(0, ...want.values.map((v, i) => Math.abs(v - got.values[i]!)));
    assert.ok(worst <= tol * scale, `${where}: output ${k} differs by ${worst} (scale ${scale})`);
  });
}

/** Asserts that calling `f` (in a tidy) `times` times on the active backend leaves numTensors unchanged. */
export function assertNoLeak(where: string, f: () => tf.Tensor | tf.Tensor[], times = 3): void {
  const run = () => tf.tidy(() => f());
  tf.dispose(run()); // warm-up: lazily created kernel state is not a leak
  const before = tf.memory().numTensors;
  for (let k = 0; k < times; k++) tf.dispose(run());
  assert.equal(tf.memory().numTensors, before, `${where}: tensors leaked`);
}

/** Σ (y ⊙ R) with a fixed random R: a loss whose gradient dy = R exercises every output element. */
export function probe(y: tf.Tensor, seed = 99): tf.Scalar {
  return tf.sum(tf.mul(y, randn(y.shape, seed)));
}

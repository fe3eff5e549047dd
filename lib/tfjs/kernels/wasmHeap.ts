/**
 * tfjs-wasm's memory as attnlab's own WebAssembly kernels see it: the backend's `WebAssembly.Memory`, where each
 * tensor's bytes start, how to allocate an output, and the kernels' modules instantiated against that memory
 * (so they read and write tensors in place). Follows tfjs-backend-wasm 4.22 `backend_wasm.ts` (`dataIdMap` →
 * `memoryOffset`, `makeOutput`) and the Emscripten module it wraps (`asm.memory`).
 */
import type * as tf from "@tensorflow/tfjs";

/** The parts of tfjs-wasm's backend the kernels use. */
interface WasmBackend {
  wasm?: { asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** Tensors in tfjs-wasm's memory. */
export interface WasmHeap {
  memory: WebAssembly.Memory;
  /** Byte offset of a tensor's first element. */
  offset(x: tf.TensorInfo): number;
  /** A new output tensor (it may grow the memory: read offsets after making outputs). */
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** The heap of `backend`, or `undefined` when it is not tfjs-wasm. */
export function wasmHeap(backend: tf.KernelBackend): WasmHeap | undefined {
  const wasm = backend as unknown as WasmBackend;
  const memory = wasm.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || typeof wasm.makeOutput !== "function") return undefined;
  return {
    memory,
    offset: (x) => wasm.dataIdMap.get(x.dataId)!.memoryOffset,
    makeOutput: (shape, dtype) => wasm.makeOutput(shape, dtype),
  };
}

const instances = new Map<string, WeakMap<WebAssembly.Memory, unknown>>();

/**
 * The exports of a kernel module (base64 of its binary) bound to `memory`, compiled once per memory; `null` where
 * this WebAssembly lacks a feature the module uses (SIMD, bulk memory), so callers fall back to tfjs.
 */
export function kernelModule<T>(base64: string, memory: WebAssembly.Memory): T | null {
  let perMemory = instances.get(base64);
  if (perMemory === undefined) {
    perMemory = new WeakMap();
    instances.set(base64, perMemory);
  }
  if (!perMemory.has(memory)) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    perMemory.set(
      memory,
      WebAssembly.validate(bytes)
        ? new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports
        : null,
    );
  }
  return perMemory.get(memory) as T | null;
}

/** Bytes per element of the dtypes the copy kernels move, `undefined` for the others (string, complex64). */
export function elementBytes(dtype: tf.DataType): number | undefined {
  return dtype === "float32" || dtype === "int32" ? 4 : dtype === "bool" ? 1 : undefined;
}

/**
 * Products of two batched operands on tfjs-wasm (attention's Q·Kᵀ, A·V and their gradients) through attnlab's
 * SIMD kernels (batchedMatMul.wat), which read and write tfjs-wasm's own memory: no copies in or out. tfjs-wasm
 * 4.22 runs these in a scalar loop. Follows the wasm backend's data layout (`dataIdMap` → `memoryOffset`,
 * `makeOutput`) in tfjs-backend-wasm 4.22 `backend_wasm.ts`.
 */
import * as tf from "@tensorflow/tfjs";
import { BATCHED_MAT_MUL_WASM } from "./batchedMatMulWasm.js";
import { kernelModule, wasmHeap } from "./wasmHeap.js";

/** A product over batch matrices: pointers a, b, c and then batch, m, k, n, strides (bytes), and for NN `transA`. */
type Product = (a: number, b: number, c: number, batch: number, ...sizesAndStrides: number[]) => void;

/** The exports of batchedMatMul.wat. */
interface BatchedMatMulExports {
  matmulNN: Product;
  matmulNT: Product;
}

/** Operands of a batched product, as {@link batchedMatMul} needs them. */
export interface BatchedProduct {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  /** Number of matrices in the output; each operand has that many, or one (repeated). */
  batch: number;
  /** Output shape, batch dimensions first. */
  outShape: number[];
}

/**
 * Computes the product on `backend` and returns the output, or `undefined` when the kernels cannot (not tfjs-wasm,
 * no SIMD, not float32, or both operands transposed) so the caller falls back to tfjs's own kernel.
 */
export function batchedMatMul(backend: tf.KernelBackend, p: BatchedProduct): tf.TensorInfo | undefined {
  const heap = wasmHeap(backend);
  if (heap === undefined || (p.transposeA && p.transposeB)) return undefined;
  if (p.a.dtype !== "float32" || p.b.dtype !== "float32") return undefined;
  const kernels = kernelModule<BatchedMatMulExports>(BATCHED_MAT_MUL_WASM, heap.memory);
  if (kernels === null) return undefined;
  const [ra, rb] = [p.a.shape.length, p.b.shape.length];
  const [m, k] = p.transposeA
    ? [p.a.shape[ra - 1]!, p.a.shape[ra - 2]!]
    : [p.a.shape[ra - 2]!, p.a.shape[ra - 1]!];
  const n = p.transposeB ? p.b.shape[rb - 2]! : p.b.shape[rb - 1]!;
  const aStride = tf.util.sizeFromShape(p.a.shape) === m * k ? 0 : m * k * 4;
  const bStride = tf.util.sizeFromShape(p.b.shape) === k * n ? 0 : k * n * 4;
  const out = heap.makeOutput(p.outShape, "float32"); // may grow the memory: read offsets after
  if (p.batch * m * n === 0) return out;
  const [a, b, c] = [heap.offset(p.a), heap.offset(p.b), heap.offset(out)];
  if (p.transposeB) kernels.matmulNT(a, b, c, p.batch, m, k, n, aStride, bStride);
  else kernels.matmulNN(a, b, c, p.batch, m, k, n, aStride, bStride, p.transposeA ? 1 : 0);
  return out;
}

/**
 * Matrix products on tfjs-wasm through attnlab's SIMD kernels (batchedMatMul.wat), which read and write tfjs-wasm's
 * own memory: no copies in or out. One kernel takes every form — plain, either operand transposed, batched or one
 * matrix repeated — as packed 4 × 8 tiles at 40+ GFLOP/s here, against XNNPACK's 24–35 for the plain form and
 * tfjs-wasm 4.22's scalar loop (about 1 GFLOP/s) for the others. Two batched operands with `b` transposed
 * (attention's Q·Kᵀ) keep their dot-product kernel, `matmulNT`. Follows the wasm backend's data layout
 * (`dataIdMap` → `memoryOffset`, `makeOutput`) in tfjs-backend-wasm 4.22 `backend_wasm.ts`.
 */
import * as tf from "@tensorflow/tfjs";
import { BATCHED_MAT_MUL_WASM } from "./batchedMatMulWasm.js";
import { kernelModule, wasmHeap } from "./wasmHeap.js";

/** The exports of batchedMatMul.wat (pointers and strides in bytes, flags 0 or 1). */
interface BatchedMatMulExports {
  matmul(
    a: number,
    b: number,
    c: number,
    work: number,
    batch: number,
    m: number,
    k: number,
    n: number,
    aStride: number,
    bStride: number,
    transA: number,
    transB: number,
    pack: number,
  ): void;
  matmulNT(
    a: number,
    b: number,
    c: number,
    batch: number,
    m: number,
    k: number,
    n: number,
    aStride: number,
    bStride: number,
  ): void;
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

/** Floats in the 4 × 8 scratch tile that the last, narrower column panel is computed in. */
const SCRATCH = 32;

/**
 * Computes the product on `backend` and returns the output, or `undefined` when the kernels cannot (not tfjs-wasm,
 * no SIMD, not float32, or two batched operands both transposed) so the caller falls back to tfjs's own kernel.
 */
export function batchedMatMul(backend: tf.KernelBackend, p: BatchedProduct): tf.TensorInfo | undefined {
  const heap = wasmHeap(backend);
  if (heap === undefined || p.a.dtype !== "float32" || p.b.dtype !== "float32") return undefined;
  const kernels = kernelModule<BatchedMatMulExports>(BATCHED_MAT_MUL_WASM, heap.memory);
  if (kernels === null) return undefined;
  const [ra, rb] = [p.a.shape.length, p.b.shape.length];
  const [m, k] = p.transposeA
    ? [p.a.shape[ra - 1]!, p.a.shape[ra - 2]!]
    : [p.a.shape[ra - 2]!, p.a.shape[ra - 1]!];
  const n = p.transposeB ? p.b.shape[rb - 2]! : p.b.shape[rb - 1]!;
  const aStride = tf.util.sizeFromShape(p.a.shape) === m * k ? 0 : m * k * 4;
  const bStride = tf.util.sizeFromShape(p.b.shape) === k * n ? 0 : k * n * 4;
  const dotProducts = p.transposeB && bStride !== 0;
  if (dotProducts && p.transposeA) return undefined;
  const out = heap.makeOutput(p.outShape, "float32"); // may grow the memory: read offsets after
  if (p.batch * m * n === 0) return out;
  if (dotProducts) {
    const [a, b, c] = [heap.offset(p.a), heap.offset(p.b), heap.offset(out)];
    kernels.matmulNT(a, b, c, p.batch, m, k, n, aStride, bStride);
    return out;
  }
  // Packing B costs k·n copies: for one to three rows of output, B untransposed is read in place instead.
  const pack = p.transposeB || n % 8 !== 0 || m >= 4; // as batchedMatMul.wat requires
  const work = heap.makeOutput([(pack ? Math.ceil(n / 8) * 8 * k : 0) + SCRATCH], "float32");
  try {
    const [a, b, c, w] = [heap.offset(p.a), heap.offset(p.b), heap.offset(out), heap.offset(work)];
    const flags = [p.transposeA, p.transposeB, pack].map(Number) as [number, number, number];
    kernels.matmul(a, b, c, w, p.batch, m, k, n, aStride, bStride, ...flags);
  } finally {
    backend.disposeData(work.dataId);
  }
  return out;
}

/**
 * SplitV, Concat, Transpose (when the last axis stays last) and GatherV2 (rows of axis 0) for tfjs-wasm as
 * strided block copies in its memory (blockCopy.wat). tfjs-wasm 4.22 splits with a generic strided slice,
 * concatenates row by row in JavaScript, and transposes and gathers element by element; attention runs all of
 * them on every step (the fused QKV projection's split, its gradient's concat, the head split and merge, the
 * embedding lookup). The bytes move unchanged, so results are identical to tfjs's. Anything else (strings,
 * complex64, a transpose that moves the last axis, rank > 4, a gather on another axis or with an index out of
 * range) goes to tfjs's own kernel. Follows tfjs-core's kernel contracts (`SplitVAttrs`, `ConcatAttrs`,
 * `TransposeAttrs`, `GatherV2Attrs`).
 */
import * as tf from "@tensorflow/tfjs";
import { BLOCK_COPY_WASM } from "./blockCopyWasm.js";
import { elementBytes, kernelModule, wasmHeap } from "./wasmHeap.js";

/** The exports of blockCopy.wat (all in bytes): blocks n0 × n1 × n2, source strides, destination strides; row gather. */
interface BlockCopyExports {
  copyBlocks(
    src: number,
    dst: number,
    n0: number,
    n1: number,
    n2: number,
    bytes: number,
    ...strides: number[]
  ): void;
  gatherRows(table: number, indices: number, dst: number, count: number, rowBytes: number): void;
}

const product = tf.util.sizeFromShape;

/** The heap and the copy kernels, or `undefined` when this backend or dtype cannot use them. */
export function copier(backend: tf.KernelBackend, dtype: tf.DataType) {
  const heap = wasmHeap(backend);
  const bytes = elementBytes(dtype);
  if (heap === undefined || bytes === undefined) return undefined;
  const module = kernelModule<BlockCopyExports>(BLOCK_COPY_WASM, heap.memory);
  return module === null ? undefined : { heap, bytes, copy: module.copyBlocks, gather: module.gatherRows };
}

/** Outer size, axis length and inner size of `shape` around `axis`: the tensor as [outer, C, inner]. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [product(shape.slice(0, axis)), shape[axis]!, product(shape.slice(axis + 1))];
}

/** SplitV: each piece is `outer` blocks of (size · inner) elements taken at a stride of C · inner. */
export function fastSplitVKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
    const c = copier(args.backend as tf.KernelBackend, x.dtype);
    if (c === undefined) return original.kernelFunc(args);
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
    const [outer, total, inner] = around(x.shape, $axis);
    const outputs = sizes.map((s) =>
      c.heap.makeOutput(
        x.shape.map((d, i) => (i === $axis ? s : d)),
        x.dtype,
      ),
    );
    const src = c.heap.offset(x); // after the outputs: making them may move nothing, but grows the memory
    let start = 0;
    sizes.forEach((s, i) => {
      const block = s * inner * c.bytes;
      if (block > 0 && outer > 0) {
        const from = src + start * inner * c.bytes;
        c.copy(
          from,
          c.heap.offset(outputs[i]!),
          1,
          1,
          outer,
          block,
          0,
          0,
          total * inner * c.bytes,
          0,
          0,
          block,
        );
      }
      start += s;
    });
    return outputs;
  };
  return {
    kernelName: "SplitV",
    backendName: original.backendName,
    setupFunc: original.setupFunc,
    kernelFunc,
  };
}

/** Concat: each input's `outer` blocks go to the output at a stride of (Σ sizes) · inner. */
export function fastConcatKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const { axis } = args.attrs as unknown as tf.ConcatAttrs;
    const dtype = inputs[0]?.dtype;
    const nonEmpty = inputs.filter((t) => product(t.shape) > 0);
    const c = dtype === undefined ? undefined : copier(args.backend as tf.KernelBackend, dtype);
    if (c === undefined || nonEmpty.length < 2 || inputs.some((t) => t.dtype !== dtype)) {
      return original.kernelFunc(args);
    }
    const $axis = tf.util.parseAxisParam(axis, inputs[0]!.shape)[0]!;
    tf.backend_util.assertParamsConsistent(
      inputs.map((t) => t.shape),
      $axis,
    );
    const outShape = tf.backend_util.computeOutShape(
      inputs.map((t) => t.shape),
      $axis,
    );
    const out = c.heap.makeOutput(outShape, dtype!);
    const [outer, total, inner] = around(outShape, $axis);
    const dst = c.heap.offset(out);
    let start = 0;
    for (const t of nonEmpty) {
      const block = t.shape[$axis]! * inner * c.bytes;
      c.copy(
        c.heap.offset(t),
        dst + start * inner * c.bytes,
        1,
        1,
        outer,
        block,
        0,
        0,
        block,
        0,
        0,
        total * inner * c.bytes,
      );
      start += t.shape[$axis]!;
    }
    return out;
  };
  return {
    kernelName: "Concat",
    backendName: original.backendName,
    setupFunc: original.setupFunc,
    kernelFunc,
  };
}

/** Row-major strides of `shape`, in elements. */
function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/**
 * Transpose that keeps the last axis last, rank ≤ 4 and a last axis of at least 4 elements: the output's leading
 * (up to three) axes walk the input at the permuted strides, each step copying one row of the last axis.
 */
export function fastTransposeKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { perm } = args.attrs as unknown as tf.TransposeAttrs;
    const rank = x.shape.length;
    const c = copier(args.backend as tf.KernelBackend, x.dtype);
    const last = x.shape[rank - 1] ?? 0;
    if (c === undefined || rank < 2 || rank > 4 || perm[rank - 1] !== rank - 1 || last < 4) {
      return original.kernelFunc(args);
    }
    const outShape = perm.map((p) => x.shape[p]!);
    const out = c.heap.makeOutput(outShape, x.dtype);
    if (product(outShape) === 0) return out;
    const inStrides = strides(x.shape);
    const outStrides = strides(outShape);
    // the leading out axes, padded in front to three; source stride of out axis j is the input stride of perm[j]
    const lead = Array.from({ length: 3 }, (_, j) => j - (3 - (rank - 1)));
    const n = lead.map((j) => (j < 0 ? 1 : outShape[j]!));
    const ss = lead.map((j) => (j < 0 ? 0 : inStrides[perm[j]!]! * c.bytes));
    const ds = lead.map((j) => (j < 0 ? 0 : outStrides[j]! * c.bytes));
    const row = last * c.bytes;
    c.copy(
      c.heap.offset(x),
      c.heap.offset(out),
      n[0]!,
      n[1]!,
      n[2]!,
      row,
      ss[0]!,
      ss[1]!,
      ss[2]!,
      ds[0]!,
      ds[1]!,
      ds[2]!,
    );
    return out;
  };
  return {
    kernelName: "Transpose",
    backendName: original.backendName,
    setupFunc: original.setupFunc,
    kernelFunc,
  };
}

/** GatherV2 on axis 0 without batch dimensions: one row copy per index, after checking every index in JS. */
export function fastGatherKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as tf.GatherV2Attrs;
    const c = copier(args.backend as tf.KernelBackend, x.dtype);
    const $axis = x.shape.length > 0 ? tf.util.parseAxisParam(axis, x.shape)[0] : undefined;
    if (c === undefined || $axis !== 0 || (batchDims ?? 0) !== 0 || indices.dtype !== "int32") {
      return original.kernelFunc(args);
    }
    const count = product(indices.shape);
    const rows = x.shape[0]!;
    const ids = new Int32Array(c.heap.memory.buffer, c.heap.offset(indices), count);
    if (ids.some((i) => i < 0 || i >= rows)) return original.kernelFunc(args);
    const out = c.heap.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    const rowBytes = product(x.shape.slice(1)) * c.bytes;
    if (count > 0 && rowBytes > 0)
      c.gather(c.heap.offset(x), c.heap.offset(indices), c.heap.offset(out), count, rowBytes);
    return out;
  };
  return {
    kernelName: "GatherV2",
    backendName: original.backendName,
    setupFunc: original.setupFunc,
    kernelFunc,
  };
}

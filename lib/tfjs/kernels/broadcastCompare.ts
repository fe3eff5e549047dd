/**
 * Comparisons (Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual) on tfjs-wasm when one operand broadcasts
 * over the other: tfjs-wasm 4.22 then computes every element's source index (5 ms for [32, 12, 12, 16] against
 * [32, 1, 1, 16] here, the mask of every max-pooling gradient), and about 100× less when the shapes are equal. So
 * the broadcast operand is first copied out to the full shape with strided block copies (blockCopy.wat, source
 * stride 0 along the broadcast axes) and tfjs's own kernel compares equal shapes. Each element is the same
 * comparison of the same two values: identical results. Anything else (a broadcast pattern that needs more than
 * three loops around a contiguous block, strings) goes straight to tfjs's kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { copier } from "./blockCopyKernels.js";

/** The kernels this file wraps. */
export const COMPARISONS = ["Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"] as const;

/**
 * `x` broadcast to `shape` as a new tensor info on tfjs-wasm, or `undefined` when the copy does not fit the
 * three-loops-and-a-block form (the caller then leaves the broadcast to tfjs).
 */
function broadcastTo(
  backend: tf.KernelBackend,
  x: tf.TensorInfo,
  shape: number[],
): tf.TensorInfo | undefined {
  const c = copier(backend, x.dtype);
  if (c === undefined) return undefined;
  // the output's axes, each one that x has in full or one that x broadcasts along, neighbours of the same kind
  // merged: [32, 12, 12, 1] → [32, 12, 12, 16] is (4608, full), (16, broadcast)
  const dims = [...Array(shape.length - x.shape.length).fill(1), ...x.shape] as number[];
  const axes: { n: number; full: boolean }[] = [];
  shape.forEach((n, axis) => {
    if (n === 1) return;
    const full = dims[axis] === n;
    const last = axes.at(-1);
    if (last !== undefined && last.full === full) last.n *= n;
    else axes.push({ n, full });
  });
  // a trailing full axis is one contiguous block per copy; at most three loops around it
  const block = axes.at(-1)?.full ? axes.pop()!.n : 1;
  if (axes.length > 3) return undefined;
  while (axes.length < 3) axes.unshift({ n: 1, full: false });
  const n = axes.map((a) => a.n);
  const inner = (k: number, all: boolean) =>
    block * axes.slice(k + 1).reduce((p, a) => p * (all || a.full ? a.n : 1), 1);
  const ss = axes.map((a, k) => (a.full ? inner(k, false) * c.bytes : 0));
  const ds = axes.map((_, k) => inner(k, true) * c.bytes);
  const out = c.heap.makeOutput(shape, x.dtype); // may grow the memory: read offsets after
  if (tf.util.sizeFromShape(shape) > 0) {
    c.copy(c.heap.offset(x), c.heap.offset(out), n[0]!, n[1]!, n[2]!, block * c.bytes, ...ss, ...ds);
  }
  return out;
}

/** Wraps one of tfjs-wasm's comparison kernels (`original`) with the copy-then-compare above. */
export function fastComparisonKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const backend = args.backend as tf.KernelBackend;
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const full = (x: tf.TensorInfo) => x.shape.join() === shape.join();
    // equal shapes, or a scalar, are tfjs-wasm's fast paths already
    if (
      (full(a) && full(b)) ||
      tf.util.sizeFromShape(a.shape) === 1 ||
      tf.util.sizeFromShape(b.shape) === 1
    ) {
      return original.kernelFunc(args);
    }
    const temporaries: tf.TensorInfo[] = [];
    const widened = (x: tf.TensorInfo) => {
      if (full(x)) return x;
      const copy = broadcastTo(backend, x, shape);
      if (copy !== undefined) temporaries.push(copy);
      return copy;
    };
    try {
      const [wa, wb] = [widened(a), widened(b)];
      if (wa === undefined || wb === undefined) return original.kernelFunc(args);
      return original.kernelFunc({ ...args, inputs: { a: wa, b: wb } });
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
  return {
    kernelName: original.kernelName,
    backendName: original.backendName,
    setupFunc: original.setupFunc,
    kernelFunc,
  };
}

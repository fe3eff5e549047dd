/**
 * Add for tfjs-wasm when one operand is a float32 matrix [..., C] and the other a row vector [C] (every bias
 * add), through attnlab's SIMD kernel (broadcastAdd.wat); tfjs-wasm 4.22 broadcasts element by element. Each
 * output is the same single float add, so results are identical to tfjs's. Any other Add goes to tfjs's own
 * kernel. Follows tfjs-core's binary kernel contract (`inputs.a`, `inputs.b`).
 */
import * as tf from "@tensorflow/tfjs";
import { BROADCAST_ADD_WASM } from "./broadcastAddWasm.js";
import { kernelModule, wasmHeap } from "./wasmHeap.js";

/** The export of broadcastAdd.wat (pointers in bytes). */
interface BroadcastAddExports {
  addRowVector(x: number, v: number, out: number, rows: number, cols: number): void;
}

const size = tf.util.sizeFromShape;

/** True when `v` is a row vector for `x`: one dimension of x's last size, or leading ones then it. */
function isRowVector(x: tf.TensorInfo, v: tf.TensorInfo): boolean {
  const cols = x.shape[x.shape.length - 1];
  return (
    x.shape.length >= 2 &&
    cols !== undefined &&
    v.shape.length <= x.shape.length &&
    v.shape[v.shape.length - 1] === cols &&
    size(v.shape) === cols
  );
}

/** Wraps tfjs-wasm's Add (`original`) with the row-vector SIMD add. */
export function fastAddKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const heap = wasmHeap(args.backend as tf.KernelBackend);
    const [x, v] = isRowVector(a, b) ? [a, b] : isRowVector(b, a) ? [b, a] : [undefined, undefined];
    if (
      heap === undefined ||
      x === undefined ||
      v === undefined ||
      a.dtype !== "float32" ||
      b.dtype !== "float32"
    ) {
      return original.kernelFunc(args);
    }
    const module = kernelModule<BroadcastAddExports>(BROADCAST_ADD_WASM, heap.memory);
    if (module === null) return original.kernelFunc(args);
    const out = heap.makeOutput([...x.shape], "float32");
    const cols = x.shape[x.shape.length - 1]!;
    const rows = size(x.shape) / cols;
    if (rows > 0 && cols > 0)
      module.addRowVector(heap.offset(x), heap.offset(v), heap.offset(out), rows, cols);
    return out;
  };
  return { kernelName: "Add", backendName: original.backendName, setupFunc: original.setupFunc, kernelFunc };
}

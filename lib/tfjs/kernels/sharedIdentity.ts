/**
 * Identity for tfjs-wasm without a copy: the output shares the input's buffer, counted by the backend's reference
 * count, as tfjs-wasm's own Reshape does and tfjs's cpu backend does for Identity. tfjs-wasm 4.22 copies the whole
 * buffer, and tfjs-core calls Identity for every tensor a kernel saves for its gradient
 * (`saveTensorsForBackwardMode` → `clone`): about 160 copies of up to 256 kB per training step of the bench's
 * encoder. tfjs tensors are immutable and every kernel writes a fresh output, so sharing is safe; the values are
 * the same bits. Strings go to tfjs's own kernel.
 */
import type * as tf from "@tensorflow/tfjs";

/** The part of tfjs-wasm's backend this kernel uses (tfjs-backend-wasm 4.22 `backend_wasm.ts`). */
interface RefCounted {
  incRef(dataId: object): void;
}

/** Wraps tfjs-wasm's Identity (`original`) with the buffer-sharing one. */
export function fastIdentityKernel(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const backend = args.backend as unknown as Partial<RefCounted>;
    if (x.dtype === "string" || typeof backend.incRef !== "function") return original.kernelFunc(args);
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return {
    kernelName: "Identity",
    backendName: original.backendName,
    setupFunc: original.setupFunc,
    kernelFunc,
  };
}

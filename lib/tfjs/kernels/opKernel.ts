/**
 * Turns a function written with public tfjs ops into a backend kernel, so a missing kernel can be composed
 * from kernels the backend does have. Follows tfjs-core's kernel contract (`registerKernel`, `KernelFunc`) and
 * its reference-counted data: the output hands the engine a reference, everything else is disposed.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * A kernel body: the kernel's named input tensors and attributes in, one new (or input) tensor out; or
 * `undefined` when it does not handle this call and the kernel's `fallback` should.
 */
export type OpBody<A> = (inputs: Record<string, tf.Tensor>, attrs: A) => tf.Tensor | undefined;

/**
 * Wraps `body` as a kernel for `backendName`. Inner ops run on that backend, are not recorded on a gradient
 * tape (the engine stops taping inside kernels) and are disposed by a `tidy`; the result's data gains one
 * reference that the engine's output tensor takes over, so no tensor leaks (the engine's `IS_TEST` leak check
 * passes). Inputs arrive as tensors from ops; a bare `TensorInfo` is adopted for the call and released. When
 * `body` returns `undefined`, the call goes to `fallback` (a kernel of the same name, e.g. tfjs's own).
 */
export function opKernel<A>(
  kernelName: string,
  backendName: string,
  body: OpBody<A>,
  fallback?: tf.KernelConfig,
): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const kb = backend as tf.KernelBackend;
    const adopted: tf.Tensor[] = [];
    const tensors: Record<string, tf.Tensor> = {};
    for (const [key, info] of Object.entries(inputs)) {
      if (info === undefined) continue;
      if (info instanceof tf.Tensor) {
        tensors[key] = info;
        continue;
      }
      kb.incRef(info.dataId); // our temporary tensor owns one reference, released below
      const t = tf.engine().makeTensorFromTensorInfo(info, kb);
      adopted.push(t);
      tensors[key] = t;
    }
    try {
      const out = tf.tidy(() => body(tensors, (attrs ?? {}) as unknown as A));
      if (out === undefined) {
        if (fallback === undefined) throw new Error(`${kernelName}: the kernel body gave no result`);
        return fallback.kernelFunc(args);
      }
      kb.incRef(out.dataId); // the reference the engine's output tensor will own
      if (!Object.values(tensors).includes(out)) out.dispose(); // drops our reference, the data stays
      return { dataId: out.dataId, shape: out.shape, dtype: out.dtype };
    } finally {
      for (const t of adopted) t.dispose();
    }
  };
  return { kernelName, backendName, kernelFunc };
}

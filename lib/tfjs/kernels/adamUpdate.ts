/**
 * The "AttnlabAdamUpdate" kernel for tfjs-wasm: one Adam step for one variable (new value, first and second
 * moments) in a single SIMD pass (adamUpdate.wat), equal bit for bit to tfjs's AdamOptimizer, which runs about a
 * dozen kernels per variable. `applyAdamStep` (lib/train/adamStep.ts) calls it. Follows tfjs-core's kernel
 * contract (`registerKernel`, outputs from `makeOutput`) and tfjs-core 4.22 `optimizers/adam_optimizer.ts`.
 */
import * as tf from "@tensorflow/tfjs";
import { ADAM_UPDATE_WASM } from "./adamUpdateWasm.js";
import { kernelModule, wasmHeap } from "./wasmHeap.js";

/** Kernel name of the fused Adam step. */
export const ADAM_UPDATE = "AttnlabAdamUpdate";

/** Float32 scalars of one step, as tfjs rounds them: β1, 1−β1, β2, 1−β2, 1−β1ᵗ, 1−β2ᵗ, −lr, ε. */
export interface AdamUpdateAttrs {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  negLearningRate: number;
  epsilon: number;
}

/** The export of adamUpdate.wat: x, m, v, g, x', m', v' (byte offsets), n, then the eight scalars. */
interface AdamUpdateExports {
  adamUpdate(...args: number[]): void;
}

/** True when the fused step can run on `backend` (tfjs-wasm with WebAssembly SIMD). */
export function adamUpdateAvailable(backend: tf.KernelBackend): boolean {
  const heap = wasmHeap(backend);
  return heap !== undefined && kernelModule<AdamUpdateExports>(ADAM_UPDATE_WASM, heap.memory) !== null;
}

/** Kernel config: inputs x, m, v, g (float32, one shape) → [x', m', v']. */
export function adamUpdateKernel(backendName = "wasm"): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, m, v, g } = inputs as Record<"x" | "m" | "v" | "g", tf.TensorInfo>;
    const a = attrs as unknown as AdamUpdateAttrs;
    const heap = wasmHeap(backend as tf.KernelBackend);
    const module = heap && kernelModule<AdamUpdateExports>(ADAM_UPDATE_WASM, heap.memory);
    if (!heap || !module) throw new Error(`${ADAM_UPDATE} needs tfjs-wasm with WebAssembly SIMD`);
    for (const t of [x, m, v, g]) {
      if (t.dtype !== "float32" || t.shape.join() !== x.shape.join()) {
        throw new TypeError(
          `${ADAM_UPDATE}: x, m, v, g must be float32 of one shape, got [${t.shape}] ${t.dtype}`,
        );
      }
    }
    const outs = [0, 1, 2].map(() => heap.makeOutput([...x.shape], "float32"));
    const n = tf.util.sizeFromShape(x.shape);
    if (n > 0) {
      module.adamUpdate(
        ...[x, m, v, g, ...outs].map((t) => heap.offset(t)),
        n,
        a.beta1,
        a.oneMinusBeta1,
        a.beta2,
        a.oneMinusBeta2,
        a.oneMinusAccBeta1,
        a.oneMinusAccBeta2,
        a.negLearningRate,
        a.epsilon,
      );
    }
    return outs;
  };
  return { kernelName: ADAM_UPDATE, backendName, kernelFunc };
}

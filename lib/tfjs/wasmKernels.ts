/**
 * The training kernels that tfjs-backend-wasm 4.22 lacks, registered on it so embeddings and convolutions
 * train on the default Node backend. Found by running one training step of embedding, conv2d, depthwise and
 * separable conv, conv1d, conv2dTranspose, GRU, LSTM, layer norm and dense layers on wasm (docs/backends.md).
 */
import * as tf from "@tensorflow/tfjs";
import { conv2dBackpropFilterKernel } from "./kernels/conv2dBackpropFilter.js";
import { depthwiseBackpropFilterKernel } from "./kernels/depthwiseBackpropFilter.js";
import { depthwiseBackpropInputKernel } from "./kernels/depthwiseBackpropInput.js";
import { einsumKernel } from "./kernels/einsum.js";
import { unsortedSegmentSumKernel } from "./kernels/unsortedSegmentSum.js";

/** The kernels attnlab adds to wasm, by tfjs kernel name. */
export const WASM_TRAINING_KERNELS = [
  "UnsortedSegmentSum",
  "Conv2DBackpropFilter",
  "DepthwiseConv2dNativeBackpropFilter",
  "DepthwiseConv2dNativeBackpropInput",
  "Einsum",
] as const;

/** Kernel configs for {@link WASM_TRAINING_KERNELS}, built for `backendName`. */
export function trainingKernelConfigs(backendName = "wasm"): tf.KernelConfig[] {
  return [
    unsortedSegmentSumKernel(backendName),
    conv2dBackpropFilterKernel(backendName),
    depthwiseBackpropFilterKernel(backendName),
    depthwiseBackpropInputKernel(backendName),
    einsumKernel(backendName),
  ];
}

/**
 * Registers each of {@link WASM_TRAINING_KERNELS} on the wasm backend unless a kernel of that name is already
 * registered there (a later tfjs, or an earlier call), so it is safe to call any number of times. `initBackend`
 * calls it when it picks wasm; call it yourself if you switch with `tf.setBackend("wasm")`.
 * @returns the kernel names registered by this call (empty when all were already there)
 */
export function registerWasmTrainingKernels(): string[] {
  const added: string[] = [];
  for (const config of trainingKernelConfigs("wasm")) {
    if (tf.getKernel(config.kernelName, "wasm") !== undefined) continue;
    tf.registerKernel(config);
    added.push(config.kernelName);
  }
  return added;
}

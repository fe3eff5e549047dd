/**
 * The training kernels that tfjs-backend-wasm 4.22 lacks, registered on it so embeddings and convolutions
 * train on the default Node backend. Found by running one training step of embedding, conv2d, depthwise and
 * separable conv, conv1d, conv2dTranspose, GRU, LSTM, layer norm and dense layers on wasm (docs/backends.md).
 * Also the speed kernels that replace a stock wasm kernel with a faster one (`setWasmSpeedKernels`).
 */
import * as tf from "@tensorflow/tfjs";
import { ADAM_UPDATE, adamUpdateKernel } from "./kernels/adamUpdate.js";
import { fastBatchMatMulKernel } from "./kernels/batchMatMul.js";
import {
  fastConcatKernel,
  fastGatherKernel,
  fastSplitVKernel,
  fastTransposeKernel,
} from "./kernels/blockCopyKernels.js";
import { fastAddKernel } from "./kernels/broadcastAdd.js";
import { COMPARISONS, fastComparisonKernel } from "./kernels/broadcastCompare.js";
import { fastSegmentSumKernel } from "./kernels/segmentSumOneHot.js";
import { fastIdentityKernel } from "./kernels/sharedIdentity.js";
import { fastConv2dBackpropInputKernel } from "./kernels/conv2dBackpropInput.js";
import { fastSumKernel } from "./kernels/sumLeadingAxes.js";
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

/**
 * Each speed kernel: the name of the wasm kernel it replaces and how to build it from that one. Files in
 * lib/tfjs/kernels/ (batchMatMul.ts, sumLeadingAxes.ts, segmentSumOneHot.ts, blockCopyKernels.ts, broadcastAdd.ts,
 * sharedIdentity.ts, conv2dBackpropInput.ts, broadcastCompare.ts): fifteen of tfjs's own, and attnlab's
 * scatter-add UnsortedSegmentSum.
 */
type SpeedKernel = [name: string, make: (original: tf.KernelConfig) => tf.KernelConfig];
const SPEED_KERNELS: SpeedKernel[] = [
  ["BatchMatMul", fastBatchMatMulKernel],
  ["Sum", (sum) => fastSumKernel(sum, tf.getKernel("Fill", "wasm")!)], // checked in setWasmSpeedKernels
  ["UnsortedSegmentSum", fastSegmentSumKernel],
  ["SplitV", fastSplitVKernel],
  ["Concat", fastConcatKernel],
  ["Transpose", fastTransposeKernel],
  ["GatherV2", fastGatherKernel],
  ["Add", fastAddKernel],
  ["Identity", fastIdentityKernel],
  ["Conv2DBackpropInput", fastConv2dBackpropInputKernel],
  ...COMPARISONS.map((name): SpeedKernel => [name, fastComparisonKernel]),
];

/** The wasm kernels that attnlab replaces with faster ones ({@link setWasmSpeedKernels}). */
export const WASM_SPEED_KERNELS: readonly string[] = SPEED_KERNELS.map(([name]) => name);

/** Environment variable that turns the speed kernels off in Node: `ATTNLAB_SPEED_KERNELS=0`. */
export const SPEED_KERNELS_ENV_VAR = "ATTNLAB_SPEED_KERNELS";

/** tfjs-wasm's own kernels, kept while attnlab's replace them, so they can be put back. */
const stock = new Map<string, tf.KernelConfig>();

/**
 * attnlab's kernel for each stock one, built once: switching back and forth (the bench does, every slice) then
 * registers the same functions again and keeps V8's optimised code for them.
 */
const faster = new WeakMap<tf.KernelConfig, tf.KernelConfig>();

/**
 * Turns attnlab's speed kernels on wasm on (`true`, what `initBackend` does when it picks wasm) or back to
 * tfjs's stock kernels (`false`, for before/after benchmarks and comparisons). They change which float sums
 * are taken in which order, not determinism: a run repeats bit-exactly with either setting.
 * @returns whether they were on before the call
 */
export function setWasmSpeedKernels(on: boolean): boolean {
  const wasOn = stock.size > 0;
  if (on === wasOn) return wasOn;
  if (on) {
    registerWasmTrainingKernels(); // the scatter-add UnsortedSegmentSum, which the one-hot product wraps
    if (tf.getKernel(ADAM_UPDATE, "wasm") === undefined) tf.registerKernel(adamUpdateKernel("wasm")); // lib/train/adamStep.ts
    const originals = SPEED_KERNELS.map(([name]) => tf.getKernel(name, "wasm"));
    if (tf.getKernel("Fill", "wasm") === undefined || originals.some((k) => k === undefined)) {
      return wasOn; // not a tfjs-wasm we know
    }
    SPEED_KERNELS.forEach(([, make], i) => {
      const original = originals[i]!;
      const config = faster.get(original) ?? make(original);
      faster.set(original, config);
      stock.set(original.kernelName, original);
      tf.unregisterKernel(original.kernelName, "wasm");
      tf.registerKernel(config);
    });
  } else {
    for (const [name, config] of stock) {
      tf.unregisterKernel(name, "wasm");
      tf.registerKernel(config);
    }
    stock.clear();
  }
  return wasOn;
}

/** Whether attnlab's speed kernels are registered on wasm now. */
export function wasmSpeedKernelsOn(): boolean {
  return stock.size > 0;
}

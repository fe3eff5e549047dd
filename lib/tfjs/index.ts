/**
 * TensorFlow.js plumbing: which backend runs (and why), and the training kernels attnlab adds to the wasm
 * backend. Safe in a browser bundle: Node-only code is reached through `process.getBuiltinModule` at run time.
 */
export {
  BACKEND_ENV_VAR,
  type BackendPlan,
  type BackendSetting,
  isSoftwareRenderer,
  KNOWN_BACKENDS,
  planBackends,
} from "./chooseBackend.js";
export { type BackendInfo, type InitBackendOptions, initBackend } from "./initBackend.js";
export { tfSeed, ZERO_SEED_STANDIN } from "./seed.js";
export {
  registerWasmTrainingKernels,
  SPEED_KERNELS_ENV_VAR,
  setWasmSpeedKernels,
  WASM_SPEED_KERNELS,
  WASM_TRAINING_KERNELS,
  wasmSpeedKernelsOn,
} from "./wasmKernels.js";

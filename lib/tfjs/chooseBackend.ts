/**
 * The order in which attnlab tries TensorFlow.js backends, as a pure function of where it runs, so the policy
 * can be read and tested on its own. Follows the measurements in ARCHITECTURE.md ("Backends"): native
 * TensorFlow when installed, else wasm in Node (7–40× faster than cpu); in a browser webgl on a real GPU, wasm
 * on a software WebGL renderer (2–11× faster there); cpu last.
 */

/** Environment variable that forces a backend in Node, e.g. `ATTNLAB_BACKEND=cpu`. */
export const BACKEND_ENV_VAR = "ATTNLAB_BACKEND";

/** Backends attnlab knows how to start; any other name must be registered with tfjs by the caller. */
export const KNOWN_BACKENDS = ["tensorflow", "wasm", "webgl", "cpu"] as const;

/** Where we run, as far as the choice is concerned. */
export interface BackendSetting {
  /** Value of ATTNLAB_BACKEND (Node only), if set. */
  forced?: string;
  /** The caller's preference (`initBackend({prefer})`). */
  prefer?: string;
  /** True in Node, false in a browser or worker. */
  isNode: boolean;
  /** Browser only: the WebGL renderer string, `undefined` when there is no WebGL. */
  renderer?: string;
}

/** Backends to try, in order; `forced` means only the first may be used (no fallback). */
export interface BackendPlan {
  order: string[];
  forced: boolean;
}

/**
 * True for WebGL renderers that run on the CPU (SwiftShader, llvmpipe/softpipe, Microsoft Basic Render).
 * @example
 *   isSoftwareRenderer("ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)"); // true
 *   isSoftwareRenderer("ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)"); // false
 */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer);
}

/** The default order where we run, before any preference. */
export function defaultOrder(setting: BackendSetting): string[] {
  if (setting.isNode) return ["tensorflow", "wasm", "cpu"];
  if (setting.renderer === undefined) return ["wasm", "cpu"];
  return isSoftwareRenderer(setting.renderer) ? ["wasm", "webgl", "cpu"] : ["webgl", "wasm", "cpu"];
}

/**
 * Orders the backends to try: ATTNLAB_BACKEND alone (forced), else the preferred one first, then the default
 * order.
 * @example
 *   planBackends({ isNode: true }); // { order: ["tensorflow", "wasm", "cpu"], forced: false }
 *   planBackends({ isNode: true, prefer: "cpu" }); // { order: ["cpu", "tensorflow", "wasm"], forced: false }
 *   planBackends({ isNode: true, forced: "cpu", prefer: "wasm" }); // { order: ["cpu"], forced: true }
 */
export function planBackends(setting: BackendSetting): BackendPlan {
  if (setting.forced !== undefined) return { order: [setting.forced], forced: true };
  const order = defaultOrder(setting);
  if (setting.prefer === undefined) return { order, forced: false };
  return { order: [setting.prefer, ...order.filter((b) => b !== setting.prefer)], forced: false };
}

/** Why the default pick was made, in words, for `BackendInfo.reason`. */
export function defaultReason(name: string, setting: BackendSetting): string {
  if (name === "tensorflow") return "@tensorflow/tfjs-node is installed (native TensorFlow)";
  if (setting.isNode) return name === "wasm" ? "default in Node" : "fallback";
  if (setting.renderer === undefined) return name === "wasm" ? "no WebGL in this browser" : "fallback";
  const soft = isSoftwareRenderer(setting.renderer);
  if (name === "webgl") return `WebGL renderer "${setting.renderer}" is a GPU`;
  if (name === "wasm" && soft)
    return `WebGL renderer "${setting.renderer}" is software; wasm is faster there`;
  return "fallback";
}

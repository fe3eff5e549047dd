/**
 * Picks and starts the TensorFlow.js backend once per process: native TensorFlow when the user installed
 * `@tensorflow/tfjs-node`, else wasm in Node (with the training kernels it lacks added), webgl or wasm in a
 * browser, cpu last; ATTNLAB_BACKEND overrides in Node. Follows ARCHITECTURE.md "Backends" and the tfjs
 * platform guide (`tf.setBackend`, `tf.ready`, `setWasmPaths`).
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths, version_wasm } from "@tensorflow/tfjs-backend-wasm";
import {
  BACKEND_ENV_VAR,
  type BackendSetting,
  defaultReason,
  KNOWN_BACKENDS,
  planBackends,
} from "./chooseBackend.js";
import { envVar, loadOptional, nodeProcess, wasmFilesDir } from "./nodeRequire.js";
import {
  registerWasmTrainingKernels,
  SPEED_KERNELS_ENV_VAR,
  setWasmSpeedKernels,
  wasmSpeedKernelsOn,
} from "./wasmKernels.js";
import { webglRenderer } from "./webglRenderer.js";

/** The backend in use and why; also what experiment records store. */
export interface BackendInfo {
  /** tfjs backend name: "tensorflow", "wasm", "webgl", "cpu" (or one the caller registered). */
  name: string;
  /** Why this one, in words (e.g. "default in Node", "ATTNLAB_BACKEND=cpu"). */
  reason: string;
  /** Version of the package that implements it (tfjs-node, tfjs-backend-wasm, …). */
  version: string;
  /**
   * What experiment records store as the backend: the name, plus " (tfjs stock kernels)" when attnlab's wasm
   * speed kernels are off (they sum floats in another order, so the numbers differ in the last bits).
   */
  label: string;
}

/** Options for {@link initBackend}. */
export interface InitBackendOptions {
  /** Backend to try first; if it cannot start, the default order follows (ATTNLAB_BACKEND still wins). */
  prefer?: string;
  /** Print one line naming the backend (default false). */
  log?: boolean;
  /** Browser only: URL folder serving tfjs-backend-wasm's `.wasm` files (Node finds them itself). */
  wasmPaths?: string;
  /** attnlab's faster wasm kernels (`setWasmSpeedKernels`); default on, `ATTNLAB_SPEED_KERNELS=0` turns them off. */
  speedKernels?: boolean;
}

let chosen: Promise<BackendInfo> | undefined;

/**
 * Chooses, starts and returns the backend. The first call decides; later calls (with any options) return the
 * same info without switching, so every notebook cell and library function can call it. A rejected call is not
 * remembered, so it can be retried.
 * @example
 *   const info = await initBackend(); // in Node without tfjs-node: { name: "wasm", reason: "default in Node", … }
 *   // ATTNLAB_BACKEND=cpu node train.js → { name: "cpu", reason: "ATTNLAB_BACKEND=cpu", … }
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  chosen ??= choose(options).catch((err: unknown) => {
    chosen = undefined;
    throw err;
  });
  return chosen;
}

async function choose(options: InitBackendOptions): Promise<BackendInfo> {
  const isNode = nodeProcess() !== undefined;
  const setting: BackendSetting = {
    forced: isNode ? envVar(BACKEND_ENV_VAR) : undefined,
    prefer: options.prefer,
    isNode,
    renderer: isNode ? undefined : webglRenderer(),
  };
  if (setting.forced !== undefined) assertKnown(setting.forced, BACKEND_ENV_VAR);
  if (setting.prefer !== undefined) assertKnown(setting.prefer, "prefer");
  const plan = planBackends(setting);
  const skipped: string[] = [];
  for (const name of plan.order) {
    const failure = await start(name, isNode, options);
    if (failure === undefined) {
      const stock = name === "wasm" && !wasmSpeedKernelsOn();
      const info = {
        name,
        reason: reasonFor(name, setting, skipped),
        version: versionOf(name),
        label: stock ? `${name} (tfjs stock kernels)` : name,
      };
      if (options.log) console.info(`attnlab: tfjs backend ${info.name} ${info.version} (${info.reason})`);
      return info;
    }
    if (plan.forced) throw new Error(`${BACKEND_ENV_VAR}=${name}, but that backend cannot start: ${failure}`);
    skipped.push(`${name}: ${failure}`);
  }
  throw new Error(`no TensorFlow.js backend could start (${skipped.join("; ")})`);
}

/** Throws a RangeError naming `argument` unless `name` is a backend attnlab knows or tfjs has registered. */
function assertKnown(name: string, argument: string): void {
  const known: readonly string[] = KNOWN_BACKENDS;
  if (known.includes(name) || tf.findBackendFactory(name) != null) return;
  throw new RangeError(
    `${argument} must be one of ${KNOWN_BACKENDS.join(", ")} or a registered backend, got "${name}"`,
  );
}

function reasonFor(name: string, setting: BackendSetting, skipped: string[]): string {
  let reason = defaultReason(name, setting);
  if (setting.forced !== undefined) reason = `${BACKEND_ENV_VAR}=${name}`;
  else if (setting.prefer === name) reason = "preferred by the caller";
  return skipped.length === 0 ? reason : `${reason}; skipped ${skipped.join("; ")}`;
}

/** Starts backend `name`; returns why it could not, or `undefined` on success. */
async function start(
  name: string,
  isNode: boolean,
  options: InitBackendOptions,
): Promise<string | undefined> {
  if (name === "tensorflow") {
    const missing = loadTfjsNode();
    if (missing !== undefined) return missing;
  }
  if (name === "webgl" && isNode) return "WebGL needs a browser";
  if (name === "wasm") prepareWasm(options);
  try {
    if (!(await tf.setBackend(name))) return "initialisation failed";
    await tf.ready();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Adds the training and speed kernels and, before wasm first starts, tells it where its `.wasm` files are. */
function prepareWasm(options: InitBackendOptions): void {
  registerWasmTrainingKernels();
  setWasmSpeedKernels(options.speedKernels ?? envVar(SPEED_KERNELS_ENV_VAR) !== "0");
  if (tf.findBackend("wasm") != null) return; // already started: its files were found
  const dir = options.wasmPaths ?? wasmFilesDir();
  if (dir === undefined) return;
  try {
    setWasmPaths(dir);
  } catch {
    // thrown only after an earlier failed start; tf.setBackend reports that failure
  }
}

let tfjsNodeVersion: string | undefined;

/** Loads @tensorflow/tfjs-node if installed (it registers "tensorflow"); returns why not, or `undefined`. */
function loadTfjsNode(): string | undefined {
  if (tf.findBackendFactory("tensorflow") != null) return undefined;
  const loaded = loadOptional("@tensorflow/tfjs-node");
  if (loaded.status === "missing") return "@tensorflow/tfjs-node is not installed";
  if (loaded.status === "failed") return `@tensorflow/tfjs-node failed to load (${loaded.error})`;
  const version = (loaded.module as { version?: unknown }).version;
  if (typeof version === "string") tfjsNodeVersion = version;
  if (tf.findBackendFactory("tensorflow") != null) return undefined;
  return `@tensorflow/tfjs-node ${version ?? ""} registered with another copy of @tensorflow/tfjs-core; install matching versions`;
}

function versionOf(name: string): string {
  if (name === "wasm") return version_wasm;
  if (name === "tensorflow") return tfjsNodeVersion ?? "unknown";
  if (name === "cpu") return tf.version["tfjs-backend-cpu"] ?? tf.version_core;
  if (name === "webgl") return tf.version["tfjs-backend-webgl"] ?? tf.version_core;
  return tf.version_core;
}

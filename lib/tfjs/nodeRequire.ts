/**
 * Node-only module loading, reached without a static `import "node:…"` or a literal `require(…)`, so that
 * bundlers and browsers never see it. Follows the Node docs on `process.getBuiltinModule` (Node ≥ 20.16)
 * and `module.createRequire`; in a browser every function here returns `undefined`.
 */
import type * as NodeModule from "node:module";
import type * as NodePath from "node:path";

/** The Node `process`, or `undefined` in a browser. */
export function nodeProcess(): NodeJS.Process | undefined {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  return typeof proc?.versions?.node === "string" ? proc : undefined;
}

/** Reads an environment variable in Node; `undefined` in a browser or when unset or empty. */
export function envVar(name: string): string | undefined {
  const value = nodeProcess()?.env[name];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** A built-in Node module by name, or `undefined` outside Node. */
function builtin<T>(name: string): T | undefined {
  return nodeProcess()?.getBuiltinModule?.(name) as T | undefined;
}

/**
 * `require` functions to try, in order: one rooted at this file (the copy of attnlab that is running, so
 * its own dependencies resolve; only in the CommonJS build, where `__filename` exists), then one rooted at
 * the working directory (the user's project, for packages attnlab does not depend on).
 */
export function nodeRequires(): { from: string; require: NodeJS.Require }[] {
  const mod = builtin<typeof NodeModule>("node:module");
  const path = builtin<typeof NodePath>("node:path");
  const proc = nodeProcess();
  if (!mod || !path || !proc) return [];
  const bases: { from: string; file: string }[] = [];
  if (typeof __filename === "string") bases.push({ from: "attnlab", file: __filename });
  bases.push({ from: "cwd", file: path.join(proc.cwd(), "package.json") });
  return bases.map(({ from, file }) => ({ from, require: mod.createRequire(file) }));
}

/**
 * Folder (with a trailing separator) that holds tfjs-backend-wasm's `.wasm` files, resolved from the running
 * attnlab's own location so it works from any working directory. `undefined` in a browser and in the ES
 * module build; tfjs-backend-wasm's Node entry then looks beside its own script, which is the same folder.
 */
export function wasmFilesDir(): string | undefined {
  const path = builtin<typeof NodePath>("node:path");
  const own = nodeRequires().find((r) => r.from === "attnlab");
  if (!path || !own) return undefined;
  try {
    // main is dist/tf-backend-wasm.node.js; the .wasm binaries sit beside it
    return path.dirname(own.require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep;
  } catch {
    return undefined;
  }
}

/** What happened when we looked for an optional package. */
export type OptionalLoad =
  | { status: "loaded"; module: unknown; from: string }
  | { status: "missing" }
  | { status: "failed"; error: string };

/**
 * Loads an optional package if the user has it installed: `missing` when no `require` can resolve it,
 * `failed` when it resolves but throws while loading (e.g. a native binary that did not install).
 */
export function loadOptional(
  name: string,
  requires: { from: string; require: NodeJS.Require }[] = nodeRequires(),
): OptionalLoad {
  // `load`, not `require`: a bundler must not mistake this call for a dependency to bundle
  for (const { from, require: load } of requires) {
    let resolved: string;
    try {
      resolved = load.resolve(name);
    } catch {
      continue;
    }
    try {
      return { status: "loaded", module: load(resolved), from };
    } catch (err) {
      return { status: "failed", error: err instanceof Error ? err.message.split("\n")[0]! : String(err) };
    }
  }
  return { status: "missing" };
}

/**
 * Vite plugin: copies tfjs-backend-wasm's `.wasm` binaries into the built site under `tfjs-wasm/`, so the wasm
 * backend loads them from the site itself (`setWasmPaths`), never from a CDN. Follows the tfjs-backend-wasm
 * README ("Using bundlers": serve the .wasm files and call setWasmPaths) and Vite's `emitFile` asset API.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Plugin } from "vite";

/** Folder of the built site that holds the `.wasm` files; the page passes it as `wasmPaths`. */
export const WASM_DIR = "tfjs-wasm/";

export function wasmFiles(): Plugin {
  return {
    name: "attnlab-tfjs-wasm-files",
    apply: "build",
    generateBundle() {
      // main is dist/tf-backend-wasm.node.js; the binaries sit beside it
      const dir = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm"));
      for (const name of readdirSync(dir).filter((f) => f.endsWith(".wasm"))) {
        this.emitFile({ type: "asset", fileName: WASM_DIR + name, source: readFileSync(join(dir, name)) });
      }
    },
  };
}

// The committed attnlab kernel spec: where it is and the command it starts (installing a copy: kernelInstall.ts).
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

import { packageRoot } from "../io/packageRoot.js";

export const KERNEL_NAME = "attnlab";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode?: "signal" | "message";
  env?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

/** The committed, relocatable spec folder `kernels/attnlab/`. */
export function kernelSpecDir(): string {
  return join(packageRoot(), "kernels", KERNEL_NAME);
}

export function readKernelSpec(dir: string = kernelSpecDir()): KernelSpec {
  return JSON.parse(readFileSync(join(dir, "kernel.json"), "utf8")) as KernelSpec;
}

/** The spec's argv with `{resource_dir}` and `{connection_file}` filled in and `node` pinned to this Node. */
export function kernelCommand(connectionFile: string, dir: string = kernelSpecDir()): string[] {
  const spec = readKernelSpec(dir);
  const argv = spec.argv.map((a) =>
    a.replaceAll("{resource_dir}", dir).replaceAll("{connection_file}", connectionFile),
  );
  if (argv[0] === "node") argv[0] = process.execPath;
  return argv;
}

/** Jupyter's per-user data folder, as jupyter_core computes it. */
export function jupyterUserDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (process.platform === "win32") {
    return join(process.env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "jupyter");
  }
  const xdg = process.env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(xdg, "jupyter");
}

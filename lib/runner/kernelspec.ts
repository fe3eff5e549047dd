// The committed attnlab kernel spec: where it is and the command it starts (installing a copy: kernelInstall.ts).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export const KERNEL_NAME = "attnlab";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode?: "signal" | "message";
  env?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

function isAttnlabRoot(dir: string): boolean {
  const file = join(dir, "package.json");
  if (!existsSync(file)) return false;
  try {
    return JSON.parse(readFileSync(file, "utf8")).name === "attnlab";
  } catch {
    return false;
  }
}

/** The attnlab package folder (the repo, or node_modules/attnlab after `npm i attnlab`). */
export function packageRoot(): string {
  // CommonJS builds and tsx have __dirname; the ESM build falls back to resolving from the working dir.
  const start = typeof __dirname === "string" ? __dirname : undefined;
  for (let dir = start; dir !== undefined; ) {
    if (isAttnlabRoot(dir)) return dir;
    const parent = dirname(dir);
    dir = parent === dir ? undefined : parent;
  }
  const pkg = createRequire(join(process.cwd(), "noop.js")).resolve("attnlab/package.json");
  return dirname(pkg);
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

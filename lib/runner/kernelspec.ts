// The committed attnlab kernel spec: where it is, the command it starts, and installing a copy into Jupyter.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";

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

export interface InstallOptions {
  /** Install under `<prefix>/share/jupyter/kernels/<name>`; otherwise the per-user kernels folder. */
  prefix?: string;
  name?: string;
}

const NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;

/**
 * Copies the committed spec into a Jupyter kernels folder. The installed copy may hold absolute paths:
 * it records this Node and where the attnlab package lives, so it launches from any working folder.
 */
export function installKernelSpec(options: InstallOptions = {}): string {
  const name = options.name ?? KERNEL_NAME;
  if (!NAME_PATTERN.test(name)) throw new Error(`invalid kernel name ${JSON.stringify(name)}`);
  const base = options.prefix ? join(resolve(options.prefix), "share", "jupyter") : jupyterUserDataDir();
  const dest = join(base, "kernels", name.toLowerCase());
  const source = kernelSpecDir();
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    if (entry.isFile() && entry.name !== "attnlab-location.json") {
      copyFileSync(join(source, entry.name), join(dest, entry.name));
    }
  }
  const spec = readKernelSpec(source);
  spec.argv = spec.argv.map((a, i) =>
    i === 0 && a === "node" ? process.execPath : a.replaceAll("{resource_dir}", dest),
  );
  writeFileSync(join(dest, "kernel.json"), `${JSON.stringify(spec, null, 2)}\n`);
  writeFileSync(
    join(dest, "attnlab-location.json"),
    `${JSON.stringify({ packageDir: packageRoot() }, null, 2)}\n`,
  );
  return dest;
}

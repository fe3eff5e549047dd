/**
 * Installing a copy of the committed kernel spec into Jupyter without losing anything: the new folder is built
 * beside the destination and renamed into place; an old folder is moved aside first and put back if that fails;
 * a folder attnlab did not write is replaced only with `force`, and then kept (moved, never deleted).
 */
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { checkOptions, opt } from "../check/options.js";
import { packageRoot } from "../io/packageRoot.js";
import { checkKernelName, INSTALLED_BY, LOCATION_FILE, notOurs, recordedFiles } from "./kernelOwnership.js";
import { jupyterUserDataDir, KERNEL_NAME, kernelSpecDir, readKernelSpec } from "./kernelspec.js";

const WHERE = "attnlab kernel install";

export interface InstallOptions {
  /** Install under `<prefix>/share/jupyter/kernels/<name>`; otherwise the per-user kernels folder. */
  prefix?: string;
  /** The kernel's name (its folder; Jupyter lowercases it). Default `"attnlab"`. */
  name?: string;
  /** Replace a folder of that name that attnlab did not install; the old folder is kept in `keptAt`. */
  force?: boolean;
}

/** Where the spec went and what happened to a folder that was there before. */
export interface InstallResult {
  dir: string;
  /** `"ours"`: an earlier attnlab install, removed file by file; `"kept"`: moved to `keptAt`. */
  replaced: "none" | "ours" | "kept";
  keptAt?: string;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes the spec into the empty folder `dir`, resolved for its final place `dest`. */
function writeSpec(dir: string, dest: string): void {
  const source = kernelSpecDir();
  const files: string[] = [];
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name === LOCATION_FILE || entry.name === "kernel.json") continue;
    copyFileSync(join(source, entry.name), join(dir, entry.name));
    files.push(entry.name);
  }
  const spec = readKernelSpec(source);
  spec.argv = spec.argv.map((a, i) =>
    i === 0 && a === "node" ? process.execPath : a.replaceAll("{resource_dir}", dest),
  );
  writeFileSync(join(dir, "kernel.json"), `${JSON.stringify(spec, null, 2)}\n`, { flag: "wx" });
  files.push("kernel.json", LOCATION_FILE);
  files.sort();
  const location = { packageDir: packageRoot(), installedBy: INSTALLED_BY, files };
  writeFileSync(join(dir, LOCATION_FILE), `${JSON.stringify(location, null, 2)}\n`, { flag: "wx" });
}

/** Removes `files` from `dir`, then `dir` if that left it empty; true when the folder is gone. */
function removeOurFiles(dir: string, files: readonly string[]): boolean {
  for (const file of files) {
    try {
      unlinkSync(join(dir, file));
    } catch {
      // already gone
    }
  }
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false; // something else appeared in it: keep it
  }
}

/** Removes the files of `fresh`, a folder this install created (mkdtemp) and wrote alone, then the folder. */
function discard(fresh: string): void {
  try {
    const files = readdirSync(fresh, { withFileTypes: true }).filter((e) => e.isFile());
    removeOurFiles(
      fresh,
      files.map((e) => e.name),
    );
  } catch {
    // not created, or already moved into place
  }
}

/** Moves a replaced folder that is not (or no longer) ours to `<base>/attnlab-replaced/<name>-<time>`. */
function keepAside(old: string, base: string, name: string): string {
  const kept = join(base, "attnlab-replaced");
  mkdirSync(kept, { recursive: true });
  const target = mkdtempSync(join(kept, `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}-`));
  const at = join(target, name);
  renameSync(old, at);
  return at;
}

/** Renames `fresh` to `dest`, moving an existing `dest` to `aside` first and back if the rename fails. */
function swapIn(fresh: string, dest: string, aside: string, hadOld: boolean): void {
  if (hadOld) renameSync(dest, aside);
  try {
    renameSync(fresh, dest);
  } catch (err) {
    if (hadOld) renameSync(aside, dest);
    throw new Error(`${WHERE}: could not move the new spec to ${dest} (${(err as Error).message})`);
  }
}

/**
 * Copies the committed spec into a Jupyter kernels folder. The installed copy may hold absolute paths: it
 * records this Node and where the attnlab package lives (`attnlab-location.json`, also listing the files it
 * wrote), so it launches from any working folder. An earlier attnlab install of the same name is replaced;
 * any other folder there is an error unless `force`, which moves it to `<data dir>/attnlab-replaced/`.
 * Nothing is ever deleted recursively: only the files an install wrote are removed.
 * @example installKernel({ prefix: "/tmp/env", name: "attnlab-dev" }).dir; // "/tmp/env/share/jupyter/kernels/attnlab-dev"
 */
export function installKernel(options: InstallOptions = {}): InstallResult {
  checkOptions(WHERE, options, {
    prefix: opt.string({ nonEmpty: true }),
    name: opt.any(),
    force: opt.boolean(),
  });
  const name = checkKernelName(WHERE, options.name === undefined ? KERNEL_NAME : options.name).toLowerCase();
  const base = options.prefix ? join(resolve(options.prefix), "share", "jupyter") : jupyterUserDataDir();
  const kernels = join(base, "kernels");
  const dest = join(kernels, name);
  const hadOld = exists(dest);
  const reason = hadOld ? notOurs(dest) : undefined;
  if (reason !== undefined && !options.force) {
    throw new Error(
      `${WHERE}: ${dest} already exists and was not installed by attnlab (${reason}); nothing was changed. ` +
        `Choose another --name, or pass --force to replace it (the old folder is kept in ${join(base, "attnlab-replaced")})`,
    );
  }
  mkdirSync(kernels, { recursive: true });
  const work = mkdtempSync(join(kernels, ".attnlab-install-"));
  const fresh = join(work, "new");
  const aside = join(work, "old");
  try {
    mkdirSync(fresh);
    try {
      writeSpec(fresh, dest);
      swapIn(fresh, dest, aside, hadOld);
    } catch (err) {
      discard(fresh);
      throw err;
    }
    if (!hadOld) return { dir: dest, replaced: "none" };
    const ours = notOurs(aside) === undefined ? recordedFiles(aside) : undefined;
    if (ours !== undefined && removeOurFiles(aside, ours.files)) return { dir: dest, replaced: "ours" };
    return { dir: dest, replaced: "kept", keptAt: keepAside(aside, base, name) };
  } finally {
    try {
      rmdirSync(work); // empty unless a step above failed part way; never removed recursively
    } catch {
      // left for the user to inspect
    }
  }
}

/** {@link installKernel}, returning only the folder the spec went to. */
export function installKernelSpec(options: InstallOptions = {}): string {
  return installKernel(options).dir;
}

/**
 * What `attnlab kernel install` may touch: a kernel name that is one safe path segment (Jupyter's rule), and
 * whether an existing kernel folder is one attnlab installed (it holds exactly the files our install wrote).
 * Follows: jupyter_client's `_is_valid_kernel_name` (letters, digits, `.`, `_`, `-`, case-insensitive).
 */
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describeValue } from "../check/options.js";
import { kernelSpecDir } from "./kernelspec.js";

/** The marker file an install writes: where the package lives, who wrote the folder, and which files. */
export const LOCATION_FILE = "attnlab-location.json";

/** Who wrote an installed folder, as recorded in {@link LOCATION_FILE}. */
export const INSTALLED_BY = "attnlab kernel install";

/** What installs before the `files` list was recorded wrote: the marker, kernel.json, launch.cjs and its helpers. */
function legacyFiles(): string[] {
  const spec = readdirSync(kernelSpecDir(), { withFileTypes: true }).filter((e) => e.isFile());
  return [...new Set([LOCATION_FILE, "kernel.json", "launch.cjs", ...spec.map((e) => e.name)])];
}

const NAME_PATTERN = /^[A-Za-z0-9._-]{1,255}$/;

/**
 * Checks a kernel name: a string of letters, digits, `.`, `_`, `-` (1–255 characters), not made of dots only
 * (`.`, `..` would name the kernels folder or its parent), so it is one path segment. Returns it.
 * @example checkKernelName("attnlab kernel install", "attnlab-dev"); // "attnlab-dev"
 */
export function checkKernelName(where: string, name: unknown): string {
  if (typeof name !== "string") {
    throw new TypeError(`${where}: --name must be a string, got ${describeValue(name)}`);
  }
  if (!NAME_PATTERN.test(name) || /^\.+$/.test(name)) {
    throw new RangeError(
      `${where}: --name must be one path segment of letters, digits, ".", "_" and "-" (1–255 characters, ` +
        `not only dots), got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

/** A JSON file's object, or undefined when it is missing, unreadable or not an object. */
function readJsonObject(path: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, "utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The files an install recorded in its marker, or undefined without a valid marker. A marker from before the
 * list was recorded gives the files such an install may have written (`legacy: true`: not all need be there).
 */
export function recordedFiles(dir: string): { files: string[]; legacy: boolean } | undefined {
  const location = readJsonObject(join(dir, LOCATION_FILE));
  if (location === undefined || typeof location.packageDir !== "string") return undefined;
  if (location.files === undefined) return { files: legacyFiles(), legacy: true };
  const files = location.files;
  const plain = (f: unknown) => typeof f === "string" && NAME_PATTERN.test(f) && !/^\.+$/.test(f);
  return Array.isArray(files) && files.every(plain) ? { files: files as string[], legacy: false } : undefined;
}

/**
 * Why `dir` is not a folder attnlab installed, or undefined when it is: a real folder (not a link) holding
 * exactly the regular files its marker lists, with the marker and a kernel.json carrying attnlab metadata.
 */
export function notOurs(dir: string): string | undefined {
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink()) return "it is a symbolic link";
  if (!stat.isDirectory()) return "it is not a folder";
  const recorded = recordedFiles(dir);
  if (recorded === undefined) return `it has no valid ${LOCATION_FILE} marker`;
  const files = recorded.legacy ? [LOCATION_FILE, "kernel.json"] : recorded.files;
  const spec = readJsonObject(join(dir, "kernel.json"));
  const metadata = spec?.metadata as Record<string, unknown> | undefined;
  if (typeof metadata?.attnlab !== "object" || metadata.attnlab === null) {
    return "its kernel.json has no attnlab metadata";
  }
  const entries = readdirSync(dir, { withFileTypes: true });
  const foreign = entries.filter((e) => !e.isFile() || !recorded.files.includes(e.name)).map((e) => e.name);
  if (foreign.length > 0)
    return `it holds ${foreign.map((f) => JSON.stringify(f)).join(", ")}, not written by attnlab`;
  const missing = files.filter((f) => !entries.some((e) => e.name === f));
  return missing.length > 0 ? `it lacks ${missing.join(", ")}` : undefined;
}

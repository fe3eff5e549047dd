/** The environment a record stores: git commit, package versions, Node version (Node only). */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The attnlab package root (where its package.json is): above this file (CommonJS build, tsx), else resolved from the working folder. */
export function packageRoot(): string {
  const start = typeof __dirname === "string" ? __dirname : process.cwd();
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "attnlab")
      return dir;
    if (dirname(dir) === dir) break;
  }
  try {
    return dirname(createRequire(join(process.cwd(), "index.js")).resolve("attnlab/package.json"));
  } catch {
    throw new Error(`cannot find attnlab's package.json above ${start}`);
  }
}

/** Versions of attnlab, tfjs, the wasm backend and Node. */
export function versions(): Record<string, string> {
  const version = (name: string): string => {
    try {
      const requireHere = createRequire(join(packageRoot(), "package.json"));
      return (
        JSON.parse(readFileSync(requireHere.resolve(`${name}/package.json`), "utf8")) as { version: string }
      ).version;
    } catch {
      return "not installed";
    }
  };
  const own = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string };
  return {
    attnlab: own.version,
    "@tensorflow/tfjs": version("@tensorflow/tfjs"),
    "@tensorflow/tfjs-backend-wasm": version("@tensorflow/tfjs-backend-wasm"),
    node: process.versions.node,
  };
}

/** The commit of the project's git checkout and whether its tracked files have changes; nulls outside git. */
export function gitState(cwd: string = packageRoot()): { commit: string | null; dirty: boolean | null } {
  try {
    const run = (args: string[]) =>
      execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return {
      commit: run(["rev-parse", "HEAD"]),
      dirty: run(["status", "--porcelain", "--untracked-files=no"]) !== "",
    };
  } catch {
    return { commit: null, dirty: null };
  }
}

/** The environment a record stores: git commit, package versions, Node version (Node only). */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "../io/packageRoot.js";

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

/** Where the running attnlab package is: the folder of its package.json (the repo, or node_modules/attnlab). */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

function isAttnlabRoot(dir: string): boolean {
  const file = join(dir, "package.json");
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { name?: string }).name === "attnlab";
  } catch {
    return false;
  }
}

/**
 * The attnlab package folder: the nearest folder above this file whose package.json is attnlab's (CommonJS
 * builds and tsx have `__dirname`), else the attnlab that the working folder resolves (the ESM build).
 */
export function packageRoot(): string {
  const start = typeof __dirname === "string" ? __dirname : undefined;
  for (let dir = start; dir !== undefined; ) {
    if (isAttnlabRoot(dir)) return dir;
    const parent = dirname(dir);
    dir = parent === dir ? undefined : parent;
  }
  try {
    return dirname(createRequire(join(process.cwd(), "noop.js")).resolve("attnlab/package.json"));
  } catch {
    throw new Error(
      `cannot find attnlab's package.json above ${start ?? "this module"} or from ${process.cwd()}`,
    );
  }
}

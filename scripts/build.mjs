// Builds the attnlab package twice (CommonJS and ESM) from lib/ into dist/, so that
// `require("attnlab")` and `import ... from "attnlab"` both work after `npm i attnlab`.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

// Notebooks under the repo `import ... from "attnlab"` exactly as after `npm i attnlab`: Node (and tslab's
// TypeScript) walk up to node_modules/, where attnlab is a relative symlink to the repo itself.
function ensureSelfLink() {
  const nodeModules = join(root, "node_modules");
  if (!existsSync(nodeModules)) return;
  const link = join(nodeModules, "attnlab");
  let stat = null;
  try {
    stat = lstatSync(link);
  } catch {}
  if (stat?.isSymbolicLink() && readlinkSync(link) === "..") return;
  if (stat && !stat.isSymbolicLink()) {
    console.warn(`build: ${link} is not a symlink; leaving it alone`);
    return;
  }
  if (stat) rmSync(link);
  symlinkSync("..", link, "dir");
}
ensureSelfLink();

rmSync(join(root, "dist"), { recursive: true, force: true });
for (const [config, type] of [
  ["tsconfig.build.cjs.json", "commonjs"],
  ["tsconfig.build.esm.json", "module"],
]) {
  execFileSync(process.execPath, [tsc, "-p", join(root, config)], { stdio: "inherit", cwd: root });
  const outDir = join(root, "dist", type === "module" ? "esm" : "cjs");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "package.json"), `${JSON.stringify({ type }, null, 2)}\n`);
}
// The `attnlab` bin (package.json) is dist/cjs/cli.js; tsc keeps its shebang but not the executable bit.
const cli = join(root, "dist", "cjs", "cli.js");
if (existsSync(cli)) chmodSync(cli, 0o755);

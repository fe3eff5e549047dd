// `npm run lab`: builds the browser lab (docs/lab, vite.config.mts) into out/lab-site/ and serves it on
// http://127.0.0.1:5178/ until interrupted, with out/models/ (models saved by notebooks, `modelFiles`) at
// /models/. `npm run lab:build` (--build-only) only builds.
// Options: --port N (0: any free port), --no-build (serve the existing build).
import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "./labServe.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "out", "lab-site");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};

async function buildSite() {
  const started = Date.now();
  const { build } = await import("vite");
  await build({ configFile: join(root, "vite.config.mts"), logLevel: "warn" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`lab: built ${relative(root, outDir)}/ in ${seconds} s`);
}

if (!args.includes("--no-build")) await buildSite();
else if (!existsSync(join(outDir, "lab.html"))) {
  console.error(`lab: no build in ${relative(root, outDir)}/; run npm run lab:build first`);
  process.exit(1);
}
if (!args.includes("--build-only")) {
  const port = Number(option("--port", "5178"));
  const { url, close } = await serveStatic(outDir, {
    port,
    mounts: { "/models/": join(root, "out", "models") },
  });
  console.log(
    `lab: serving ${relative(root, outDir)}/ at ${url} (lab: ${url}lab.html, guide: ${url}guide.html); Ctrl-C stops`,
  );
  const stop = () => close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

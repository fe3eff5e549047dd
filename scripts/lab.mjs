// `npm run lab`: builds the browser lab (docs/lab, vite.config.mts) into out/lab-site/ and serves it on
// http://127.0.0.1:5178/ until interrupted, with out/models/ (models saved by notebooks, `modelFiles`) at
// /models/ and the course pages of `npm start` (out/index.html and its pages) at /course/.
// `npm run lab:build` (--build-only) only builds.
// Options: --port N (0: any free port), --no-build (serve the existing build).
import { existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic } from "./labServe.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "out", "lab-site");
const USAGE = "usage: node scripts/lab.mjs [--port N] [--no-build | --build-only]";

/** The command line, every flag known and checked: { port, build, serve }. */
function parseArgs(argv) {
  const parsed = { port: 5178, build: true, serve: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--no-build") parsed.build = false;
    else if (a === "--build-only") parsed.serve = false;
    else if (a === "--port") {
      const raw = argv[++i];
      const port = Number(raw);
      if (raw === undefined || !/^\d+$/.test(raw) || port > 65535) {
        throw new Error(
          `lab: --port must be an integer in [0, 65535] (0: any free port), got ${JSON.stringify(raw)}`,
        );
      }
      parsed.port = port;
    } else
      throw new Error(
        `lab: unknown option ${JSON.stringify(a)}; allowed: --port N, --no-build, --build-only`,
      );
  }
  if (!parsed.build && !parsed.serve) throw new Error("lab: --no-build and --build-only exclude each other");
  return parsed;
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(`${err.message}\n${USAGE}`);
  process.exit(2);
}

async function buildSite() {
  const started = Date.now();
  const { build } = await import("vite");
  await build({ configFile: join(root, "vite.config.mts"), logLevel: "warn" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`lab: built ${relative(root, outDir)}/ in ${seconds} s`);
}

if (args.build) await buildSite();
else if (!existsSync(join(outDir, "lab.html"))) {
  console.error(`lab: no build in ${relative(root, outDir)}/; run npm run lab:build first`);
  process.exit(1);
}
if (args.serve) {
  const { url, close } = await serveStatic(outDir, {
    port: args.port,
    mounts: { "/models/": join(root, "out", "models"), "/course/": join(root, "out") },
  });
  console.log(
    `lab: serving ${relative(root, outDir)}/ at ${url} (lab: ${url}lab.html, guide: ${url}guide.html, course pages of npm start: ${url}course/); Ctrl-C stops`,
  );
  const stop = () => close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

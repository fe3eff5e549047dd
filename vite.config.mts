/**
 * Vite build of the browser lab (`docs/lab/`): three static pages (home, guide, lab) into `out/lab-site/`, with
 * the guide rendered from README.md and docs/*.md at build time and tfjs-backend-wasm's `.wasm` files served
 * from the site itself. Follows the Vite guide ("Multi-Page App", "Plugin API": virtual modules, `emitFile`).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { guidePages } from "./docs/lab/build/guidePages.mjs";
import { wasmFiles } from "./docs/lab/build/wasmFiles.mjs";

const repo = dirname(fileURLToPath(import.meta.url));
const site = join(repo, "docs", "lab");

/** Where `npm run lab:build` writes the site (gitignored under out/). */
export const LAB_OUT_DIR = join(repo, "out", "lab-site");

export default defineConfig({
  root: site,
  base: "./",
  publicDir: false,
  logLevel: "warn",
  plugins: [guidePages(repo), wasmFiles()],
  build: {
    outDir: LAB_OUT_DIR,
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: {
        index: join(site, "index.html"),
        guide: join(site, "guide.html"),
        lab: join(site, "lab.html"),
      },
    },
  },
});

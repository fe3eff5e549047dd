// The files a page written by `attnlab run --html` links to: KaTeX's stylesheet and its fonts, and the chart
// scripts (vega, vega-lite, vega-interpreter, vega-embed and the kit's loader, charts.js), copied from the
// installed packages (nothing is fetched). A run with an output folder writes them once into
// `<out>/_attnlab/`, a folder the runner owns: it holds a manifest naming its writer, so a folder of that name
// that the user made is never written into (the run stops before any kernel starts), and a file the manifest
// does not list is never touched. A page with no such folder (`--inplace`) carries the stylesheet inline, the
// fonts as data: URIs, so it still opens on its own.
import { existsSync, lstatSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, relative, sep } from "node:path";
import { packageRoot } from "../io/packageRoot.js";
import { writeFileAtomic } from "../io/writeFileAtomic.js";

/** The name of the assets folder under an output folder. */
export const ASSETS_FOLDER = "_attnlab";
const MANIFEST = "MANIFEST.json";
const GENERATOR = "attnlab run";
const WHERE = "attnlab run";

/** The folder of the installed package `name`, `node_modules/<name>` (found from its entry point: some packages export no subpaths). */
function packageDir(name: string): string {
  let dir = dirname(createRequire(join(packageRoot(), "package.json")).resolve(name));
  while (basename(dir) !== name || basename(dirname(dir)) !== "node_modules") {
    const up = dirname(dir);
    if (up === dir)
      throw new Error(`${WHERE}: the installed package ${name} is not in a node_modules folder`);
    dir = up;
  }
  return dir;
}
const versionOf = (name: string): string =>
  JSON.parse(readFileSync(join(packageDir(name), "package.json"), "utf8")).version;
/** The installed katex package's dist/ folder. */
const katexDist = () => join(packageDir("katex"), "dist");

/** The chart scripts, in load order: [file in the assets folder, package, path in the package]. */
const CHART_SCRIPTS = [
  ["vega.min.js", "vega", "build/vega.min.js"],
  ["vega-lite.min.js", "vega-lite", "build/vega-lite.min.js"],
  ["vega-interpreter.min.js", "vega-interpreter", "build/vega-interpreter.min.js"],
  ["vega-embed.min.js", "vega-embed", "build/vega-embed.min.js"],
] as const;

/**
 * The kit's chart loader: each `figure.chart` holds the static SVG and its Vega-Lite spec as JSON; vega-embed
 * draws the spec (hover tooltips from the spec's `tooltip` encodings) and the SVG is hidden once it has. The
 * spec's expressions are interpreted (vega-interpreter), never compiled to code; a chart that cannot be drawn
 * keeps its SVG and says why in `data-live-error`.
 */
const CHARTS_JS = `// attnlab pages: live charts from the specs beside their static SVG (vega-embed, offline).
(function () {
  "use strict";
  if (typeof vegaEmbed !== "function" || typeof vega === "undefined" || !vega.expressionInterpreter) return;
  var figures = document.querySelectorAll("figure.chart");
  Array.prototype.forEach.call(figures, function (figure) {
    var json = figure.querySelector('script[type="application/json"]');
    var fallback = figure.querySelector("img");
    var target = document.createElement("div");
    target.className = "live";
    figure.insertBefore(target, figure.firstChild);
    var options = { actions: false, renderer: "svg", ast: true, expr: vega.expressionInterpreter };
    vegaEmbed(target, JSON.parse(json.textContent), options)
      .then(function () {
        if (fallback) fallback.hidden = true;
        figure.setAttribute("data-live", "1");
      })
      .catch(function (err) {
        target.remove();
        figure.setAttribute("data-live-error", String((err && err.message) || err));
      });
  });
})();
`;

/** The script files a page with charts loads from the assets folder, in order. */
export const CHART_FILES: readonly string[] = [...CHART_SCRIPTS.map(([file]) => file), "charts.js"];

/**
 * KaTeX's stylesheet with only the woff2 source of each font (every browser the pages target reads woff2;
 * the woff and ttf fallbacks would only be requests for files that are not shipped), and the fonts it names.
 */
function katexFiles(): { css: string; fonts: string[] } {
  const css = readFileSync(join(katexDist(), "katex.min.css"), "utf8").replace(
    /src:url\((fonts\/[^)]+\.woff2)\) format\("woff2"\)(?:,url\([^)]+\) format\("[^"]+"\))*/g,
    'src:url($1) format("woff2")',
  );
  const fonts = [...new Set([...css.matchAll(/url\((fonts\/[^)]+)\)/g)].map((m) => m[1]!))];
  for (const font of fonts) {
    if (!font.endsWith(".woff2"))
      throw new Error(`${WHERE}: KaTeX's stylesheet names ${font}, not a woff2 font`);
  }
  return { css, fonts };
}

/** KaTeX's stylesheet with every font inlined as a data: URI (for a page with no assets folder). */
export function inlineKatexCss(): string {
  const { css } = katexFiles();
  return css.replace(/url\((fonts\/[^)]+\.woff2)\)/g, (_, font: string) => {
    const data = readFileSync(join(katexDist(), font)).toString("base64");
    return `url(data:font/woff2;base64,${data})`;
  });
}

/**
 * Throws, before anything runs, unless `<outDir>/_attnlab` is absent or a folder this runner wrote (its
 * manifest says so). Returns the folder's path.
 */
export function planPageAssets(outDir: string): string {
  const folder = join(outDir, ASSETS_FOLDER);
  const hint = "move it away or choose another -o folder";
  if (!existsSync(folder)) return folder;
  if (!lstatSync(folder).isDirectory()) {
    throw new Error(
      `${WHERE}: ${folder} exists and is not a folder; the pages' stylesheet and fonts go there; ${hint}`,
    );
  }
  const manifest = join(folder, MANIFEST);
  let generator: unknown;
  try {
    generator = JSON.parse(readFileSync(manifest, "utf8"))?.generator;
  } catch {
    generator = undefined;
  }
  if (generator !== GENERATOR) {
    throw new Error(
      `${WHERE}: ${folder} exists and was not written by attnlab run (no ${MANIFEST} of its own); the pages' stylesheet and fonts go there; ${hint}`,
    );
  }
  return folder;
}

/**
 * Writes KaTeX's stylesheet and fonts and the chart scripts into `folder` (from `planPageAssets`), each file
 * atomically, then the manifest that lists them. Returns the files written, relative to the folder.
 */
export function writePageAssets(folder: string): string[] {
  planPageAssets(dirname(folder));
  const { css, fonts } = katexFiles();
  mkdirSync(folder, { recursive: true });
  const written = ["katex.min.css", ...fonts, ...CHART_FILES];
  writeFileAtomic(join(folder, "katex.min.css"), css);
  for (const font of fonts) writeFileAtomic(join(folder, font), readFileSync(join(katexDist(), font)));
  for (const [file, name, path] of CHART_SCRIPTS) {
    writeFileAtomic(join(folder, file), readFileSync(join(packageDir(name), path)));
  }
  writeFileAtomic(join(folder, "charts.js"), CHARTS_JS);
  const versions = Object.fromEntries(
    ["katex", ...CHART_SCRIPTS.map(([, name]) => name)].map((n) => [n, versionOf(n)]),
  );
  const manifest = { generator: GENERATOR, versions, files: written };
  writeFileAtomic(join(folder, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return written;
}

/** The href of the assets folder as seen from the page at `page` (always with `/`, ending in `/`). */
export function assetsHref(page: string, folder: string): string {
  const rel = relative(dirname(page), folder).split(sep).join("/");
  return `${rel === "" ? "." : rel}/`;
}

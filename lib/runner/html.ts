// A standalone HTML page for an executed notebook: nothing of the notebook's runs, nothing is loaded from
// outside the output folder, everything is escaped. Math (Markdown's `$…$`, `$$…$$` and `text/latex` outputs)
// is rendered by KaTeX when the page is written (math.ts); its stylesheet and fonts come from the output
// folder's `_attnlab/` (pageAssets.ts) or, for a page written on its own, inline. With that folder, the page's
// only scripts are the kit's chart loader and vega from it: each chart's Vega-Lite spec travels as JSON data
// beside its static SVG, its expressions interpreted, never compiled; a spec that names a URL stays static.
//
// The rule for the notebook's content (enforced by sanitize.ts on every `text/html` output, every
// `image/svg+xml` output and the Markdown renderer's output; everything else is escaped text):
// - nothing runs: no <script>, no on* handler attributes, no javascript:/vbscript:/data: links;
// - nothing loads by itself: images only as base64 data: URIs (png, jpeg, gif, webp, svg+xml); no srcset, no
//   <iframe>/<object>/<embed>/<link>/<meta>/<base>/<style>, no `style` attribute with url(), image-set(),
//   @import, expression() or escapes; SVG references only point inside the same SVG (`href="#id"`,
//   `url(#id)`); no <foreignObject>, <image>, SVG animation, <math>, forms or form controls;
// - plain <a href> links may stay (http, https, mailto, a fragment or a relative path, never `//host`): they
//   navigate only when clicked;
// - kept: text structure, tables, lists, code/pre, b/i/em/strong, span/div with classes and passive styles,
//   and inline SVG drawing elements (paths, shapes, text, gradients, clip paths), as the kit's charts use.
// Standalone SVG outputs are embedded as <img> data URIs (where browsers neither run scripts nor load
// anything) after the same sanitizing, with their case kept (XML).

import { dirname, relative, sep } from "node:path";
import { escapeHtml, type ImageResolver, renderMarkdown } from "./markdown.js";
import { latexOutputTex, renderTex } from "./math.js";
import { type Cell, type MimeBundle, type Notebook, type Output, sourceText } from "./notebook.js";
import { stripAnsi } from "./outputs.js";
import { CHART_FILES, inlineKatexCss } from "./pageAssets.js";
import { sanitizeFragment, sanitizeSvg } from "./sanitize.js";

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
.cell { margin: 1rem 0; }
.code .source { background: #f6f8fa; border: 1px solid #dde; border-radius: 4px; }
.prompt { color: #888; font: 12px monospace; }
pre { margin: 0; padding: .5rem; overflow-x: auto; font: 13px/1.4 ui-monospace, monospace; }
.output { margin: .25rem 0 0 0; }
.stderr { background: #fff4f4; }
.error { background: #fdd; color: #900; }
img { max-width: 100%; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: .2rem .5rem; }
blockquote { border-left: 3px solid #ccc; margin-left: 0; padding-left: 1rem; color: #555; }
.math-output { overflow-x: auto; }
.katex-display { overflow-x: auto; overflow-y: hidden; }
nav.pager { display: flex; gap: 1.5rem; justify-content: space-between; margin: 1rem 0; font-size: 14px; }
nav.toc { border: 1px solid #dde; border-radius: 4px; padding: .5rem 1rem; margin: 1rem 0; font-size: 14px; }
nav.toc ul { margin: .25rem 0; padding-left: 1.25rem; columns: 2; }
`;

function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : typeof value === "string" ? value : JSON.stringify(value);
}

function dataUri(mime: string, base64: string): string {
  return `data:${mime};base64,${base64.replace(/\s+/g, "")}`;
}

const VEGA_LITE = "application/vnd.vegalite.v5+json";

/**
 * A chart's Vega-Lite spec as JSON that is safe inside a `<script type="application/json">` (`<` escaped), or
 * undefined when it is not an object or names anything to load (`url`, `href`): such a chart stays static.
 */
function liveSpec(spec: unknown): string | undefined {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) return undefined;
  let loads = false;
  const json = JSON.stringify(spec, (key, value) => {
    if (key === "url" || key === "href") loads = true;
    return value;
  });
  return loads ? undefined : json.replace(/</g, "\\u003c");
}

/**
 * Renders the preferred representation: SVG, then HTML, raster images, Markdown, LaTeX, plain text. With
 * `live`, a chart's SVG comes with its Vega-Lite spec, for the page's chart loader to draw (pageAssets.ts).
 */
export function renderMimeBundle(data: MimeBundle, live = false): string {
  if (data["image/svg+xml"] !== undefined) {
    const svg = Buffer.from(sanitizeSvg(text(data["image/svg+xml"]))).toString("base64");
    const img = `<img alt="figure" src="${dataUri("image/svg+xml", svg)}">`;
    const spec = live ? liveSpec(data[VEGA_LITE]) : undefined;
    if (spec === undefined) return img;
    return `<figure class="chart">${img}<script type="application/json">${spec}</script></figure>`;
  }
  if (data["text/html"] !== undefined)
    return `<div class="html">${sanitizeFragment(text(data["text/html"]))}</div>`;
  for (const mime of ["image/png", "image/jpeg", "image/gif"]) {
    if (typeof data[mime] === "string")
      return `<img alt="figure" src="${escapeHtml(dataUri(mime, data[mime]))}">`;
  }
  if (data["text/markdown"] !== undefined) return renderMarkdown(text(data["text/markdown"]));
  if (data["text/latex"] !== undefined)
    return `<div class="math-output">${renderTex(latexOutputTex(text(data["text/latex"])), true)}</div>`;
  if (data["text/plain"] !== undefined)
    return `<pre>${escapeHtml(stripAnsi(text(data["text/plain"])))}</pre>`;
  const kinds = Object.keys(data).map(escapeHtml).join(", ");
  return `<pre>[output of type ${kinds || "none"} not shown]</pre>`;
}

function renderOutput(output: Output, live: boolean): string {
  switch (output.output_type) {
    case "stream":
      return `<pre class="output ${output.name}">${escapeHtml(stripAnsi(text(output.text)))}</pre>`;
    case "error": {
      const body =
        output.traceback.length > 0 ? output.traceback.join("\n") : `${output.ename}: ${output.evalue}`;
      return `<pre class="output error">${escapeHtml(stripAnsi(body))}</pre>`;
    }
    default:
      return `<div class="output">${renderMimeBundle(output.data, live)}</div>`;
  }
}

function attachmentResolver(cell: Cell): ImageResolver {
  return (src) => {
    if (!src.startsWith("attachment:") || cell.cell_type === "code") return null;
    const bundle = cell.attachments?.[src.slice("attachment:".length)];
    for (const mime of ["image/png", "image/jpeg", "image/gif"]) {
      if (typeof bundle?.[mime] === "string") return dataUri(mime, bundle[mime]);
    }
    return null;
  };
}

function renderCell(cell: Cell, slugs: Set<string>, live: boolean): string {
  const source = sourceText(cell);
  if (cell.cell_type === "markdown") {
    return `<div class="cell markdown">\n${renderMarkdown(source, attachmentResolver(cell), slugs)}</div>`;
  }
  if (cell.cell_type !== "code") return `<div class="cell raw"><pre>${escapeHtml(source)}</pre></div>`;
  const prompt = `In [${cell.execution_count ?? " "}]:`;
  const outputs = cell.outputs.map((o) => renderOutput(o, live)).join("\n");
  return [
    `<div class="cell code">`,
    `<div class="prompt">${prompt}</div>`,
    `<pre class="source"><code>${escapeHtml(source)}</code></pre>`,
    outputs,
    `</div>`,
  ].join("\n");
}

/** The href of the page at `to` from the page at `from` (relative, with `/`). */
export function pageHref(from: string, to: string): string {
  return relative(dirname(from), to).split(sep).join("/");
}

/** A link to a neighbouring page: its href and the name shown. */
export interface PageLink {
  href: string;
  title: string;
}

/** Where a page sits in its run: the entry page and the pages before and after it, as hrefs from the page. */
export interface PageNav {
  index?: string;
  prev?: PageLink;
  next?: PageLink;
}

function pager(nav: PageNav): string {
  const link = (l: PageLink | undefined, rel: string, arrow: string) =>
    l === undefined ? "" : `<a rel="${rel}" href="${escapeHtml(l.href)}">${arrow} ${escapeHtml(l.title)}</a>`;
  const index = nav.index === undefined ? "" : `<a href="${escapeHtml(nav.index)}">course pages</a>`;
  return `<nav class="pager">${link(nav.prev, "prev", "←")}${index}${link(nav.next, "next", "→")}</nav>`;
}

/** The page's table of contents: its second-level headings (what `renderMarkdown` gave ids), or "". */
function contents(cells: string[]): string {
  const items = cells.flatMap((html) =>
    [...html.matchAll(/<h2 id="([^"]+)">([\s\S]*?)<\/h2>/g)].map(
      (m) => `<li><a href="#${m[1]}">${m[2]}</a></li>`,
    ),
  );
  return items.length < 2 ? "" : `<nav class="toc"><b>Contents</b><ul>${items.join("")}</ul></nav>`;
}

/**
 * A page: the shared head (KaTeX's stylesheet from `assets`, the folder's href, or inline without it; the
 * page style; `head`, extra meta lines) around `body`.
 */
export function pageShell(title: string, body: string, head: string[], assets?: string): string {
  const katexCss =
    assets !== undefined
      ? `<link rel="stylesheet" href="${escapeHtml(`${assets}katex.min.css`)}">`
      : `<style>${inlineKatexCss()}</style>`;
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="generator" content="attnlab run">',
    ...head,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    katexCss,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * The standalone page of `nb`. `meta.source` (the notebook's path relative to the page) is recorded as
 * `<meta name="attnlab-source">`, so a later run knows the page is its own to replace. `meta.assets` is the
 * href of the folder `writePageAssets` wrote (`"../_attnlab/"`); without it, KaTeX's stylesheet and fonts are
 * inlined, and charts stay static; with it, each chart is drawn live from its spec by the folder's scripts
 * (its SVG stays for readers without scripts). `meta.nav` adds previous/next links and a link to the entry page, at the top and the bottom; a
 * page with two or more sections gets a table of contents after its first cell.
 */
export function notebookToHtml(
  nb: Notebook,
  title: string,
  meta: { source?: string; assets?: string; nav?: PageNav } = {},
): string {
  const slugs = new Set<string>();
  const live = meta.assets !== undefined;
  const cells = nb.cells.map((c) => renderCell(c, slugs, live));
  const toc = contents(cells.filter((_, i) => nb.cells[i]?.cell_type === "markdown"));
  const nav = meta.nav === undefined ? "" : pager(meta.nav);
  const charts = live && cells.some((c) => c.includes('<figure class="chart">'));
  const scripts = charts
    ? CHART_FILES.map((f) => `<script src="${escapeHtml(`${meta.assets}${f}`)}"></script>`)
    : [];
  const body = [nav, ...cells.slice(0, 1), toc, ...cells.slice(1), nav, ...scripts].filter((p) => p !== "");
  const head =
    meta.source !== undefined ? [`<meta name="attnlab-source" content="${escapeHtml(meta.source)}">`] : [];
  return pageShell(title, body.join("\n"), head, meta.assets);
}

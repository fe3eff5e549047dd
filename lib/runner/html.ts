// A standalone HTML page for an executed notebook: no scripts, nothing loaded from anywhere, everything escaped.
//
// The rule (enforced by sanitize.ts on every `text/html` output, every `image/svg+xml` output and the Markdown
// renderer's output; everything else is escaped text):
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

import { escapeHtml, type ImageResolver, renderMarkdown } from "./markdown.js";
import { type Cell, type MimeBundle, type Notebook, type Output, sourceText } from "./notebook.js";
import { stripAnsi } from "./outputs.js";
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
.math { font-family: serif; white-space: pre-wrap; }
`;

function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : typeof value === "string" ? value : JSON.stringify(value);
}

function dataUri(mime: string, base64: string): string {
  return `data:${mime};base64,${base64.replace(/\s+/g, "")}`;
}

/** Renders the preferred representation: SVG, then HTML, then raster images, Markdown, plain text. */
export function renderMimeBundle(data: MimeBundle): string {
  if (data["image/svg+xml"] !== undefined) {
    const svg = Buffer.from(sanitizeSvg(text(data["image/svg+xml"]))).toString("base64");
    return `<img alt="figure" src="${dataUri("image/svg+xml", svg)}">`;
  }
  if (data["text/html"] !== undefined)
    return `<div class="html">${sanitizeFragment(text(data["text/html"]))}</div>`;
  for (const mime of ["image/png", "image/jpeg", "image/gif"]) {
    if (typeof data[mime] === "string")
      return `<img alt="figure" src="${escapeHtml(dataUri(mime, data[mime]))}">`;
  }
  if (data["text/markdown"] !== undefined) return renderMarkdown(text(data["text/markdown"]));
  if (data["text/plain"] !== undefined)
    return `<pre>${escapeHtml(stripAnsi(text(data["text/plain"])))}</pre>`;
  const kinds = Object.keys(data).map(escapeHtml).join(", ");
  return `<pre>[output of type ${kinds || "none"} not shown]</pre>`;
}

function renderOutput(output: Output): string {
  switch (output.output_type) {
    case "stream":
      return `<pre class="output ${output.name}">${escapeHtml(stripAnsi(text(output.text)))}</pre>`;
    case "error": {
      const body =
        output.traceback.length > 0 ? output.traceback.join("\n") : `${output.ename}: ${output.evalue}`;
      return `<pre class="output error">${escapeHtml(stripAnsi(body))}</pre>`;
    }
    default:
      return `<div class="output">${renderMimeBundle(output.data)}</div>`;
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

function renderCell(cell: Cell): string {
  const source = sourceText(cell);
  if (cell.cell_type === "markdown") {
    return `<div class="cell markdown">\n${renderMarkdown(source, attachmentResolver(cell))}</div>`;
  }
  if (cell.cell_type !== "code") return `<div class="cell raw"><pre>${escapeHtml(source)}</pre></div>`;
  const prompt = `In [${cell.execution_count ?? " "}]:`;
  const outputs = cell.outputs.map(renderOutput).join("\n");
  return [
    `<div class="cell code">`,
    `<div class="prompt">${prompt}</div>`,
    `<pre class="source"><code>${escapeHtml(source)}</code></pre>`,
    outputs,
    `</div>`,
  ].join("\n");
}

/**
 * The standalone page of `nb`. `meta.source` (the notebook's path relative to the page) is recorded as
 * `<meta name="attnlab-source">`, so a later run knows the page is its own to replace.
 */
export function notebookToHtml(nb: Notebook, title: string, meta: { source?: string } = {}): string {
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="generator" content="attnlab run">',
    ...(meta.source !== undefined
      ? [`<meta name="attnlab-source" content="${escapeHtml(meta.source)}">`]
      : []),
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    ...nb.cells.map(renderCell),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

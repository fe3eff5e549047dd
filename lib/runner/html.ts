// A standalone HTML page for an executed notebook: no scripts, no external URLs, everything escaped.
import { type Cell, type MimeBundle, type Notebook, type Output, sourceText } from "./notebook.js";
import { stripAnsi } from "./outputs.js";
import { escapeHtml, type ImageResolver, renderMarkdown } from "./markdown.js";

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
    const svg = Buffer.from(text(data["image/svg+xml"])).toString("base64");
    return `<img alt="figure" src="${dataUri("image/svg+xml", svg)}">`;
  }
  if (data["text/html"] !== undefined) return `<div class="html">${text(data["text/html"])}</div>`;
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

export function notebookToHtml(nb: Notebook, title: string): string {
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
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

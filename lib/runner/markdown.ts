// A small, safe Markdown-to-HTML renderer for notebook text cells: all input is escaped, no raw HTML passes, and
// the result goes through the page sanitizer (sanitize.ts) as well.
import { sanitizeFragment } from "./sanitize.js";

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Resolves an image source to something the standalone page may embed (a data: URI), else null. */
export type ImageResolver = (src: string) => string | null;

const SAFE_LINK = /^(https?:|mailto:|#|\.{0,2}\/|[\w\-.~%]+([/?#]|$))/i;
const SAFE_DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$/;

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Inline markup on one paragraph of text: code spans, images, links, emphasis, strikethrough. */
export function renderInline(text: string, images: ImageResolver = () => null): string {
  const held: string[] = [];
  const hold = (html: string) => `\uE000${held.push(html) - 1}\uE000`;
  let s = text
    .replace(/\uE000/g, "")
    .replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_m, _t, code: string) =>
      hold(`<code>${escapeHtml(code.trim())}</code>`),
    );
  s = escapeHtml(s);
  s = s.replace(/!\[([^\]]*)\]\(([^)\s]+)(?:\s+&quot;[^)]*&quot;)?\)/g, (_m, alt: string, url: string) => {
    const raw = unescapeHtml(url);
    const data = SAFE_DATA_IMAGE.test(raw) ? raw : images(raw);
    if (data) return hold(`<img alt="${alt}" src="${escapeHtml(data)}">`);
    return SAFE_LINK.test(raw) ? hold(`<a href="${url}">[image: ${alt}]</a>`) : `[image: ${alt}]`;
  });
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)(?:\s+&quot;[^)]*&quot;)?\)/g, (_m, label: string, url: string) =>
    SAFE_LINK.test(unescapeHtml(url)) ? hold(`<a href="${url}">${label}</a>`) : label,
  );
  s = s.replace(/&lt;(https?:\/\/[^\s&]+)&gt;/g, (_m, url: string) => hold(`<a href="${url}">${url}</a>`));
  s = s
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, "<strong>$2</strong>")
    .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?!\*)/g, "$1<em>$2</em>")
    .replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?!\w)/g, "$1<em>$2</em>")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<del>$1</del>")
    .replace(/( {2,}|\\)\n/g, "<br>\n");
  return s.replace(/\uE000(\d+)\uE000/g, (_m, i: string) => held[Number(i)] ?? "");
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function startsBlock(line: string, next: string | undefined): boolean {
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    /^\s{0,3}>/.test(line) ||
    LIST_ITEM.test(line) ||
    /^\s*\$\$/.test(line) ||
    (line.includes("|") && next !== undefined && TABLE_RULE.test(next))
  );
}

function indentOf(line: string): number {
  return /^\s*/.exec(line)![0].length;
}

function renderList(lines: string[], images: ImageResolver): string {
  const base = indentOf(lines[0]!);
  const ordered = /^\d/.test(LIST_ITEM.exec(lines[0]!)![2]!);
  const items: string[][] = [];
  for (const line of lines) {
    const m = LIST_ITEM.exec(line);
    if (m && m[1]!.length <= base) items.push([m[3]!]);
    else items.at(-1)!.push(line.slice(Math.min(indentOf(line), base + 2)));
  }
  const body = items
    .map((item) => {
      const html = renderBlocks(item, images);
      // A tight item (no blank line) shows its first paragraph without <p>.
      const tight = !item.some((l) => l.trim() === "");
      return `<li>${tight ? html.replace(/^<p>([\s\S]*?)<\/p>\n/, "$1\n").replace(/\n$/, "") : html}</li>\n`;
    })
    .join("");
  return ordered ? `<ol>\n${body}</ol>\n` : `<ul>\n${body}</ul>\n`;
}

function renderTable(lines: string[], images: ImageResolver): string {
  const head = splitRow(lines[0]!);
  const aligns = splitRow(lines[1]!).map((c) =>
    c.startsWith(":") && c.endsWith(":")
      ? "center"
      : c.endsWith(":")
        ? "right"
        : c.startsWith(":")
          ? "left"
          : "",
  );
  const cell = (tag: string, text: string, i: number) =>
    `<${tag}${aligns[i] ? ` style="text-align:${aligns[i]}"` : ""}>${renderInline(text, images)}</${tag}>`;
  const rows = lines.slice(2).map(
    (l) =>
      `<tr>${splitRow(l)
        .map((c, i) => cell("td", c, i))
        .join("")}</tr>`,
  );
  return `<table>\n<thead><tr>${head.map((c, i) => cell("th", c, i)).join("")}</tr></thead>\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table>\n`;
}

/** Block structure: fences, headings, rules, quotes, lists, tables, $$ math, paragraphs. */
export function renderBlocks(lines: string[], images: ImageResolver): string {
  let html = "";
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (line.trim() === "") {
      i++;
    } else if (fence) {
      const close = new RegExp(`^\\s{0,3}${fence[1]![0]}{${fence[1]!.length},}\\s*$`);
      const body: string[] = [];
      for (i++; i < lines.length && !close.test(lines[i]!); i++) body.push(lines[i]!);
      i++;
      const lang = fence[2] ? ` class="language-${escapeHtml(fence[2])}"` : "";
      html += `<pre><code${lang}>${escapeHtml(body.join("\n"))}</code></pre>\n`;
    } else if (HEADING.test(line)) {
      const [, hashes, text] = HEADING.exec(line)!;
      html += `<h${hashes!.length}>${renderInline(text!, images)}</h${hashes!.length}>\n`;
      i++;
    } else if (RULE.test(line)) {
      html += "<hr>\n";
      i++;
    } else if (/^\s*\$\$/.test(line)) {
      const body = [line];
      const oneLine = line.trim() !== "$$" && line.trimEnd().endsWith("$$");
      for (i++; !oneLine && i < lines.length; i++) {
        body.push(lines[i]!);
        if (lines[i]!.trimEnd().endsWith("$$")) {
          i++;
          break;
        }
      }
      html += `<div class="math">${escapeHtml(body.join("\n"))}</div>\n`;
    } else if (/^\s{0,3}>/.test(line)) {
      const body: string[] = [];
      for (; i < lines.length && /^\s{0,3}>/.test(lines[i]!); i++)
        body.push(lines[i]!.replace(/^\s{0,3}> ?/, ""));
      html += `<blockquote>\n${renderBlocks(body, images)}</blockquote>\n`;
    } else if (LIST_ITEM.test(line)) {
      const base = indentOf(line);
      const body = [line];
      for (i++; i < lines.length; i++) {
        const l = lines[i]!;
        const blankThenMore = l.trim() === "" && i + 1 < lines.length && indentOf(lines[i + 1]!) > base;
        if (l.trim() !== "" && (indentOf(l) > base || LIST_ITEM.test(l))) body.push(l);
        else if (blankThenMore) body.push("");
        else break;
      }
      html += renderList(body, images);
    } else if (line.includes("|") && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1]!)) {
      const body = [line, lines[i + 1]!];
      for (i += 2; i < lines.length && lines[i]!.includes("|") && lines[i]!.trim() !== ""; i++)
        body.push(lines[i]!);
      html += renderTable(body, images);
    } else {
      const body = [line];
      for (i++; i < lines.length && lines[i]!.trim() !== "" && !startsBlock(lines[i]!, lines[i + 1]); i++) {
        body.push(lines[i]!);
      }
      html += `<p>${renderInline(body.join("\n"), images)}</p>\n`;
    }
  }
  return html;
}

/** Markdown to HTML: escaped, then sanitized (only the passive content html.ts allows can come out). */
export function renderMarkdown(source: string, images: ImageResolver = () => null): string {
  return sanitizeFragment(renderBlocks(source.replace(/\r\n?/g, "\n").split("\n"), images));
}

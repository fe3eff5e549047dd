// TeX to HTML for the standalone pages, rendered when the page is written (KaTeX, no script in the page).
// A formula KaTeX cannot parse shows its source in the error colour with the parse error as its title, never a
// broken page. `trust: false` keeps \href, \url, \includegraphics and \html… out; `maxExpand` bounds macro
// loops. KaTeX's output is HTML plus MathML for screen readers; the page links KaTeX's CSS and fonts
// (pageAssets.ts). Follows: KaTeX's server-side rendering (`katex.renderToString`) and its options page.
import katex from "katex";
import type { TokenizerAndRendererExtension } from "marked";

/** Renders `tex` (inline, or display when `display`) as KaTeX HTML; never throws on bad TeX. */
export function renderTex(tex: string, display: boolean): string {
  return katex.renderToString(tex, {
    displayMode: display,
    throwOnError: false,
    errorColor: "#cc0000",
    trust: false,
    strict: "ignore",
    maxExpand: 1000,
    maxSize: 50,
    output: "htmlAndMathml",
  });
}

/**
 * The TeX of a `text/latex` output: `$$…$$`, `\[…\]` or `$…$` around it are dropped; what is left is shown in
 * display mode (as Jupyter's front ends do).
 */
export function latexOutputTex(source: string): string {
  const s = source.trim();
  for (const [open, close] of [
    ["$$", "$$"],
    ["\\[", "\\]"],
    ["$", "$"],
  ] as const) {
    if (s.length > open.length + close.length && s.startsWith(open) && s.endsWith(close)) {
      return s.slice(open.length, s.length - close.length).trim();
    }
  }
  return s;
}

/**
 * marked extensions for Jupyter's math: `$$…$$` as a block or inline (display), `$…$` inline with Pandoc's rule
 * (no space just inside the dollars, no digit right after the closing one: "$5 and $6" stays text). `render`
 * turns the TeX into HTML (`renderTex`, or a placeholder to fill in after sanitizing).
 */
export function mathExtensions(
  render: (tex: string, display: boolean) => string,
): TokenizerAndRendererExtension[] {
  const blockMath: TokenizerAndRendererExtension = {
    name: "blockMath",
    level: "block",
    start: (src) => /^ {0,3}\$\$/m.exec(src)?.index,
    tokenizer(src) {
      const m = /^ {0,3}\$\$([\s\S]+?)\$\$[ \t]*(?:\n+|$)/.exec(src);
      return m ? { type: "blockMath", raw: m[0], text: (m[1] ?? "").trim() } : undefined;
    },
    renderer: (token) => `<div class="math display">${render(String(token.text), true)}</div>\n`,
  };
  const inlineMath: TokenizerAndRendererExtension = {
    name: "inlineMath",
    level: "inline",
    start: (src) => {
      const i = src.search(/(?<!\\)\$/);
      return i < 0 ? undefined : i;
    },
    tokenizer(src) {
      const display = /^\$\$([\s\S]+?)\$\$/.exec(src);
      if (display)
        return { type: "inlineMath", raw: display[0], text: (display[1] ?? "").trim(), display: true };
      const inline = /^\$(?![\s$])((?:\\[\s\S]|[^\\$])+?)(?<!\s)\$(?!\d)/.exec(src);
      if (inline) return { type: "inlineMath", raw: inline[0], text: inline[1] ?? "", display: false };
      return undefined;
    },
    renderer: (token) => render(String(token.text), token.display === true),
  };
  return [blockMath, inlineMath];
}

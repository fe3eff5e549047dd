// MIME bundles for prose and equations: markdown, and LaTeX with a markdown fallback.
import { MIME, type MimeBundle } from "./mime.js";

/**
 * A markdown bundle: text/markdown plus the same text as text/plain.
 * @example markdownBundle("**3** heads"); // { "text/markdown": "**3** heads", "text/plain": "**3** heads" }
 */
export function markdownBundle(text: string): MimeBundle {
  if (typeof text !== "string")
    throw new TypeError(`markdownBundle: text must be a string, got ${typeof text}`);
  return { [MIME.markdown]: text, [MIME.plain]: text };
}

/**
 * A display-math bundle: text/latex as `$$…$$`, text/markdown with the same `$$…$$` (MathJax in markdown
 * renders it where text/latex is not), and the bare TeX as text/plain. Surrounding `$$` or `$` are removed
 * first, so both `"a^2"` and `"$$a^2$$"` work.
 * @example latexBundle("\\alpha_{ij}")["text/latex"]; // "$$\\alpha_{ij}$$"
 */
export function latexBundle(tex: string): MimeBundle {
  if (typeof tex !== "string") throw new TypeError(`latexBundle: tex must be a string, got ${typeof tex}`);
  const body = stripMathDelimiters(tex.trim());
  const display = `$$${body}$$`;
  return { [MIME.latex]: display, [MIME.markdown]: display, [MIME.plain]: body };
}

/** Removes one pair of surrounding `$$`, `$`, `\[ \]` delimiters. */
function stripMathDelimiters(tex: string): string {
  for (const [open, close] of [
    ["$$", "$$"],
    ["\\[", "\\]"],
    ["$", "$"],
  ] as const) {
    if (tex.length >= open.length + close.length && tex.startsWith(open) && tex.endsWith(close)) {
      return tex.slice(open.length, tex.length - close.length).trim();
    }
  }
  return tex;
}

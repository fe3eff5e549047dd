// Markdown to HTML for notebook text cells and text/markdown outputs, with `marked` (GFM) and math rendered by
// KaTeX (math.ts) when the page is written. Safe by construction, then sanitized as well (sanitize.ts):
// raw HTML in the Markdown is shown as text, links go only where html.ts's rule allows, images embed only as
// data: URIs (an external image becomes a link). Math is held out of the sanitizer as placeholders and put
// back afterwards: KaTeX's own output (trust: false) is the one trusted markup.
// Follows: marked's extension API (custom inline and block tokenizers), Jupyter's $…$ / $$…$$ math.
import { Marked, type RendererObject, type Tokens } from "marked";
import { mathExtensions, renderTex } from "./math.js";
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

/** Where a link may go when clicked: http(s), mailto, a fragment, or a relative path (never `//host`). */
const SAFE_LINK = /^(https?:|mailto:|#|\.{0,2}\/(?!\/)|[\w\-.~%]+([/?#]|$))/i;
const SAFE_DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$/;
const HOLD = "\uE001";

/** What one render collects: the math held out of the sanitizer, the images' resolver, the heading ids. */
interface RenderState {
  math: { tex: string; display: boolean }[];
  images: ImageResolver;
  slugs: Set<string>;
}
let state: RenderState = { math: [], images: () => null, slugs: new Set() };

const hold = (tex: string, display: boolean) => `${HOLD}${state.math.push({ tex, display }) - 1}${HOLD}`;

/** A heading's id: its text in lower case, words joined by "-", unique on the page. */
export function slugOf(text: string, slugs: Set<string>): string {
  const base =
    text
      .toLowerCase()
      .replace(/<[^>]*>/g, "")
      .replace(/&[a-z#0-9]+;/g, "")
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "") || "section";
  let slug = base;
  for (let n = 2; slugs.has(slug); n++) slug = `${base}-${n}`;
  slugs.add(slug);
  return slug;
}

const renderer: RendererObject = {
  html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
  heading({ tokens, depth }: Tokens.Heading) {
    const inner = this.parser.parseInline(tokens);
    return `<h${depth} id="${slugOf(inner, state.slugs)}">${inner}</h${depth}>\n`;
  },
  link({ href, title, tokens }: Tokens.Link) {
    const inner = this.parser.parseInline(tokens);
    if (!SAFE_LINK.test(href)) return inner;
    return `<a href="${escapeHtml(href)}"${title ? ` title="${escapeHtml(title)}"` : ""}>${inner}</a>`;
  },
  image({ href, text }: Tokens.Image) {
    const data = SAFE_DATA_IMAGE.test(href) ? href : state.images(href);
    if (data) return `<img alt="${escapeHtml(text)}" src="${escapeHtml(data)}">`;
    const label = `[image: ${escapeHtml(text)}]`;
    return SAFE_LINK.test(href) ? `<a href="${escapeHtml(href)}">${label}</a>` : label;
  },
};

const marked = new Marked({ gfm: true, async: false, extensions: mathExtensions(hold), renderer });

/**
 * Markdown to HTML: rendered, sanitized (only the passive content html.ts allows can come out), then the math
 * put back as KaTeX. `slugs` collects the heading ids of the page, so they stay unique across its cells.
 */
export function renderMarkdown(
  source: string,
  images: ImageResolver = () => null,
  slugs: Set<string> = new Set(),
): string {
  state = { math: [], images, slugs };
  try {
    const html = marked.parse(source.replace(/\r\n?/g, "\n").replaceAll(HOLD, "")) as string;
    const math = state.math;
    return sanitizeFragment(html).replace(new RegExp(`${HOLD}(\\d+)${HOLD}`, "g"), (_m, i: string) => {
      const m = math[Number(i)];
      return m === undefined ? "" : renderTex(m.tex, m.display);
    });
  } finally {
    state = { math: [], images: () => null, slugs: new Set() };
  }
}

/** Inline Markdown (one line of text: emphasis, code, links, math), without a surrounding paragraph. */
export function renderInline(text: string, images: ImageResolver = () => null): string {
  return renderMarkdown(text, images).replace(/^<p>([\s\S]*)<\/p>\n?$/, "$1");
}

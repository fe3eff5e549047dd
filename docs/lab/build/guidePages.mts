/**
 * Vite plugin: the guide pages, rendered from README.md and docs/*.md to HTML at build time (marked, GFM) and
 * served to the guide page as the virtual module `virtual:attnlab-guide`. Links between the markdown files
 * become links between guide pages; links to other repository files (notebooks, code) become plain text, since
 * the site does not serve them. Math (`$…$`, `$$…$$`) is rendered by KaTeX at build time. Follows Vite's virtual-module convention (`\0` prefix) and marked's
 * `walkTokens`/renderer extensions.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, posix } from "node:path";
import { Marked, type Tokens } from "marked";
import type { Plugin } from "vite";
import { mathExtensions, renderTex } from "../../../lib/runner/math.js";
import type { GuidePage } from "../src/guideTypes.js";

const VIRTUAL_ID = "virtual:attnlab-guide";

/** The markdown sources, in guide order: README first, then docs/*.md by name. */
export function guideSources(repo: string): { slug: string; path: string }[] {
  const docs = readdirSync(join(repo, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => ({ slug: basename(f, ".md"), path: `docs/${f}` }));
  return [{ slug: "readme", path: "README.md" }, ...docs];
}

/** GitHub-style heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function headingId(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, "")
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .trim()
    .replace(/\s/g, "-");
}

/** Renders one markdown file whose repository path is `path`; `slugs` maps repository paths to guide slugs. */
export function renderGuidePage(markdown: string, path: string, slugs: Map<string, string>): string {
  const marked = new Marked({ gfm: true, async: false, extensions: mathExtensions(renderTex) });
  const repoPath = (file: string) => posix.normalize(posix.join(posix.dirname(path), file));
  const target = (href: string): string | undefined => {
    if (/^[a-z]+:/i.test(href)) return href; // absolute URL: unchanged
    if (href.startsWith("#")) return `#${slugs.get(path)}/${href.slice(1)}`; // same page
    const [file, anchor] = href.split("#");
    const slug = slugs.get(repoPath(file!));
    if (slug === undefined) return undefined;
    return `#${slug}${anchor ? `/${anchor}` : ""}`;
  };
  marked.use({
    renderer: {
      heading(token: Tokens.Heading) {
        const text = this.parser.parseInline(token.tokens);
        return `<h${token.depth} id="${headingId(text)}">${text}</h${token.depth}>\n`;
      },
      link(token: Tokens.Link) {
        const href = target(token.href);
        const text = this.parser.parseInline(token.tokens);
        if (href === undefined) {
          const file = repoPath(token.href.split("#")[0]!).replace(/"/g, "&quot;");
          return `<span class="repo-link" title="in the repository: ${file}">${text}</span>`;
        }
        const external = /^https?:/i.test(href) ? ' rel="noreferrer"' : "";
        return `<a href="${href}"${external}>${text}</a>`;
      },
    },
  });
  return marked.parse(markdown) as string;
}

/** Every guide page: slug, title (the first heading), source path and HTML. */
export function guidePageList(repo: string): GuidePage[] {
  const sources = guideSources(repo);
  const slugs = new Map(sources.map((s) => [s.path, s.slug]));
  return sources.map(({ slug, path }) => {
    const markdown = readFileSync(join(repo, path), "utf8");
    const title = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? slug;
    return { slug, title, path, html: renderGuidePage(markdown, path, slugs) };
  });
}

export function guidePages(repo: string): Plugin {
  return {
    name: "attnlab-guide-pages",
    resolveId: (id) => (id === VIRTUAL_ID ? `\0${VIRTUAL_ID}` : undefined),
    load(id) {
      if (id !== `\0${VIRTUAL_ID}`) return undefined;
      for (const { path } of guideSources(repo)) this.addWatchFile(join(repo, path));
      return `export default ${JSON.stringify(guidePageList(repo))};`;
    },
  };
}

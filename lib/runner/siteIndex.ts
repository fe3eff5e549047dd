// The entry page of an output folder written by `attnlab run --html`: `<out>/index.html`, the course map of
// notebooks/00-start-here.ipynb (its "## Path n · …" tables, with a status column, each notebook linked to its
// page when this run wrote one) when the run includes the course, then every page of the run with its status
// and time. Like the pages, it records its writer (`<meta name="attnlab-index">`), so an index.html that the
// user wrote is never replaced (the run stops before any kernel starts).
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { packageRoot } from "../io/packageRoot.js";
import { writeFileAtomic } from "../io/writeFileAtomic.js";
import type { RunNotebookResult } from "./execute.js";
import { pageHref, pageShell } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { type Cell, sourceText } from "./notebook.js";
import { assetsHref } from "./pageAssets.js";

const WHERE = "attnlab run";
const MARK = '<meta name="attnlab-index" content="1">';
/** The notebook whose "## Path" tables are the course map. */
export const COURSE_MAP = "00-start-here.ipynb";

/** One page of the run, in run order. */
export interface SitePage {
  /** The input as the user named it. */
  input: string;
  /** The notebook's real path. */
  real: string;
  /** The page's path. */
  html: string;
  /** The run's result for it; undefined when the run stopped before it. */
  result?: RunNotebookResult;
}

/** Throws unless `<outDir>/index.html` is absent or an index this runner wrote. Returns its path. */
export function planSiteIndex(outDir: string): string {
  const path = join(outDir, "index.html");
  if (!existsSync(path)) return path;
  const hint = "move it away or choose another -o folder";
  if (!lstatSync(path).isFile())
    throw new Error(`${WHERE}: ${path} exists and is not a regular file; ${hint}`);
  if (!readFileSync(path, "utf8").slice(0, 4096).includes(MARK)) {
    throw new Error(
      `${WHERE}: ${path} exists and was not written by attnlab run; the course's entry page goes there; ${hint}`,
    );
  }
  return path;
}

/** "ok · 4.5 s", "failed at cell 3", "interrupted", "not run". */
function statusOf(page: SitePage | undefined): string {
  const r = page?.result;
  if (r === undefined) return "not run";
  if (r.status === "ok") return `ok · ${r.seconds.toFixed(1)} s`;
  if (r.status === "failed" && r.failure !== undefined && r.failure.cellIndex >= 0)
    return `failed at cell ${r.failure.cellIndex + 1}`;
  return r.status;
}

/** The map notebook: one of the run's inputs, else the package's own when the run includes its notebooks. */
function mapNotebook(pages: SitePage[]): string | undefined {
  const own = pages.find((p) => basename(p.real) === COURSE_MAP);
  if (own !== undefined) return own.real;
  const course = join(packageRoot(), "notebooks");
  const inCourse = pages.some((p) => resolve(p.real).startsWith(`${course}/`));
  return inCourse && existsSync(join(course, COURSE_MAP)) ? join(course, COURSE_MAP) : undefined;
}

/**
 * The map's "## Path" cells as Markdown, each notebook link pointing at its page (or plain text when this run
 * wrote none) and each table given a status column.
 */
function mapMarkdown(mapPath: string, pages: SitePage[], index: string): string[] {
  let cells: Cell[];
  try {
    cells = JSON.parse(readFileSync(mapPath, "utf8")).cells;
  } catch {
    return [];
  }
  const byReal = new Map(pages.map((p) => [resolve(p.real), p]));
  const sections: string[] = [];
  for (const cell of cells) {
    const text = sourceText(cell);
    if (cell.cell_type !== "markdown" || !/^## Path \d/m.test(text)) continue;
    const lines = text.split("\n");
    let header = true;
    const out = lines.map((line) => {
      if (!line.startsWith("|")) {
        header = true;
        return line.replace(/\[([^\]]+)\]\((?!https?:|#)[^)\s]+\)/g, "$1");
      }
      if (header) {
        header = false;
        return `${line} status |`;
      }
      if (/^\|[\s:|-]+\|$/.test(line)) return `${line}---|`;
      let status = "";
      const linked = line.replace(/\[([^\]]+)\]\(([^)\s]+\.ipynb)\)/g, (_m, label: string, href: string) => {
        const page = byReal.get(resolve(dirname(mapPath), href));
        status ||= statusOf(page);
        return page !== undefined ? `[${label}](${pageHref(index, page.html)})` : label;
      });
      // Other relative links (docs/…) point into the repository, not the output folder: their text stays.
      const local = linked.replace(/\[([^\]]+)\]\((?!https?:|#|[^)\s]+\.html\))[^)\s]+\)/g, "$1");
      return `${local} ${status || "—"} |`;
    });
    sections.push(out.join("\n"));
  }
  return sections;
}

/**
 * Writes the index at `path` (from `planSiteIndex`) for the run's pages, atomically, linking the stylesheet in
 * the assets folder `assets` (pageAssets.ts).
 */
export function writeSiteIndex(path: string, pages: SitePage[], assets: string): void {
  const ok = pages.filter((p) => p.result?.status === "ok").length;
  const map = mapNotebook(pages);
  const slugs = new Set<string>();
  const parts = [
    renderMarkdown(
      `# attnlab · the course pages\n\n${pages.length} notebook page${pages.length === 1 ? "" : "s"} written by ` +
        `\`attnlab run\`, ${ok} ran green. Math is rendered and charts are drawn without a network.`,
      undefined,
      slugs,
    ),
  ];
  if (map !== undefined) {
    for (const section of mapMarkdown(map, pages, path))
      parts.push(renderMarkdown(section, undefined, slugs));
  }
  const rows = pages.map(
    (p) => `| [\`${p.input.replace(/\.ipynb$/, "")}\`](${pageHref(path, p.html)}) | ${statusOf(p)} |`,
  );
  parts.push(
    renderMarkdown(
      `## Every page of this run\n\n| page | status |\n|---|---|\n${rows.join("\n")}`,
      undefined,
      slugs,
    ),
  );
  writeFileAtomic(
    path,
    pageShell("attnlab · course pages", parts.join("\n"), [MARK], assetsHref(path, assets)),
  );
}

// The font PNG charts are drawn with: DejaVu Sans from the `dejavu-fonts-ttf` package (TrueType files that
// resvg reads), else Debian's fonts-dejavu-core, else whatever fonts the system has.
import { nodeProcess, nodeRequires } from "../tfjs/nodeRequire.js";

/** The family every chart's text is drawn in (vega writes the generic `sans-serif`, mapped to this). */
export const CHART_FONT_FAMILY = "DejaVu Sans";

/** The font files of {@link CHART_FONT_FAMILY}: regular (axis labels, values) and bold (titles). */
const FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"];

/** Where Debian's fonts-dejavu-core puts them. */
const DEBIAN_DIR = "/usr/share/fonts/truetype/dejavu";

/** Where the chart font was found: the npm package, the system folder, or nowhere. */
export interface ChartFonts {
  source: "package" | "system" | "none";
  /** Absolute paths of the regular and bold files (empty when `source` is "none"). */
  files: string[];
}

let found: ChartFonts | undefined;

/**
 * Finds the chart font once per process: the `dejavu-fonts-ttf` package attnlab depends on (resolved from this
 * copy of attnlab, then from the working folder), then Debian's fonts-dejavu-core, else none.
 */
export function findChartFonts(): ChartFonts {
  found ??= lookUp();
  return found;
}

function lookUp(): ChartFonts {
  const fs = nodeProcess()?.getBuiltinModule?.("node:fs") as typeof import("node:fs") | undefined;
  const path = nodeProcess()?.getBuiltinModule?.("node:path") as typeof import("node:path") | undefined;
  if (!fs || !path) return { source: "none", files: [] };
  const filesIn = (dir: string) => {
    const files = FILES.map((f) => path.join(dir, f));
    return files.every((f) => fs.existsSync(f)) ? files : undefined;
  };
  for (const { require } of nodeRequires()) {
    let pkg: string;
    try {
      pkg = require.resolve("dejavu-fonts-ttf/package.json");
    } catch {
      continue;
    }
    const files = filesIn(path.join(path.dirname(pkg), "ttf"));
    if (files) return { source: "package", files };
  }
  const system = filesIn(DEBIAN_DIR);
  return system ? { source: "system", files: system } : { source: "none", files: [] };
}

/** The resvg `font` options: only the chart font when found (fast, the same pixels on every machine). */
export function resvgFontOptions(fonts: ChartFonts = findChartFonts()): Record<string, unknown> {
  if (fonts.files.length === 0) return { loadSystemFonts: true };
  return {
    loadSystemFonts: false,
    fontFiles: fonts.files,
    defaultFontFamily: CHART_FONT_FAMILY,
    sansSerifFamily: CHART_FONT_FAMILY,
    serifFamily: CHART_FONT_FAMILY,
    monospaceFamily: CHART_FONT_FAMILY,
    cursiveFamily: CHART_FONT_FAMILY,
    fantasyFamily: CHART_FONT_FAMILY,
  };
}

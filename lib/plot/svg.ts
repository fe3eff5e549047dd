// Static SVG rendering of a vega-lite spec in Node without a browser or canvas: vega-lite compiles the spec to
// vega, and a headless vega View (renderer "none") writes the SVG string.
import type { VegaLiteSpec } from "./spec.js";

/** A vega-lite spec from a builder, or one written by hand. */
export type AnyVegaLiteSpec = VegaLiteSpec | Record<string, unknown>;

/**
 * Renders a vega-lite v5 spec to an SVG string. The output is deterministic: vega numbers gradient and clip
 * ids with a process-wide counter, so ids are rewritten to `<hash>-0, <hash>-1, …` where the hash is of the
 * SVG itself — the same spec always gives the same bytes, and two different charts inlined in one HTML page
 * (classic Notebook, nbviewer) cannot capture each other's gradients.
 * vega and vega-lite are loaded on first use, so importing attnlab stays cheap. The spec is copied first:
 * vega tags the data objects it ingests, and the caller's spec must stay untouched.
 * @example
 * const svg = await toSvg(attentionHeatmap([[1, 0], [0, 1]]));
 * svg.startsWith("<svg"); // true
 */
export async function toSvg(spec: AnyVegaLiteSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([loadVega(), loadVegaLite()]);
  const copy = JSON.parse(JSON.stringify(spec)) as Parameters<typeof vegaLite.compile>[0];
  const compiled = vegaLite.compile(copy).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return stableIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

async function loadVega(): Promise<typeof import("vega")> {
  const m = await import("vega");
  // The ESM build imports the CommonJS bundle, whose namespace may sit under `default`.
  return ((m as { default?: typeof import("vega") }).default ?? m) as typeof import("vega");
}

async function loadVegaLite(): Promise<typeof import("vega-lite")> {
  const m = await import("vega-lite");
  return ((m as { default?: typeof import("vega-lite") }).default ?? m) as typeof import("vega-lite");
}

/**
 * Renames every `id="…"` (and its `url(#…)` / `href="#…"` references) in order of appearance to
 * `<hash>-<k>`, where the hash is FNV-1a of the SVG with the ids blanked: `id="clip7"` and `url(#clip7)`
 * become e.g. `id="v1a2b3c4d-0"` and `url(#v1a2b3c4d-0)`.
 */
export function stableIds(svg: string): string {
  const ids = [...new Set([...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!))];
  if (ids.length === 0) return svg;
  const blank = svg.replace(/\bid="[^"]+"|url\(#[^)]+\)|href="#[^"]+"/g, "");
  const prefix = `v${fnv1a(blank)}`;
  const rename = new Map(ids.map((id, k) => [id, `${prefix}-${k}`]));
  const swap = (id: string) => rename.get(id) ?? id;
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${swap(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${swap(id)})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${swap(id)}"`);
}

/** 32-bit FNV-1a of a string's UTF-16 code units, as 8 hex digits. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

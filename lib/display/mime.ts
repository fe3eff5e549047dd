// The pure half of `show()`: turns a chart spec, a plotly figure or a value into a Jupyter MIME bundle.
import { type PlotlyFigure, plotlyToVegaLite } from "../plot/plotly.js";
import { toSvg } from "../plot/svg.js";
import { chartPng } from "./png.js";

/** A Jupyter MIME bundle: MIME type → string, or JSON object for `application/*+json` types. */
export type MimeBundle = Record<string, unknown>;

/** MIME types attnlab emits. */
export const MIME = {
  vegaLite: "application/vnd.vegalite.v5+json",
  plotly: "application/vnd.plotly.v1+json",
  svg: "image/svg+xml",
  png: "image/png",
  html: "text/html",
  markdown: "text/markdown",
  latex: "text/latex",
  plain: "text/plain",
} as const;

type JsonObject = Record<string, unknown>;

const VIEW_KEYS = ["mark", "layer", "facet", "spec", "repeat", "concat", "hconcat", "vconcat"];

/**
 * True for a vega-lite spec: `$schema` names vega-lite, or (no `$schema`) it has a mark or composition key.
 * @example isVegaLiteSpec(attentionHeatmap([[1]])); // true
 */
export function isVegaLiteSpec(x: unknown): x is JsonObject {
  if (!isObject(x) || Array.isArray(x) || Array.isArray(x.data)) return false;
  if (typeof x.$schema === "string") return x.$schema.includes("vega-lite");
  return VIEW_KEYS.some((k) => Object.hasOwn(x, k));
}

/**
 * True for a plotly figure: `data` is an array of trace objects.
 * @example isPlotlyFigure(plotlyHeatmap([[1]])); // true
 */
export function isPlotlyFigure(x: unknown): x is PlotlyFigure {
  return isObject(x) && Array.isArray(x.data) && x.data.every(isObject) && !Object.hasOwn(x, "mark");
}

/**
 * True for a ready MIME bundle: every key is a MIME type and there is a `text/plain`.
 * @example isMimeBundle({ "text/plain": "hi" }); // true
 */
export function isMimeBundle(x: unknown): x is MimeBundle {
  return (
    isObject(x) &&
    !Array.isArray(x) &&
    typeof x[MIME.plain] === "string" &&
    Object.keys(x).every((k) => /^[a-z]+\/[\w.+-]+$/.test(k))
  );
}

/** What one `display_data` carries: the bundle and its per-MIME metadata (the size to draw a 2× PNG at). */
export interface DisplayData {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/**
 * Builds the MIME bundle `show()` emits. A vega-lite spec gives its JSON object, a static SVG, a 2× PNG of
 * that SVG (for front ends that do not draw SVG, such as classic Notebook for an untrusted notebook) and a
 * one-line text/plain; a plotly figure gives its JSON object, the SVG and PNG of its vega-lite equivalent
 * (omitted when the figure has traces that `plotlyToVegaLite` does not convert) and text/plain; a ready
 * bundle passes through; a string is text/plain; anything else is text/plain JSON. If the PNG cannot be
 * drawn, a one-line warning goes to stderr and the bundle has the rest. Specs are deep-copied, so later
 * edits to the input do not change an emitted output.
 * @example
 * const bundle = await toMimeBundle(attentionHeatmap([[1, 0], [0, 1]], { title: "eye" }));
 * Object.keys(bundle); // ["application/vnd.vegalite.v5+json", "image/svg+xml", "image/png", "text/plain"]
 * bundle["text/plain"]; // 'vega-lite chart "eye": rect + text, 4 data rows'
 */
export async function toMimeBundle(x: unknown): Promise<MimeBundle> {
  return (await toDisplayData(x)).data;
}

/**
 * {@link toMimeBundle} with the display metadata: a chart's PNG is drawn at its SVG's size
 * (`{"image/png": {width, height}}` in CSS pixels, as Jupyter front ends and nbconvert read it).
 * @example
 * const { metadata } = await toDisplayData(attentionHeatmap([[1, 0], [0, 1]]));
 * Object.keys(metadata); // ["image/png"]
 */
export async function toDisplayData(x: unknown): Promise<DisplayData> {
  if (isMimeBundle(x)) return { data: { ...x }, metadata: {} };
  if (isVegaLiteSpec(x)) {
    const spec = jsonCopy(x);
    return chartData(MIME.vegaLite, spec, await toSvg(spec), describeVegaLite(spec));
  }
  if (isPlotlyFigure(x)) {
    const figure = jsonCopy(x);
    return chartData(MIME.plotly, figure, await plotlySvg(figure), describePlotly(figure));
  }
  return { data: { [MIME.plain]: typeof x === "string" ? x : plainJson(x) }, metadata: {} };
}

/** A chart's bundle in a fixed key order: its JSON, SVG, PNG (when each exists) and text/plain. */
async function chartData(
  mime: string,
  json: object,
  svg: string | undefined,
  plain: string,
): Promise<DisplayData> {
  const png = svg === undefined ? undefined : await chartPng(svg);
  return {
    data: {
      [mime]: json,
      ...(svg === undefined ? {} : { [MIME.svg]: svg }),
      ...(png === undefined ? {} : { [MIME.png]: png.base64 }),
      [MIME.plain]: plain,
    },
    metadata: png === undefined ? {} : { [MIME.png]: png.metadata },
  };
}

async function plotlySvg(figure: PlotlyFigure): Promise<string | undefined> {
  let spec: ReturnType<typeof plotlyToVegaLite>;
  try {
    spec = plotlyToVegaLite(figure);
  } catch (e) {
    if (e instanceof TypeError) return undefined; // unsupported traces: no static fallback
    throw e;
  }
  return toSvg(spec);
}

/** One line: `vega-lite chart "title": rect + text, 36 data rows`. */
export function describeVegaLite(spec: JsonObject): string {
  const title = typeof spec.title === "string" ? ` ${JSON.stringify(spec.title)}` : "";
  const marks = collectMarks(spec);
  const values = (spec.data as { values?: unknown } | undefined)?.values;
  const rows = Array.isArray(values) ? `, ${values.length} data rows` : "";
  return `vega-lite chart${title}: ${marks.length > 0 ? marks.join(" + ") : "composite"}${rows}`;
}

/** One line: `plotly figure "title": heatmap 6×6`. */
export function describePlotly(figure: PlotlyFigure): string {
  const t = figure.layout?.title;
  const text = typeof t === "string" ? t : isObject(t) && typeof t.text === "string" ? t.text : undefined;
  const traces = figure.data.map((trace) => {
    const type = typeof trace.type === "string" ? trace.type : "scatter";
    const z = trace.z;
    return Array.isArray(z) && Array.isArray(z[0]) ? `${type} ${z.length}×${z[0].length}` : type;
  });
  return `plotly figure${text === undefined ? "" : ` ${JSON.stringify(text)}`}: ${traces.join(" + ")}`;
}

function collectMarks(spec: JsonObject): string[] {
  const out: string[] = [];
  const visit = (s: unknown) => {
    if (!isObject(s)) return;
    const mark = s.mark;
    if (typeof mark === "string") out.push(mark);
    else if (isObject(mark) && typeof mark.type === "string") out.push(mark.type);
    for (const k of ["layer", "concat", "hconcat", "vconcat"]) if (Array.isArray(s[k])) s[k].forEach(visit);
    visit(s.spec);
  };
  visit(spec);
  return [...new Set(out)];
}

function isObject(x: unknown): x is JsonObject {
  return x !== null && typeof x === "object";
}

function jsonCopy<T extends object>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

function plainJson(x: unknown): string {
  try {
    return JSON.stringify(x, null, 2) ?? String(x);
  } catch {
    return String(x); // cycles, BigInt
  }
}

// Plotly figures where interaction pays (hover over a large attention matrix), and their conversion to an
// equivalent vega-lite spec, which is how a plotly figure gets its static SVG fallback (vega renders in Node).
import { attentionHeatmap, type HeatmapOptions } from "./heatmap.js";
import { lineChart } from "./lineChart.js";
import type { VegaLiteSpec } from "./spec.js";
import { checkLabels, checkMatrix } from "./validate.js";

/** A plotly trace: `type` plus whatever attributes that type takes. */
export interface PlotlyTrace {
  type?: string;
  [attribute: string]: unknown;
}

/** A plotly figure, as `application/vnd.plotly.v1+json` carries it. */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout?: Record<string, unknown>;
}

/** Options of {@link plotlyHeatmap}: those of `attentionHeatmap` that plotly uses. */
export type PlotlyHeatmapOptions = Pick<
  HeatmapOptions,
  "rowLabels" | "colLabels" | "title" | "xTitle" | "yTitle" | "valueTitle" | "domain"
>;

/** ColorBrewer "Blues", the scheme the vega-lite heatmap uses (light = low, dark = high). */
const BLUES: [number, string][] = [
  [0, "#f7fbff"],
  [0.25, "#c6dbef"],
  [0.5, "#6baed6"],
  [0.75, "#2171b5"],
  [1, "#08306b"],
];

/**
 * Builds a plotly heatmap figure `{data, layout}` of `[T, S]` weights: row 0 on top (y axis reversed),
 * hover shows query, key and value. Cells sit at integer positions with the labels as tick text, so
 * repeated labels (two tokens "the") stay distinct instead of being merged into one category.
 * @example
 * const fig = plotlyHeatmap([[0.9, 0.1], [0.3, 0.7]], { rowLabels: ["the", "cat"], colLabels: ["le", "chat"] });
 * fig.layout.yaxis.autorange; // "reversed"
 * fig.layout.yaxis.ticktext; // ["the", "cat"]
 */
export function plotlyHeatmap(
  weights: readonly (readonly number[])[],
  opts: PlotlyHeatmapOptions = {},
): PlotlyFigure & { layout: Record<string, unknown> } {
  const where = "plotlyHeatmap";
  const shape = checkMatrix("weights", weights, where);
  const rows = checkLabels("rowLabels", opts.rowLabels, shape[0], "weights", shape, where);
  const cols = checkLabels("colLabels", opts.colLabels, shape[1], "weights", shape, where);
  const [zmin, zmax] = opts.domain ?? [0, 1];
  const inUnit = weights.every((r) => r.every((v) => v >= 0 && v <= 1));
  const trace: PlotlyTrace = {
    type: "heatmap",
    z: weights.map((r) => [...r]),
    x: cols.map((_, j) => j),
    y: rows.map((_, i) => i),
    customdata: rows.map((q) => cols.map((k) => [q, k])),
    hovertemplate: `${opts.yTitle ?? "query"}: %{customdata[0]}<br>${opts.xTitle ?? "key"}: %{customdata[1]}<br>${opts.valueTitle ?? "weight"}: %{z:.4f}<extra></extra>`,
    colorscale: BLUES,
    colorbar: { title: { text: opts.valueTitle ?? "weight" } },
    ...(opts.domain !== undefined || inUnit ? { zmin, zmax } : {}),
  };
  return {
    data: [trace],
    layout: {
      ...(opts.title === undefined ? {} : { title: { text: opts.title } }),
      xaxis: axis(opts.xTitle ?? "keys", cols),
      yaxis: { ...axis(opts.yTitle ?? "queries", rows), autorange: "reversed" },
    },
  };
}

function axis(title: string, labels: readonly string[]): Record<string, unknown> {
  return {
    title: { text: title },
    tickmode: "array",
    tickvals: labels.map((_, i) => i),
    ticktext: [...labels],
  };
}

/**
 * Converts a plotly figure to an equivalent vega-lite spec, used for its static SVG fallback.
 * Supported: one `heatmap` trace (→ `attentionHeatmap`, keeping labels, titles, `zmin`/`zmax` and the
 * y direction: a plotly y axis that is not reversed puts row 0 at the bottom, so rows are flipped), or
 * `scatter` traces with numeric `x`/`y` (→ `lineChart`). Anything else throws a TypeError.
 * @example plotlyToVegaLite(plotlyHeatmap([[1, 0], [0, 1]])).data.values.length; // 4
 */
export function plotlyToVegaLite(figure: PlotlyFigure): VegaLiteSpec {
  const traces = figure.data;
  const layout = figure.layout ?? {};
  const title = titleText(layout.title);
  if (traces.length === 1 && traces[0]!.type === "heatmap")
    return heatmapToVegaLite(traces[0]!, layout, title);
  if (traces.length > 0 && traces.every((t) => (t.type ?? "scatter") === "scatter")) {
    const series = traces.map((t, k) => {
      const y = t.y as number[];
      const x = (t.x as number[] | undefined) ?? y.map((_, i) => i);
      return { name: typeof t.name === "string" ? t.name : `trace ${k}`, x, y };
    });
    const [xTitle, yTitle] = [
      titleText(axisOf(layout, "xaxis").title),
      titleText(axisOf(layout, "yaxis").title),
    ];
    return lineChart(series, {
      ...(title && { title }),
      ...(xTitle && { xTitle }),
      ...(yTitle && { yTitle }),
    });
  }
  const types = traces.map((t) => t.type ?? "scatter").join(", ");
  throw new TypeError(
    `plotlyToVegaLite: cannot convert traces [${types}]; supported: one heatmap, or scatter traces`,
  );
}

function heatmapToVegaLite(trace: PlotlyTrace, layout: Record<string, unknown>, title: string | undefined) {
  const z = trace.z as number[][];
  const shape = checkMatrix("figure.data[0].z", z, "plotlyToVegaLite");
  const xaxis = axisOf(layout, "xaxis");
  const yaxis = axisOf(layout, "yaxis");
  let rowLabels = axisLabels(trace.y, yaxis, shape[0]);
  let weights = z;
  if (yaxis.autorange !== "reversed") {
    // Plotly draws row 0 at the bottom unless the y axis is reversed; vega-lite puts it on top.
    weights = [...z].reverse();
    rowLabels = [...rowLabels].reverse();
  }
  const domain =
    typeof trace.zmin === "number" && typeof trace.zmax === "number"
      ? { domain: [trace.zmin, trace.zmax] as const }
      : {};
  const valueTitle = titleText((trace.colorbar as { title?: unknown } | undefined)?.title);
  const xTitle = titleText(xaxis.title);
  const yTitle = titleText(yaxis.title);
  return attentionHeatmap(weights, {
    rowLabels,
    colLabels: axisLabels(trace.x, xaxis, shape[1]),
    ...domain,
    ...(title && { title }),
    ...(xTitle && { xTitle }),
    ...(yTitle && { yTitle }),
    ...(valueTitle && { valueTitle }),
  });
}

function axisOf(layout: Record<string, unknown>, name: string): Record<string, unknown> {
  const a = layout[name];
  return a !== null && typeof a === "object" ? (a as Record<string, unknown>) : {};
}

/** Labels of n cells: tick text at integer tick values, else the trace's coordinates, else indices. */
function axisLabels(coords: unknown, axis: Record<string, unknown>, n: number): string[] {
  const ticktext = axis.ticktext;
  const tickvals = axis.tickvals;
  if (Array.isArray(ticktext) && Array.isArray(tickvals) && tickvals.every((v, i) => v === i)) {
    if (ticktext.length === n) return ticktext.map(String);
  }
  if (Array.isArray(coords) && coords.length === n) return coords.map(String);
  return Array.from({ length: n }, (_, i) => String(i));
}

/** Plotly titles are a string or `{text}`. */
function titleText(t: unknown): string | undefined {
  if (typeof t === "string") return t;
  if (t !== null && typeof t === "object" && typeof (t as { text?: unknown }).text === "string") {
    return (t as { text: string }).text;
  }
  return undefined;
}

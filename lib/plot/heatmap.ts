// The attention heatmap: a `[T, S]` weight matrix drawn with queries as rows (top to bottom) and keys as
// columns, as in Bahdanau et al. 2015, fig. 3 and Vaswani et al. 2017, fig. 3.
import {
  COLOR_SCHEMES,
  type ColorScheme,
  type Datum,
  type FieldDef,
  type TopLevelLayerSpec,
  type UnitSpec,
  VEGA_LITE_SCHEMA,
} from "./spec.js";
import { checkOptions, opt } from "../check/options.js";
import { TITLE_FONT_SIZE, textLimit } from "./labels.js";
import { checkLabels, checkMatrix, type Label, labelExpr, TITLE_RULES } from "./validate.js";

/** Options of {@link attentionHeatmap}. */
export interface HeatmapOptions {
  /** One label per query (row); default `0..T-1`. Labels may repeat. */
  rowLabels?: readonly Label[];
  /** One label per key (column); default `0..S-1`. Labels may repeat. */
  colLabels?: readonly Label[];
  title?: string;
  /** Default `"keys"`. */
  xTitle?: string;
  /** Default `"queries"`. */
  yTitle?: string;
  /** Title of the colour legend and tooltip value; default `"weight"`. */
  valueTitle?: string;
  /** Print each value in its cell; default when the matrix is at most 10×10. */
  showValues?: boolean;
  /** Pixels; default a fixed width per column. */
  width?: number;
  /** Pixels; default a fixed height per row. */
  height?: number;
  /** Colour domain `[lo, hi]`; default `[0, 1]` when every value lies there (weights), else the data range. */
  domain?: readonly [number, number];
  /** d3-format of printed values; default `".2f"`. */
  format?: string;
  /** vega colour scheme; default `"blues"` (for signed scores try `"redblue"` with a symmetric domain). */
  scheme?: ColorScheme;
}

/** Largest side for which cell values are printed by default. */
const VALUES_MAX_SIDE = 10;

/** What {@link attentionHeatmap} accepts: the keys of `HeatmapOptions` (labels and domain are checked against the data). */
const HEATMAP_RULES = {
  rowLabels: opt.any(),
  colLabels: opt.any(),
  ...TITLE_RULES,
  valueTitle: opt.string(),
  showValues: opt.boolean(),
  width: opt.number({ above: 0 }),
  height: opt.number({ above: 0 }),
  domain: opt.any(),
  format: opt.string({ nonEmpty: true }),
  scheme: opt.oneOf(COLOR_SCHEMES),
};

/**
 * Builds a vega-lite heatmap of attention weights, rows = queries, columns = keys.
 * Data rows are `{row, col, query, key, value}`; axes run over the indices `row`/`col` and print the labels,
 * so repeated tokens stay distinct and in order. Row labels are drawn level, column labels longer than 4
 * characters at -45°, and none is cut short. Every cell (its rect and its printed value) has a tooltip: row,
 * query, column, key and value, shown by interactive renderers (JupyterLab, vega-embed).
 * @param weights `[T, S]` finite numbers.
 * @example
 * const spec = attentionHeatmap([[0.9, 0.1], [0.3, 0.7]], { rowLabels: ["the", "cat"], colLabels: ["le", "chat"] });
 * spec.data.values[1]; // { row: 0, col: 1, query: "the", key: "chat", value: 0.1 }
 */
export function attentionHeatmap(
  weights: readonly (readonly number[])[],
  options: HeatmapOptions = {},
): TopLevelLayerSpec {
  const where = "attentionHeatmap";
  const opts = checkOptions(where, options, HEATMAP_RULES);
  const shape = checkMatrix("weights", weights, where);
  const rows = checkLabels("rowLabels", opts.rowLabels, shape[0], "weights", shape, where);
  const cols = checkLabels("colLabels", opts.colLabels, shape[1], "weights", shape, where);
  const domain = colorDomain(weights, opts.domain, where);
  const showValues = opts.showValues ?? (shape[0] <= VALUES_MAX_SIDE && shape[1] <= VALUES_MAX_SIDE);
  const step = showValues ? 36 : 22;
  const layer: UnitSpec[] = [heatmapRectLayer(opts, domain)];
  if (showValues) layer.push(valueTextLayer(weights, domain, opts.format ?? ".2f"));
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title === undefined ? {} : { title: opts.title }),
    data: { values: heatmapData(weights, rows, cols) },
    width: opts.width ?? { step },
    height: opts.height ?? { step },
    encoding: {
      x: indexField("col", opts.xTitle ?? "keys", cols, "x"),
      y: indexField("row", opts.yTitle ?? "queries", rows, "y"),
      tooltip: cellTooltip(opts),
    },
    layer,
    config: { view: { stroke: null }, axis: { grid: false } },
  };
}

/** One datum per cell, row-major: `{row, col, query, key, value}`. */
export function heatmapData(
  weights: readonly (readonly number[])[],
  rows: readonly string[],
  cols: readonly string[],
): Datum[] {
  return weights.flatMap((r, i) =>
    r.map((value, j) => ({ row: i, col: j, query: rows[i]!, key: cols[j]!, value })),
  );
}

/**
 * An ordinal axis over an index field that prints `labels[index]` (keeps duplicates apart, order fixed).
 * On `x`, labels longer than `maxFlat` characters are drawn at -45° so that neighbours do not overlap; on `y`
 * they stay level. The label limit leaves room for the longest label, so none is cut with "…".
 */
export function indexField(
  field: string,
  title: string | null,
  labels: readonly string[],
  along: "x" | "y",
  maxFlat = 4,
): FieldDef {
  const labelAngle = along === "x" && labels.some((l) => l.length > maxFlat) ? -45 : 0;
  return {
    field,
    type: "ordinal",
    title,
    axis: { labelExpr: labelExpr(labels), labelAngle, labelLimit: textLimit(labels) },
  };
}

/** The hover tooltip of a heatmap cell: row index, query label, column index, key label and value. */
export function cellTooltip(opts: Pick<HeatmapOptions, "xTitle" | "yTitle" | "valueTitle">): FieldDef[] {
  return [
    { field: "row", type: "ordinal", title: "row" },
    { field: "query", type: "nominal", title: opts.yTitle ?? "queries" },
    { field: "col", type: "ordinal", title: "column" },
    { field: "key", type: "nominal", title: opts.xTitle ?? "keys" },
    { field: "value", type: "quantitative", title: opts.valueTitle ?? "weight", format: ".4f" },
  ];
}

/** The colour legend of a heatmap: its title (the value's name) is never cut. */
export function valueLegend(valueTitle: string): { titleLimit: number } {
  return { titleLimit: textLimit([valueTitle], TITLE_FONT_SIZE) };
}

/** The colour domain: given, `[0, 1]` for weights, or `undefined` (vega picks the data range). */
export function colorDomain(
  m: readonly (readonly number[])[],
  domain: readonly [number, number] | undefined,
  where: string,
): [number, number] | undefined {
  if (domain !== undefined) {
    const [lo, hi] = domain;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
      throw new RangeError(
        `${where}: domain must be [lo, hi] with finite lo < hi, got [${domain.join(", ")}]`,
      );
    }
    return [lo, hi];
  }
  return m.every((r) => r.every((v) => v >= 0 && v <= 1)) ? [0, 1] : undefined;
}

function heatmapRectLayer(opts: HeatmapOptions, domain: [number, number] | undefined): UnitSpec {
  const valueTitle = opts.valueTitle ?? "weight";
  const scale = { scheme: opts.scheme ?? "blues", ...(domain === undefined ? {} : { domain }) };
  return {
    mark: { type: "rect" },
    encoding: {
      color: {
        field: "value",
        type: "quantitative",
        title: valueTitle,
        scale,
        legend: valueLegend(valueTitle),
      },
    },
  };
}

function valueTextLayer(
  weights: readonly (readonly number[])[],
  domain: [number, number] | undefined,
  format: string,
): UnitSpec {
  const [lo, hi] = domain ?? dataRange(weights);
  // Dark cells get white text: the threshold is the middle of the colour domain.
  const mid = (lo + hi) / 2;
  return {
    mark: { type: "text", fontSize: 10 },
    encoding: {
      text: { field: "value", type: "quantitative", format },
      color: { condition: { test: `datum.value > ${mid}`, value: "white" }, value: "black" },
    },
  };
}

/** `[min, max]` of a non-empty matrix. */
export function dataRange(m: readonly (readonly number[])[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of m.flat()) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

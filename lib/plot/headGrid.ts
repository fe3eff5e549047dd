// A grid of attention heatmaps, one panel per head (and per layer), as in the multi-head figures of
// Vaswani et al. 2017 (figs. 3–5): one row of panels per layer, one column per head, a shared colour scale.
import { checkOptions, opt } from "../check/options.js";
import { colorDomain, indexField, valueLegend } from "./heatmap.js";
import {
  COLOR_SCHEMES,
  type ColorScheme,
  type Datum,
  type TopLevelFacetSpec,
  VEGA_LITE_SCHEMA,
} from "./spec.js";
import {
  checkLabels,
  checkMatrix,
  describe,
  type Label,
  labelExpr,
  shapeText,
  TITLE_RULES,
} from "./validate.js";

/** Options of {@link headGrid}. */
export interface HeadGridOptions {
  /** One label per query (row of every panel). */
  rowLabels?: readonly Label[];
  /** One label per key (column of every panel). */
  colLabels?: readonly Label[];
  /** Panel titles: one per head (`[N]`), or per layer and head (`[L][N]` or flat `[L*N]`). */
  titles?: readonly string[] | readonly (readonly string[])[];
  title?: string;
  /** Default `"keys"`. */
  xTitle?: string;
  /** Default `"queries"`. */
  yTitle?: string;
  /** Default `"weight"`. */
  valueTitle?: string;
  /** Shared colour domain; default `[0, 1]` when every value lies there, else the data range. */
  domain?: readonly [number, number];
  /** vega colour scheme; default `"blues"`. */
  scheme?: ColorScheme;
  /** Panels per row of the grid (an integer ≥ 1); default one row per layer, a column per head. */
  columns?: number;
}

type Matrix = readonly (readonly number[])[];

/**
 * Pixels per cell of every panel: 18, or for panels more than 10 cells on a side 180 / side (at least 6), so a
 * panel stays about 180 px and a row of several fits a page (a 16 × 16 frame: 11 px cells).
 */
function cellStep(shape: readonly [number, number]): number {
  const side = Math.max(...shape);
  return side <= 10 ? 18 : Math.max(6, Math.floor(180 / side));
}

const HEAD_GRID_RULES = {
  rowLabels: opt.any(),
  colLabels: opt.any(),
  titles: opt.any(),
  ...TITLE_RULES,
  valueTitle: opt.string(),
  domain: opt.any(),
  scheme: opt.oneOf(COLOR_SCHEMES),
  columns: opt.integer({ min: 1 }),
};

/**
 * Builds a faceted grid of heatmaps: `[N, T, S]` (heads) or `[L, N, T, S]` (layers × heads).
 * Panels are titled "head 1" … or "layer 1 · head 1" … unless `titles` is given; all share one colour scale.
 * @example
 * const spec = headGrid([[[1, 0], [0, 1]], [[0.5, 0.5], [0.5, 0.5]]], { rowLabels: ["a", "b"], colLabels: ["a", "b"] });
 * spec.columns; // 2 (one column of panels per head)
 */
export function headGrid(
  weightsPerHead: readonly Matrix[] | readonly (readonly Matrix[])[],
  options: HeadGridOptions = {},
): TopLevelFacetSpec {
  const where = "headGrid";
  const opts = checkOptions(where, options, HEAD_GRID_RULES);
  const layers = toLayers(weightsPerHead, where);
  const numHeads = layers[0]!.length;
  const shape = checkMatrix("weightsPerHead[0][0]", layers[0]![0], where);
  const fullShape = [layers.length, numHeads, ...shape];
  layers.forEach((heads, l) => {
    if (heads.length !== numHeads) {
      throw new RangeError(
        `${where}: weightsPerHead is ragged: layer ${l} has ${heads.length} heads but layer 0 has ${numHeads} (shape ${shapeText(fullShape)})`,
      );
    }
    heads.forEach((m, h) => {
      const s = checkMatrix(`weightsPerHead[${l}][${h}]`, m, where);
      if (s[0] !== shape[0] || s[1] !== shape[1]) {
        throw new RangeError(
          `${where}: weightsPerHead[${l}][${h}] has shape ${shapeText(s)} but weightsPerHead[0][0] has shape ${shapeText(shape)}`,
        );
      }
    });
  });
  const rows = checkLabels("rowLabels", opts.rowLabels, shape[0], "each head", shape, where);
  const cols = checkLabels("colLabels", opts.colLabels, shape[1], "each head", shape, where);
  const titles = panelTitles(
    opts.titles,
    layers.length,
    numHeads,
    Array.isArray(weightsPerHead[0]?.[0]?.[0]),
  );
  const domain = colorDomain(layers.flat().flat(), opts.domain, where);
  const valueTitle = opts.valueTitle ?? "weight";
  const step = cellStep(shape);
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title === undefined ? {} : { title: opts.title }),
    data: { values: gridData(layers, rows, cols) },
    facet: {
      field: "panel",
      type: "ordinal",
      title: null,
      header: { labelExpr: labelExpr(titles), title: null },
    },
    columns: opts.columns ?? numHeads,
    spec: {
      width: { step },
      height: { step },
      mark: { type: "rect" },
      encoding: {
        x: indexField("col", opts.xTitle ?? "keys", cols, "x", 1),
        y: indexField("row", opts.yTitle ?? "queries", rows, "y"),
        color: {
          field: "value",
          type: "quantitative",
          title: valueTitle,
          scale: { scheme: opts.scheme ?? "blues", ...(domain === undefined ? {} : { domain }) },
          legend: valueLegend(valueTitle),
        },
        tooltip: [
          { field: "layer", type: "ordinal", title: "layer" },
          { field: "head", type: "ordinal", title: "head" },
          { field: "row", type: "ordinal", title: "row" },
          { field: "query", type: "nominal", title: opts.yTitle ?? "queries" },
          { field: "col", type: "ordinal", title: "column" },
          { field: "key", type: "nominal", title: opts.xTitle ?? "keys" },
          { field: "value", type: "quantitative", title: valueTitle, format: ".4f" },
        ],
      },
    },
    config: { view: { stroke: null }, axis: { grid: false } },
  };
}

/** Normalises `[N, T, S]` to `[1, N, T, S]`; checks the nesting depth. */
function toLayers(w: readonly Matrix[] | readonly (readonly Matrix[])[], where: string): Matrix[][] {
  if (!Array.isArray(w) || w.length === 0 || !Array.isArray(w[0]) || w[0].length === 0) {
    throw new TypeError(
      `${where}: weightsPerHead must be a non-empty number[][][] or number[][][][], got ${describe(w)}`,
    );
  }
  const is4d = Array.isArray(w[0][0]?.[0]);
  return (is4d ? (w as readonly (readonly Matrix[])[]) : [w as readonly Matrix[]]).map((heads) => {
    if (!Array.isArray(heads)) {
      throw new TypeError(
        `${where}: every layer of weightsPerHead must be a number[][][], got ${describe(heads)}`,
      );
    }
    return [...heads];
  });
}

/** One title per panel, in layer-major order. */
function panelTitles(
  titles: HeadGridOptions["titles"],
  numLayers: number,
  numHeads: number,
  byLayer: boolean,
): string[] {
  const n = numLayers * numHeads;
  if (titles === undefined) {
    return Array.from({ length: n }, (_, p) => {
      const head = `head ${(p % numHeads) + 1}`;
      return byLayer ? `layer ${Math.floor(p / numHeads) + 1} · ${head}` : head;
    });
  }
  const flat = (titles as readonly (string | readonly string[])[]).flat();
  const perHead = flat.length === numHeads && numLayers > 1;
  if (flat.length !== n && !perHead) {
    throw new RangeError(
      `headGrid: titles has ${flat.length} entries but weightsPerHead has shape [${numLayers}, ${numHeads}, …]; expected ${numHeads} or ${n}`,
    );
  }
  return perHead ? Array.from({ length: n }, (_, p) => flat[p % numHeads]!) : flat.map(String);
}

/** One datum per cell of every panel: `{panel, layer, head, row, col, query, key, value}`. */
function gridData(layers: readonly Matrix[][], rows: readonly string[], cols: readonly string[]): Datum[] {
  return layers.flatMap((heads, l) =>
    heads.flatMap((m, h) =>
      m.flatMap((r, i) =>
        r.map((value, j) => ({
          panel: l * heads.length + h,
          layer: l,
          head: h,
          row: i,
          col: j,
          query: rows[i]!,
          key: cols[j]!,
          value,
        })),
      ),
    ),
  );
}

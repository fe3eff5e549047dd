// The subset of the vega-lite v5 spec that the attnlab builders produce, as plain typed objects (a test checks
// that every builder's output is assignable to vega-lite's own `TopLevelSpec`).

/** The `$schema` every builder writes. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** One row of inline data. */
export type Datum = Record<string, string | number>;

/** How vega-lite reads a field. */
export type FieldType = "quantitative" | "ordinal" | "nominal";

/** Axis options used by the builders. */
export interface AxisDef {
  title?: string | null;
  labelExpr?: string;
  labelAngle?: number;
  /** Pixels after which a label is cut with "…" (vega's default 180). */
  labelLimit?: number;
  orient?: "top" | "bottom" | "left" | "right";
  format?: string;
  /** Least distance between ticks in data units (1: whole-number ticks). */
  tickMinStep?: number;
}

/** Legend options used by the builders. */
export interface LegendDef {
  title?: string | null;
  /** Pixels after which a label is cut with "…" (vega's default 160). */
  labelLimit?: number;
  /** Pixels after which the title is cut with "…" (vega's default 180). */
  titleLimit?: number;
}

/** Colour schemes offered for heatmaps (vega scheme names: sequential, then diverging for signed scores). */
export const COLOR_SCHEMES = [
  "blues",
  "greens",
  "greys",
  "oranges",
  "purples",
  "reds",
  "teals",
  "viridis",
  "magma",
  "inferno",
  "plasma",
  "cividis",
  "turbo",
  "bluegreen",
  "bluepurple",
  "yellowgreenblue",
  "yelloworangered",
  "blueorange",
  "redblue",
  "redyellowblue",
  "purplegreen",
] as const;

/** One of {@link COLOR_SCHEMES}. */
export type ColorScheme = (typeof COLOR_SCHEMES)[number];

/** Scale options used by the builders. */
export interface ScaleDef {
  scheme?: ColorScheme;
  domain?: number[] | string[];
  zero?: boolean;
  nice?: boolean;
}

/** A field encoding (`{field, type, ...}`). */
export interface FieldDef {
  field: string;
  type: FieldType;
  title?: string | null;
  axis?: AxisDef | null;
  scale?: ScaleDef;
  legend?: LegendDef | null;
  sort?: string[] | "ascending" | "descending" | null;
  format?: string;
}

/** A constant colour, or one chosen by a test expression. */
export interface ConditionalValueDef {
  condition?: { test: string; value: string };
  value: string;
}

/** The encoding channels the builders use. */
export interface Encoding {
  x?: FieldDef;
  y?: FieldDef;
  color?: FieldDef | ConditionalValueDef;
  text?: FieldDef;
  tooltip?: FieldDef[];
}

/** A mark with its options. */
export interface MarkDef {
  type: "rect" | "text" | "line" | "bar" | "point";
  point?: boolean;
  fontSize?: number;
  tooltip?: boolean;
}

/** Width or height: pixels, or pixels per discrete step. */
export type Size = number | { step: number };

/** One view: a mark and its encoding. */
export interface UnitSpec {
  mark: MarkDef;
  encoding: Encoding;
  width?: Size;
  height?: Size;
}

/** Views drawn on top of each other, sharing `encoding`. */
export interface LayerSpec {
  encoding?: Encoding;
  layer: UnitSpec[];
  width?: Size;
  height?: Size;
}

/** A wrapped facet over one field (one panel per value). */
export interface FacetDef {
  field: string;
  type: FieldType;
  title?: string | null;
  header?: { labelExpr?: string; title?: string | null };
}

/** What every top-level spec carries: schema, title, inline data, config. */
export interface TopLevelProps {
  $schema: string;
  description?: string;
  title?: string;
  data: { values: Datum[] };
  config?: { view?: { stroke?: string | null }; axis?: { grid?: boolean } };
}

/** A top-level single view. */
export type TopLevelUnitSpec = TopLevelProps & UnitSpec;

/** A top-level layered view. */
export type TopLevelLayerSpec = TopLevelProps & LayerSpec;

/** A top-level wrapped facet: one `spec` drawn per value of `facet.field`, `columns` per row. */
export type TopLevelFacetSpec = TopLevelProps & {
  facet: FacetDef;
  columns?: number;
  spec: UnitSpec | LayerSpec;
};

/**
 * A top-level vega-lite v5 spec with inline data, as the builders return it.
 * @example attentionHeatmap([[1]]).$schema; // "https://vega.github.io/schema/vega-lite/v5.json"
 */
export type VegaLiteSpec = TopLevelUnitSpec | TopLevelLayerSpec | TopLevelFacetSpec;

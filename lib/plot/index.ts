// The plot barrel: pure builders returning vega-lite v5 specs or plotly figures, and SVG and PNG rendering in Node.
export { type BarChartOptions, barChart } from "./barChart.js";
export { type HeadGridOptions, headGrid } from "./headGrid.js";
export { attentionHeatmap, type HeatmapOptions } from "./heatmap.js";
export { type LineChartOptions, lineChart, type Series } from "./lineChart.js";
export {
  type PlotlyFigure,
  type PlotlyHeatmapOptions,
  type PlotlyTrace,
  plotlyHeatmap,
  plotlyToVegaLite,
} from "./plotly.js";
export type {
  ColorScheme,
  Datum,
  Encoding,
  FieldDef,
  LayerSpec,
  TopLevelFacetSpec,
  TopLevelLayerSpec,
  TopLevelUnitSpec,
  UnitSpec,
  VegaLiteSpec,
} from "./spec.js";
export { MAX_PNG_PIXELS, type PngImage, type SvgToPngOptions, svgToPng } from "./png.js";
export { VEGA_LITE_SCHEMA } from "./spec.js";
export { type AnyVegaLiteSpec, toSvg } from "./svg.js";
export type { Label } from "./validate.js";

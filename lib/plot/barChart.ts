// A simple bar chart of one value per label (a row of attention weights, per-class scores, timings).
import { checkOptions, opt } from "../check/options.js";
import { indexField } from "./heatmap.js";
import { type TopLevelUnitSpec, VEGA_LITE_SCHEMA } from "./spec.js";
import { checkLabels, checkVector, type Label, TITLE_RULES } from "./validate.js";

/** Options of {@link barChart}. */
export interface BarChartOptions {
  title?: string;
  /** Title of the label axis; default none. */
  xTitle?: string;
  /** Title of the value axis; default `"value"`. */
  yTitle?: string;
  /** Bars run left to right instead of bottom to top. */
  horizontal?: boolean;
  /** Pixels along the value axis; default 200. */
  size?: number;
}

const BAR_CHART_RULES = {
  ...TITLE_RULES,
  horizontal: opt.boolean(),
  size: opt.number({ above: 0 }),
};

/**
 * Builds a vega-lite bar chart, bars in the given order (labels may repeat).
 * @example
 * const spec = barChart(["the", "cat", "sat"], [0.2, 0.5, 0.3], { yTitle: "weight" });
 * spec.data.values[1]; // { i: 1, label: "cat", value: 0.5 }
 */
export function barChart(
  labels: readonly Label[],
  values: readonly number[],
  options: BarChartOptions = {},
): TopLevelUnitSpec {
  const where = "barChart";
  const opts = checkOptions(where, options, BAR_CHART_RULES);
  const n = checkVector("values", values, where);
  const names = checkLabels("labels", labels, n, "values", [n], where);
  const labelAxis = indexField("i", opts.xTitle ?? null, names, opts.horizontal ? "y" : "x");
  const valueAxis = { field: "value", type: "quantitative" as const, title: opts.yTitle ?? "value" };
  const size = opts.size ?? 200;
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title === undefined ? {} : { title: opts.title }),
    data: { values: names.map((label, i) => ({ i, label, value: values[i]! })) },
    ...(opts.horizontal ? { width: size, height: { step: 20 } } : { width: { step: 24 }, height: size }),
    mark: { type: "bar" },
    encoding: {
      ...(opts.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis }),
      tooltip: [
        { field: "label", type: "nominal", title: opts.xTitle ?? "label" },
        { field: "value", type: "quantitative", title: opts.yTitle ?? "value" },
      ],
    },
  };
}

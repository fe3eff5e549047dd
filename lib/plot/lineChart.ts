// Line charts of one or more named series (loss and accuracy curves, positional-encoding waves).
import { checkOptions, opt } from "../check/options.js";
import { textLimit } from "./labels.js";
import { type AxisDef, type Datum, type TopLevelUnitSpec, VEGA_LITE_SCHEMA } from "./spec.js";
import { checkVector, describe, TITLE_RULES } from "./validate.js";

/** One named series; `x` and `y` have the same length. */
export interface Series {
  name: string;
  x: readonly number[];
  y: readonly number[];
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  title?: string;
  /** Default `"step"`. */
  xTitle?: string;
  /** Default `"value"`. */
  yTitle?: string;
  /** Draw a point on every sample; default when every series has at most 30 points. */
  points?: boolean;
  /** Pixels; default 400. */
  width?: number;
  /** Pixels; default 240. */
  height?: number;
  /**
   * Whole-number x ticks (`tickMinStep: 1`, format `"d"`), as epochs and steps need; default when every x is
   * an integer (the record form's `0..n-1` included).
   */
  integerX?: boolean;
}

/** Most samples per series for which points are drawn by default. */
const POINTS_MAX = 30;

const LINE_CHART_RULES = {
  ...TITLE_RULES,
  points: opt.boolean(),
  width: opt.number({ above: 0 }),
  height: opt.number({ above: 0 }),
  integerX: opt.boolean(),
};

/**
 * Builds a vega-lite line chart. A record `{name: y[]}` uses `x = 0, 1, …, n-1`.
 * Series keep their given order (colour and legend); a single series has no legend, and legend labels are
 * never cut. When every x is an integer (epochs, steps, positions) the x axis has whole-number ticks only.
 * @example
 * const spec = lineChart({ train: [1.2, 0.8, 0.5], valid: [1.3, 1.0, 0.9] }, { xTitle: "epoch", yTitle: "loss" });
 * spec.data.values[0]; // { series: "train", x: 0, y: 1.2 }
 */
export function lineChart(
  series: readonly Series[] | Readonly<Record<string, readonly number[]>>,
  options: LineChartOptions = {},
): TopLevelUnitSpec {
  const opts = checkOptions("lineChart", options, LINE_CHART_RULES);
  const list = toSeriesList(series);
  const names = list.map((s) => s.name);
  const points = opts.points ?? list.every((s) => s.x.length <= POINTS_MAX);
  const integerX = opts.integerX ?? list.every((s) => s.x.every(Number.isInteger));
  const xAxis: AxisDef | undefined = integerX ? { tickMinStep: 1, format: "d" } : undefined;
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title === undefined ? {} : { title: opts.title }),
    data: { values: list.flatMap((s) => s.x.map((x, i): Datum => ({ series: s.name, x, y: s.y[i]! }))) },
    width: opts.width ?? 400,
    height: opts.height ?? 240,
    mark: { type: "line", point: points, tooltip: true },
    encoding: {
      x: {
        field: "x",
        type: "quantitative",
        title: opts.xTitle ?? "step",
        scale: { zero: false },
        ...(xAxis === undefined ? {} : { axis: xAxis }),
      },
      y: { field: "y", type: "quantitative", title: opts.yTitle ?? "value", scale: { zero: false } },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        sort: names,
        legend: names.length === 1 ? null : { labelLimit: textLimit(names) },
      },
    },
  };
}

/** Checks the series and normalises the record form. */
function toSeriesList(series: readonly Series[] | Readonly<Record<string, readonly number[]>>): Series[] {
  const where = "lineChart";
  if (series === null || typeof series !== "object") {
    throw new TypeError(
      `${where}: series must be Series[] or Record<string, number[]>, got ${describe(series)}`,
    );
  }
  const list: Series[] = Array.isArray(series)
    ? [...(series as readonly Series[])]
    : Object.entries(series as Readonly<Record<string, readonly number[]>>).map(([name, y]) => ({
        name,
        x: Array.isArray(y) ? y.map((_, i) => i) : [],
        y,
      }));
  if (list.length === 0) throw new RangeError(`${where}: series is empty; give at least one series`);
  const seen = new Set<string>();
  list.forEach((s, k) => {
    if (s === null || typeof s !== "object" || typeof s.name !== "string") {
      throw new TypeError(`${where}: series[${k}] must be {name: string, x: number[], y: number[]}`);
    }
    if (seen.has(s.name))
      throw new RangeError(`${where}: series name ${JSON.stringify(s.name)} appears twice`);
    seen.add(s.name);
    const nx = checkVector(`series "${s.name}" x`, s.x, where);
    const ny = checkVector(`series "${s.name}" y`, s.y, where);
    if (nx !== ny) {
      throw new RangeError(`${where}: series "${s.name}" x has shape [${nx}] but y has shape [${ny}]`);
    }
  });
  return list;
}

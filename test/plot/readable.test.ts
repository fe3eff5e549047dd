/**
 * Charts that read well (issue #17, deliverable 4), checked on the specs the builders return and on the SVG
 * that vega draws from them in Node: heatmap row labels level, long labels and legend entries whole (no "…"),
 * whole-number ticks on epoch and step axes, and a hover tooltip (row, column, value) on every heatmap cell.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as vegaLite from "vega-lite";
import {
  attentionHeatmap,
  barChart,
  type FieldDef,
  headGrid,
  lineChart,
  svgToPng,
  toSvg,
} from "../../lib/plot/index.js";
import { DEFAULT_LABEL_LIMIT, textLimit } from "../../lib/plot/labels.js";
import { decodePng, pixelsUnlike, svgSize } from "./pngDecode.js";
import { svgTexts } from "./svgTexts.js";

const LONG = "a thirty-character row label!!"; // 30 characters
const rows = ["the", LONG, "cat"];
const cols = ["le", "chat", "s'est assis sur le tapis"];
const weights = [
  [0.7, 0.2, 0.1],
  [0.1, 0.8, 0.1],
  [0.3, 0.3, 0.4],
];

/** vega's own text width estimate without a canvas (Node): 0.8 × font size per character. */
const vegaWidth = (text: string, fontSize = 10) => Math.floor(0.8 * fontSize * text.length);

/** The compiled vega marks (recursively, into groups), each with its name and encoding. */
function vegaMarks(
  spec: unknown,
): { type: string; name?: string; encode?: Record<string, Record<string, unknown>> }[] {
  type Mark = {
    type: string;
    name?: string;
    encode?: Record<string, Record<string, unknown>>;
    marks?: Mark[];
  };
  const compiled = vegaLite.compile(spec as vegaLite.TopLevelSpec).spec as { marks?: Mark[] };
  const walk = (marks: Mark[] = []): Mark[] => marks.flatMap((m) => [m, ...walk(m.marks)]);
  return walk(compiled.marks);
}

test("textLimit: at least vega's default, room for the longest label in vega's own estimate, capped", () => {
  assert.equal(textLimit(["a", "bb"]), DEFAULT_LABEL_LIMIT);
  assert.equal(textLimit([]), DEFAULT_LABEL_LIMIT);
  assert.equal(textLimit([LONG]), 242);
  assert.ok(textLimit([LONG]) >= vegaWidth(LONG));
  assert.ok(textLimit(["title of thirty characters !!!"], 11) >= vegaWidth(LONG, 11));
  assert.equal(textLimit(["x".repeat(500)]), 1000);
});

test("heatmap: row labels are never tilted; long column labels are, short ones are not", () => {
  const spec = attentionHeatmap(weights, { rowLabels: rows, colLabels: cols });
  assert.equal(spec.encoding?.y?.axis?.labelAngle, 0, "a 30-character row label stays level");
  assert.equal(spec.encoding?.x?.axis?.labelAngle, -45, "long column labels are tilted to stay apart");
  const short = attentionHeatmap(weights, { rowLabels: ["a", "b", "c"], colLabels: ["x", "y", "z"] });
  assert.equal(short.encoding?.x?.axis?.labelAngle, 0);
  assert.equal(short.encoding?.y?.axis?.labelAngle, 0);
});

test("heatmap, headGrid, barChart: label limits leave room for the longest label", () => {
  const heat = attentionHeatmap(weights, { rowLabels: rows, colLabels: cols });
  const grid = headGrid([weights, weights], { rowLabels: rows, colLabels: cols });
  const bar = barChart(rows, [1, 2, 3]);
  const hbar = barChart(rows, [1, 2, 3], { horizontal: true });
  const axes: [string, FieldDef | undefined, string][] = [
    ["heatmap y", heat.encoding?.y, LONG],
    ["heatmap x", heat.encoding?.x, cols[2]!],
    ["headGrid y", grid.spec.encoding?.y, LONG],
    ["headGrid x", grid.spec.encoding?.x, cols[2]!],
    ["barChart x", bar.encoding.x, LONG],
    ["barChart (horizontal) y", hbar.encoding.y, LONG],
  ];
  for (const [name, field, longest] of axes) {
    const limit = field?.axis?.labelLimit;
    assert.ok(limit !== undefined && limit >= vegaWidth(longest), `${name}: labelLimit ${limit}`);
  }
  assert.equal(grid.spec.encoding?.y?.axis?.labelAngle, 0, "headGrid rows stay level");
  assert.equal(hbar.encoding.y?.axis?.labelAngle, 0, "horizontal bars' labels stay level");
});

test("heatmap SVG with a 30-character row label draws the whole label, level; the PNG still renders", async () => {
  const spec = attentionHeatmap(weights, { rowLabels: rows, colLabels: cols, valueTitle: LONG });
  const svg = await toSvg(spec);
  const labels = svgTexts(svg, "role-axis-label");
  assert.ok(labels.includes(LONG), `axis labels: ${JSON.stringify(labels)}`);
  assert.ok(labels.includes(cols[2]!));
  assert.ok(!labels.some((l) => l.includes("…")), "no label is cut");
  assert.deepEqual(svgTexts(svg, "role-legend-title"), [LONG], "the legend title is whole");
  const row = new RegExp(`<text[^>]*transform="translate\\([^)]*\\)"[^>]*>${LONG}</text>`).exec(svg)?.[0];
  assert.ok(row && !/rotate\(/.test(row), `the row label is not rotated: ${row}`);
  const [w, h] = svgSize(svg);
  const image = await svgToPng(svg, { scale: 1 });
  assert.deepEqual([image.width, image.height], [w, h]);
  const pixels = decodePng(image.png);
  assert.deepEqual([pixels.width, pixels.height], [w, h]);
  assert.ok(pixelsUnlike(pixels, [255, 255, 255]) > 0.02 * w * h, "the PNG is drawn");
});

test("heatmap cells carry a tooltip (row, column, value) on the rect and on the printed value", () => {
  const spec = attentionHeatmap(weights, { rowLabels: rows, colLabels: cols });
  const tooltip = spec.encoding?.tooltip ?? [];
  assert.deepEqual(
    tooltip.map((t) => [t.field, t.title]),
    [
      ["row", "row"],
      ["query", "queries"],
      ["col", "column"],
      ["key", "keys"],
      ["value", "weight"],
    ],
  );
  const marks = vegaMarks(spec).filter((m) => m.type === "rect" || m.type === "text");
  assert.deepEqual(
    marks.map((m) => m.type),
    ["rect", "text"],
  );
  for (const m of marks) {
    const t = JSON.stringify(m.encode?.update?.tooltip);
    for (const part of ['\\"row\\"', '\\"column\\"', '\\"weight\\"', 'datum[\\"query\\"]'])
      assert.ok(t?.includes(part), `${m.type} tooltip ${t} lacks ${part}`);
  }
  const grid = headGrid([weights, weights]);
  assert.deepEqual(
    grid.spec.encoding?.tooltip?.map((t) => t.field),
    ["layer", "head", "row", "query", "col", "key", "value"],
  );
});

test("lineChart: integer x (epochs, steps) gets whole-number ticks; fractional x does not", () => {
  const epochs = lineChart([{ name: "loss", x: [1, 2, 3, 4], y: [2.3, 1.7, 1.2, 0.9] }], { xTitle: "epoch" });
  assert.deepEqual(epochs.encoding.x?.axis, { tickMinStep: 1, format: "d" });
  assert.deepEqual(lineChart({ loss: [3, 2, 1] }).encoding.x?.axis, { tickMinStep: 1, format: "d" });
  const h = lineChart([{ name: "mse", x: [0.1, 0.5, 1.5], y: [1, 2, 3] }], { xTitle: "bandwidth h" });
  assert.equal(h.encoding.x?.axis, undefined);
  assert.equal(lineChart({ a: [1, 2] }, { integerX: false }).encoding.x?.axis, undefined);
  const forced = lineChart([{ name: "a", x: [0.5, 1], y: [1, 2] }], { integerX: true });
  assert.deepEqual(forced.encoding.x?.axis, { tickMinStep: 1, format: "d" });
});

test("lineChart SVG: an epoch axis over 1..4 has ticks 1, 2, 3, 4 only", async () => {
  const spec = lineChart(
    [
      { name: "train", x: [1, 2, 3, 4], y: [2.3, 1.7, 1.2, 0.9] },
      { name: "valid", x: [1, 2, 3, 4], y: [2.4, 1.9, 1.5, 1.3] },
    ],
    { xTitle: "epoch", yTitle: "loss" },
  );
  const svg = await toSvg(spec);
  const xAxis = svg.slice(svg.indexOf("X-axis titled 'epoch'"), svg.indexOf("Y-axis titled"));
  assert.deepEqual(svgTexts(xAxis, "role-axis-label"), ["1", "2", "3", "4"]);
});

test("lineChart legend: long series names are whole in the spec and in the SVG", async () => {
  const name = "validation accuracy (teacher forcing off)";
  const spec = lineChart({ loss: [1, 0.5], [name]: [0.2, 0.6] });
  const color = spec.encoding.color;
  assert.ok(color && "field" in color && color.legend);
  assert.ok((color.legend.labelLimit ?? 0) >= vegaWidth(name));
  const labels = svgTexts(await toSvg(spec), "role-legend-label");
  assert.deepEqual(labels, ["loss", name]);
});

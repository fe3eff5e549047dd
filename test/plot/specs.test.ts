/**
 * Snapshot tests of the vega-lite and plotly specs the builders return (`UPDATE_SNAPSHOTS=1` rewrites them),
 * plus the properties a snapshot would not make obvious: order, repeated labels, defaults.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TopLevelSpec } from "vega-lite";
import {
  attentionHeatmap,
  barChart,
  headGrid,
  lineChart,
  plotlyHeatmap,
  plotlyToVegaLite,
  type VegaLiteSpec,
} from "../../lib/plot/index.js";
import { matchJsonSnapshot } from "./snapshot.js";

const tokens = ["the", "cat", "sat", "on", "the", "mat"];
/** A causal pattern: row i spreads its weight evenly over keys 0..i (hand-checkable). */
const causal = tokens.map((_, i) => tokens.map((_, j) => (j <= i ? 1 / (i + 1) : 0)));
const small = [
  [0.7, 0.2, 0.1, 0],
  [0.25, 0.25, 0.25, 0.25],
  [0, 0, 0.5, 0.5],
];

// Compile-time check: every builder's output is a vega-lite TopLevelSpec (tsc fails otherwise).
const asVegaLite = (spec: VegaLiteSpec): TopLevelSpec => spec;

test("attentionHeatmap snapshot: small matrix with values, repeated labels and a title", () => {
  const spec = attentionHeatmap(small, {
    rowLabels: ["the", "cat", "the"],
    colLabels: ["le", "chat", "le", "."],
    title: "cross-attention",
  });
  matchJsonSnapshot("heatmap-small", asVegaLite(spec));
});

test("attentionHeatmap snapshot: 11 rows gives no value layer; scores get the data range as domain", () => {
  const scores = Array.from({ length: 11 }, (_, i) => [i - 5, 0, 5 - i]);
  const spec = attentionHeatmap(scores, { valueTitle: "score", xTitle: "k", yTitle: "q" });
  assert.equal(spec.layer.length, 1);
  matchJsonSnapshot("heatmap-scores", asVegaLite(spec));
});

test("attentionHeatmap keeps rows top-to-bottom and repeated labels distinct", () => {
  const spec = attentionHeatmap(causal, { rowLabels: tokens, colLabels: tokens });
  const values = spec.data.values;
  assert.equal(values.length, 36);
  assert.deepEqual(values[6], { row: 1, col: 0, query: "cat", key: "the", value: 0.5 });
  // Axes run over indices, so the two "the" are positions 0 and 4, not one category.
  assert.equal(spec.encoding?.y?.field, "row");
  assert.equal(spec.encoding?.x?.field, "col");
  assert.equal(spec.encoding?.x?.axis?.labelExpr, '["the","cat","sat","on","the","mat"][datum.value]');
  assert.equal(spec.layer.length, 2, "≤ 10×10 prints values by default");
  // The tooltip sits in the shared encoding: the rect and the printed value both carry it.
  assert.deepEqual(
    spec.encoding?.tooltip?.map((t) => t.field),
    ["row", "query", "col", "key", "value"],
  );
});

test("attentionHeatmap options override the defaults", () => {
  const spec = attentionHeatmap(small, { showValues: false, width: 120, height: 90, domain: [0, 0.5] });
  assert.equal(spec.layer.length, 1);
  assert.equal(spec.width, 120);
  assert.equal(spec.height, 90);
  const color = spec.layer[0]!.encoding.color;
  assert.ok(color && "field" in color);
  assert.deepEqual(color.scale?.domain, [0, 0.5]);
  assert.equal(color.title, "weight");
});

test("attentionHeatmap is deterministic", () => {
  const a = JSON.stringify(attentionHeatmap(causal, { rowLabels: tokens, colLabels: tokens }));
  const b = JSON.stringify(attentionHeatmap(causal, { rowLabels: tokens, colLabels: tokens }));
  assert.equal(a, b);
});

test("headGrid snapshot: [N, T, S] heads", () => {
  const heads = [small, small.map((r) => [...r].reverse())];
  const spec = headGrid(heads, { rowLabels: ["a", "b", "c"], colLabels: ["w", "x", "y", "z"] });
  assert.equal(spec.columns, 2);
  assert.equal(spec.facet.header?.labelExpr, '["head 1","head 2"][datum.value]');
  matchJsonSnapshot("headgrid-heads", asVegaLite(spec));
});

test("headGrid: [L, N, T, S] lays out layers × heads with one panel per cell", () => {
  const eye = [
    [1, 0],
    [0, 1],
  ];
  const spec = headGrid(
    [
      [eye, eye, eye],
      [eye, eye, eye],
    ],
    { titles: ["a", "b", "c"] },
  );
  assert.equal(spec.columns, 3);
  assert.equal(spec.data.values.length, 2 * 3 * 4);
  assert.equal(spec.facet.header?.labelExpr, '["a","b","c","a","b","c"][datum.value]');
  const last = spec.data.values.at(-1)!;
  assert.deepEqual(last, { panel: 5, layer: 1, head: 2, row: 1, col: 1, query: "1", key: "1", value: 1 });
  const byDefault = headGrid([[eye], [eye]]);
  assert.equal(byDefault.facet.header?.labelExpr, '["layer 1 · head 1","layer 2 · head 1"][datum.value]');
  asVegaLite(spec);
});

test("lineChart snapshot: record form (x = 0..n-1) and series form agree", () => {
  const fromRecord = lineChart(
    { train: [1.2, 0.8, 0.5], valid: [1.3, 1.0, 0.9] },
    { xTitle: "epoch", yTitle: "loss" },
  );
  const fromSeries = lineChart(
    [
      { name: "train", x: [0, 1, 2], y: [1.2, 0.8, 0.5] },
      { name: "valid", x: [0, 1, 2], y: [1.3, 1.0, 0.9] },
    ],
    { xTitle: "epoch", yTitle: "loss" },
  );
  assert.deepEqual(fromRecord, fromSeries);
  assert.equal(fromRecord.mark.point, true);
  matchJsonSnapshot("line-loss", asVegaLite(fromRecord));
});

test("lineChart: one series has no legend; long series have no points unless asked", () => {
  const y = Array.from({ length: 50 }, (_, i) => Math.sin(i / 5));
  const spec = lineChart({ pe: y }, { title: "PE dim 0" });
  assert.equal(spec.mark.point, false);
  const color = spec.encoding.color;
  assert.ok(color && "field" in color);
  assert.equal(color.legend, null);
  assert.equal(lineChart({ pe: y }, { points: true }).mark.point, true);
});

test("barChart snapshot: vertical; horizontal swaps the axes", () => {
  const spec = barChart(["the", "cat", "the"], [0.5, 0.3, 0.2], { yTitle: "weight", title: "row 0" });
  matchJsonSnapshot("bar-row", asVegaLite(spec));
  const h = barChart(["a", "b"], [1, 2], { horizontal: true });
  assert.equal(h.encoding.x?.field, "value");
  assert.equal(h.encoding.y?.field, "i");
});

test("plotlyHeatmap snapshot: reversed y, index positions with label ticks, hover text", () => {
  const fig = plotlyHeatmap(small, {
    rowLabels: ["the", "cat", "the"],
    colLabels: ["le", "chat", "le", "."],
  });
  const yaxis = fig.layout.yaxis as Record<string, unknown>;
  assert.equal(yaxis.autorange, "reversed");
  assert.deepEqual(fig.data[0]!.x, [0, 1, 2, 3]);
  matchJsonSnapshot("plotly-heatmap", fig);
});

test("plotlyToVegaLite turns plotlyHeatmap back into the same attentionHeatmap", () => {
  const opts = { rowLabels: tokens, colLabels: tokens, title: "causal", valueTitle: "α" };
  assert.deepEqual(plotlyToVegaLite(plotlyHeatmap(causal, opts)), attentionHeatmap(causal, opts));
});

test("plotlyToVegaLite flips rows of a plotly heatmap whose y axis is not reversed", () => {
  const spec = plotlyToVegaLite({ data: [{ type: "heatmap", z: small, y: ["bottom", "mid", "top"] }] });
  assert.ok("layer" in spec);
  assert.deepEqual(spec.data.values[0], { row: 0, col: 0, query: "top", key: "0", value: 0 });
});

test("plotlyToVegaLite converts scatter traces to a line chart and rejects others", () => {
  const spec = plotlyToVegaLite({
    data: [{ type: "scatter", name: "loss", x: [1, 2], y: [3, 2] }],
    layout: { xaxis: { title: { text: "epoch" } } },
  });
  assert.deepEqual(spec, lineChart([{ name: "loss", x: [1, 2], y: [3, 2] }], { xTitle: "epoch" }));
  assert.throws(() => plotlyToVegaLite({ data: [{ type: "bar", x: [1], y: [1] }] }), TypeError);
});

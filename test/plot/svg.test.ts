/** SVG rendering in Node (vega, renderer "none"): marks are counted, output is byte-for-byte deterministic. */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as vegaLite from "vega-lite";
import {
  attentionHeatmap,
  barChart,
  headGrid,
  lineChart,
  plotlyHeatmap,
  plotlyToVegaLite,
  toSvg,
} from "../../lib/plot/index.js";
import { stableIds } from "../../lib/plot/svg.js";
import { matchTextSnapshot } from "./snapshot.js";
import { svgTexts } from "./svgTexts.js";

const small = [
  [0.7, 0.2, 0.1, 0],
  [0.25, 0.25, 0.25, 0.25],
  [0, 0, 0.5, 0.5],
];
const smallOpts = { rowLabels: ["the", "cat", "the"], colLabels: ["le", "chat", "le", "."], title: "cross" };

/** How many marks vega describes with this aria role, e.g. "rect mark", "text mark", "line mark", "point", "bar". */
function count(svg: string, role: string): number {
  return svg.split(`aria-roledescription="${role}"`).length - 1;
}

test("every builder compiles with vega-lite without warnings", () => {
  const specs = [
    attentionHeatmap(small, smallOpts),
    headGrid([small, small]),
    lineChart({ a: [1, 2], b: [2, 1] }),
    barChart(["x", "y"], [1, 2]),
  ];
  for (const spec of specs) {
    const warnings: string[] = [];
    const record = (...a: unknown[]) => {
      warnings.push(a.join(" "));
      return logger;
    };
    const logger = {
      level: () => logger,
      warn: record,
      info: () => logger,
      debug: () => logger,
      error: record,
    };
    type CompileLogger = NonNullable<Parameters<typeof vegaLite.compile>[1]>["logger"];
    vegaLite.compile(spec as vegaLite.TopLevelSpec, { logger: logger as unknown as CompileLogger });
    assert.deepEqual(warnings, []);
  }
});

test("heatmap SVG: one rect and one value per cell, labels in order (duplicates kept)", async () => {
  const svg = await toSvg(attentionHeatmap(small, smallOpts));
  assert.ok(svg.startsWith("<svg"));
  assert.equal(count(svg, "rect mark"), 12);
  assert.equal(count(svg, "text mark"), 12);
  const labels = svgTexts(svg, "role-axis-label");
  assert.deepEqual(
    labels.filter((l) => !/^\d/.test(l)),
    ["le", "chat", "le", ".", "the", "cat", "the"],
  );
  assert.match(svg, /aria-label="keys: 3; queries: 1; weight: 0.25; row: 1; column: 3"/);
});

test("heatmap SVG is deterministic and matches the stored snapshot", async () => {
  const spec = attentionHeatmap(small, smallOpts);
  const a = await toSvg(spec);
  const b = await toSvg(spec); // vega's gradient counter has moved on; ids must not
  assert.equal(a, b);
  matchTextSnapshot("heatmap-small.svg.snap", a);
});

test("different charts get different id prefixes", async () => {
  const a = await toSvg(attentionHeatmap(small));
  const b = await toSvg(attentionHeatmap([[0.5, 0.5]]));
  const id = (svg: string) => svg.match(/id="([^"]+)"/)?.[1];
  assert.ok(id(a) && id(b));
  assert.notEqual(id(a), id(b));
});

test("stableIds renames ids and their references consistently", () => {
  const svg =
    '<svg><defs><linearGradient id="gradient_7"/></defs><path fill="url(#gradient_7)"/><use href="#gradient_7"/></svg>';
  const out = stableIds(svg);
  const id = out.match(/id="([^"]+)"/)![1]!;
  assert.match(id, /^v[0-9a-f]{8}-0$/);
  assert.ok(out.includes(`url(#${id})`) && out.includes(`href="#${id}"`));
  assert.equal(stableIds(svg.replace(/gradient_7/g, "gradient_99")), out);
});

test("headGrid SVG: rects for every cell of every panel, one header per panel", async () => {
  const svg = await toSvg(
    headGrid([
      [small, small, small],
      [small, small, small],
    ]),
  );
  assert.equal(count(svg, "rect mark"), 2 * 3 * 12);
  assert.equal(svg.split(">layer 2 · head 3</text>").length - 1, 1);
  assert.equal(svg.split(">layer 1 · head 1</text>").length - 1, 1);
});

test("lineChart SVG: one line per series, points when short", async () => {
  const svg = await toSvg(lineChart({ train: [1, 0.5, 0.25], valid: [1.1, 0.7, 0.6] }));
  assert.equal(count(svg, "line mark"), 2);
  assert.equal(count(svg, "point"), 6);
});

test("barChart SVG: one bar per value", async () => {
  const svg = await toSvg(barChart(["the", "cat", "the"], [0.5, 0.3, 0.2]));
  assert.equal(count(svg, "bar"), 3);
});

test("a plotly heatmap's SVG fallback draws every cell", async () => {
  const svg = await toSvg(plotlyToVegaLite(plotlyHeatmap(small, smallOpts)));
  assert.equal(count(svg, "rect mark"), 12);
});

test("toSvg leaves the caller's spec untouched", async () => {
  const spec = attentionHeatmap(small);
  const before = JSON.stringify(spec);
  await toSvg(spec);
  assert.equal(JSON.stringify(spec), before);
  assert.deepEqual(Object.getOwnPropertySymbols(spec.data.values[0]!), []);
});

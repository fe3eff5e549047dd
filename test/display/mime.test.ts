/** The pure half of show(): MIME bundles (and PNG metadata) for charts, figures, markdown, LaTeX and tables. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  isMimeBundle,
  isPlotlyFigure,
  isVegaLiteSpec,
  latexBundle,
  markdownBundle,
  tableBundle,
  toDisplayData,
  toMimeBundle,
} from "../../lib/display/index.js";
import { attentionHeatmap, lineChart, plotlyHeatmap } from "../../lib/plot/index.js";
import { pngSize } from "../plot/pngDecode.js";

const w = [
  [0.9, 0.1],
  [0.4, 0.6],
];

test("a vega-lite spec gives its JSON object, an SVG, a PNG and text/plain", async () => {
  const spec = attentionHeatmap(w, { rowLabels: ["a", "b"], colLabels: ["c", "d"], title: "eye" });
  const bundle = await toMimeBundle(spec);
  assert.deepEqual(Object.keys(bundle), [
    "application/vnd.vegalite.v5+json",
    "image/svg+xml",
    "image/png",
    "text/plain",
  ]);
  const json = bundle["application/vnd.vegalite.v5+json"];
  assert.equal(typeof json, "object", "stored as a JSON object, not a string");
  assert.deepEqual(json, spec);
  assert.notEqual(json, spec, "a copy: later edits to spec do not change the output");
  assert.match(String(bundle["image/svg+xml"]), /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(bundle["text/plain"], 'vega-lite chart "eye": rect + text, 4 data rows');
  assert.equal(JSON.stringify(JSON.parse(JSON.stringify(bundle))), JSON.stringify(bundle), "JSON-safe");
  const png = String(bundle["image/png"]);
  const svgWidth = Number(String(bundle["image/svg+xml"]).match(/width="(\d+)"/)?.[1]);
  assert.equal(pngSize(png).width, 2 * svgWidth, "the PNG is the SVG at 2×");
});

test("toDisplayData: a chart's metadata draws its 2× PNG at the SVG's size; other values have none", async () => {
  const { data, metadata } = await toDisplayData(lineChart({ loss: [2.3, 1.7, 1.2] }));
  const { width, height } = pngSize(String(data["image/png"]));
  assert.deepEqual(metadata, { "image/png": { width: width / 2, height: height / 2 } });
  const [svgWidth, svgHeight] = String(data["image/svg+xml"])
    .match(/^<svg[^>]*\bwidth="(\d+)" height="(\d+)"/)!
    .slice(1)
    .map(Number);
  assert.deepEqual([svgWidth, svgHeight], [width / 2, height / 2]);
  for (const x of ["text", [1, 2], markdownBundle("**x**"), { data: [{ type: "bar", y: [1] }] }]) {
    assert.deepEqual((await toDisplayData(x)).metadata, {}, JSON.stringify(x));
  }
  const ready = { "image/svg+xml": "<svg/>", "text/plain": "x" };
  assert.deepEqual(await toDisplayData(ready), { data: ready, metadata: {} }, "a ready bundle gets no PNG");
});

test("a hand-written vega-lite spec without $schema is recognised", async () => {
  const spec = {
    data: { values: [{ a: 1 }] },
    mark: "point",
    encoding: { x: { field: "a", type: "quantitative" } },
  };
  assert.ok(isVegaLiteSpec(spec));
  const bundle = await toMimeBundle(spec);
  assert.equal(bundle["text/plain"], "vega-lite chart: point, 1 data rows");
  assert.ok(String(bundle["image/svg+xml"]).startsWith("<svg"));
});

test("a plotly figure gives its JSON object, the SVG and PNG of its vega-lite equivalent and text/plain", async () => {
  const fig = plotlyHeatmap(w, { title: "hover me" });
  assert.ok(isPlotlyFigure(fig) && !isVegaLiteSpec(fig));
  const bundle = await toMimeBundle(fig);
  assert.deepEqual(Object.keys(bundle), [
    "application/vnd.plotly.v1+json",
    "image/svg+xml",
    "image/png",
    "text/plain",
  ]);
  assert.deepEqual(bundle["application/vnd.plotly.v1+json"], fig);
  assert.equal(String(bundle["image/svg+xml"]).split('aria-roledescription="rect mark"').length - 1, 4);
  assert.equal(bundle["text/plain"], 'plotly figure "hover me": heatmap 2×2');
});

test("a plotly figure that cannot be converted has no SVG or PNG but still displays", async () => {
  const bundle = await toMimeBundle({ data: [{ type: "bar", x: ["a"], y: [1] }] });
  assert.deepEqual(Object.keys(bundle).sort(), ["application/vnd.plotly.v1+json", "text/plain"]);
});

test("ready bundles pass through; strings and other values become text/plain", async () => {
  const md = markdownBundle("**x**");
  assert.ok(isMimeBundle(md));
  assert.deepEqual(await toMimeBundle(md), md);
  assert.deepEqual(await toMimeBundle("hello"), { "text/plain": "hello" });
  assert.deepEqual(await toMimeBundle([1, 2]), { "text/plain": "[\n  1,\n  2\n]" });
  assert.ok(!isMimeBundle({ "text/plain": "x", notAMime: 1 }));
  assert.ok(!isVegaLiteSpec(lineChart({ a: [1] }).encoding));
});

test("markdown and LaTeX bundles", () => {
  assert.deepEqual(markdownBundle("a *b*"), { "text/markdown": "a *b*", "text/plain": "a *b*" });
  const expected = { "text/latex": "$$a_{ij}$$", "text/markdown": "$$a_{ij}$$", "text/plain": "a_{ij}" };
  assert.deepEqual(latexBundle("a_{ij}"), expected);
  assert.deepEqual(latexBundle("$$ a_{ij} $$"), expected);
  assert.deepEqual(latexBundle("$a_{ij}$"), expected);
  assert.deepEqual(latexBundle("\\[a_{ij}\\]"), expected);
  assert.throws(() => latexBundle(3 as unknown as string), TypeError);
});

test("a table of records: HTML, markdown and aligned text", () => {
  const rows = [
    { token: "the", weight: 0.25, n: 3 },
    { token: "a|b<c>", weight: 1 / 3, n: 12 },
  ];
  const t = tableBundle(rows, { digits: 2 });
  assert.equal(
    t["text/html"],
    [
      "<table>",
      '<thead><tr><th>token</th><th style="text-align:right">weight</th><th style="text-align:right">n</th></tr></thead>',
      "<tbody>",
      '<tr><td>the</td><td style="text-align:right">0.25</td><td style="text-align:right">3</td></tr>',
      '<tr><td>a|b&lt;c&gt;</td><td style="text-align:right">0.33</td><td style="text-align:right">12</td></tr>',
      "</tbody>",
      "</table>",
    ].join("\n"),
  );
  assert.equal(
    t["text/markdown"],
    [
      "| token | weight | n |",
      "| --- | ---: | ---: |",
      "| the | 0.25 | 3 |",
      "| a\\|b<c> | 0.33 | 12 |",
    ].join("\n"),
  );
  assert.equal(
    t["text/plain"],
    ["token   weight   n", "------  ------  --", "the       0.25   3", "a|b<c>    0.33  12"].join("\n"),
  );
});

test("a number[][] table uses index headers or the given columns; shapes are checked", () => {
  const t = tableBundle(w, { columns: ["k0", "k1"] });
  assert.equal(
    t["text/plain"],
    ["    k0      k1", "------  ------", "0.9000  0.1000", "0.4000  0.6000"].join("\n"),
  );
  assert.match(String(tableBundle([[1, 2]])["text/markdown"]), /^\| 0 \| 1 \|/);
  assert.throws(
    () => tableBundle(w, { columns: ["a"] }),
    /columns has shape \[1\] but rows has shape \[2, 2\]/,
  );
  assert.throws(() => tableBundle([[1, 2], [3]]), /rows\[1\] has shape \[1\] but rows\[0\] has shape \[2\]/);
  assert.throws(() => tableBundle(w, { digits: -1 }), RangeError);
});

test("records: missing cells are empty; columns selects and orders", () => {
  const t = tableBundle([{ a: 1 }, { b: "x" }], { columns: ["b", "a"] });
  assert.equal(t["text/plain"], ["b  a", "-  -", "   1", "x"].join("\n"));
});

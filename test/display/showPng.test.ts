/**
 * Every chart show() sends carries a PNG beside its SVG (classic Notebook and nbconvert's HTML cleaner drop
 * SVG): decoded here independently of the renderer, checked for size, ink and text, and for nbformat validity.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, mock, test } from "node:test";
import { type DisplayMessage, setDisplaySink, show } from "../../lib/display/index.js";
import { attentionHeatmap, headGrid, plotlyHeatmap, svgToPng } from "../../lib/plot/index.js";
import { codeCell, type Notebook, writeNotebook } from "../../lib/runner/notebook.js";
import { OutputCollector } from "../../lib/runner/outputs.js";
import type { Message } from "../../lib/runner/wire.js";
import { decodePng, pixelsDiffering, pixelsUnlike, pngSize, svgSize } from "../plot/pngDecode.js";
import { assertNbformat, validateWithNbformat } from "../runner/helpers.js";
import { capture, w } from "./capture.js";

afterEach(() => setDisplaySink());

const tokens = ["the", "cat", "sat"];
const w3 = [
  [0.8, 0.1, 0.1],
  [0.2, 0.6, 0.2],
  [0.1, 0.3, 0.6],
];
const CHARTS: [string, unknown][] = [
  ["vega-lite heatmap", attentionHeatmap(w3, { rowLabels: tokens, colLabels: tokens, title: "attn" })],
  ["headGrid", headGrid([w3, w3, w3])],
  ["plotly figure", plotlyHeatmap(w3, { rowLabels: tokens, colLabels: tokens, title: "hover" })],
];

for (const [name, chart] of CHARTS) {
  test(`show(${name}): image/png is a 2× PNG of the SVG, with marks and text drawn`, async () => {
    const { sent } = capture();
    await show(chart);
    const { data, metadata } = sent[0]!.message;
    assert.ok(data["application/vnd.vegalite.v5+json"] ?? data["application/vnd.plotly.v1+json"]);
    const svg = String(data["image/svg+xml"]);
    const png = data["image/png"];
    assert.ok(
      typeof png === "string" && /^[A-Za-z0-9+/]+={0,2}$/.test(png),
      "base64 text, as nbformat stores it",
    );
    const [width, height] = svgSize(svg);
    assert.deepEqual(metadata, { "image/png": { width, height } });
    assert.deepEqual(pngSize(png), { width: 2 * width, height: 2 * height });
    const pixels = decodePng(png);
    const inked = pixelsUnlike(pixels, [255, 255, 255]);
    assert.ok(inked > 0.02 * pixels.width * pixels.height, `${inked} pixels are not background`);
    const noText = svg.replace(/(<text[^>]*>)[^<]*(<\/text>)/g, "$1$2");
    const textPixels = pixelsDiffering(pixels, decodePng((await svgToPng(noText)).png));
    assert.ok(textPixels > 200, `labels and titles draw ${textPixels} pixels`);
  });
}

/** A one-point vega-lite chart of a given plot size. */
function sized(side: number): Record<string, unknown> {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width: side,
    height: side,
    data: { values: [{ a: 1, b: 2 }] },
    mark: "point",
    encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
  };
}

test("a chart over 1000 × 1000 px gets a 1× PNG, drawn at its SVG's size", async () => {
  const { sent } = capture();
  await show(sized(1100));
  const { data, metadata } = sent[0]!.message;
  const [width, height] = svgSize(String(data["image/svg+xml"]));
  assert.ok(width * height > 1_000_000);
  assert.deepEqual(metadata, { "image/png": { width, height } });
  assert.deepEqual(pngSize(String(data["image/png"])), { width, height });
});

test("a chart too large for a PNG still displays: JSON, SVG and text/plain, and one stderr line", async () => {
  const { sent } = capture();
  const stderr = mock.method(process.stderr, "write", () => true);
  try {
    await show(sized(4200));
  } finally {
    stderr.mock.restore();
  }
  const { data, metadata } = sent[0]!.message;
  assert.deepEqual(Object.keys(data), ["application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"]);
  assert.deepEqual(metadata, {});
  const written = stderr.mock.calls.map((c) => String(c.arguments[0])).join("");
  assert.match(
    written,
    /^show: no PNG for this chart, it has its SVG only \(svgToPng: the SVG is \d+×\d+ px, .* at scale 1; at most 16777216 pixels are drawn\)\n$/,
  );
});

test("executed-notebook outputs of charts with PNGs are valid nbformat 4.5", async () => {
  const { sent } = capture();
  for (const [, chart] of CHARTS) await show(chart);
  const h = await show(attentionHeatmap(w), { id: "live" });
  await h.update(attentionHeatmap(w3));
  const cell = codeCell("await show(chart);");
  const outputs = new OutputCollector();
  outputs.bind("request", cell);
  for (const { message, update } of sent)
    outputs.handle(iopub(update ? "update_display_data" : "display_data", message));
  assert.equal(cell.outputs.length, 4);
  assert.ok(
    cell.outputs.every((o) => o.output_type === "display_data" && typeof o.data["image/png"] === "string"),
  );
  const dir = mkdtempSync(join(tmpdir(), "attnlab-show-nb-"));
  try {
    const path = join(dir, "charts.ipynb");
    const nb: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: "attnlab", display_name: "TypeScript (attnlab)", language: "typescript" },
      },
      cells: [cell],
    };
    writeNotebook(path, nb);
    assertNbformat(path);
    const invalid = validateWithNbformat([path]); // null: no Python nbformat on this machine
    assert.ok(invalid === null || invalid === "", `nbformat rejected the notebook:\n${invalid}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** An iopub message as the kernel sends it, in reply to the request bound to the cell. */
function iopub(type: string, content: DisplayMessage): Message {
  const header = {
    msg_id: `${type}-${Math.random()}`,
    msg_type: type,
    session: "s",
    username: "u",
    date: "",
    version: "5.3",
  };
  return { header, parent_header: { msg_id: "request" }, metadata: {}, content: { ...content }, buffers: [] };
}

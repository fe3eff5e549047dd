/** show() and its helpers send one message per output through the display sink; outside a kernel, text/plain. */
import assert from "node:assert/strict";
import { afterEach, mock, test } from "node:test";
import { inspect } from "node:util";
import {
  inKernel,
  setDisplaySink,
  show,
  showLatex,
  showMarkdown,
  showTable,
} from "../../lib/display/index.js";
import { attentionHeatmap, plotlyHeatmap } from "../../lib/plot/index.js";
import { svgSize } from "../plot/pngDecode.js";
import { capture, w } from "./capture.js";

afterEach(() => setDisplaySink());

test("show(spec) sends one display_data with vega-lite, SVG, PNG and text/plain", async () => {
  const { sent } = capture();
  const spec = attentionHeatmap(w);
  const shown = await show(spec);
  assert.equal(shown, undefined, "nothing for tslab to print after `await show(spec)`");
  assert.equal(sent.length, 1);
  const { message, update } = sent[0]!;
  assert.equal(update, false);
  assert.deepEqual(Object.keys(message.data), [
    "application/vnd.vegalite.v5+json",
    "image/svg+xml",
    "image/png",
    "text/plain",
  ]);
  assert.deepEqual(message.data["application/vnd.vegalite.v5+json"], spec);
  const [width, height] = svgSize(String(message.data["image/svg+xml"]));
  assert.deepEqual(
    message.metadata,
    { "image/png": { width, height } },
    "the 2× PNG is drawn at the SVG's size",
  );
  assert.deepEqual(message.transient, {});
});

test("show(figure) sends plotly JSON, SVG, PNG and text/plain", async () => {
  const { sent } = capture();
  await show(plotlyHeatmap(w));
  assert.deepEqual(Object.keys(sent[0]!.message.data), [
    "application/vnd.plotly.v1+json",
    "image/svg+xml",
    "image/png",
    "text/plain",
  ]);
});

test("show with an id: the handle updates in place (update_display_data with the same display_id)", async () => {
  const { sent } = capture();
  const h = await show(attentionHeatmap(w), { id: "attn" });
  await h.update(attentionHeatmap([[1, 0]]));
  assert.deepEqual(
    sent.map((s) => [s.update, s.message.transient.display_id]),
    [
      [false, "attn"],
      [true, "attn"],
    ],
  );
  assert.equal((sent[1]!.message.data["text/plain"] as string).endsWith("2 data rows"), true);
  await assert.rejects(show("x", { id: "" }), TypeError);
  assert.equal(inspect(h), 'DisplayHandle { id: "attn" }');
});

test("showMarkdown, showLatex and showTable send their bundles", async () => {
  const { sent } = capture();
  await showMarkdown("**bold**");
  await showLatex("$$e^{i\\pi}$$", { id: "eq" });
  await showTable([{ a: 1 }], { id: "tbl" });
  assert.deepEqual(sent[0]!.message.data, { "text/markdown": "**bold**", "text/plain": "**bold**" });
  assert.equal(sent[1]!.message.data["text/latex"], "$$e^{i\\pi}$$");
  assert.equal(sent[1]!.message.transient.display_id, "eq");
  assert.deepEqual(Object.keys(sent[2]!.message.data), ["text/html", "text/markdown", "text/plain"]);
  assert.equal(sent[2]!.message.transient.display_id, "tbl");
});

test("the sink is taken when show() is called, before the SVG renders", async () => {
  const first = capture();
  const pending = show(attentionHeatmap(w)); // not awaited yet
  const second = capture(); // e.g. the next cell's writer
  await pending;
  assert.equal(first.sent.length, 1);
  assert.equal(second.sent.length, 0);
});

test("outside a kernel show() prints text/plain and does not throw", async () => {
  assert.equal(inKernel(), false);
  const log = mock.method(console, "log", () => {});
  try {
    await show(attentionHeatmap(w, { title: "t" }));
    await showMarkdown("# hi");
    const h = await show("v1", { id: "x" });
    await h.update("v2");
  } finally {
    log.mock.restore();
  }
  assert.deepEqual(
    log.mock.calls.map((c) => c.arguments),
    [['vega-lite chart "t": rect + text, 4 data rows'], ["# hi"], ["v1"], ["v2"]],
  );
});

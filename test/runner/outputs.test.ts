/** The output budget of an executed notebook: what does not fit is dropped with a visible note, never silently. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type CodeCell, codeCell } from "../../lib/runner/notebook.js";
import { MAX_OUTPUT_CHARS, OutputCollector } from "../../lib/runner/outputs.js";
import { type Message, Wire } from "../../lib/runner/wire.js";

function iopub(parent: string, type: string, content: Record<string, unknown>): Message {
  const msg = new Wire("").message(type, content) as Message;
  msg.parent_header = { msg_id: parent };
  return msg;
}

const streamText = (cell: CodeCell) =>
  cell.outputs.map((o) => (o.output_type === "stream" ? o.text : "")).join("");

test("outputs past the budget are dropped with a note in the cell and in the collector's notes", () => {
  assert.ok(MAX_OUTPUT_CHARS * 6 < 2 ** 29 - 24, "the budget, escaped, still fits in one V8 string");
  const c = new OutputCollector(250);
  const cell = codeCell("x") as CodeCell;
  const next = codeCell("y") as CodeCell;
  c.bind("m1", cell);
  c.bind("m2", next);
  c.handle(iopub("m1", "stream", { name: "stdout", text: "a".repeat(100) }));
  c.handle(iopub("m1", "stream", { name: "stdout", text: "b".repeat(150) }));
  c.handle(iopub("m1", "display_data", { data: { "text/plain": "c".repeat(500) }, metadata: {} }));
  assert.equal(cell.outputs.length, 2, "the first chunk stays, then one note");
  assert.match(
    streamText(cell),
    /^a{100}attnlab run: dropped a stream output of 150 characters: an executed notebook keeps at most 250 characters of outputs\n$/,
  );
  assert.equal(c.notes.length, 2, "every dropped output is counted");
  assert.match(c.notes[1]!, /dropped a display_data output of \d+ characters/);
  c.handle(iopub("m2", "stream", { name: "stdout", text: "small\n" }));
  assert.equal(streamText(next), "small\n", "what still fits is kept");
});

test("clear_output gives its characters back, so a progress display that redraws never runs out", () => {
  const c = new OutputCollector(300);
  const cell = codeCell("x") as CodeCell;
  c.bind("m", cell);
  for (let step = 0; step < 1000; step++) {
    c.handle(iopub("m", "clear_output", { wait: true }));
    c.handle(
      iopub("m", "display_data", { data: { "text/plain": `step ${step} ${"=".repeat(50)}` }, metadata: {} }),
    );
  }
  assert.deepEqual(c.notes, []);
  assert.equal(cell.outputs.length, 1);
  c.handle(
    iopub("m", "display_data", { data: { "text/plain": "p" }, metadata: {}, transient: { display_id: "d" } }),
  );
  c.handle(
    iopub("m", "update_display_data", {
      data: { "text/plain": "q".repeat(400) },
      metadata: {},
      transient: { display_id: "d" },
    }),
  );
  assert.equal(c.notes.length, 1, "an update that does not fit is dropped too");
  assert.match(c.notes[0]!, /dropped a update_display_data output/);
});

/**
 * show() inside a (simulated) tslab kernel, using tslab's real modules: the test installs the two things the
 * kernel installs — the `__tslab__` hook with a require that maps "tslab" to the kernel's copy
 * (tslab/dist/executor.js) and the per-cell writer `jupyter.lastWriteDisplayData` (tslab/dist/jupyter.js) —
 * and checks that one show() writes one message carrying every MIME type, in the shape tslab's own
 * `display.raw` writes. (A run in a real tslab kernel, driven over ZMQ by jupyter_client, is described in
 * the report that came with this code; the notebook runner will cover it in CI.)
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { inKernel, show } from "../../lib/display/index.js";
import { attentionHeatmap } from "../../lib/plot/index.js";
import { NotebookProgress } from "../../lib/train/progress.js";

interface Written {
  content: { data: Record<string, unknown>; metadata: unknown; transient: { display_id?: string } };
  update: boolean;
}

const root = join(__dirname, "..", "..");
const rootRequire = createRequire(join(root, "src.js"));
const jupyter = rootRequire("tslab/dist/jupyter.js") as { lastWriteDisplayData: unknown };
const written: Written[] = [];

before(() => {
  const kernelRequire = new Proxy(rootRequire, {
    apply: (target, thisArg, args: [string]) =>
      args[0] === "tslab" ? rootRequire("tslab") : Reflect.apply(target, thisArg, args),
  });
  (globalThis as { __tslab__?: unknown }).__tslab__ = { exports: {}, require: kernelRequire };
  jupyter.lastWriteDisplayData = (content: Written["content"], update: boolean) =>
    written.push({ content, update });
});

after(() => {
  jupyter.lastWriteDisplayData = null;
  delete (globalThis as { __tslab__?: unknown }).__tslab__;
});

test("inside tslab, one show() writes one display message with all its MIME types", async () => {
  assert.equal(inKernel(), true);
  written.length = 0;
  const spec = attentionHeatmap([[0.5, 0.5]]);
  const h = await show(spec, { id: "w" });
  await h.update(attentionHeatmap([[1, 0]]));
  assert.equal(written.length, 2);
  assert.deepEqual(Object.keys(written[0]!.content.data).sort(), [
    "application/vnd.vegalite.v5+json",
    "image/png",
    "image/svg+xml",
    "text/plain",
  ]);
  assert.deepEqual(written[0]!.content.data["application/vnd.vegalite.v5+json"], spec);
  assert.deepEqual(
    written.map((w) => [w.update, w.content.transient.display_id]),
    [
      [false, "w"],
      [true, "w"],
    ],
  );
});

test("the message has the shape tslab's public display.raw writes", () => {
  written.length = 0;
  const tslab = rootRequire("tslab") as { display: { raw(mime: string, data: unknown): void } };
  tslab.display.raw("text/plain", "x");
  assert.equal(written.length, 1);
  assert.deepEqual(Object.keys(written[0]!.content).sort(), ["data", "metadata", "transient"]);
  assert.deepEqual(written[0]!.content.metadata, {});
  assert.ok(!written[0]!.update, "display_data, not update_display_data");
});

test("the notebook progress display writes nothing once its cell was interrupted", async () => {
  const KEY = Symbol.for("attnlab.interrupts");
  const state = { version: 1, cell: 1, interruptedThrough: 0, cellOf: () => undefined };
  (globalThis as Record<symbol, unknown>)[KEY] = state;
  try {
    written.length = 0;
    const progress = new NotebookProgress();
    await progress.start({ title: "t", epochs: 3, stepsPerEpoch: 2 });
    await progress.epoch({ epoch: 1, loss: 1, metrics: {}, seconds: 1 }, [
      { epoch: 1, loss: 1, metrics: {}, seconds: 1 },
    ]);
    const before = written.length;
    assert.ok(before >= 2, "start and the first epoch were shown");
    state.interruptedThrough = 1; // Kernel → Interrupt while cell 1 runs
    await progress.step({ epoch: 2, step: 1, loss: 0.5, seconds: 9 });
    await progress.epoch({ epoch: 2, loss: 0.5, metrics: {}, seconds: 9 }, []);
    await progress.end({ reason: "epochs", seconds: 9 });
    assert.equal(written.length, before, "no update after the interrupt");
  } finally {
    delete (globalThis as Record<symbol, unknown>)[KEY];
  }
});

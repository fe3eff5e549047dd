/**
 * Kernel → Interrupt and the busy indicator, through the real attnlab kernel (tslab, started by
 * kernels/attnlab/launch.cjs) driven by the runner's Kernel client. Needs dist/ (hold /tmp/attnlab-dist.lock).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Kernel } from "../../lib/runner/kernel.js";
import { type Seen, startKernel, streamText, until } from "./kernelClient.js";

let kernel: Kernel;
let seen: Seen[];
const dir = mkdtempSync(join(tmpdir(), "attnlab-interrupt-test-"));
const trace = join(dir, "epochs.txt");
const record = join(dir, "record.json");

before(async () => {
  ({ kernel, seen } = await startKernel());
});

after(async () => {
  await kernel?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

/** A tiny model that would train for ~20 s, with the notebook progress display, leaving a trace per epoch. */
const FIT_CELL = `
import * as tf from "@tensorflow/tfjs";
import { fit, initBackend } from "attnlab/tf";
import { appendFileSync, writeFileSync } from "node:fs";
await initBackend();
const w = tf.variable(tf.zeros([32, 32]));
const x = tf.randomNormal([256, 32]);
const started = performance.now();
const result = await fit({
  size: 256, epochs: 1_000_000, batchSize: 8, progress: "notebook", title: "probe",
  batch: (ix: number[]) => tf.gather(x, ix),
  loss: (b: tf.Tensor) => tf.mean(tf.square(tf.sub(tf.matMul(b as tf.Tensor2D, w), b))),
  optimizer: tf.train.sgd(0.01),
  stopWhen: () => performance.now() - started > 20_000,
  onEpoch: (log) => appendFileSync(${JSON.stringify(trace)}, log.epoch + "\\n"),
});
writeFileSync(${JSON.stringify(record)}, JSON.stringify(result.history));
`;

const lines = () => (existsSync(trace) ? readFileSync(trace, "utf8").split("\n").length - 1 : 0);

test("an interrupted fit ends within 2 s with an 'interrupted' error, and nothing of it goes on", async () => {
  let fitId = "";
  const running = kernel.execute(FIT_CELL, 120_000, (id) => {
    fitId = id;
  });
  await until(() => lines() >= 1, 90_000, "the first epoch"); // tfjs's types take seconds to check
  await new Promise((r) => setTimeout(r, 2000));
  const interruptedAt = performance.now();
  kernel.interrupt();
  const outcome = await running;
  const endedAfter = performance.now() - interruptedAt;
  assert.equal(outcome.status, "error");
  assert.ok(endedAfter < 2000, `the cell ended ${Math.round(endedAfter)} ms after the interrupt`);
  assert.match(streamText(seen, fitId), /InterruptedError: interrupted/);
  const epochsAtEnd = lines();
  const fitMessages = () => seen.filter((m) => m.parent === fitId).length;
  const atEnd = fitMessages();

  // The next cell runs at once (not dropped as tslab did for 200 ms after an error), and sees no fit output.
  let nextId = "";
  const next = await kernel.execute(
    'console.log("next cell"); await new Promise((r) => setTimeout(r, 3000)); console.log("done");',
    60_000,
    (id) => {
      nextId = id;
    },
  );
  assert.equal(next.status, "ok");
  assert.equal(streamText(seen, nextId), "next cell\ndone\n");
  const leaked = seen.filter(
    (m) => m.parent === nextId && (m.type === "display_data" || m.type === "update_display_data"),
  );
  assert.deepEqual(leaked, [], "no progress display lands in the next cell");
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(lines(), epochsAtEnd, "no epoch ends after the interrupt (onEpoch trace)");
  assert.equal(fitMessages(), atEnd, "no progress update of the interrupted cell after it ended");
  assert.ok(!existsSync(record), "the interrupted run wrote no record");
});

test("an interrupt of an idle kernel does not stop the next cell", async () => {
  kernel.interrupt();
  await new Promise((r) => setTimeout(r, 500));
  let id = "";
  const outcome = await kernel.execute(
    `import { fit } from "attnlab/tf";
import * as tf from "@tensorflow/tfjs";
const v = tf.variable(tf.scalar(0));
const r = await fit({ size: 8, epochs: 40, batchSize: 2, progress: "none", batch: (ix: number[]) => tf.fill([ix.length], 3),
  loss: (b: tf.Tensor) => tf.mean(tf.square(tf.sub(b, v))), optimizer: tf.train.sgd(0.1) });
console.log("epochs", r.history.length);`,
    60_000,
    (msgId) => {
      id = msgId;
    },
  );
  assert.equal(outcome.status, "ok", streamText(seen, id));
  assert.equal(streamText(seen, id), "epochs 40\n");
});

test("busy → idle brackets each queued cell, async work included; they run one after another", async () => {
  const ids: string[] = [];
  const cell = (name: string) =>
    `console.log("${name} start"); await new Promise((r) => setTimeout(r, 1500)); console.log("${name} end");`;
  const [a, b] = await Promise.all([
    kernel.execute(cell("A"), 60_000, (id) => ids.push(id)),
    kernel.execute(cell("B"), 60_000, (id) => ids.push(id)),
  ]);
  assert.equal(a.status, "ok");
  assert.equal(b.status, "ok");
  const [idA, idB] = ids as [string, string];
  const events = seen
    .filter((m) => m.parent === idA || m.parent === idB)
    .map((m) => ({
      at: m.at,
      what:
        m.type === "status"
          ? `${m.parent === idA ? "A" : "B"} ${String(m.content.execution_state)}`
          : String(m.content.text ?? "").trim(),
    }))
    .filter((e) => e.what !== "");
  assert.deepEqual(
    events.map((e) => e.what),
    ["A busy", "A start", "A end", "A idle", "B busy", "B start", "B end", "B idle"],
  );
  const at = (what: string) => events.find((e) => e.what === what)!.at;
  assert.ok(at("B busy") - at("A idle") < 500, "the kernel is idle only between the two cells, briefly");
});

/**
 * lib/train/interrupt.ts without a kernel: the shared state the launcher installs is set up here by hand (as
 * kernels/attnlab/interrupts.cjs does), and "SIGINT" is a timer callback — like a signal handler, it runs only
 * when the event loop turns. fit must see it between steps, stop with InterruptedError, and report nothing after.
 */
import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { defineExperiment } from "../../lib/experiments/experiment.js";
import { runExperiment } from "../../lib/experiments/run.js";
import { beamSearch, greedyDecode } from "../../lib/models/decoding.js";
import { Transformer } from "../../lib/models/transformer.js";
import { initBackend } from "../../lib/tfjs/initBackend.js";
import {
  fit,
  InterruptedError,
  type InterruptState,
  interrupted,
  interruptionPoint,
  type ProgressReporter,
  throwIfInterrupted,
} from "../../lib/train/index.js";
import { tiny } from "../records/tinyExperiment.js";

const KEY = Symbol.for("attnlab.interrupts");
const context = new AsyncLocalStorage<number>();

/** The launcher's state, with `run(fn)` running `fn` as the next cell. */
function installState(): InterruptState & { run<T>(fn: () => T): T } {
  const state = {
    version: 1 as const,
    cell: 0,
    interruptedThrough: 0,
    cellOf: () => context.getStore(),
    run<T>(fn: () => T): T {
      return context.run(++state.cell, fn);
    },
  };
  (globalThis as Record<symbol, unknown>)[KEY] = state;
  return state;
}

before(async () => {
  await initBackend();
});

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[KEY];
});

test("outside a kernel (no state) nothing is interrupted", () => {
  assert.equal(interrupted(), false);
  assert.doesNotThrow(() => throwIfInterrupted());
});

test("an interrupt stops its own cell and earlier ones, never a later cell", async () => {
  const state = installState();
  const later = (ms: number) =>
    new Promise<boolean>((resolve) => setTimeout(() => resolve(interrupted()), ms));
  const fromCell1 = state.run(() => later(30)); // background work of a cell that has ended
  const fromCell2 = state.run(() => later(30)); // the cell running now
  state.interruptedThrough = state.cell; // SIGINT while cell 2 runs
  assert.equal(await fromCell1, true, "what cell 1 left running stops too");
  assert.equal(await fromCell2, true, "work that cell 2 started sees the interrupt, even from a timer");
  const fromCell3 = await state.run(() => later(0));
  assert.equal(fromCell3, false, "cell 3 starts clean: an earlier interrupt does not kill it");
  state.run(() => assert.doesNotThrow(() => throwIfInterrupted()));
});

test("throwIfInterrupted throws InterruptedError('interrupted') whose stack starts at the caller", () => {
  const state = installState();
  state.run(() => {
    state.interruptedThrough = state.cell;
    const loop = () => throwIfInterrupted();
    assert.throws(loop, (e: unknown) => {
      assert.ok(e instanceof InterruptedError);
      assert.equal(e.name, "InterruptedError");
      assert.equal(e.message, "interrupted");
      assert.doesNotMatch(String(e.stack), /at throwIfInterrupted/);
      return true;
    });
  });
});

test("interruptionPoint lets the event loop turn, so a 'signal handler' runs during a loop of awaits", async () => {
  const state = installState();
  await state.run(async () => {
    setTimeout(() => {
      state.interruptedThrough = state.cell;
    }, 100);
    const started = Date.now();
    await assert.rejects(async () => {
      for (;;) {
        await interruptionPoint();
        if (Date.now() - started > 5000) throw new Error("never saw the interrupt");
      }
    }, InterruptedError);
    assert.ok(Date.now() - started < 1000, `seen after ${Date.now() - started} ms`);
  });
});

test("fit stops between steps on an interrupt and reports no epoch or progress afterwards", async () => {
  const state = installState();
  const w = tf.variable(tf.zeros([16, 16]));
  const x = tf.randomNormal([64, 16]);
  const epochs: number[] = [];
  const after: string[] = [];
  let stopped = false;
  const progress: ProgressReporter = {
    start() {},
    step: () => void (stopped && after.push("step")),
    epoch: () => void (stopped && after.push("epoch")),
    end: () => void after.push("end"),
  };
  let interruptedAt = 0;
  await state.run(async () => {
    setTimeout(() => {
      interruptedAt = Date.now();
      state.interruptedThrough = state.cell;
      stopped = true;
    }, 300);
    await assert.rejects(
      fit({
        size: 64,
        epochs: 100_000,
        batchSize: 4,
        batch: (ix) => tf.gather(x, ix),
        loss: (b) => tf.mean(tf.square(tf.sub(tf.matMul(b as tf.Tensor2D, w), b as tf.Tensor2D))),
        optimizer: tf.train.sgd(0.01),
        progress,
        stopWhen: () => Date.now() - interruptedAt > 5000 && interruptedAt > 0, // (old fit: ends, not rejects)
        onEpoch: (log) => {
          if (stopped) after.push(`onEpoch ${log.epoch}`);
          epochs.push(log.epoch);
        },
      }),
      InterruptedError,
    );
  });
  assert.ok(interruptedAt > 0, "the interrupt fired");
  assert.ok(
    Date.now() - interruptedAt < 1000,
    `fit stopped ${Date.now() - interruptedAt} ms after the interrupt`,
  );
  assert.deepEqual(after, [], "nothing reported after the interrupt");
  tf.dispose([w, x]);
});

test("an experiment interrupted after training (before its record is written) writes no record", async () => {
  const state = installState();
  const dir = mkdtempSync(join(tmpdir(), "attnlab-interrupt-records-"));
  try {
    const interruptedLate = defineExperiment({
      ...tiny,
      name: "tiny-interrupted",
      async run(config, context) {
        const output = await tiny.run(config, context);
        output.artifacts.w.dispose();
        state.interruptedThrough = state.cell; // Kernel → Interrupt in the last moment of the run
        return output;
      },
    });
    await state.run(() =>
      assert.rejects(
        runExperiment(interruptedLate, { record: dir, progress: "none", log: false }),
        InterruptedError,
      ),
    );
    assert.deepEqual(readdirSync(dir), [], "no record (and no temp file) was written");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("greedy and beam decoding stop between steps when their cell is interrupted", () => {
  const state = installState();
  const model = new Transformer({
    srcVocab: 7,
    tgtVocab: 9,
    dModel: 8,
    numHeads: 2,
    dFF: 16,
    maxLength: 8,
    dropout: 0,
    seed: 3,
    numEncoderLayers: 1,
    numDecoderLayers: 1,
  }).ensureBuilt();
  try {
    const options = { bos: 1, eos: 2 };
    state.run(() => {
      assert.equal(greedyDecode(model, [[3, 4, 5]], options).length, 1, "runs uninterrupted");
      state.interruptedThrough = state.cell;
      assert.throws(() => greedyDecode(model, [[3, 4, 5]], options), InterruptedError);
      assert.throws(() => beamSearch(model, [3, 4, 5], options), InterruptedError);
    });
  } finally {
    model.dispose();
  }
});

test("an interrupt that comes during an epoch's evaluation is seen before onEpoch: the epoch leaves no trace", async () => {
  const state = installState();
  const w = tf.variable(tf.zeros([4]));
  const logged: number[] = [];
  await state.run(async () => {
    await assert.rejects(
      fit({
        size: 4,
        epochs: 3,
        batchSize: 4,
        batch: () => tf.ones([4]),
        loss: (b) => tf.mean(tf.square(tf.sub(b as tf.Tensor1D, w))),
        optimizer: tf.train.sgd(0.1),
        progress: "none",
        // The "signal" arrives while evaluate runs; like a signal handler, it runs at the next turn of the loop.
        evaluate: () => {
          setImmediate(() => {
            state.interruptedThrough = state.cell;
          });
          return { score: 1 };
        },
        onEpoch: (log) => void logged.push(log.epoch),
      }),
      InterruptedError,
    );
  });
  assert.deepEqual(logged, [], "onEpoch never ran for the interrupted epoch");
  w.dispose();
});

// Launcher patch: Kernel → Interrupt (SIGINT) marks the running cell interrupted, so attnlab's loops stop it.
"use strict";
const { AsyncLocalStorage } = require("node:async_hooks");

/** After this long an interrupted cell that has not stopped by itself is ended by tslab's own handler. */
const FORCE_AFTER_MS = 1000;

// How tslab 1.0.22 handles SIGINT (tslab/dist/main.js, executor.js): its handler rejects an "interrupt promise"
// that the running cell's top-level promise is raced against, so the cell ends at once with "Interrupted
// asynchronously" — but the cell's own work (a `fit` loop) is never told and trains on in the background,
// writing progress into later cells and records to disk. And a handler runs only when the event loop turns:
// a loop that awaits only resolved promises never lets it run, so the cell ended ~6.5 s late, at the end of an
// epoch. Here SIGINT first marks the cell interrupted in a state that attnlab's lib/train/interrupt.ts reads
// (`throwIfInterrupted()` between steps, `fit` yields a macrotask every 50 ms): the loop throws
// InterruptedError and the cell ends with it. Only if the cell has not ended FORCE_AFTER_MS later (code that
// never checks), or on a second SIGINT, does tslab's own handler end it as before.
//
// The state (globalThis[Symbol.for("attnlab.interrupts")], version 1; see lib/train/interrupt.ts) numbers the
// execute requests; each cell runs in an AsyncLocalStorage context holding its number, so code that a cell
// started knows its cell even after the cell ended. A SIGINT interrupts the running cell and everything before
// it; a new cell is never interrupted by an earlier SIGINT, so interrupting an idle kernel does not kill the next
// cell (it stops background loops of the cells before, if any).
function armInterrupts(jupyter) {
  const context = new AsyncLocalStorage();
  const state = {
    version: 1,
    cell: 0,
    interruptedThrough: 0,
    cellOf: () => context.getStore(),
  };
  globalThis[Symbol.for("attnlab.interrupts")] = state;
  let running = 0;
  const proto = jupyter.JupyterHandlerImpl.prototype;
  const impl = proto.handleExecuteImpl;
  proto.handleExecuteImpl = function (...args) {
    const cell = ++state.cell;
    running = cell;
    return context
      .run(cell, () => impl.apply(this, args))
      .finally(() => {
        if (running === cell) running = 0;
      });
  };
  /** Call once tslab has registered its SIGINT handler: ours replaces it and calls it when needed. */
  return function takeOverSigint(tslabListeners) {
    for (const l of tslabListeners) process.removeListener("SIGINT", l);
    const force = () => {
      for (const l of tslabListeners) l.call(process, "SIGINT");
    };
    process.on("SIGINT", () => {
      const cell = running;
      if (cell === 0) {
        state.interruptedThrough = state.cell; // idle: stop what earlier cells left running, nothing later
        return;
      }
      const again = state.interruptedThrough >= cell;
      state.interruptedThrough = cell;
      if (again) return force();
      setTimeout(() => {
        if (running === cell) force();
      }, FORCE_AFTER_MS).unref();
    });
  };
}

module.exports = { armInterrupts, FORCE_AFTER_MS };

/**
 * Kernel → Interrupt for long loops: the attnlab kernel launcher (kernels/attnlab/interrupts.cjs) counts cells
 * and marks them interrupted on SIGINT; loops call {@link throwIfInterrupted} (or await
 * {@link interruptionPoint}) between steps and stop with an {@link InterruptedError}. Follows: IPython's
 * KeyboardInterrupt between bytecodes, done by hand because JavaScript runs a signal handler only when the event
 * loop turns.
 */

/**
 * What the launcher puts on `globalThis[Symbol.for("attnlab.interrupts")]`, shared by every copy of this module
 * in the process (the CommonJS and ESM builds, tsx in tests). Version 1.
 */
export interface InterruptState {
  version: 1;
  /** The execute request running now, or the last one that ran: 1, 2, … (0 before the first). */
  cell: number;
  /** Every cell numbered ≤ this was interrupted (its background work too); 0 when none was. */
  interruptedThrough: number;
  /** The cell whose asynchronous context the caller runs in (an AsyncLocalStorage), if known. */
  cellOf(): number | undefined;
}

const KEY = Symbol.for("attnlab.interrupts");

/** Thrown by a loop that stops because its cell was interrupted (Kernel → Interrupt, SIGINT). */
export class InterruptedError extends Error {
  constructor(message = "interrupted") {
    super(message);
    this.name = "InterruptedError";
  }
}

function state(): InterruptState | undefined {
  const s = (globalThis as Record<symbol, unknown>)[KEY] as InterruptState | undefined;
  return s?.version === 1 ? s : undefined;
}

/**
 * True when the cell this code belongs to was interrupted. Outside the attnlab kernel always false. A new cell
 * starts uninterrupted, so an interrupt of an idle kernel never stops the next cell.
 * @example
 * interrupted(); // false
 */
export function interrupted(): boolean {
  const s = state();
  if (!s) return false;
  const cell = s.cellOf() ?? s.cell;
  return cell > 0 && cell <= s.interruptedThrough;
}

/**
 * Throws `InterruptedError("interrupted")` when this code's cell was interrupted; call it between the steps
 * of a long loop. Every later call from that cell throws too, so nothing of it goes on in the background.
 * @example
 * let steps = 0;
 * for (let step = 0; step < 3; step++) { throwIfInterrupted(); steps++; }
 * steps; // 3 (outside a kernel nothing interrupts)
 */
export function throwIfInterrupted(): void {
  if (!interrupted()) return;
  const error = new InterruptedError("interrupted");
  Error.captureStackTrace?.(error, throwIfInterrupted); // the stack starts at the loop that stopped
  throw error;
}

/** Yield to the event loop at most this often: often enough to see an interrupt, rarely enough to cost nothing. */
export const YIELD_EVERY_MS = 50;

let lastYield = 0;

const macrotask: (resolve: () => void) => void =
  typeof setImmediate === "function" ? (r) => setImmediate(r) : (r) => setTimeout(r, 0);

/**
 * For async loops: when {@link YIELD_EVERY_MS} have passed since the last yield, lets the event loop turn (a
 * macrotask, so a pending SIGINT handler runs — awaiting resolved promises never does that), then
 * {@link throwIfInterrupted}. `always`: yield now, whatever the time (before a step that leaves a trace).
 * @example
 * let steps = 0;
 * for (let step = 0; step < 3; step++) { await interruptionPoint(); steps++; }
 * steps; // 3
 */
export async function interruptionPoint(always = false): Promise<void> {
  throwIfInterrupted();
  const now = Date.now();
  if (!always && now - lastYield < YIELD_EVERY_MS) return;
  await new Promise<void>(macrotask);
  lastYield = Date.now();
  throwIfInterrupted();
}

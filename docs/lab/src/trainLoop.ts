/**
 * The browser's training loop: runs one synchronous step at a time (lib/models' `trainStep`, which reads the
 * loss back, so a step's wall time includes the GPU work), yields to the page between steps so the loss curve
 * repaints and Stop works, and times every step.
 */

/** What to run and whom to tell. */
export interface TrainLoopOptions {
  steps: number;
  /** One optimizer step; returns the loss before the update. */
  step: (index: number) => number;
  /** Called after each step with its loss and wall time in ms. */
  onStep: (index: number, loss: number, ms: number) => void;
  /** Checked before each step. */
  stopped: () => boolean;
}

/** Losses and step times of a run. */
export interface TrainLog {
  losses: number[];
  stepMs: number[];
}

export async function trainLoop(options: TrainLoopOptions): Promise<TrainLog> {
  const log: TrainLog = { losses: [], stepMs: [] };
  for (let i = 0; i < options.steps && !options.stopped(); i++) {
    const started = performance.now();
    const loss = options.step(i);
    const ms = performance.now() - started;
    log.losses.push(loss);
    log.stepMs.push(ms);
    options.onStep(i, loss, ms);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return log;
}

/**
 * Median step time without the first `warmup` steps (webgl compiles its shaders there), or of all steps when
 * the run is too short.
 */
export function typicalStepMs(stepMs: readonly number[], warmup = 3): number {
  const rest = stepMs.length > warmup + 2 ? stepMs.slice(warmup) : stepMs.slice();
  if (rest.length === 0) return Number.NaN;
  const sorted = rest.sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

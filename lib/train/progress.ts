/**
 * Training progress: a terminal bar (updated in place on a TTY, one line per epoch otherwise) and, inside a
 * notebook kernel, a status line plus a live loss/metric chart, both updated in place (Jupyter
 * `update_display_data`). Nothing is written once the cell was interrupted. Follows: Keras' `ProgbarLogger` and
 * fastai's notebook progress bar.
 */
import { type DisplayHandle, show, showMarkdown } from "../display/show.js";
import { inKernel } from "../display/sink.js";
import { lineChart } from "../plot/lineChart.js";
import { interrupted } from "./interrupt.js";

/** One finished epoch: the mean training loss, the evaluation metrics, and seconds since the start. */
export interface EpochLog {
  epoch: number;
  loss: number;
  metrics: Record<string, number>;
  seconds: number;
}

/** What a progress reporter is told; every method may return a promise, which `fit` awaits. */
export interface ProgressReporter {
  start(info: { title: string; epochs: number; stepsPerEpoch: number }): void | Promise<void>;
  step(info: { epoch: number; step: number; loss: number; seconds: number }): void | Promise<void>;
  epoch(log: EpochLog, history: readonly EpochLog[]): void | Promise<void>;
  end(summary: { reason: string; seconds: number }): void | Promise<void>;
}

/** `"auto"`: the notebook display inside a kernel, the terminal bar elsewhere; `"none"`: silent. */
export type ProgressMode = "auto" | "terminal" | "notebook" | "none" | ProgressReporter;

/** The reporter for a mode. */
export function progressReporter(mode: ProgressMode = "auto"): ProgressReporter {
  if (typeof mode === "object") return mode;
  if (mode === "none") return silent;
  if (mode === "notebook" || (mode === "auto" && inKernel())) return new NotebookProgress();
  return new TerminalProgress(process.stderr);
}

const silent: ProgressReporter = { start() {}, step() {}, epoch() {}, end() {} };

/**
 * `epoch 3/10 [######--------] 45% loss 0.1234` — the text of a progress line.
 * @example
 * progressLine({ title: "fit", epoch: 2, epochs: 4, fraction: 0.5, loss: 0.25, seconds: 3 }); // "fit · epoch 2/4 [##########----------] 50% · loss 0.2500 · 3.0 s"
 */
export function progressLine(p: {
  title: string;
  epoch: number;
  epochs: number;
  fraction: number;
  loss: number;
  seconds: number;
  metrics?: Record<string, number>;
}): string {
  const width = 20;
  const filled = Math.max(0, Math.min(width, Math.round(p.fraction * width)));
  const metrics = Object.entries(p.metrics ?? {}).map(([k, v]) => ` · ${k} ${formatMetric(v)}`);
  return (
    `${p.title} · epoch ${p.epoch}/${p.epochs} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ` +
    `${Math.round(p.fraction * 100)}% · loss ${p.loss.toFixed(4)}${metrics.join("")} · ${p.seconds.toFixed(1)} s`
  );
}

function formatMetric(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4);
}

/** Writes to a stream: `\r`-updated bar on a TTY (at most every 100 ms), one line per epoch otherwise. */
export class TerminalProgress implements ProgressReporter {
  private info = { title: "fit", epochs: 1, stepsPerEpoch: 1 };
  private last = 0;
  constructor(private readonly out: NodeJS.WritableStream & { isTTY?: boolean }) {}
  start(info: { title: string; epochs: number; stepsPerEpoch: number }): void {
    this.info = info;
  }
  step(s: { epoch: number; step: number; loss: number; seconds: number }): void {
    if (!this.out.isTTY || s.seconds - this.last < 0.1 || interrupted()) return;
    this.last = s.seconds;
    const fraction = s.step / this.info.stepsPerEpoch;
    this.out.write(`\r${progressLine({ ...this.info, ...s, fraction })}\x1b[K`);
  }
  epoch(log: EpochLog): void {
    if (interrupted()) return;
    const line = progressLine({ ...this.info, ...log, fraction: 1 });
    this.out.write(this.out.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
  }
  end(): void {}
}

let displays = 0;

/** A status line and a chart of the loss and metrics per epoch, each one output replaced in place. */
export class NotebookProgress implements ProgressReporter {
  private info = { title: "fit", epochs: 1, stepsPerEpoch: 1 };
  private status: DisplayHandle | undefined;
  private chart: DisplayHandle | undefined;
  private last = 0;
  private readonly id = `attnlab-fit-${process.pid}-${++displays}`;
  async start(info: { title: string; epochs: number; stepsPerEpoch: number }): Promise<void> {
    this.info = info;
    this.status = await showMarkdown(`\`${info.title}\` · starting (${info.epochs} epochs)`, {
      id: `${this.id}-status`,
    });
  }
  async step(s: { epoch: number; step: number; loss: number; seconds: number }): Promise<void> {
    if (s.seconds - this.last < 0.5 || interrupted()) return;
    this.last = s.seconds;
    const line = progressLine({ ...this.info, ...s, fraction: s.step / this.info.stepsPerEpoch });
    await this.status?.update({ "text/markdown": `\`${line}\``, "text/plain": line });
  }
  async epoch(log: EpochLog, history: readonly EpochLog[]): Promise<void> {
    if (interrupted()) return;
    const line = progressLine({ ...this.info, ...log, fraction: 1 });
    await this.status?.update({ "text/markdown": `\`${line}\``, "text/plain": line });
    const series: Record<string, number[]> = { loss: history.map((h) => h.loss) };
    for (const key of Object.keys(log.metrics))
      series[key] = history.map((h) => h.metrics[key] ?? Number.NaN);
    const spec = lineChart(
      Object.entries(series).map(([name, y]) => ({ name, x: history.map((h) => h.epoch), y })),
      { title: this.info.title, xTitle: "epoch", yTitle: "value" },
    );
    if (this.chart) await this.chart.update(spec);
    else this.chart = await show(spec, { id: `${this.id}-chart` });
  }
  async end(summary: { reason: string; seconds: number }): Promise<void> {
    if (interrupted()) return;
    const line = `${this.info.title} · done (${summary.reason}) in ${summary.seconds.toFixed(1)} s`;
    await this.status?.update({ "text/markdown": `\`${line}\``, "text/plain": line });
  }
}

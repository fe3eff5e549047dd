/** A live training-loss curve on a canvas: one point per step, redrawn as points arrive (no chart library). */
import { el } from "./dom.js";
import { formatNumber } from "./numbersJson.js";

export class LossChart {
  readonly element: HTMLElement;
  private readonly canvas = el("canvas", { width: "520", height: "170" });
  private losses: number[] = [];

  constructor(name: string) {
    this.element = el("figure", { class: "loss-chart", "data-chart": name }, this.canvas);
    this.draw();
  }

  reset(): void {
    this.losses = [];
    this.draw();
  }

  push(loss: number): void {
    this.losses.push(loss);
    this.draw();
  }

  private draw(): void {
    const { width, height } = this.canvas;
    const g = this.canvas.getContext("2d")!;
    const [left, right, top, bottom] = [48, 10, 10, 22];
    g.fillStyle = "#fff";
    g.fillRect(0, 0, width, height);
    g.strokeStyle = "#999";
    g.strokeRect(left, top, width - left - right, height - top - bottom);
    g.fillStyle = "#333";
    g.font = "11px system-ui, sans-serif";
    g.fillText("loss", 4, top + 10);
    const n = this.losses.length;
    if (n === 0) return;
    const hi = Math.max(...this.losses);
    const lo = Math.min(...this.losses);
    const x = (i: number) => left + ((width - left - right) * i) / Math.max(1, n - 1);
    const y = (v: number) => top + ((height - top - bottom) * (hi - v)) / Math.max(1e-9, hi - lo);
    g.fillText(formatNumber(hi, 4), 4, top + 24);
    g.fillText(formatNumber(lo, 4), 4, height - bottom);
    g.fillText(`step ${n}`, width - right - 60, height - 6);
    g.strokeStyle = "#1d4ed8";
    g.lineWidth = 2;
    g.beginPath();
    this.losses.forEach((v, i) => (i === 0 ? g.moveTo(x(i), y(v)) : g.lineTo(x(i), y(v))));
    g.stroke();
    g.lineWidth = 1;
  }
}

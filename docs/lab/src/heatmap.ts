/**
 * A matrix drawn as a canvas heatmap (rows top to bottom, as in lib/plot/heatmap.ts: rows are queries, columns
 * keys), with optional labels and printed values, a hover readout, and a highlighted row/column driven by a
 * {@link HoverBus}. The exact values are published in `data-value` for tests.
 */
import { type ColorDomain, colorOf, domainOf, inkOn } from "./colors.js";
import { el } from "./dom.js";
import type { HoverBus, HoverEvent } from "./hoverBus.js";
import { cellText, formatNumber, numbersToJson } from "./numbersJson.js";

/** How a heatmap looks and links. */
export interface HeatmapOptions {
  /** Name in `data-step` and in the readout (`weights[1][2] = …`). */
  name: string;
  /** Title above the map. */
  title?: string;
  /** Axis names of rows and columns, for linked hover (`query`, `key`, …). */
  rowAxis: string;
  colAxis: string;
  /** Cell size in pixels (default 34); values are printed when it is at least 30. */
  cell?: number;
  /** Draw row/column labels (default true). */
  labels?: boolean;
  /** The bus that links this view to others. */
  bus?: HoverBus;
}

export class HeatmapView {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private matrix: number[][] = [];
  private rowLabels: string[] = [];
  private colLabels: string[] = [];
  private domain: ColorDomain = { lo: 0, hi: 1, diverging: false };
  private marked: { row?: number; col?: number } = {};
  /** Stops following the bus (call when the view is replaced). */
  readonly detach: () => void;

  constructor(private readonly options: HeatmapOptions) {
    this.canvas = el("canvas");
    this.caption = el("div", { class: "readout" }, "\u00a0");
    this.element = el("figure", { class: "heatmap", "data-step": options.name });
    if (options.title) this.element.append(el("figcaption", {}, options.title));
    this.element.append(this.canvas, this.caption);
    this.caption.hidden = options.labels === false; // thumbnails: the enlarged view reads out
    this.canvas.addEventListener("mousemove", (e) => this.pointer(e));
    this.canvas.addEventListener("mouseleave", () => this.options.bus?.emit(null));
    this.detach = options.bus?.on((event) => this.follow(event)) ?? (() => {});
  }

  private get cell(): number {
    return this.options.cell ?? 34;
  }

  private get margin(): { left: number; top: number } {
    return this.options.labels === false ? { left: 0, top: 0 } : { left: 44, top: 20 };
  }

  /** Shows `matrix` (`[rows][cols]`), labelled by index unless labels are given. */
  set(matrix: number[][], rowLabels?: string[], colLabels?: string[]): void {
    this.matrix = matrix;
    this.rowLabels = rowLabels ?? matrix.map((_, i) => String(i));
    this.colLabels = colLabels ?? (matrix[0] ?? []).map((_, j) => String(j));
    this.domain = domainOf(matrix);
    this.element.dataset.value = numbersToJson(matrix);
    this.element.dataset.shape = `${matrix.length}x${matrix[0]?.length ?? 0}`;
    this.draw();
  }

  /** Highlights a row and/or a column (undefined: none). */
  highlight(row?: number, col?: number): void {
    this.marked = { row, col };
    this.draw();
  }

  private pointer(e: MouseEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const j = Math.floor((e.clientX - rect.left - this.margin.left) / this.cell);
    const i = Math.floor((e.clientY - rect.top - this.margin.top) / this.cell);
    const value = this.matrix[i]?.[j];
    if (value === undefined) {
      this.options.bus?.emit(null);
      return;
    }
    const { rowAxis, colAxis, name } = this.options;
    const readout = `${name}[${i}][${j}] = ${formatNumber(value)} (${rowAxis} ${this.rowLabels[i]}, ${colAxis} ${this.colLabels[j]})`;
    const event: HoverEvent = { coords: { [rowAxis]: i, [colAxis]: j }, readout };
    if (this.options.bus) this.options.bus.emit(event);
    else this.follow(event);
  }

  private follow(event: HoverEvent): void {
    const row = event?.coords[this.options.rowAxis];
    const col = event?.coords[this.options.colAxis];
    const value = row === undefined || col === undefined ? undefined : this.matrix[row]?.[col];
    this.caption.textContent =
      value === undefined ? "\u00a0" : `${this.options.name}[${row}][${col}] = ${formatNumber(value)}`;
    this.highlight(row, col);
  }

  private draw(): void {
    const { cell, matrix } = this;
    const { left, top } = this.margin;
    const rows = matrix.length;
    const cols = matrix[0]?.length ?? 0;
    this.canvas.width = left + cols * cell + 1;
    this.canvas.height = top + rows * cell + 1;
    const g = this.canvas.getContext("2d")!;
    g.fillStyle = "#fff";
    g.fillRect(0, 0, this.canvas.width, this.canvas.height);
    g.font = "11px system-ui, sans-serif";
    g.textAlign = "center";
    g.textBaseline = "middle";
    matrix.forEach((row, i) =>
      row.forEach((x, j) => {
        g.fillStyle = colorOf(x, this.domain);
        g.fillRect(left + j * cell, top + i * cell, cell, cell);
        if (x === -Infinity) this.hatch(g, left + j * cell, top + i * cell);
        if (cell >= 30) {
          g.fillStyle = inkOn(x, this.domain);
          g.fillText(cellText(x), left + (j + 0.5) * cell, top + (i + 0.5) * cell);
        }
      }),
    );
    if (this.options.labels !== false) this.drawLabels(g, rows, cols);
    this.drawMarks(g, rows, cols);
  }

  private hatch(g: CanvasRenderingContext2D, x: number, y: number): void {
    g.strokeStyle = "#9a9a9a";
    g.beginPath();
    g.moveTo(x, y + this.cell);
    g.lineTo(x + this.cell, y);
    g.stroke();
  }

  private drawLabels(g: CanvasRenderingContext2D, rows: number, cols: number): void {
    const { left, top } = this.margin;
    g.fillStyle = "#333";
    for (let j = 0; j < cols; j++)
      g.fillText(clip(this.colLabels[j]!), left + (j + 0.5) * this.cell, top / 2);
    g.textAlign = "right";
    for (let i = 0; i < rows; i++)
      g.fillText(clip(this.rowLabels[i]!), left - 4, top + (i + 0.5) * this.cell);
  }

  private drawMarks(g: CanvasRenderingContext2D, rows: number, cols: number): void {
    const { left, top } = this.margin;
    const { row, col } = this.marked;
    g.strokeStyle = "#f59e0b";
    g.lineWidth = 2;
    if (row !== undefined && row < rows)
      g.strokeRect(left + 1, top + row * this.cell + 1, cols * this.cell - 2, this.cell - 2);
    if (col !== undefined && col < cols)
      g.strokeRect(left + col * this.cell + 1, top + 1, this.cell - 2, rows * this.cell - 2);
    g.lineWidth = 1;
  }
}

function clip(label: string): string {
  return label.length > 7 ? `${label.slice(0, 6)}…` : label;
}

// `show()` and its helpers: build a MIME bundle (pure) and send it as one display_data message.
import { type DisplayData, toDisplayData } from "./mime.js";
import { type DisplaySink, currentSink } from "./sink.js";
import { type TableOptions, tableBundle } from "./table.js";
import { latexBundle, markdownBundle } from "./text.js";

/** Options of {@link show}. */
export interface ShowOptions {
  /**
   * A display id: the output can later be replaced in place with `handle.update(x)`
   * (Jupyter `update_display_data`). Showing the same id twice links both outputs.
   */
  id?: string;
}

/** What `show(x, { id })` returns: a handle on that output. */
export interface DisplayHandle {
  /** The display id. */
  readonly id: string;
  /** Replaces the output in place with any value `show` accepts (Jupyter `update_display_data`). */
  update(x: unknown): Promise<void>;
}

/** Options with an id: `show` then resolves to a {@link DisplayHandle}. */
export type ShowOptionsWithId = ShowOptions & { id: string };

/**
 * Displays a vega-lite spec, a plotly figure, a MIME bundle or a value as one output, with all its MIME types
 * in one display_data (charts: their JSON, an SVG fallback, a 2× PNG of it and text/plain). Await it: the SVG
 * renders asynchronously. Outside a notebook kernel it prints the text/plain form.
 * Without an id it resolves to `undefined`, so `await show(spec)` as a cell's last line prints nothing
 * (tslab prints a cell's last value); with `{ id }` it resolves to a handle whose `update` redraws in place.
 * @example
 * const tokens = ["the", "cat", "sat"];
 * await show(attentionHeatmap([[0.8, 0.1, 0.1], [0.2, 0.6, 0.2], [0.1, 0.3, 0.6]], { rowLabels: tokens, colLabels: tokens }));
 * const h = await show(lineChart({ loss: [2.3] }), { id: "loss" });
 * await h.update(lineChart({ loss: [2.3, 1.7, 1.2] }));
 * h.id; // "loss"
 */
export function show(x: unknown, opts: ShowOptionsWithId): Promise<DisplayHandle>;
export function show(x: unknown, opts?: ShowOptions): Promise<DisplayHandle | undefined>;
export async function show(x: unknown, opts: ShowOptions = {}): Promise<DisplayHandle | undefined> {
  // The sink is taken before the first await, so an un-awaited show still writes to its own cell.
  const sink = currentSink();
  checkId(opts.id);
  send(sink, await toDisplayData(x), opts.id, false);
  return opts.id === undefined ? undefined : handle(opts.id);
}

/**
 * Displays markdown (text/markdown, with text/plain).
 * @example await showMarkdown("Weights sum to **1** along each row.");
 */
export function showMarkdown(text: string, opts: ShowOptionsWithId): Promise<DisplayHandle>;
export function showMarkdown(text: string, opts?: ShowOptions): Promise<DisplayHandle | undefined>;
export function showMarkdown(text: string, opts: ShowOptions = {}): Promise<DisplayHandle | undefined> {
  return show(markdownBundle(text), opts);
}

/**
 * Displays an equation: text/latex `$$…$$`, a text/markdown fallback, and the TeX as text/plain.
 * @example await showLatex("\\alpha_{ij} = \\frac{\\exp e_{ij}}{\\sum_k \\exp e_{ik}}");
 */
export function showLatex(tex: string, opts: ShowOptionsWithId): Promise<DisplayHandle>;
export function showLatex(tex: string, opts?: ShowOptions): Promise<DisplayHandle | undefined>;
export function showLatex(tex: string, opts: ShowOptions = {}): Promise<DisplayHandle | undefined> {
  return show(latexBundle(tex), opts);
}

/** Rows `showTable` accepts: records, or a `number[][]`. */
export type TableRows = readonly Readonly<Record<string, unknown>>[] | readonly (readonly number[])[];

/**
 * Displays a table of records or a `number[][]`: text/html, with text/markdown and text/plain fallbacks.
 * @example await showTable([{ head: 1, entropy: 0.82 }, { head: 2, entropy: 1.37 }], { digits: 2 });
 */
export function showTable(rows: TableRows, opts: TableOptions & ShowOptionsWithId): Promise<DisplayHandle>;
export function showTable(
  rows: TableRows,
  opts?: TableOptions & ShowOptions,
): Promise<DisplayHandle | undefined>;
export function showTable(
  rows: TableRows,
  opts: TableOptions & ShowOptions = {},
): Promise<DisplayHandle | undefined> {
  return show(tableBundle(rows, opts), opts.id === undefined ? {} : { id: opts.id });
}

function send(
  sink: DisplaySink,
  { data, metadata }: DisplayData,
  id: string | undefined,
  update: boolean,
): void {
  sink({ data, metadata, transient: id === undefined ? {} : { display_id: id } }, update);
}

function handle(id: string): DisplayHandle {
  return {
    id,
    async update(x: unknown) {
      const sink = currentSink();
      send(sink, await toDisplayData(x), id, true);
    },
    // How Node's console (and so tslab, for a cell's last value) prints the handle.
    [Symbol.for("nodejs.util.inspect.custom")]: () => `DisplayHandle { id: ${JSON.stringify(id)} }`,
  } as DisplayHandle;
}

function checkId(id: unknown): void {
  if (id !== undefined && (typeof id !== "string" || id.length === 0)) {
    throw new TypeError(`show: opts.id must be a non-empty string, got ${JSON.stringify(id)}`);
  }
}

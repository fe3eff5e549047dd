// Turns iopub messages into nbformat outputs on the cell that sent the request (display ids, clear_output), within
// a size limit that keeps the executed notebook writable (what does not fit is dropped with a visible note).
import type { CodeCell, DisplayDataOutput, ExecuteResultOutput, MimeBundle, Output } from "./notebook.js";
import type { Message } from "./wire.js";

interface DisplayContent {
  data?: MimeBundle;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
  execution_count?: number | null;
}

/**
 * The most characters (as JSON) of outputs one executed notebook keeps: the notebook is written as one string,
 * and V8 strings end at 2^29 − 24 characters; the HTML page of the same outputs can be several times longer.
 */
export const MAX_OUTPUT_CHARS = 64 * 1024 * 1024;

const size = (x: unknown) => JSON.stringify(x).length;

/** Collects outputs for every request bound to a cell, by the message's parent id. */
export class OutputCollector {
  /** One line per output dropped for size (each also leaves a note in its cell's outputs). */
  readonly notes: string[] = [];
  private readonly cells = new Map<string, CodeCell>();
  private readonly displays = new Map<string, (DisplayDataOutput | ExecuteResultOutput)[]>();
  private readonly clearOnNext = new Set<CodeCell>();
  private readonly sizes = new Map<Output, number>();
  private used = 0;

  /** `maxChars`: the notebook-wide output budget ({@link MAX_OUTPUT_CHARS}). */
  constructor(private readonly maxChars = MAX_OUTPUT_CHARS) {}

  /** Routes later iopub messages whose parent is `msgId` to `cell`. */
  bind(msgId: string, cell: CodeCell): void {
    this.cells.set(msgId, cell);
  }

  /** The cell a message belongs to, if any. */
  cellOf(msg: Message): CodeCell | undefined {
    return this.cells.get(msg.parent_header.msg_id ?? "");
  }

  handle(msg: Message): void {
    const cell = this.cellOf(msg);
    const type = msg.header.msg_type;
    const content = msg.content as Record<string, unknown>;
    if (type === "update_display_data") {
      this.update(content as DisplayContent);
      return;
    }
    if (!cell) return;
    if (type === "clear_output") {
      if (content.wait) this.clearOnNext.add(cell);
      else this.clear(cell);
      return;
    }
    const output = this.toOutput(type, content);
    if (!output) return;
    if (this.clearOnNext.delete(cell)) this.clear(cell);
    const last = cell.outputs.at(-1);
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      if (!this.fits(cell, size(output.text) - 2, type)) return;
      last.text += output.text;
      this.sizes.set(last, (this.sizes.get(last) ?? 0) + size(output.text) - 2);
      return;
    }
    const chars = size(output);
    if (!this.fits(cell, chars, type)) return;
    this.sizes.set(output, chars);
    cell.outputs.push(output);
    const displayId = (content as DisplayContent).transient?.display_id;
    if (displayId && output.output_type !== "stream" && output.output_type !== "error") {
      const list = this.displays.get(displayId) ?? [];
      list.push(output);
      this.displays.set(displayId, list);
    }
  }

  private toOutput(type: string, content: Record<string, unknown>): Output | null {
    const display = content as DisplayContent;
    switch (type) {
      case "stream":
        return {
          output_type: "stream",
          name: content.name === "stderr" ? "stderr" : "stdout",
          text: String(content.text ?? ""),
        };
      case "display_data":
        return { output_type: "display_data", data: display.data ?? {}, metadata: display.metadata ?? {} };
      case "execute_result":
        return {
          output_type: "execute_result",
          execution_count: display.execution_count ?? null,
          data: display.data ?? {},
          metadata: display.metadata ?? {},
        };
      case "error":
        return {
          output_type: "error",
          ename: String(content.ename ?? "Error"),
          evalue: String(content.evalue ?? ""),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        };
      default:
        return null;
    }
  }

  private update(content: DisplayContent): void {
    const id = content.transient?.display_id;
    for (const output of (id && this.displays.get(id)) || []) {
      const next = { ...output, data: content.data ?? {}, metadata: content.metadata ?? {} };
      const before = this.sizes.get(output) ?? 0;
      const cell = [...this.cells.values()].find((c) => c.outputs.includes(output));
      if (cell && !this.fits(cell, size(next) - before, "update_display_data")) continue;
      output.data = next.data;
      output.metadata = next.metadata;
      this.sizes.set(output, size(next));
    }
  }

  /** Counts `chars` more against the budget, or drops them: a note in `cell` (once) and in {@link notes}. */
  private fits(cell: CodeCell, chars: number, what: string): boolean {
    if (this.used + chars <= this.maxChars) {
      this.used += chars;
      return true;
    }
    const note = `attnlab run: dropped a ${what} output of ${chars} characters: an executed notebook keeps at most ${this.maxChars} characters of outputs`;
    this.notes.push(note);
    if (!cell.outputs.some((o) => o.output_type === "stream" && o.text.startsWith("attnlab run: dropped"))) {
      cell.outputs.push({ output_type: "stream", name: "stderr", text: `${note}\n` });
    }
    return false;
  }

  private clear(cell: CodeCell): void {
    for (const o of cell.outputs) this.used -= this.sizes.get(o) ?? 0;
    cell.outputs = [];
  }
}

/** Everything a cell printed to stderr plus its error outputs: the text a failure report shows. */
export function errorText(cell: CodeCell): string {
  const parts: string[] = [];
  for (const o of cell.outputs) {
    if (o.output_type === "stream" && o.name === "stderr") parts.push(o.text);
    if (o.output_type === "error") {
      parts.push(o.traceback.length > 0 ? o.traceback.join("\n") : `${o.ename}: ${o.evalue}`);
    }
  }
  return stripAnsi(parts.join("\n")).trim();
}

export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC.
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}

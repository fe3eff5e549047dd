// Turns iopub messages into nbformat outputs on the cell that sent the request (display ids, clear_output).
import type { CodeCell, DisplayDataOutput, ExecuteResultOutput, MimeBundle, Output } from "./notebook.js";
import type { Message } from "./wire.js";

interface DisplayContent {
  data?: MimeBundle;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
  execution_count?: number | null;
}

/** Collects outputs for every request bound to a cell, by the message's parent id. */
export class OutputCollector {
  private readonly cells = new Map<string, CodeCell>();
  private readonly displays = new Map<string, (DisplayDataOutput | ExecuteResultOutput)[]>();
  private readonly clearOnNext = new Set<CodeCell>();

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
      else cell.outputs = [];
      return;
    }
    const output = this.toOutput(type, content);
    if (!output) return;
    if (this.clearOnNext.delete(cell)) cell.outputs = [];
    const last = cell.outputs.at(-1);
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      last.text += output.text;
      return;
    }
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
      output.data = content.data ?? {};
      output.metadata = content.metadata ?? {};
    }
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

// How a failed cell is described: the one-line summary, the runner's own error outputs, async error lines.
import type { ExecuteOutcome } from "./kernel.js";
import type { CodeCell } from "./notebook.js";
import { errorText, stripAnsi } from "./outputs.js";
import { describeExit } from "./process.js";

export const ASYNC_ERROR = /(^|\n)(UnhandledPromiseRejection|UncaughtException):/;

/** One line that names the error: a TypeScript diagnostic, `SomeError: message`, or the first line. */
export function summarizeError(text: string): string {
  const lines = text.split("\n").map((l) => l.trim());
  const diagnostic = lines.find((l) => /^\d+:\d+ - /.test(l));
  if (diagnostic) return `TypeScript error ${diagnostic}`;
  const thrown = lines.find((l) => /^(Uncaught )?([A-Za-z_$][\w$.]*)?(Error|Exception)\b/.test(l));
  return thrown ?? lines.find((l) => l !== "") ?? "cell failed (no error text)";
}

export function failureMessage(outcome: ExecuteOutcome, timeoutS: number, cell: CodeCell): string {
  switch (outcome.status) {
    case "timeout":
      return `timed out after ${timeoutS} s${outcome.interrupted ? " (interrupted)" : " (kernel killed)"}`;
    case "died":
      return describeExit(outcome.exit);
    case "abort":
      return "execution aborted by the kernel";
    default:
      return summarizeError(errorText(cell));
  }
}

/** "unhandled promise rejection: Error: ..." from tslab's `UnhandledPromiseRejection: ...` stderr line. */
export function asyncErrorMessage(texts: string[]): string {
  const line = stripAnsi(texts.join("\n"))
    .split("\n")
    .find((l) => ASYNC_ERROR.test(`\n${l}`));
  if (!line) return "unhandled promise rejection or uncaught exception";
  const kind = line.startsWith("Unhandled") ? "unhandled promise rejection" : "uncaught exception";
  return `${kind}: ${line.slice(line.indexOf(":") + 1).trim()}`;
}

export function addRunnerError(cell: CodeCell, ename: string, message: string): void {
  cell.outputs.push({ output_type: "error", ename, evalue: message, traceback: [`${ename}: ${message}`] });
}

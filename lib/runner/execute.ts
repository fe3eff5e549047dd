// Executes one notebook top to bottom on a fresh kernel and writes the executed (or partial) copy.
import { dirname, resolve } from "node:path";
import { ASYNC_ERROR, addRunnerError, asyncErrorMessage, failureMessage } from "./failures.js";
import { Kernel } from "./kernel.js";
import { KERNEL_NAME, readKernelSpec } from "./kernelspec.js";
import {
  type CodeCell,
  type Notebook,
  readNotebook,
  sourceText,
  upgradeToCellIds,
  writeNotebook,
} from "./notebook.js";
import { errorText, OutputCollector, stripAnsi } from "./outputs.js";
import { injectParameters, resolveParameters } from "./parameters.js";
import { describeExit } from "./process.js";

export { summarizeError } from "./failures.js";

export interface RunNotebookOptions {
  input: string;
  /** Where the executed copy goes (may equal `input` for --inplace). */
  output: string;
  /** The input's path relative to the output's folder, recorded as `metadata.attnlab_run.source`. */
  source?: string;
  /** Checked against the notebook's `parameters` cell (see parameters.ts). */
  parameters: Record<string, unknown>;
  /** Per-cell limit in seconds; 0 means none. */
  timeoutS: number;
  kernelStartTimeoutS: number;
  /** Progress lines (one per cell) go here. */
  log: (line: string) => void;
  /** Aborting (e.g. on SIGINT) stops the notebook; the kernel is still shut down. */
  signal?: AbortSignal;
  /** Called with the executed notebook before it is written (e.g. to render HTML). */
  onWritten?: (nb: Notebook) => void;
}

export interface Failure {
  /** Index into the executed notebook's cells, or -1 when no cell is to blame (kernel start). */
  cellIndex: number;
  /** 1-based position among code cells. */
  codeCell: number;
  message: string;
  details: string;
}

export interface RunNotebookResult {
  input: string;
  output: string;
  codeCells: number;
  executed: number;
  seconds: number;
  kernelStartSeconds: number;
  status: "ok" | "failed" | "interrupted";
  failure?: Failure;
  /** What the runner changed in the notebook without failing it (e.g. outputs cut at the size limit). */
  notes?: string[];
}

/** Run after the last cell so that late timers and rejections surface before the kernel goes. */
const DRAIN_CELL = "await new Promise<void>((resolve) => setTimeout(resolve, 300));";

export async function runNotebook(options: RunNotebookOptions): Promise<RunNotebookResult> {
  const started = Date.now();
  const nb = readNotebook(options.input);
  upgradeToCellIds(nb);
  const parameters = resolveParameters(options.input, nb, options.parameters);
  injectParameters(nb, parameters, options.input);
  const spec = readKernelSpec();
  nb.metadata.kernelspec = { name: KERNEL_NAME, display_name: spec.display_name, language: spec.language };
  const codeCells = nb.cells.filter((c): c is CodeCell => c.cell_type === "code");
  for (const cell of codeCells) {
    cell.outputs = [];
    cell.execution_count = null;
  }
  const result: RunNotebookResult = {
    input: options.input,
    output: options.output,
    codeCells: codeCells.length,
    executed: 0,
    seconds: 0,
    kernelStartSeconds: 0,
    status: "ok",
  };
  const fail = (cell: CodeCell | null, message: string, details = "") => {
    result.status = "failed";
    const position = cell ? codeCells.indexOf(cell) + 1 : 0;
    result.failure = { cellIndex: cell ? nb.cells.indexOf(cell) : -1, codeCell: position, message, details };
  };

  let kernel: Kernel | null = null;
  let current: CodeCell | null = null;
  const collector = new OutputCollector();
  const aborted = new Promise<"aborted">((res) => {
    if (options.signal?.aborted) res("aborted");
    options.signal?.addEventListener("abort", () => res("aborted"), { once: true });
  });
  try {
    const starting = Kernel.start({
      cwd: dirname(resolve(options.input)),
      startTimeoutMs: options.kernelStartTimeoutS * 1000,
    });
    const start = await Promise.race([starting, aborted]).catch((err: Error) => err);
    if (start === "aborted") {
      await starting.then(
        (k) => k.shutdown(),
        () => {},
      );
      result.status = "interrupted";
      return result;
    }
    if (start instanceof Error) {
      const [first, ...rest] = start.message.split("\n");
      fail(null, `kernel did not start: ${first}`, rest.join("\n").trim());
      return result;
    }
    kernel = start;
    result.kernelStartSeconds = (Date.now() - started) / 1000;
    nb.metadata.language_info = kernel.kernelInfo.language_info ?? { name: "typescript" };

    // tslab prints late rejections to the stderr of the request that ran last: its parent is the cell to blame.
    const asyncErrors: string[] = [];
    let asyncErrorCell: CodeCell | null = null;
    const stderrByCell = new Map<CodeCell, string>();
    kernel.onIopub = (msg) => {
      collector.handle(msg);
      const cell = collector.cellOf(msg);
      if (cell && msg.header.msg_type === "stream" && msg.content.name === "stderr") {
        const text = (stderrByCell.get(cell) ?? "") + String(msg.content.text ?? "");
        stderrByCell.set(cell, text);
        if (ASYNC_ERROR.test(text) && !asyncErrors.includes(text)) {
          asyncErrors.push(text);
          asyncErrorCell ??= cell;
        }
      }
    };

    for (const [i, cell] of codeCells.entries()) {
      current = cell;
      const code = sourceText(cell);
      const t0 = Date.now();
      const label = `${options.input}: cell ${i + 1}/${codeCells.length}`;
      if (code.trim() === "") {
        options.log(`${label}  0.00 s  ok (empty)`);
        result.executed++;
        continue;
      }
      const outcome = await Promise.race([
        kernel.execute(code, options.timeoutS * 1000, (msgId) => collector.bind(msgId, cell)),
        aborted,
      ]);
      const seconds = ((Date.now() - t0) / 1000).toFixed(2);
      if (outcome === "aborted") {
        options.log(`${label}  ${seconds} s  INTERRUPTED`);
        addRunnerError(
          cell,
          "Interrupted",
          "attnlab run was interrupted during this cell; later cells did not run",
        );
        result.status = "interrupted";
        break;
      }
      if ("executionCount" in outcome) cell.execution_count = outcome.executionCount ?? null;
      result.executed++;
      const ok = outcome.status === "ok" && asyncErrors.length === 0;
      options.log(`${label}  ${seconds} s  ${ok ? "ok" : "FAILED"}`);
      if (ok) continue;
      const message = failureMessage(outcome, options.timeoutS, cell);
      if (outcome.status === "timeout") addRunnerError(cell, "Timeout", message);
      if (outcome.status === "died") addRunnerError(cell, "KernelDied", describeExit(outcome.exit));
      if (outcome.status === "ok") {
        fail(
          asyncErrorCell ?? cell,
          asyncErrorMessage(asyncErrors),
          stripAnsi(asyncErrors.join("\n")).trim(),
        );
      } else {
        const extra = outcome.status === "died" ? stripAnsi(kernel.stderrText()).trim() : "";
        fail(cell, message, [errorText(cell), extra].filter(Boolean).join("\n"));
      }
      break;
    }

    if (result.status === "ok" && codeCells.length > 0) {
      const last = codeCells.at(-1)!;
      const drain = await Promise.race([
        kernel.execute(DRAIN_CELL, 10_000, (msgId) => collector.bind(msgId, last)),
        aborted,
      ]);
      if (drain === "aborted") result.status = "interrupted";
      else if (drain.status !== "ok" || asyncErrors.length > 0) {
        const message =
          drain.status === "died"
            ? describeExit(drain.exit)
            : asyncErrors.length > 0
              ? asyncErrorMessage(asyncErrors)
              : drain.status === "timeout"
                ? "the kernel stayed busy (a timer still running?)"
                : "the kernel did not run an empty check cell";
        const details = stripAnsi([...asyncErrors, kernel.stderrText()].join("\n")).trim();
        fail(last, `${message} after the last cell`, details);
      }
    }
    if (result.status === "ok" && kernel.exitInfo) {
      fail(
        codeCells.at(-1) ?? null,
        `${describeExit(kernel.exitInfo)} after the last cell`,
        kernel.stderrText(),
      );
    }
    if (result.status === "ok" && ASYNC_ERROR.test(kernel.stderrText())) {
      fail(
        codeCells.at(-1) ?? null,
        "the kernel reported an uncaught error",
        stripAnsi(kernel.stderrText()).trim(),
      );
    }
    return result;
  } catch (err) {
    // A runner fault (not the notebook's): the partial notebook must not say ok.
    const message = `attnlab run failed: ${(err as Error).message}`;
    if (current) addRunnerError(current, "RunnerError", message);
    fail(current, message, (err as Error).stack ?? "");
    return result;
  } finally {
    await kernel?.shutdown();
    result.seconds = (Date.now() - started) / 1000;
    if (collector.notes.length > 0) {
      result.notes = [...collector.notes];
      for (const note of collector.notes) options.log(`${options.input}: note: ${note}`);
    }
    nb.metadata.attnlab_run = {
      status: result.status,
      ...(options.source !== undefined ? { source: options.source } : {}),
      parameters,
      seconds: Number(result.seconds.toFixed(2)),
      ...(result.failure ? { failure: { ...result.failure } } : {}),
      ...(result.notes ? { notes: result.notes } : {}),
    };
    writeNotebook(options.output, nb);
    options.onWritten?.(nb);
  }
}

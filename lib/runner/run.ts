// `attnlab run`: expands notebook arguments, runs each on its own kernel, reports failures and a summary table.
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { type RunNotebookResult, runNotebook } from "./execute.js";
import { notebookToHtml } from "./html.js";
import { writeFileAtomic } from "../io/writeFileAtomic.js";

export interface RunOptions {
  paths: string[];
  /** Folder for executed copies, mirroring each notebook's path relative to `cwd`. */
  outDir: string;
  inplace: boolean;
  parameters: Record<string, unknown>;
  timeoutS: number;
  kernelStartTimeoutS: number;
  html: boolean;
  cwd?: string;
  signal?: AbortSignal;
  /** Progress and failure reports (default: process.stderr). */
  log?: (line: string) => void;
  /** The summary table (default: process.stdout). */
  print?: (line: string) => void;
}

export interface RunSummary {
  results: RunNotebookResult[];
  exitCode: number;
}

const SKIP_DIRS = new Set([".ipynb_checkpoints", "node_modules"]);

function walk(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !SKIP_DIRS.has(entry.name) && !entry.name.startsWith("."))
      found.push(...walk(path));
    else if (entry.isFile() && entry.name.endsWith(".ipynb")) found.push(path);
  }
  return found;
}

/** Files as given; folders become their *.ipynb files (recursively, sorted by path, no checkpoints). */
export function expandNotebooks(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      out.push(...walk(p).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    } else out.push(p);
  }
  return out;
}

/** Where the executed copy of `input` goes; never the source itself unless `inplace`. */
export function outputPathFor(input: string, outDir: string, inplace: boolean, cwd: string): string {
  if (inplace) return input;
  const rel = relative(cwd, resolve(cwd, input));
  const mirrored = rel.startsWith("..") || isAbsolute(rel) ? basename(input) : rel;
  const out = resolve(cwd, outDir, mirrored);
  if (out === resolve(cwd, input)) {
    throw new Error(`${input}: the output would overwrite the source notebook; pass --inplace to allow that`);
  }
  return out;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

function clip(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

export function formatTable(results: RunNotebookResult[]): string {
  const rows = [
    ["notebook", "cells", "seconds", "status"],
    ...results.map((r) => [
      r.input,
      `${r.executed}/${r.codeCells}`,
      r.seconds.toFixed(1),
      r.status === "ok"
        ? "ok"
        : `${r.status.toUpperCase()}${r.failure ? `: ${clip(r.failure.message, 70)}` : ""}`,
    ]),
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      [r[0]!.padEnd(widths[0]!), r[1]!.padStart(widths[1]!), r[2]!.padStart(widths[2]!), r[3]].join("  "),
    )
    .join("\n");
}

function reportFailure(r: RunNotebookResult, log: (line: string) => void): void {
  const f = r.failure;
  if (!f) return;
  const where =
    f.cellIndex >= 0
      ? `cell ${f.codeCell}/${r.codeCells} (cells[${f.cellIndex}] of the executed notebook)`
      : "start";
  log(`\nFAILED ${r.input} at ${where}: ${f.message}`);
  if (f.details) log(indent(f.details));
  if (existsSync(r.output)) log(`partial output: ${r.output}\n`);
}

export async function runNotebooks(options: RunOptions): Promise<RunSummary> {
  const cwd = options.cwd ?? process.cwd();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const inputs = expandNotebooks(options.paths.map((p) => resolve(cwd, p))).map((p) => relative(cwd, p) || p);
  if (inputs.length === 0) throw new Error("no notebooks found");
  const targets = inputs.map((input) => ({
    input,
    output: outputPathFor(input, options.outDir, options.inplace, cwd),
  }));
  const results: RunNotebookResult[] = [];
  for (const { input, output } of targets) {
    if (options.signal?.aborted) break;
    const html = `${output.replace(/\.ipynb$/, "")}.html`;
    let result: RunNotebookResult;
    try {
      result = await runNotebook({
        input: resolve(cwd, input),
        output,
        parameters: options.parameters,
        timeoutS: options.timeoutS,
        kernelStartTimeoutS: options.kernelStartTimeoutS,
        log: (line) => log(line.replace(resolve(cwd, input), input)),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.html
          ? { onWritten: (nb) => writeFileAtomic(html, notebookToHtml(nb, basename(input))) }
          : {}),
      });
      result.input = input;
    } catch (err) {
      const message = (err as Error).message;
      result = {
        input,
        output,
        codeCells: 0,
        executed: 0,
        seconds: 0,
        kernelStartSeconds: 0,
        status: "failed",
      };
      result.failure = { cellIndex: -1, codeCell: 0, message, details: "" };
    }
    results.push(result);
    reportFailure(result, log);
  }
  print("");
  print(formatTable(results));
  const interrupted = results.some((r) => r.status === "interrupted") || options.signal?.aborted;
  const allOk = results.length === targets.length && results.every((r) => r.status === "ok");
  return { results, exitCode: interrupted ? 130 : allOk ? 0 : 1 };
}

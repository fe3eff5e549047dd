// `attnlab run`: plans every notebook's outputs and parameters, runs each on its own kernel, reports failures and a
// summary table.
import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { checkOptions, opt } from "../check/options.js";
import { writeFileAtomic } from "../io/writeFileAtomic.js";
import { type RunNotebookResult, runNotebook } from "./execute.js";
import { notebookToHtml, type PageNav, pageHref } from "./html.js";
import { readNotebook } from "./notebook.js";
import { assetsHref, planPageAssets, writePageAssets } from "./pageAssets.js";
import { resolveParameters } from "./parameters.js";
import { planSiteIndex, type SitePage, writeSiteIndex } from "./siteIndex.js";
import { planTargets, type Target } from "./targets.js";

export { expandNotebooks, outputPathFor } from "./targets.js";

/** Limits on the runner's numbers: a cell may run up to 24 h (0 = no limit), a kernel may take up to 1 h to start. */
export const RUN_RULES = {
  timeoutS: opt.number({ min: 0, max: 86_400, required: true }),
  kernelStartTimeoutS: opt.number({ above: 0, max: 3_600, required: true }),
} as const;

/** Notebooks run at once, each on its own kernel: an integer in [1, 16]. */
export const JOBS_RULE = opt.integer({ min: 1, max: 16 });

const RUN_SPEC = {
  paths: opt.any({ required: true }),
  outDir: opt.string({ nonEmpty: true, required: true }),
  inplace: opt.boolean({ required: true }),
  parameters: opt.any({ required: true }),
  ...RUN_RULES,
  jobs: JOBS_RULE,
  html: opt.boolean({ required: true }),
  cwd: opt.string({ nonEmpty: true }),
  signal: opt.any(),
  log: opt.function(),
  print: opt.function(),
};

export interface RunOptions {
  paths: string[];
  /** Folder for executed copies, mirroring each notebook's path relative to `cwd`. */
  outDir: string;
  inplace: boolean;
  parameters: Record<string, unknown>;
  timeoutS: number;
  kernelStartTimeoutS: number;
  html: boolean;
  /** How many notebooks run at once, each on its own kernel (default 1: one after another, in order). */
  jobs?: number;
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

/** Each target's parameters, checked against its `parameters` cell (an unreadable notebook fails when it runs). */
function planParameters(targets: Target[], parameters: Record<string, unknown>): Record<string, unknown>[] {
  return targets.map((t) => {
    let nb: ReturnType<typeof readNotebook>;
    try {
      nb = readNotebook(t.real);
    } catch {
      return parameters;
    }
    return resolveParameters(`attnlab run: ${t.input}`, nb, parameters);
  });
}

/** The links of target `i`'s page: the entry page, and the pages of the targets before and after it. */
function navOf(targets: Target[], i: number, index: string): PageNav {
  const from = targets[i]!.html!;
  const link = (t: Target | undefined) =>
    t === undefined ? undefined : { href: pageHref(from, t.html!), title: basename(t.input, ".ipynb") };
  const prev = link(targets[i - 1]);
  const next = link(targets[i + 1]);
  return { index: pageHref(from, index), ...(prev ? { prev } : {}), ...(next ? { next } : {}) };
}

/**
 * Runs every notebook in `options.paths`, one kernel each, and prints the summary table. Options, outputs
 * (see `planTargets`) and parameters are all checked before the first kernel starts.
 */
export async function runNotebooks(options: RunOptions): Promise<RunSummary> {
  checkOptions("attnlab run", options, RUN_SPEC);
  const cwd = options.cwd ?? process.cwd();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const targets = planTargets(options.paths, { ...options, cwd });
  const parameters = planParameters(targets, options.parameters);
  // The pages' stylesheet and fonts, in the output folder (a page written in place carries them inline).
  // With an output folder, the folder's entry page too, and each page's links to its neighbours.
  const site = options.html && !options.inplace && targets.length > 0;
  const assets = site ? planPageAssets(resolve(cwd, options.outDir)) : undefined;
  const index = site ? planSiteIndex(resolve(cwd, options.outDir)) : undefined;
  if (assets !== undefined) writePageAssets(assets);
  // Up to `jobs` workers take the next notebook in order; results keep the notebooks' order. After an
  // interrupt no worker starts another notebook, and the ones running stop through the signal.
  const slots: (RunNotebookResult | undefined)[] = new Array(targets.length).fill(undefined);
  let next = 0;
  const worker = async () => {
    while (next < targets.length && !options.signal?.aborted) {
      const i = next++;
      const look = { assets, nav: index !== undefined ? navOf(targets, i, index) : undefined };
      const result = await runTarget(targets[i]!, parameters[i]!, options, log, look);
      slots[i] = result;
      reportFailure(result, log);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs ?? 1, targets.length) }, worker));
  const results = slots.filter((r): r is RunNotebookResult => r !== undefined);
  if (index !== undefined && assets !== undefined) {
    const pages: SitePage[] = targets.map((t, i) => ({
      input: t.input,
      real: t.real,
      html: t.html!,
      ...(slots[i] !== undefined ? { result: slots[i] } : {}),
    }));
    writeSiteIndex(index, pages, assets);
  }
  print("");
  print(formatTable(results));
  const interrupted = results.some((r) => r.status === "interrupted") || options.signal?.aborted;
  const allOk = results.length === targets.length && results.every((r) => r.status === "ok");
  return { results, exitCode: interrupted ? 130 : allOk ? 0 : 1 };
}

async function runTarget(
  target: Target,
  parameters: Record<string, unknown>,
  options: RunOptions,
  log: (line: string) => void,
  look: { assets: string | undefined; nav: PageNav | undefined },
): Promise<RunNotebookResult> {
  const { input, real, output, html, source } = target;
  const page = (nb: Parameters<typeof notebookToHtml>[0], path: string) =>
    notebookToHtml(nb, basename(input), {
      source,
      ...(look.assets !== undefined ? { assets: assetsHref(path, look.assets) } : {}),
      ...(look.nav !== undefined ? { nav: look.nav } : {}),
    });
  try {
    const result = await runNotebook({
      input: real,
      output,
      source,
      parameters,
      timeoutS: options.timeoutS,
      kernelStartTimeoutS: options.kernelStartTimeoutS,
      log: (line) => log(line.replace(real, input)),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(html ? { onWritten: (nb) => writeFileAtomic(html, page(nb, html)) } : {}),
    });
    result.input = input;
    return result;
  } catch (err) {
    const message = (err as Error).message;
    return {
      input,
      output,
      codeCells: 0,
      executed: 0,
      seconds: 0,
      kernelStartSeconds: 0,
      status: "failed",
      failure: { cellIndex: -1, codeCell: 0, message, details: "" },
    };
  }
}

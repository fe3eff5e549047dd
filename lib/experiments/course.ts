/**
 * `attnlab experiments`: run every case notebook (full mode by default) through the headless runner, then read
 * the records those runs wrote and print one row per target: case, target, achieved, pass/fail, seconds, record.
 */
import { relative, resolve } from "node:path";
import { packageRoot } from "../io/packageRoot.js";
import type { ExperimentRecord } from "../records/record.js";
import { listRecords, readRecord, recordsDir } from "../records/store.js";
import { runNotebooks } from "../runner/run.js";
import type { AnyExperiment } from "./experiment.js";

/** Options of {@link runCourseExperiments}. */
export interface CourseOptions {
  experiments: readonly AnyExperiment[];
  quick: boolean;
  outDir: string;
  timeoutS: number;
  print?: (line: string) => void;
  log?: (line: string) => void;
}

/** One row of the table. */
export interface CourseRow {
  experiment: string;
  target: string;
  achieved: string;
  pass: boolean;
  seconds: number;
  record: string;
}

/** Runs the notebooks, prints the table, and returns its rows and an exit code (1 if anything failed). */
export async function runCourseExperiments(
  options: CourseOptions,
): Promise<{ rows: CourseRow[]; exitCode: number }> {
  const root = packageRoot();
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dir = recordsDir(root);
  const rows: CourseRow[] = [];
  let failed = false;
  const notebooks = [...new Set(options.experiments.map((e) => e.notebook))];
  for (const notebook of notebooks) {
    const startedAt = new Date().toISOString();
    const summary = await runNotebooks({
      paths: [resolve(root, notebook)],
      outDir: options.outDir,
      inplace: false,
      parameters: { quick: options.quick },
      timeoutS: options.timeoutS,
      kernelStartTimeoutS: 120,
      html: true,
      cwd: root,
      log: options.log,
      print: () => {},
    });
    const seconds = summary.results[0]?.seconds ?? 0;
    if (summary.exitCode !== 0) failed = true;
    for (const experiment of options.experiments.filter((e) => e.notebook === notebook)) {
      const record = newestSince(experiment.name, dir, startedAt, options.quick);
      if (!record) {
        failed = true;
        rows.push({
          experiment: experiment.name,
          target: "(no record written)",
          achieved: "—",
          pass: false,
          seconds,
          record: "—",
        });
        continue;
      }
      for (const t of record.record.targets) {
        if (!t.pass && !options.quick) failed = true;
        rows.push({
          experiment: experiment.name,
          target: `${t.metric} ${t.op} ${t.value}`,
          achieved: t.achieved === null ? "missing" : String(Number(t.achieved.toFixed(4))),
          pass: t.pass,
          seconds,
          record: relative(root, record.path),
        });
      }
    }
  }
  print(formatCourseTable(rows, options.quick));
  return { rows, exitCode: failed ? 1 : 0 };
}

function newestSince(
  name: string,
  dir: string,
  since: string,
  quick: boolean,
): { path: string; record: ExperimentRecord } | undefined {
  for (const path of listRecords(name, dir).reverse()) {
    const record = readRecord(path);
    if (record.createdAt >= since && record.quick === quick) return { path, record };
  }
  return undefined;
}

/** The table as GitHub markdown. */
export function formatCourseTable(rows: readonly CourseRow[], quick: boolean): string {
  const head = "| case | target | achieved | pass | seconds | record |\n|---|---|---|---|---|---|";
  const body = rows.map(
    (r) =>
      `| ${r.experiment} | ${r.target} | ${r.achieved} | ${r.pass ? "pass" : quick ? "not met (quick)" : "FAIL"} | ${r.seconds.toFixed(1)} | ${r.record} |`,
  );
  const passed = rows.filter((r) => r.pass).length;
  return `${head}\n${body.join("\n")}\n\n${passed} of ${rows.length} targets met${quick ? " (quick mode: targets are not required)" : ""}`;
}

/**
 * `attnlab records verify FILE`: re-run a record's experiment from its config and compare every recorded
 * number — exactly on the same backend, within a tolerance on another — and the dataset hash.
 */
import { initBackend } from "../tfjs/initBackend.js";
import type { ExperimentRecord } from "../records/record.js";
import { readRecord } from "../records/store.js";
import { versions } from "./environment.js";
import type { Experiment } from "./experiment.js";
import type { AnyExperiment } from "./registry.js";
import { runExperiment } from "./run.js";

/** One compared number. */
export interface VerifyRow {
  path: string;
  recorded: number | string;
  rerun: number | string | undefined;
  match: boolean;
}

/** The outcome: every row and whether all matched. */
export interface VerifyReport {
  record: ExperimentRecord;
  rows: VerifyRow[];
  match: boolean;
  /** "exact" on the recorded backend, else the relative tolerance used. */
  comparison: "exact" | number;
  seconds: number;
}

/** Options of {@link verifyRecord}. */
export interface VerifyOptions {
  /** Relative tolerance when the backend differs from the recorded one. Default 1e-3. */
  tolerance?: number;
}

/** Re-runs the record at `path` with `experiments` (the registry) and compares. */
export async function verifyRecord(
  path: string,
  experiments: readonly AnyExperiment[],
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const record = readRecord(path);
  const installed = versions().attnlab;
  if (record.versions.attnlab !== installed) {
    throw new Error(
      `${path}: recorded with attnlab ${record.versions.attnlab}, but attnlab ${installed} is installed; re-run the experiment with this version to get a record it can verify`,
    );
  }
  const experiment = experiments.find((e) => e.name === record.experiment) as Experiment | undefined;
  if (!experiment) {
    throw new Error(
      `${path}: unknown experiment "${record.experiment}" (known: ${experiments.map((e) => e.name).join(", ")})`,
    );
  }
  const backend = await initBackend();
  const comparison = backend.label === record.backend ? "exact" : (options.tolerance ?? 1e-3);
  const { seed: _seed, ...rest } = record.config;
  const run = await runExperiment(experiment, {
    quick: false,
    config: { ...rest, seed: record.seed } as never,
    record: false,
    progress: "none",
    log: false,
  });
  const same = (a: number, b: number | undefined) =>
    b !== undefined &&
    (comparison === "exact" ? Object.is(a, b) : Math.abs(a - b) <= comparison * Math.max(1, Math.abs(a)));
  const rows: VerifyRow[] = [
    {
      path: "dataset.hash",
      recorded: record.dataset.hash,
      rerun: run.dataset.hash,
      match: record.dataset.hash === run.dataset.hash,
    },
  ];
  record.epochs.forEach((e, i) => {
    const r = run.history[i];
    rows.push({
      path: `epochs[${e.epoch}].loss`,
      recorded: e.loss,
      rerun: r?.loss,
      match: same(e.loss, r?.loss),
    });
    for (const [k, v] of Object.entries(e.metrics)) {
      rows.push({
        path: `epochs[${e.epoch}].${k}`,
        recorded: v,
        rerun: r?.metrics[k],
        match: same(v, r?.metrics[k]),
      });
    }
  });
  if (run.history.length !== record.epochs.length) {
    rows.push({
      path: "epochs.length",
      recorded: record.epochs.length,
      rerun: run.history.length,
      match: false,
    });
  }
  for (const [k, v] of Object.entries(record.metrics)) {
    rows.push({ path: `metrics.${k}`, recorded: v, rerun: run.metrics[k], match: same(v, run.metrics[k]) });
  }
  return { record, rows, match: rows.every((r) => r.match), comparison, seconds: run.seconds };
}

/** The report as text: mismatches (or the final metrics when all match) and a verdict line. */
export function formatVerifyReport(report: VerifyReport, path: string): string {
  const shown = report.match
    ? report.rows.filter((r) => r.path.startsWith("metrics.") || r.path === "dataset.hash")
    : report.rows.filter((r) => !r.match);
  const fmt = (v: unknown) => (v === undefined ? "missing" : String(v));
  const lines = shown.map(
    (r) => `${r.match ? "✓" : "✗"} ${r.path}: recorded ${fmt(r.recorded)}, re-run ${fmt(r.rerun)}`,
  );
  const how =
    report.comparison === "exact"
      ? `exactly (same backend, ${report.record.backend})`
      : `within relative ${report.comparison} (recorded on ${report.record.backend})`;
  const verdict = report.match
    ? `match: ${report.rows.length} numbers reproduced ${how} in ${report.seconds.toFixed(1)} s`
    : `MISMATCH: ${report.rows.filter((r) => !r.match).length} of ${report.rows.length} numbers differ (compared ${how})`;
  return `${path}\n${lines.join("\n")}\n${verdict}\n`;
}

/**
 * `attnlab records verify FILE`: re-run a record's experiment from its config and compare the record with the
 * record the re-run would write — quick flag, config, dataset, every epoch, every metric and every target
 * (achieved and pass re-derived) — exactly on the same backend, within a tolerance on another. The checksum only
 * catches accidents (anyone can recompute it); the re-run is what earns trust.
 */
import { checkOptions, opt } from "../check/options.js";
import type { ExperimentRecord } from "../records/record.js";
import { readRecord } from "../records/store.js";
import { initBackend } from "../tfjs/initBackend.js";
import { type Comparison, compareRecords, type VerifyRow } from "./compareRecords.js";
import { checkExperimentConfig } from "./configSpec.js";
import { versions } from "./environment.js";
import type { AnyExperiment, Experiment } from "./experiment.js";
import { runExperiment } from "./run.js";

export type { VerifyRow } from "./compareRecords.js";

/** The outcome: every row and whether all matched. */
export interface VerifyReport {
  record: ExperimentRecord;
  rows: VerifyRow[];
  match: boolean;
  /** "exact" on the recorded backend, else the relative tolerance used. */
  comparison: Comparison;
  seconds: number;
}

/** Options of {@link verifyRecord}. */
export interface VerifyOptions {
  /** Relative tolerance when the backend differs from the recorded one. Default 1e-3. */
  tolerance?: number;
}

/** The rules of {@link VerifyOptions}. */
export const VERIFY_OPTIONS = { tolerance: opt.number({ min: 0, max: 1 }) };

/** Re-runs the record at `path` with `experiments` (the registry) and compares. */
export async function verifyRecord(
  path: string,
  experiments: readonly AnyExperiment[],
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  checkOptions("verifyRecord", options, VERIFY_OPTIONS);
  const record = readRecord(path);
  const experiment = recordedExperiment(path, record, experiments);
  const backend = await initBackend();
  const comparison = backend.label === record.backend ? "exact" : (options.tolerance ?? 1e-3);
  const run = await runExperiment(experiment, {
    quick: false,
    config: record.config as never,
    record: false,
    progress: "none",
    log: false,
  });
  const rows = compareRecords(record, run.record, comparison);
  return { record, rows, match: rows.every((r) => r.match), comparison, seconds: run.seconds };
}

/** The registered experiment a record names, once its version and config are known to be re-runnable here. */
function recordedExperiment(
  path: string,
  record: ExperimentRecord,
  experiments: readonly AnyExperiment[],
): Experiment {
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
  checkExperimentConfig(`${path} (experiment ${experiment.name})`, experiment, record.config);
  return experiment;
}

/** The report as text: mismatches (or the final metrics and targets when all match) and a verdict line. */
export function formatVerifyReport(report: VerifyReport, path: string): string {
  const shown = report.match
    ? report.rows.filter((r) => /^(metrics\.|targets\[|dataset\.hash$|quick$)/.test(r.path))
    : report.rows.filter((r) => !r.match);
  const fmt = (v: unknown) => (v === undefined ? "missing" : typeof v === "string" ? v : JSON.stringify(v));
  const lines = shown.map(
    (r) => `${r.match ? "✓" : "✗"} ${r.path}: recorded ${fmt(r.recorded)}, re-run ${fmt(r.rerun)}`,
  );
  const how =
    report.comparison === "exact"
      ? `exactly (same backend, ${report.record.backend})`
      : `within relative ${report.comparison} (recorded on ${report.record.backend})`;
  const verdict = report.match
    ? `match: ${report.rows.length} values reproduced ${how} in ${report.seconds.toFixed(1)} s`
    : `MISMATCH: ${report.rows.filter((r) => !r.match).length} of ${report.rows.length} values differ (compared ${how})`;
  return `${path}\n${lines.join("\n")}\n${verdict}\n`;
}

/**
 * Running an experiment: check and merge the config (defaults ← quick overrides ← caller's), start the backend,
 * train, check the targets, and create the record exclusively. The notebook and `records verify` both come
 * through here.
 */
import { checkOptions, checkValue, opt } from "../check/options.js";
import {
  type ExperimentRecord,
  meets,
  sealRecord,
  type Target,
  type TargetResult,
} from "../records/record.js";
import { recordsDir, writeRecord } from "../records/store.js";
import { initBackend } from "../tfjs/initBackend.js";
import { throwIfInterrupted } from "../train/interrupt.js";
import type { ProgressMode } from "../train/progress.js";
import { checkExperimentConfig, isFullConfig } from "./configSpec.js";
import { gitState, versions } from "./environment.js";
import type { Experiment, ExperimentConfig, ExperimentOutput } from "./experiment.js";

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions<C> {
  /**
   * Quick mode (CI): start from the experiment's small config. Default false. The record's `quick` flag says
   * whether the config actually used differs from the full-mode defaults (seed aside); only a full-mode run's
   * targets are claims.
   */
  quick?: boolean;
  /** Config overrides on top of defaults and quick. */
  config?: Partial<C>;
  /** Write a record (default true) — into this folder when a string, else `recordsDir()`. */
  record?: boolean | string;
  /** Default "auto". */
  progress?: ProgressMode;
  /** Print the one-line summary (default true). */
  log?: boolean;
}

/** A finished run: the output, the config it used, target results, the record and where it was written. */
export interface ExperimentRun<C, A> extends ExperimentOutput<A> {
  config: C;
  targets: TargetResult[];
  /** Every target met. */
  passed: boolean;
  record: ExperimentRecord;
  recordPath: string | undefined;
  seconds: number;
}

/**
 * The config a run uses: `defaults`, then the quick overrides (if quick), then `overrides`. An override key that
 * is not in `defaults`, or a value not of its default's kind, is an error starting with `where` (which names the
 * experiment) that names the key and lists the settings.
 */
export function experimentConfig<C extends ExperimentConfig>(
  experiment: Experiment<C, unknown>,
  quick: boolean,
  overrides: Partial<C> = {},
  where = `experimentConfig(${experiment.name})`,
): C {
  checkValue(where, "quick", quick, opt.boolean({ required: true }));
  checkExperimentConfig(where, experiment, overrides);
  return { ...experiment.defaults, ...(quick ? experiment.quick : {}), ...overrides };
}

/** The keys of {@link RunExperimentOptions} and their rules (record and progress are checked by hand). */
const RUN_OPTIONS = {
  quick: opt.boolean(),
  config: opt.any(),
  record: opt.any(),
  progress: opt.any(),
  log: opt.boolean(),
};

const PROGRESS_MODES = ["auto", "terminal", "notebook", "none"];

function checkRunOptions(where: string, options: RunExperimentOptions<unknown>): void {
  checkOptions(where, options, RUN_OPTIONS);
  const { record, progress } = options;
  if (typeof record !== "boolean" && record !== undefined) {
    checkValue(where, "options.record", record, opt.string({ nonEmpty: true }));
  }
  if (
    typeof progress === "string" ||
    progress === null ||
    (progress !== undefined && typeof progress !== "object")
  ) {
    checkValue(where, "options.progress", progress, opt.oneOf(PROGRESS_MODES));
  }
}

/** Runs `experiment` and writes its record; resolves to the run (models in `artifacts` are the caller's). */
export async function runExperiment<C extends ExperimentConfig, A>(
  experiment: Experiment<C, A>,
  options: RunExperimentOptions<C> = {},
): Promise<ExperimentRun<C, A>> {
  const where = `runExperiment(${experiment.name})`;
  checkRunOptions(where, options);
  const config = experimentConfig(experiment, options.quick ?? false, options.config, where);
  // Recorded as quick unless it is the full-mode config: a re-run re-derives the flag from the config alone.
  const quick = !isFullConfig(experiment, config);
  const backend = await initBackend();
  const started = performance.now();
  const output = await experiment.run(config, { progress: options.progress ?? "auto", quick });
  throwIfInterrupted(); // an interrupted run (Kernel → Interrupt) writes no record
  const seconds = (performance.now() - started) / 1000;
  const targets = targetResults(experiment.targets, output.metrics);
  const record = sealRecord({
    format: "attnlab.experiment-record",
    version: 1,
    experiment: experiment.name,
    title: experiment.title,
    createdAt: new Date().toISOString(),
    git: gitState(),
    versions: versions(),
    backend: backend.label,
    seed: config.seed,
    quick,
    config: config as Record<string, unknown>,
    dataset: output.dataset,
    epochs: output.history,
    metrics: output.metrics,
    targets,
    wallSeconds: Number(seconds.toFixed(3)),
  });
  const recordPath =
    options.record === false
      ? undefined
      : writeRecord(record, typeof options.record === "string" ? options.record : recordsDir());
  const run = {
    ...output,
    config,
    targets,
    passed: targets.every((t) => t.pass),
    record,
    recordPath,
    seconds,
  };
  if (options.log ?? true) console.log(summaryLine(run, experiment.name));
  return run;
}

/** Each target with what `metrics` achieved (null when missing) and whether it passes. */
export function targetResults(targets: readonly Target[], metrics: Record<string, number>): TargetResult[] {
  return targets.map((t) => ({
    ...t,
    achieved: metrics[t.metric] ?? null,
    pass: meets(t, metrics[t.metric]),
  }));
}

/**
 * `enfr · exact 1.0000 ≥ 0.98 ✓ · 23.4 s · records/enfr/…json` — one line per run.
 */
export function summaryLine(
  run: Pick<ExperimentRun<unknown, unknown>, "targets" | "seconds" | "recordPath" | "record">,
  name: string,
): string {
  const targets = run.targets.map(
    (t) =>
      `${t.metric} ${t.achieved === null ? "missing" : t.achieved.toFixed(4)} ${t.op} ${t.value} ${t.pass ? "✓" : "✗"}`,
  );
  const mode = run.record.quick ? " (quick: not the full-mode config, targets not required)" : "";
  return `${name} · ${targets.join(" · ")} · ${run.seconds.toFixed(1)} s${mode}${run.recordPath ? ` · record ${run.recordPath}` : ""}`;
}

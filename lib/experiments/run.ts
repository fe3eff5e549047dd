/**
 * Running an experiment: merge the config (defaults ← quick overrides ← caller's), start the backend, train,
 * check the targets, and write the record atomically. The notebook and `records verify` both come through here.
 */
import { initBackend } from "../tfjs/initBackend.js";
import type { ProgressMode } from "../train/progress.js";
import { type ExperimentRecord, meets, sealRecord, type TargetResult } from "../records/record.js";
import { recordsDir, writeRecord } from "../records/store.js";
import { gitState, versions } from "./environment.js";
import type { Experiment, ExperimentConfig, ExperimentOutput } from "./experiment.js";

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions<C> {
  /** Quick mode (CI): the experiment's small config; targets are reported but not required. Default false. */
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

/** The config a run uses: `defaults`, then the quick overrides (if quick), then `overrides`. */
export function experimentConfig<C extends ExperimentConfig>(
  experiment: Experiment<C, unknown>,
  quick: boolean,
  overrides: Partial<C> = {},
): C {
  for (const key of Object.keys(overrides)) {
    if (!(key in experiment.defaults)) {
      throw new RangeError(
        `${experiment.name}: config.${key} is not a setting of this experiment (settings: ${Object.keys(experiment.defaults).join(", ")})`,
      );
    }
  }
  return { ...experiment.defaults, ...(quick ? experiment.quick : {}), ...overrides };
}

/** Runs `experiment` and writes its record; resolves to the run (models in `artifacts` are the caller's). */
export async function runExperiment<C extends ExperimentConfig, A>(
  experiment: Experiment<C, A>,
  options: RunExperimentOptions<C> = {},
): Promise<ExperimentRun<C, A>> {
  const quick = options.quick ?? false;
  const config = experimentConfig(experiment, quick, options.config);
  const backend = await initBackend();
  const started = performance.now();
  const output = await experiment.run(config, { progress: options.progress ?? "auto", quick });
  const seconds = (performance.now() - started) / 1000;
  const targets = experiment.targets.map((t) => ({
    ...t,
    achieved: output.metrics[t.metric] ?? null,
    pass: meets(t, output.metrics[t.metric]),
  }));
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
  const mode = run.record.quick ? " (quick mode: targets not required)" : "";
  return `${name} · ${targets.join(" · ")} · ${run.seconds.toFixed(1)} s${mode}${run.recordPath ? ` · record ${run.recordPath}` : ""}`;
}

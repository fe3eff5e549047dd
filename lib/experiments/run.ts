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

/**
 * A run in progress: the checked config every step must use, the recorded quick flag, the backend and the start
 * time. A notebook that trains in view starts one, builds, trains and evaluates in its own cells from
 * `session.config`, then hands the outcome to {@link finishExperiment} — the same record `runExperiment` writes,
 * so `records verify` can re-run it through `experiment.run`.
 */
export interface ExperimentSession<C extends ExperimentConfig, A> {
  experiment: Experiment<C, A>;
  /** defaults ← quick overrides ← the caller's overrides. */
  config: C;
  /** What the record will say: not the full-mode config (seed aside). */
  quick: boolean;
  /** The backend's label as recorded (e.g. "wasm (SIMD)"). */
  backend: string;
  progress: ProgressMode;
  /** `performance.now()` when the session started. */
  started: number;
  /** True once finished: a session writes one record. */
  finished: boolean;
  options: RunExperimentOptions<C>;
}

/** Checks the options, merges the config and starts the backend: the first half of {@link runExperiment}. */
export function startExperiment<C extends ExperimentConfig, A>(
  experiment: Experiment<C, A>,
  options: RunExperimentOptions<C> = {},
): Promise<ExperimentSession<C, A>> {
  return start(experiment, options, `startExperiment(${experiment.name})`);
}

async function start<C extends ExperimentConfig, A>(
  experiment: Experiment<C, A>,
  options: RunExperimentOptions<C>,
  where: string,
): Promise<ExperimentSession<C, A>> {
  checkRunOptions(where, options);
  const config = experimentConfig(experiment, options.quick ?? false, options.config, where);
  // Recorded as quick unless it is the full-mode config: a re-run re-derives the flag from the config alone.
  const quick = !isFullConfig(experiment, config);
  const backend = await initBackend();
  return {
    experiment,
    config,
    quick,
    backend: backend.label,
    progress: options.progress ?? "auto",
    started: performance.now(),
    finished: false,
    options,
  };
}

/**
 * Checks the targets against `output.metrics`, seals the record and creates it exclusively (unless
 * `record: false`), and prints the summary line: the second half of {@link runExperiment}.
 */
export function finishExperiment<C extends ExperimentConfig, A>(
  session: ExperimentSession<C, A>,
  output: SessionOutput<A>,
): ExperimentRun<C, A | undefined> {
  const { experiment, config, options } = session;
  const where = `finishExperiment(${experiment.name})`;
  if (session.finished) {
    throw new Error(`${where}: this session already wrote its record; start a new one to record another run`);
  }
  checkOptions(`${where}: output`, output as object, OUTPUT_SPEC);
  throwIfInterrupted(); // an interrupted run (Kernel → Interrupt) writes no record
  session.finished = true;
  const seconds = (performance.now() - session.started) / 1000;
  const targets = targetResults(experiment.targets, output.metrics);
  const record = sealRecord({
    format: "attnlab.experiment-record",
    version: 1,
    experiment: experiment.name,
    title: experiment.title,
    createdAt: new Date().toISOString(),
    git: gitState(),
    versions: versions(),
    backend: session.backend,
    seed: config.seed,
    quick: session.quick,
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
  const run: ExperimentRun<C, A | undefined> = {
    ...output,
    artifacts: output.artifacts,
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

/** What a notebook hands to {@link finishExperiment}: an experiment's output, artifacts optional (it holds its own). */
export type SessionOutput<A> = Omit<ExperimentOutput<A>, "artifacts"> & { artifacts?: A };

/** The keys of an {@link ExperimentOutput} (artifacts optional for a notebook, which holds its own). */
const OUTPUT_SPEC = {
  dataset: opt.object(
    { name: opt.string({ required: true }), hash: opt.string({ required: true }), sizes: opt.any() },
    { required: true },
  ),
  history: opt.any({ required: true }),
  metrics: opt.any({ required: true }),
  artifacts: opt.any(),
};

/** Runs `experiment` and writes its record; resolves to the run (models in `artifacts` are the caller's). */
export async function runExperiment<C extends ExperimentConfig, A>(
  experiment: Experiment<C, A>,
  options: RunExperimentOptions<C> = {},
): Promise<ExperimentRun<C, A>> {
  const session = await start(experiment, options, `runExperiment(${experiment.name})`);
  const output = await experiment.run(session.config, {
    progress: session.progress,
    quick: session.quick,
  });
  return finishExperiment(session, output) as ExperimentRun<C, A>; // run's output carries its artifacts
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

/**
 * What a case study is to the kit: a named experiment with a full-mode config, quick-mode overrides (CI), the
 * targets it must reach, the notebook that presents it, and a `run` that trains and evaluates from the config
 * alone — so a record can be re-run from its config (`attnlab records verify`).
 */
import type { OptionRule } from "../check/options.js";
import { hashValue, type RecordedEpoch, type Target } from "../records/record.js";
import type { ProgressMode } from "../train/progress.js";
import { checkExperimentConfig } from "./configSpec.js";

/** Every config carries its seed (data, weights and shuffling all derive from it). */
export interface ExperimentConfig {
  seed: number;
  [key: string]: unknown;
}

/** The data an experiment trained on: a name, the sha256 of the generated data, and split sizes. */
export interface DatasetInfo {
  name: string;
  hash: string;
  sizes: Record<string, number>;
}

/**
 * The descriptor of `splits` (e.g. `{ train, test }`), whose sizes `sizeOf` reads (default: an array's length):
 * every case's `data.ts` builds its descriptor this one way, so a re-run detects different data by the hash.
 * @example datasetInfo("toy", { train: [1, 2, 3], test: [4] }).sizes; // { train: 3, test: 1 }
 */
export function datasetInfo<S>(
  name: string,
  splits: Readonly<Record<string, S>>,
  sizeOf?: (split: S) => number,
): DatasetInfo {
  const sizes: Record<string, number> = {};
  for (const [key, split] of Object.entries(splits)) {
    if (sizeOf) sizes[key] = sizeOf(split);
    else if (Array.isArray(split)) sizes[key] = split.length;
    else throw new TypeError(`datasetInfo(${name}): split "${key}" is not an array, so it needs sizeOf`);
  }
  // The hash is computed when first read (a record reads it), not here: the browser lab draws the same data
  // and has no node:crypto.
  let hash: string | undefined;
  const info = { name, sizes } as DatasetInfo;
  Object.defineProperty(info, "hash", {
    enumerable: true,
    get: () => {
      hash ??= hashValue(splits);
      return hash;
    },
  });
  return info;
}

/** What `run` is given besides the config. */
export interface ExperimentContext {
  /** Progress display for `fit` (a notebook display, a terminal bar, or none when re-running a record). */
  progress: ProgressMode;
  quick: boolean;
}

/** What `run` returns: data identity, per-epoch history, final metrics, and anything else for the notebook. */
export interface ExperimentOutput<A> {
  dataset: DatasetInfo;
  /** The main training run's epochs (an experiment that trains several models records its main one). */
  history: RecordedEpoch[];
  /** Final metrics; names with dots group sub-runs, e.g. `gru.exact`. */
  metrics: Record<string, number>;
  /** Trained models, attention maps, examples… for the notebook; not recorded. The caller disposes models. */
  artifacts: A;
}

/** A case study. */
export interface Experiment<C extends ExperimentConfig = ExperimentConfig, A = unknown> {
  /** Record folder name: lower-case letters, digits and dashes. */
  name: string;
  title: string;
  /** The notebook that presents it, relative to the project root. */
  notebook: string;
  /** Full-mode config (reaches the targets). */
  defaults: C;
  /** Overrides for quick mode (CI): small data and few epochs; targets are reported, not required. */
  quick: Partial<C>;
  /**
   * Rules for settings whose allowed values the defaults cannot tell (a range; a real number whose default
   * happens to be whole). Every other key gets the kind of its default value (`configSpec.ts`).
   */
  configRules?: { readonly [K in keyof C]?: OptionRule };
  targets: Target[];
  run(config: C, context: ExperimentContext): Promise<ExperimentOutput<A>>;
}

/** Checks an experiment's definition once, at registration: a clear error instead of a broken record later. */
export function defineExperiment<C extends ExperimentConfig, A>(
  experiment: Experiment<C, A>,
): Experiment<C, A> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(experiment.name)) {
    throw new RangeError(
      `defineExperiment: name "${experiment.name}" must be lower-case letters, digits and dashes`,
    );
  }
  if (!Number.isInteger(experiment.defaults.seed)) {
    throw new RangeError(`defineExperiment(${experiment.name}): defaults.seed must be an integer`);
  }
  const where = `defineExperiment(${experiment.name})`;
  for (const key of Object.keys(experiment.configRules ?? {})) {
    if (!(key in experiment.defaults)) {
      throw new RangeError(`${where}: configRules.${key} is not a key of defaults`);
    }
  }
  checkExperimentConfig(where, experiment, experiment.defaults, "defaults");
  checkExperimentConfig(where, experiment, experiment.quick, "quick");
  if (experiment.targets.length === 0)
    throw new RangeError(`defineExperiment(${experiment.name}): no targets`);
  return experiment;
}

/** An experiment of any config (what a list of experiments, such as the case registry, holds). */
export type AnyExperiment = Experiment<ExperimentConfig, unknown>;

/**
 * Checks a whole config of `experiment` the way `defineExperiment` checks its defaults (every key known, each
 * value of its default's kind); returns it, or throws naming `where`, the key and what is allowed. For a case's
 * exercise checks, which receive a config from the learner.
 */
export function checkConfigOf<C extends ExperimentConfig>(
  where: string,
  experiment: Experiment<C, unknown>,
  config: C,
): C {
  return checkExperimentConfig(where, experiment, config);
}

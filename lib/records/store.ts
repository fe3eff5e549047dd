/**
 * Record files: `records/<experiment>/<timestamp>-<hash>.json`, written atomically (temp file, then rename) so
 * a crash never leaves half a record and an existing record is never overwritten.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "../io/writeFileAtomic.js";
import { type ExperimentRecord, hashValue, parseRecord } from "./record.js";

/**
 * Where records go: `$ATTNLAB_RECORDS_DIR`, else `records/` in the nearest folder above `cwd` that holds a
 * package.json (the project), else `cwd/records`.
 */
export function recordsDir(cwd: string = process.cwd()): string {
  const env = process.env.ATTNLAB_RECORDS_DIR;
  if (env) return resolve(cwd, env);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "records");
    if (dirname(dir) === dir) return resolve(cwd, "records");
  }
}

/** The file name of a record: UTC timestamp and the first 8 hex digits of the config hash. */
export function recordFileName(record: ExperimentRecord): string {
  const stamp = record.createdAt.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const hash = hashValue({
    experiment: record.experiment,
    config: record.config,
    dataset: record.dataset.hash,
  });
  return `${stamp}-${hash.slice(0, 8)}.json`;
}

/** Writes `record` under `dir/<experiment>/` and returns the path; refuses to replace an existing file. */
export function writeRecord(record: ExperimentRecord, dir: string = recordsDir()): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(record.experiment)) {
    throw new RangeError(
      `writeRecord: experiment name "${record.experiment}" must be lower-case letters, digits and dashes`,
    );
  }
  const base = join(dir, record.experiment, recordFileName(record));
  let path = base;
  for (let n = 2; existsSync(path); n++) path = base.replace(/\.json$/, `-${n}.json`);
  writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`);
  return path;
}

/** Reads and validates a record file (clear errors for a missing, corrupt or foreign file). */
export function readRecord(path: string): ExperimentRecord {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(
      `${path}: cannot read the record (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  return parseRecord(text, path);
}

/** Record files of one experiment under `dir`, oldest first (names start with the timestamp). */
export function listRecords(experiment: string, dir: string = recordsDir()): string[] {
  const folder = join(dir, experiment);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith(".json") && !f.startsWith("."))
    .sort()
    .map((f) => join(folder, f));
}

/**
 * Record files: `records/<experiment>/<timestamp>-<hash>.json`, created exclusively from a complete temp file
 * (a hard link, which fails rather than replace a name) so a reader never sees half a record and no record is
 * ever replaced, even by another process finishing in the same second.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { readRegularFile } from "../io/readRegularFile.js";
import { writeFileExclusive } from "../io/writeFileExclusive.js";
import { type ExperimentRecord, hashValue, parseRecord } from "./record.js";

/** The largest record file `readRecord` reads (a record of thousands of epochs is a few MB). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** How many names (`…-2.json`, `…-3.json`, …) `writeRecord` tries before giving up. */
const MAX_NAME_TRIES = 10_000;

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

/**
 * Writes `record` under `dir/<experiment>/` and returns the path, created exclusively by `writeFileExclusive` (a
 * complete temp file hard-linked to the name), under the next free name (`…-2.json`, `…-3.json`) when it is
 * taken: the name appears only with the complete content and an existing record is never replaced.
 */
export function writeRecord(record: ExperimentRecord, dir: string = recordsDir()): string {
  if (typeof record.experiment !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(record.experiment)) {
    throw new RangeError(
      `writeRecord: experiment name ${JSON.stringify(record.experiment)} must be lower-case letters, digits and dashes`,
    );
  }
  const folder = join(dir, record.experiment);
  const name = recordFileName(record);
  const text = `${JSON.stringify(record, null, 2)}\n`;
  for (let n = 1; n <= MAX_NAME_TRIES; n++) {
    const path = join(folder, n === 1 ? name : name.replace(/\.json$/, `-${n}.json`));
    try {
      writeFileExclusive(path, text);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  throw new Error(`writeRecord: ${MAX_NAME_TRIES} records named ${name} already exist in ${folder}`);
}

/**
 * Reads and validates a record file: clear errors for a missing, corrupt or foreign file, and for something
 * that is not a regular file (a FIFO, a device, a folder) or is over {@link MAX_RECORD_BYTES}, checked before
 * reading so it cannot hang or fill memory.
 */
export function readRecord(path: string): ExperimentRecord {
  let text: string;
  try {
    text = readRegularFile("readRecord", path, MAX_RECORD_BYTES);
  } catch (err) {
    const { code, reason } = err as { code?: string; reason?: string };
    if (code) throw new Error(`${path}: cannot read the record (${code})`);
    throw new (err instanceof RangeError ? RangeError : Error)(
      `${path}: cannot read the record: it ${reason ?? (err as Error).message}`,
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

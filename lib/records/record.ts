/**
 * The experiment record: one JSON document per training run (ARCHITECTURE.md "Experiment records"). Pure:
 * building, canonical hashing and validation; reading and writing files is in `store.ts`.
 */
import { createHash } from "node:crypto";

/** The format tag and version this attnlab writes and reads. */
export const RECORD_FORMAT = "attnlab.experiment-record";
export const RECORD_VERSION = 1;

/** A target: `metric op value`, e.g. `{ metric: "exact", op: ">=", value: 0.98 }`. */
export interface Target {
  metric: string;
  op: ">=" | "<=";
  value: number;
}

/** A target with what the run achieved. */
export interface TargetResult extends Target {
  achieved: number | null;
  pass: boolean;
}

/** One epoch as recorded. */
export interface RecordedEpoch {
  epoch: number;
  loss: number;
  metrics: Record<string, number>;
  seconds: number;
}

/** The content of a record file. */
export interface ExperimentRecord {
  format: typeof RECORD_FORMAT;
  version: typeof RECORD_VERSION;
  experiment: string;
  title: string;
  createdAt: string;
  git: { commit: string | null; dirty: boolean | null };
  versions: Record<string, string>;
  backend: string;
  seed: number;
  quick: boolean;
  config: Record<string, unknown>;
  dataset: { name: string; hash: string; sizes: Record<string, number> };
  epochs: RecordedEpoch[];
  metrics: Record<string, number>;
  targets: TargetResult[];
  wallSeconds: number;
  /** sha256 of the canonical JSON of every other field: a corrupt or hand-edited file is detected. */
  checksum: string;
}

/**
 * JSON with object keys sorted at every level, so equal values always hash the same.
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }); // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** Hex sha256 of the canonical JSON of `value` (datasets, configs, records). */
export function hashValue(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/** The record with its checksum filled in. */
export function sealRecord(record: Omit<ExperimentRecord, "checksum">): ExperimentRecord {
  return { ...record, checksum: hashValue(record) };
}

/** Does `achieved` meet `target`? */
export function meets(target: Target, achieved: number | undefined): boolean {
  if (achieved === undefined || !Number.isFinite(achieved)) return false;
  return target.op === ">=" ? achieved >= target.value : achieved <= target.value;
}

/**
 * A `stopWhen` for `fit`: true once every target holds for an epoch's metrics (a target whose metric the
 * evaluation does not report never holds).
 */
export function targetsMet(targets: readonly Target[]): (metrics: Record<string, number>) => boolean {
  return (metrics) => targets.every((t) => meets(t, metrics[t.metric]));
}

/**
 * Parses and checks a record's text; every problem is a clear error naming `source` (a path).
 * Rejects: invalid JSON, another format or version, missing fields, and a checksum that does not match.
 */
export function parseRecord(text: string, source: string): ExperimentRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not a valid record: the JSON does not parse (${(err as Error).message})`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${source}: not a valid record: expected a JSON object`);
  }
  const r = value as Partial<ExperimentRecord>;
  if (r.format !== RECORD_FORMAT) {
    throw new Error(
      `${source}: not an attnlab experiment record (format is ${JSON.stringify(r.format)}, expected "${RECORD_FORMAT}")`,
    );
  }
  if (r.version !== RECORD_VERSION) {
    throw new Error(
      `${source}: record format version ${JSON.stringify(r.version)}; this attnlab (${r.versions?.attnlab ?? "?"} wrote it) reads version ${RECORD_VERSION} only`,
    );
  }
  const required: [keyof ExperimentRecord, string][] = [
    ["experiment", "string"],
    ["createdAt", "string"],
    ["backend", "string"],
    ["seed", "number"],
    ["quick", "boolean"],
    ["config", "object"],
    ["dataset", "object"],
    ["epochs", "object"],
    ["metrics", "object"],
    ["targets", "object"],
    ["versions", "object"],
    ["wallSeconds", "number"],
    ["checksum", "string"],
  ];
  for (const [key, type] of required) {
    if (typeof r[key] !== type || r[key] === null) {
      throw new Error(
        `${source}: corrupt record: field "${key}" should be a ${type}, found ${JSON.stringify(r[key])}`,
      );
    }
  }
  const { checksum, ...rest } = r as ExperimentRecord;
  const actual = hashValue(rest);
  if (actual !== checksum) {
    throw new Error(
      `${source}: corrupt record: checksum ${checksum.slice(0, 12)}… does not match its content (${actual.slice(0, 12)}…); the file was changed after it was written`,
    );
  }
  return r as ExperimentRecord;
}

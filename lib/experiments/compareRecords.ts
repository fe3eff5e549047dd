/**
 * What `records verify` compares: a record against the record its re-run would write, field by field — the
 * quick flag, seed and config, the dataset, every epoch, every final metric (both ways: a metric missing from
 * either side differs) and every target's definition, achieved value and pass. Timings and the environment aside.
 */
import { diffValues } from "../records/diff.js";
import type { ExperimentRecord, TargetResult } from "../records/record.js";

/** One compared value: recorded, what the re-run gave (undefined when absent on a side), and whether they agree. */
export interface VerifyRow {
  path: string;
  recorded: unknown;
  rerun: unknown;
  match: boolean;
}

/** "exact" (`Object.is`), or a relative tolerance for numbers from another backend. */
export type Comparison = "exact" | number;

/** Rows for every compared value of `recorded` against `rerun` (the re-run's record). */
export function compareRecords(
  recorded: ExperimentRecord,
  rerun: ExperimentRecord,
  comparison: Comparison,
): VerifyRow[] {
  const same = numbersAgree(comparison);
  const rows: VerifyRow[] = [
    exactRow("quick", recorded.quick, rerun.quick),
    exactRow("seed", recorded.seed, rerun.seed),
    ...diffRows("config", recorded.config, rerun.config),
    exactRow("dataset.hash", recorded.dataset?.hash, rerun.dataset.hash),
    ...diffRows("dataset", { ...recorded.dataset, hash: 0 }, { ...rerun.dataset, hash: 0 }),
    ...epochRows(recorded.epochs, rerun.epochs, same),
    ...metricRows("metrics", recorded.metrics, rerun.metrics, same),
    ...targetRows(recorded.targets, rerun.targets, same),
  ];
  return rows;
}

/** Do two numbers agree under `comparison`? Anything that is not a number never agrees with a number. */
function numbersAgree(comparison: Comparison): (a: unknown, b: unknown) => boolean {
  return (a, b) => {
    if (typeof a !== "number" || typeof b !== "number") return false;
    if (comparison === "exact" || Object.is(a, b)) return Object.is(a, b);
    return Math.abs(a - b) <= comparison * Math.max(1, Math.abs(a));
  };
}

function exactRow(path: string, recorded: unknown, rerun: unknown): VerifyRow {
  return { path, recorded, rerun, match: Object.is(recorded, rerun) };
}

/** One row per differing leaf (config and dataset must be identical, whatever the backend). */
function diffRows(prefix: string, recorded: unknown, rerun: unknown): VerifyRow[] {
  return diffValues(recorded, rerun).map((d) => ({
    path: d.path ? `${prefix}.${d.path}` : prefix,
    recorded: d.a,
    rerun: d.b,
    match: false,
  }));
}

/** One row per metric of either side: a metric absent on one side is a mismatch. */
function metricRows(
  prefix: string,
  recorded: unknown,
  rerun: Record<string, number>,
  same: (a: unknown, b: unknown) => boolean,
): VerifyRow[] {
  if (!isRecordObject(recorded)) return [{ path: prefix, recorded, rerun, match: false }];
  const keys = [...new Set([...Object.keys(recorded), ...Object.keys(rerun)])];
  return keys.map((k) => {
    const a = Object.hasOwn(recorded, k) ? recorded[k] : undefined;
    const b = Object.hasOwn(rerun, k) ? rerun[k] : undefined;
    return { path: `${prefix}.${k}`, recorded: a, rerun: b, match: same(a, b) };
  });
}

/** Per epoch (by position): its number, loss and metrics; and the count. */
function epochRows(
  recorded: ExperimentRecord["epochs"],
  rerun: ExperimentRecord["epochs"],
  same: (a: unknown, b: unknown) => boolean,
): VerifyRow[] {
  const rows: VerifyRow[] = [];
  const count = Math.min(recorded.length, rerun.length);
  for (let i = 0; i < count; i++) {
    const a: unknown = recorded[i];
    const b = rerun[i]!;
    const label = `epochs[${b.epoch}]`;
    if (!isRecordObject(a)) {
      rows.push({ path: label, recorded: a, rerun: b, match: false });
      continue;
    }
    if (!Object.is(a.epoch, b.epoch)) rows.push(exactRow(`${label}.epoch`, a.epoch, b.epoch));
    rows.push({ path: `${label}.loss`, recorded: a.loss, rerun: b.loss, match: same(a.loss, b.loss) });
    rows.push(...metricRows(label, a.metrics, b.metrics, same));
  }
  if (recorded.length !== rerun.length) rows.push(exactRow("epochs.length", recorded.length, rerun.length));
  return rows;
}

/** Per target (by position): its definition, what was achieved and pass; and the count. */
function targetRows(
  recorded: readonly TargetResult[],
  rerun: readonly TargetResult[],
  same: (a: unknown, b: unknown) => boolean,
): VerifyRow[] {
  const rows: VerifyRow[] = [];
  const define = (t: TargetResult | undefined) =>
    isRecordObject(t) ? `${String(t.metric)} ${String(t.op)} ${String(t.value)}` : undefined;
  for (let i = 0; i < Math.max(recorded.length, rerun.length); i++) {
    const [a, b] = [recorded[i], rerun[i]];
    const label = `targets[${i}]`;
    rows.push(exactRow(label, define(a), define(b)));
    if (!isRecordObject(a) || !b) continue;
    const achieved = a.achieved === null && b.achieved === null ? true : same(a.achieved, b.achieved);
    rows.push({ path: `${label}.achieved`, recorded: a.achieved, rerun: b.achieved, match: achieved });
    rows.push(exactRow(`${label}.pass`, a.pass, b.pass));
  }
  return rows;
}

function isRecordObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Comparing two records: what differs in config, data, environment and results. */
import type { ExperimentRecord } from "./record.js";

/** One differing value: a dotted path and both sides (undefined when absent on a side). */
export interface RecordDifference {
  path: string;
  a: unknown;
  b: unknown;
}

/** Fields that always differ between runs and say nothing about the result. */
const VOLATILE = new Set(["createdAt", "checksum", "wallSeconds"]);

/**
 * Every leaf that differs between two records (timings excluded: `seconds` per epoch, wall time, creation time).
 * @example diffValues({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 } }); // [{ path: "b.c", a: 2, b: 3 }]
 */
export function diffValues(a: unknown, b: unknown, path = ""): RecordDifference[] {
  const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === "object";
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffValues(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return Object.is(a, b) ? [] : [{ path, a, b }];
}

/** The differences between two records, without timings. */
export function diffRecords(a: ExperimentRecord, b: ExperimentRecord): RecordDifference[] {
  const strip = (r: ExperimentRecord) => {
    const copy: Record<string, unknown> = { ...r };
    for (const k of VOLATILE) delete copy[k];
    copy.epochs = r.epochs.map(({ seconds: _s, ...e }) => e);
    return copy;
  };
  return diffValues(strip(a), strip(b));
}

/** A plain-text table of differences (or a line saying the results are the same). */
export function formatDifferences(diffs: readonly RecordDifference[]): string {
  if (diffs.length === 0) return "no differences (timings aside)\n";
  const show = (v: unknown) => (v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));
  const rows = diffs.map((d) => [d.path, show(d.a), show(d.b)]);
  const widths = [0, 1, 2].map((c) => Math.max(...[["field", "A", "B"], ...rows].map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join("  ")
      .trimEnd();
  return `${[line(["field", "A", "B"]), ...rows.map(line)].join("\n")}\n`;
}

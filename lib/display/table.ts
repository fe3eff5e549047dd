// Tables of numbers or records as a MIME bundle: an HTML table, with markdown and aligned plain-text fallbacks.
import { MIME, type MimeBundle } from "./mime.js";

/** Options of {@link tableBundle} and `showTable`. */
export interface TableOptions {
  /** Column names: required order/subset for records; headers for a matrix (default `0, 1, …`). */
  columns?: readonly string[];
  /** Decimals for non-integer numbers; default 4. */
  digits?: number;
}

interface Table {
  columns: string[];
  cells: string[][];
  numeric: boolean[];
}

/**
 * A table bundle (text/html, text/markdown, text/plain) from records or a `number[][]` matrix.
 * Integers print as they are, other numbers with `digits` decimals; numeric columns are right-aligned.
 * @example
 * tableBundle([{ token: "the", weight: 0.25 }, { token: "cat", weight: 0.75 }])["text/plain"]; // "token  weight\n-----  ------\nthe    0.2500\ncat    0.7500"
 */
export function tableBundle(
  rows: readonly Readonly<Record<string, unknown>>[] | readonly (readonly number[])[],
  opts: TableOptions = {},
): MimeBundle {
  const table = toTable(rows, opts);
  return { [MIME.html]: toHtml(table), [MIME.markdown]: toMarkdown(table), [MIME.plain]: toPlain(table) };
}

function toTable(rows: TableInput, opts: TableOptions): Table {
  const where = "tableBundle";
  if (!Array.isArray(rows)) throw new TypeError(`${where}: rows must be an array of records or a number[][]`);
  const digits = opts.digits ?? 4;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new RangeError(`${where}: digits must be an integer in [0, 20], got ${digits}`);
  }
  const matrix = rows.length > 0 && rows.every((r) => Array.isArray(r));
  const records = rows as readonly Readonly<Record<string, unknown>>[];
  const width = matrix ? (rows[0] as readonly number[]).length : 0;
  if (matrix) {
    rows.forEach((r, i) => {
      if ((r as readonly number[]).length !== width) {
        throw new RangeError(
          `${where}: rows is ragged: rows[${i}] has shape [${(r as readonly number[]).length}] but rows[0] has shape [${width}]`,
        );
      }
    });
    if (opts.columns !== undefined && opts.columns.length !== width) {
      throw new RangeError(
        `${where}: columns has shape [${opts.columns.length}] but rows has shape [${rows.length}, ${width}]`,
      );
    }
  } else {
    records.forEach((r, i) => {
      if (r === null || typeof r !== "object")
        throw new TypeError(`${where}: rows[${i}] must be a record or number[]`);
    });
  }
  const columns = opts.columns
    ? [...opts.columns]
    : matrix
      ? Array.from({ length: width }, (_, j) => String(j))
      : [...new Set(records.flatMap((r) => Object.keys(r)))];
  const raw: unknown[][] = matrix
    ? (rows as readonly (readonly number[])[]).map((r) => [...r])
    : records.map((r) => columns.map((c) => r[c]));
  return {
    columns,
    cells: raw.map((r) => r.map((v) => formatCell(v, digits))),
    numeric: columns.map((_, j) => raw.length > 0 && raw.every((r) => typeof r[j] === "number")),
  };
}

type TableInput = readonly Readonly<Record<string, unknown>>[] | readonly (readonly number[])[];

/**
 * Formats one cell: integers as is, other finite numbers with `digits` decimals (exponent form when that would
 * print as zero or is very large), `null`/`undefined` empty, objects as JSON.
 * @example formatCell(0.123456, 3); // "0.123"
 */
export function formatCell(v: unknown, digits: number): string {
  if (typeof v === "number") {
    if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a >= 1e9 || a < 0.5 * 10 ** -digits ? v.toExponential(Math.max(digits - 1, 1)) : v.toFixed(digits);
  }
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "object") return JSON.stringify(v) ?? String(v);
  return String(v);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function toHtml(t: Table): string {
  const align = (j: number) => (t.numeric[j] ? ' style="text-align:right"' : "");
  const head = t.columns.map((c, j) => `<th${align(j)}>${escapeHtml(c)}</th>`).join("");
  const body = t.cells
    .map((r) => `<tr>${r.map((c, j) => `<td${align(j)}>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function escapeMarkdown(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function toMarkdown(t: Table): string {
  const line = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(" | ")} |`;
  const rule = `|${t.numeric.map((n) => (n ? " ---: " : " --- ")).join("|")}|`;
  return [line(t.columns), rule, ...t.cells.map(line)].join("\n");
}

function toPlain(t: Table): string {
  const flat = (s: string) => s.replace(/\r?\n/g, " ");
  const widths = t.columns.map((c, j) => Math.max(c.length, ...t.cells.map((r) => flat(r[j]!).length)));
  const pad = (s: string, j: number) =>
    t.numeric[j] ? flat(s).padStart(widths[j]!) : flat(s).padEnd(widths[j]!);
  const line = (cells: string[]) => cells.map(pad).join("  ").trimEnd();
  return [line(t.columns), widths.map((w) => "-".repeat(w)).join("  "), ...t.cells.map(line)].join("\n");
}

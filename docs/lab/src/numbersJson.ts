/**
 * Numbers as text: JSON for matrices that may hold ±∞ (masked scores), with non-finite numbers written as the
 * strings "-Infinity", "Infinity", "NaN", so the page can publish exact numbers in `data-*` attributes for the
 * end-to-end test (JSON keeps every double exactly); and the short forms shown in readouts and cells.
 */

/** `JSON.stringify` with non-finite numbers as strings. */
export function numbersToJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "number" && !Number.isFinite(v) ? String(v) : v,
  );
}

/** A number for a readout: `−∞` for masked entries, else `digits` significant digits. */
export function formatNumber(x: number, digits = 6): string {
  if (x === -Infinity) return "−∞";
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-4)
    ? x.toExponential(digits - 1)
    : x.toPrecision(digits);
}

/** A number short enough to print inside a heatmap cell: two decimals, `−∞` when masked. */
export function cellText(x: number): string {
  if (x === -Infinity) return "−∞";
  return Math.abs(x) >= 100 ? x.toExponential(0) : x.toFixed(2);
}

/**
 * Matrices as editable text: one row per line, numbers separated by spaces or commas. Parsing names the
 * matrix and the bad entry, as lib/math's errors do.
 */

/** Parses `text` into a rectangular matrix of finite numbers; throws a RangeError naming `name` otherwise. */
export function parseMatrix(name: string, text: string): number[][] {
  const rows = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line, i) =>
      line.split(/[\s,]+/).map((token, j) => {
        const x = Number(token);
        if (!Number.isFinite(x)) throw new RangeError(`${name}[${i}][${j}] is not a number: "${token}"`);
        return x;
      }),
    );
  if (rows.length === 0) throw new RangeError(`${name} is empty`);
  const width = rows[0]!.length;
  rows.forEach((row, i) => {
    if (row.length !== width)
      throw new RangeError(`${name} row ${i} has ${row.length} numbers, row 0 has ${width}`);
  });
  return rows;
}

/** Writes a matrix as text, one row per line. */
export function formatMatrix(matrix: readonly (readonly number[])[]): string {
  return matrix.map((row) => row.join(" ")).join("\n");
}

/** A seeded matrix rounded to 2 decimals, so it reads and edits well; the text is then the exact input. */
export function rounded(matrix: number[][]): number[][] {
  return matrix.map((row) => row.map((x) => Math.round(x * 100) / 100));
}

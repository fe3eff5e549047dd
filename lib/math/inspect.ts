/**
 * Small checks that notebooks use to show what a formula produces: row and column sums of a weight matrix,
 * the largest difference between two matrices, and the error (if any) that a computation throws.
 */
import { assertMatrix, formatShape, type Matrix } from "./matrix.js";

/**
 * The sum of each row. Attention weights from a row softmax have every row sum equal to 1.
 * @example rowSums([[0.25, 0.75], [1, 2]]); // [1, 3]
 */
export function rowSums(m: Matrix): number[] {
  assertMatrix("m", m, { allowInfinity: true });
  return m.map((row) => row.reduce((a, b) => a + b, 0));
}

/**
 * The sum of each column. A softmax over the wrong axis (`axis: 0`) makes these equal to 1 instead of the rows.
 * @example colSums([[0.25, 0.75], [1, 2]]); // [1.25, 2.75]
 */
export function colSums(m: Matrix): number[] {
  const [, cols] = assertMatrix("m", m, { allowInfinity: true });
  return Array.from({ length: cols }, (_, j) => m.reduce((s, row) => s + row[j]!, 0));
}

/**
 * max_ij |a_ij − b_ij| for two matrices of the same shape (throws, naming both shapes, if they differ).
 * @example maxAbsDiff([[1, 2]], [[1, 2.5]]); // 0.5
 */
export function maxAbsDiff(a: Matrix, b: Matrix): number {
  const [ra, ca] = assertMatrix("a", a);
  const [rb, cb] = assertMatrix("b", b);
  if (ra !== rb || ca !== cb) {
    throw new RangeError(
      `maxAbsDiff: a has shape ${formatShape([ra, ca])} but b has shape ${formatShape([rb, cb])}`,
    );
  }
  let max = 0;
  a.forEach((row, i) => {
    row.forEach((x, j) => {
      max = Math.max(max, Math.abs(x - b[i]![j]!));
    });
  });
  return max;
}

/**
 * Runs `f` and returns `"Name: message"` of the error it throws, or `"(no error)"`: a notebook can print a
 * shape error instead of failing on it.
 * @example errorOf(() => matmul([[1, 2]], [[1, 2]])); // "RangeError: matmul: a [1, 2] cannot multiply b [1, 2] (2 != 1)"
 */
export function errorOf(f: () => unknown): string {
  try {
    f();
    return "(no error)";
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : `thrown: ${String(e)}`;
  }
}

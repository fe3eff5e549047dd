/**
 * Small checks that notebooks use to show what a formula produces: row and column sums of a weight matrix,
 * the largest difference between two matrices, and the error (if any) that a computation throws.
 */
import { describeValue } from "../check/options.js";
import { type MatrixLike, toMatrix } from "./input.js";
import { formatShape, shapeOf } from "./matrix.js";

/**
 * The sum of each row. Attention weights from a row softmax have every row sum equal to 1.
 * @example rowSums([[0.25, 0.75], [1, 2]]); // [1, 3]
 */
export function rowSums(m: MatrixLike): number[] {
  return toMatrix("rowSums: m", m, { allowInfinity: true }).map((row, i) =>
    defined(
      "rowSums",
      `row ${i}`,
      row.reduce((a, b) => a + b, 0),
    ),
  );
}

/** +Infinity and −Infinity in one sum have no value: say so rather than return NaN. */
function defined(where: string, what: string, sum: number): number {
  if (Number.isNaN(sum))
    throw new RangeError(`${where}: ${what} adds +Infinity and -Infinity (no defined sum)`);
  return sum;
}

/**
 * The sum of each column. A softmax over the wrong axis (`axis: 0`) makes these equal to 1 instead of the rows.
 * @example colSums([[0.25, 0.75], [1, 2]]); // [1.25, 2.75]
 */
export function colSums(m: MatrixLike): number[] {
  const x = toMatrix("colSums: m", m, { allowInfinity: true });
  return Array.from({ length: shapeOf(x)[1] }, (_, j) =>
    defined(
      "colSums",
      `column ${j}`,
      x.reduce((s, row) => s + row[j]!, 0),
    ),
  );
}

/**
 * max_ij |a_ij − b_ij| for two matrices of the same shape (throws, naming both shapes, if they differ).
 * @example maxAbsDiff([[1, 2]], [[1, 2.5]]); // 0.5
 */
export function maxAbsDiff(a: MatrixLike, b: MatrixLike): number {
  const [x, y] = [toMatrix("maxAbsDiff: a", a), toMatrix("maxAbsDiff: b", b)];
  const [[ra, ca], [rb, cb]] = [shapeOf(x), shapeOf(y)];
  if (ra !== rb || ca !== cb) {
    throw new RangeError(
      `maxAbsDiff: a has shape ${formatShape([ra, ca])} but b has shape ${formatShape([rb, cb])}`,
    );
  }
  let max = 0;
  for (let i = 0; i < ra; i++) {
    for (let j = 0; j < ca; j++) max = Math.max(max, Math.abs(x[i]![j]! - y[i]![j]!));
  }
  return max;
}

/**
 * Runs `f` and returns `"Name: message"` of the error it throws, or `"(no error)"`: a notebook can print a
 * shape error instead of failing on it.
 * @example errorOf(() => matmul([[1, 2]], [[1, 2]])); // "RangeError: matmul: a [1, 2] cannot multiply b [1, 2] (2 != 1)"
 */
export function errorOf(f: () => unknown): string {
  if (typeof f !== "function") throw new TypeError(`errorOf: f must be a function, got ${describeValue(f)}`);
  try {
    f();
    return "(no error)";
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : `thrown: ${String(e)}`;
  }
}

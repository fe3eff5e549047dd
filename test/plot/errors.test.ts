/** Bad input to the plot builders throws a RangeError/TypeError that names the argument and both shapes. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { attentionHeatmap, barChart, headGrid, lineChart, plotlyHeatmap } from "../../lib/plot/index.js";

const m23 = [
  [0.1, 0.2, 0.7],
  [0.3, 0.3, 0.4],
];

/** Asserts `fn` throws `type` with a message matching every pattern. */
function throwsWith(
  fn: () => unknown,
  type: typeof RangeError | typeof TypeError,
  ...patterns: RegExp[]
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

test("ragged matrix: RangeError with both row shapes", () => {
  throwsWith(
    () =>
      attentionHeatmap([
        [1, 2, 3],
        [4, 5],
      ]),
    RangeError,
    /attentionHeatmap/,
    /weights\[1\] has shape \[2\]/,
    /weights\[0\] has shape \[3\]/,
  );
  throwsWith(() => plotlyHeatmap([[1], [2, 3]]), RangeError, /plotlyHeatmap: weights is ragged/);
});

test("labels of the wrong length: RangeError with the labels' and the matrix's shapes", () => {
  throwsWith(
    () => attentionHeatmap(m23, { rowLabels: ["a", "b", "c"] }),
    RangeError,
    /rowLabels has shape \[3\] but weights has shape \[2, 3\]/,
  );
  throwsWith(
    () => attentionHeatmap(m23, { colLabels: ["a"] }),
    RangeError,
    /colLabels has shape \[1\] but weights has shape \[2, 3\]/,
  );
  throwsWith(
    () => barChart(["a"], [1, 2]),
    RangeError,
    /barChart: labels has shape \[1\] but values has shape \[2\]/,
  );
  throwsWith(
    () => headGrid([m23, m23], { colLabels: ["a", "b"] }),
    RangeError,
    /colLabels has shape \[2\] but each head has shape \[2, 3\]/,
  );
});

test("NaN and Infinity: RangeError naming the element and the shape", () => {
  throwsWith(
    () => attentionHeatmap([[0.5, Number.NaN]]),
    RangeError,
    /weights\[0\]\[1\] is NaN/,
    /shape \[1, 2\]/,
  );
  throwsWith(
    () => lineChart({ loss: [1, Number.POSITIVE_INFINITY] }),
    RangeError,
    /"loss" y\[1\] is Infinity/,
  );
  throwsWith(() => barChart(["a"], [Number.NaN]), RangeError, /values\[0\] is NaN/);
});

test("wrong types: TypeError", () => {
  throwsWith(
    () => attentionHeatmap([] as number[][]),
    TypeError,
    /weights must be a non-empty number\[\]\[\]/,
  );
  throwsWith(
    () => attentionHeatmap([["a"]] as unknown as number[][]),
    TypeError,
    /weights\[0\]\[0\] must be a number/,
  );
  throwsWith(() => attentionHeatmap(5 as unknown as number[][]), TypeError, /weights/);
  throwsWith(
    () => attentionHeatmap(m23, { rowLabels: [{}, {}] as unknown as string[] }),
    TypeError,
    /rowLabels\[0\] must be a string or number/,
  );
});

test("headGrid: heads of different shapes or layers with different head counts", () => {
  throwsWith(
    () => headGrid([m23, [[1, 0]]]),
    RangeError,
    /weightsPerHead\[0\]\[1\] has shape \[1, 2\] but weightsPerHead\[0\]\[0\] has shape \[2, 3\]/,
  );
  throwsWith(
    () => headGrid([[m23, m23], [m23]]),
    RangeError,
    /layer 1 has 1 heads but layer 0 has 2/,
    /\[2, 2, 2, 3\]/,
  );
  throwsWith(() => headGrid([m23], { titles: ["a", "b"] }), RangeError, /titles has 2 entries/);
  throwsWith(() => headGrid([]), TypeError, /weightsPerHead/);
});

test("lineChart: x and y of different lengths, duplicate or no series", () => {
  throwsWith(
    () => lineChart([{ name: "a", x: [0, 1], y: [1] }]),
    RangeError,
    /series "a" x has shape \[2\] but y has shape \[1\]/,
  );
  throwsWith(
    () =>
      lineChart([
        { name: "a", x: [0], y: [1] },
        { name: "a", x: [0], y: [2] },
      ]),
    RangeError,
    /"a" appears twice/,
  );
  throwsWith(() => lineChart([]), RangeError, /series is empty/);
});

test("a bad colour domain is a RangeError", () => {
  throwsWith(() => attentionHeatmap(m23, { domain: [1, 0] }), RangeError, /domain must be \[lo, hi\]/);
});

test("options: an unknown key or a bad value is an error naming it and what is allowed, never ignored", () => {
  const heads = [m23, m23];
  throwsWith(
    () => attentionHeatmap(m23, { xtitle: "keys" } as never),
    TypeError,
    /unknown option "xtitle" \(did you mean "xTitle"\?\)/,
  );
  throwsWith(
    () => attentionHeatmap(m23, { scheme: "rainbow" as never }),
    RangeError,
    /options\.scheme must be one of "blues"/,
  );
  throwsWith(() => attentionHeatmap(m23, { width: 0 }), RangeError, /options\.width/);
  throwsWith(
    () => headGrid(heads, { colums: 1 } as never),
    TypeError,
    /unknown option "colums" \(did you mean "columns"\?\)/,
  );
  throwsWith(() => headGrid(heads, { columns: 0 }), RangeError, /options\.columns/);
  throwsWith(
    () => headGrid(heads, { title: 3 as never }),
    TypeError,
    /options\.title must be a string, got 3/,
  );
  throwsWith(
    () => barChart(["a"], [1], { horizonal: true } as never),
    TypeError,
    /unknown option "horizonal"/,
  );
  throwsWith(() => barChart(["a"], [1], { size: -1 }), RangeError, /options\.size/);
  throwsWith(
    () => lineChart({ a: [1, 2] }, { point: false } as never),
    TypeError,
    /unknown option "point" \(did you mean "points"\?\)/,
  );
  throwsWith(() => lineChart({ a: [1, 2] }, { integerX: "yes" as never }), TypeError, /options\.integerX/);
});

test("headGrid's columns: panels per row (default a column per head)", () => {
  const eight = Array.from({ length: 8 }, () => m23);
  assert.equal(headGrid(eight).columns, 8);
  assert.equal(headGrid(eight, { columns: 4 }).columns, 4);
});

/**
 * The tier-1 bad-input table (issue #14 items 8–10): every row tries one bad input on one export of lib/math and
 * asserts a clear TypeError/RangeError naming the argument, or the right answer (typed arrays: the number[] answer;
 * extreme magnitudes: finite and right). A coverage test checks that every export is in the table or listed below.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as math from "../../lib/math/index.js";
import { arrayRows } from "./badArrays.js";
import { crossEntropyRows } from "./badCrossEntropy.js";
import { decoderStepRows } from "./badDecoderSteps.js";
import { runRow } from "./badInputRows.js";
import { optionRows } from "./badOptions.js";
import { partThreeRows } from "./badPartThree.js";
import { samplingRows } from "./badSampling.js";
import { transformerBlockRows } from "./badTransformerBlock.js";

const rows = [
  ...optionRows,
  ...arrayRows,
  ...crossEntropyRows,
  ...transformerBlockRows,
  ...samplingRows,
  ...decoderStepRows,
  ...partThreeRows,
];

/** Exports that are not functions taking user input: constants and rule tables. */
const CONSTANTS = [
  "MAX_ENTRIES",
  "MASK_SPEC_RULES",
  "LAYER_NORM_RULES",
  "SOFTMAX_RULES",
  "SCORE_NAMES",
  "SCORE_PARAMS",
  "ROPE_RULES",
  "KERNEL_NAMES",
  "kernels",
  "TILED_SCORES",
  "TILED_BACKWARD_SCORES",
  "ATTENTION_KINDS",
];
/** Functions without options or array input to check: shape formatting, trace building, a thrower, a constructor. */
const NO_OPTIONS = [
  "formatShape",
  "shapeOf",
  "shapeMismatch",
  "step",
  "stepsFrom",
  "shapesOf",
  "emptyKvCache",
];

for (const row of rows) {
  test(`bad input: ${row.fn}(${row.input})`, () => runRow(row));
}

test("bad-input table: every export of lib/math is in the table or in an explicit list", (t) => {
  const exported = Object.keys(math);
  const inTable = new Set(rows.map((r) => r.fn));
  const missing = exported.filter(
    (name) => !inTable.has(name) && !CONSTANTS.includes(name) && !NO_OPTIONS.includes(name),
  );
  assert.deepEqual(missing, [], `exports with no bad-input row: ${missing.join(", ")}`);
  const stale = [...inTable, ...CONSTANTS, ...NO_OPTIONS].filter((name) => !exported.includes(name));
  assert.deepEqual(stale, [], `names that lib/math does not export: ${stale.join(", ")}`);
  const errors = rows.filter((r) => r.expect.kind === "error").length;
  const summary = `${rows.length} bad inputs over ${inTable.size} functions: ${errors} clear errors, ${rows.length - errors} right answers`;
  t.diagnostic(summary);
  console.log(`bad-input table: ${summary}`);
});

/**
 * Bad-input rows for tier 1's `crossEntropy` (issue #18): options (unknown keys, ε outside [0, 1), a fractional
 * padId, the old positional padId), logits that are not a finite matrix, targets of the wrong length or outside
 * the vocabulary, a batch of padding only; typed arrays give the plain-array answer.
 */
import * as m from "../../lib/math/index.js";
import { bad, type Row, same } from "./badInputRows.js";

const Z = [
  [0, 1, 2],
  [2, 1, 0],
];
const ce = (o: unknown) => () => m.crossEntropy(Z, [0, 2], o as m.CrossEntropyOptions);

// biome-ignore format: a table reads best as one row per line
export const crossEntropyRows: Row[] = [
  bad("crossEntropy", "{ labelSmoothin: 0.1 }", ce({ labelSmoothin: 0.1 }), /^crossEntropy: unknown option "labelSmoothin" \(did you mean "labelSmoothing"\?\); allowed options: padId, labelSmoothing/),
  bad("crossEntropy", "labelSmoothing: 1", ce({ labelSmoothing: 1 }), /^crossEntropy: options\.labelSmoothing must be a finite number ≥ 0 and < 1, got 1/),
  bad("crossEntropy", "labelSmoothing: -0.1", ce({ labelSmoothing: -0.1 }), /^crossEntropy: options\.labelSmoothing must be .*got -0\.1/),
  bad("crossEntropy", "labelSmoothing: NaN", ce({ labelSmoothing: Number.NaN }), /^crossEntropy: options\.labelSmoothing must be .*got NaN/),
  bad("crossEntropy", 'labelSmoothing: "0.1"', ce({ labelSmoothing: "0.1" }), /^crossEntropy: options\.labelSmoothing must be .*got "0\.1"/),
  bad("crossEntropy", "padId: 1.5", ce({ padId: 1.5 }), /^crossEntropy: options\.padId must be an integer ≥ 0, got 1\.5/),
  bad("crossEntropy", "padId: -1", ce({ padId: -1 }), /^crossEntropy: options\.padId must be an integer ≥ 0, got -1/),
  bad("crossEntropy", "options 0 (a positional padId)", ce(0), /^crossEntropy: options must be an object with keys padId, labelSmoothing, got 0/),
  bad("crossEntropy", "logits [[NaN, 0]]", () => m.crossEntropy([[Number.NaN, 0]], [0]), /^crossEntropy: logits\[0\]\[0\] must be finite, got NaN/),
  bad("crossEntropy", "logits [[-Infinity, 0]]", () => m.crossEntropy([[-Infinity, 0]], [1]), /^crossEntropy: logits\[0\]\[0\] must be finite/),
  bad("crossEntropy", "logits a vector", () => m.crossEntropy([1, 2] as unknown as number[][], [0]), /^crossEntropy: logits\[0\] must be an array/),
  bad("crossEntropy", "targets [0] for 2 rows", () => m.crossEntropy(Z, [0]), /^crossEntropy: targets has 1 entries but logits has 2 rows/),
  bad("crossEntropy", "targets [0, 3] with V = 3", () => m.crossEntropy(Z, [0, 3]), /^crossEntropy: targets\[1\] must be an integer class id in \[0, 2\], got 3/),
  bad("crossEntropy", "targets [0.5, 1]", () => m.crossEntropy(Z, [0.5, 1]), /^crossEntropy: targets\[0\] must be an integer class id in \[0, 2\], got 0\.5/),
  bad("crossEntropy", "targets [-1, 1], padId 0", () => m.crossEntropy(Z, [-1, 1], { padId: 0 }), /^crossEntropy: targets\[0\] must be an integer class id in \[0, 2\] or padId 0, got -1/),
  bad("crossEntropy", "every target padId", () => m.crossEntropy(Z, [1, 1], { padId: 1 }), /^crossEntropy: every target is padId 1; at least one token must count/),
  same("crossEntropy", "Float32Array rows and Int32Array targets", () => m.crossEntropy([Float32Array.of(0, 1, 2), Float32Array.of(2, 1, 0)], Int32Array.of(0, 2), { labelSmoothing: 0.1 }), () => m.crossEntropy(Z, [0, 2], { labelSmoothing: 0.1 })),
];

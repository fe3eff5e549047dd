/**
 * Golden tests with hand-checkable numbers: S001's sentence similarity (its worked example made computable, notebooks/seeds/S001.ipynb), a d2l-style masked
 * softmax toy, and the positional-encoding shift identity PE(pos + δ) = R(δ) PE(pos).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  attend,
  cosine,
  identity,
  maskedSoftmax,
  matmul,
  mulberry32,
  positionalShift,
  sinusoidalPositionalEncoding,
  transpose,
} from "../../lib/index.js";
import { assertClose } from "../helpers.js";

// One-hot embeddings over the fixed 8-word vocabulary of S001's worked example (datasets/similarity/README.md); identity projections.
const vocab = ["今天", "的", "天气", "很", "晴朗", "明天", "会", "下雨"];
const embed = (words: string[]) => words.map((w) => identity(8)[vocab.indexOf(w)]!);
const A = embed(["今天", "天气", "晴朗"]);
const B = embed(["今天", "的", "天气", "很", "晴朗"]);
const control = embed(["明天", "会", "下雨"]);
/** sim = mean_i cos(a_i, ã_i) with ã = attention of A's rows over the other sentence. */
const similarity = (a: number[][], attended: number[][]) =>
  cosine(a, attended).reduce((sum, row, i) => sum + row[i]!, 0) / a.length;

test("S001 cross-attention A→B at scale 1/√8: 0.2626 on the match, 0.1844 elsewhere, similarity 0.580", () => {
  const t = attend(A, B, B);
  for (const [i, match] of [0, 2, 4].entries()) {
    t.weights[i]!.forEach((w, j) => assertClose(w, j === match ? 0.2626 : 0.1844, 5e-5, `α[${i}][${j}]`));
  }
  assertClose(similarity(A, t.output), 0.58, 5e-4, "similarity");
});

test("S001 sharper softmax (logits ×10): 0.8956 on the match, similarity 0.998", () => {
  const t = attend(A, B, B, { scale: 10 / Math.sqrt(8) });
  assertClose(t.weights[0]![0]!, 0.8956, 5e-5, "α[0][0]");
  assertClose(similarity(A, t.output), 0.998, 5e-4, "similarity");
});

test("S001 negative control A→明天会下雨: similarity 0", () => {
  assert.equal(similarity(A, attend(A, control, control).output), 0);
});

test("S001 greedy matching A vs B: recall 1, precision 0.6, F1 0.75", () => {
  const cos = cosine(A, B);
  const recall = cos.reduce((s, row) => s + Math.max(...row), 0) / A.length;
  const precision = transpose(cos).reduce((s, col) => s + Math.max(...col), 0) / B.length;
  assert.equal(recall, 1);
  assertClose(precision, 0.6, 1e-12);
  assertClose((2 * precision * recall) / (precision + recall), 0.75, 1e-12);
});

test("S001 the seed's literal self-attention on A: 0.4159 diagonal, 0.2920 off it, a 3×8 output", () => {
  const t = attend(A, A, A);
  t.weights.forEach((row, i) => row.forEach((w, j) => assertClose(w, i === j ? 0.4159 : 0.292, 5e-5)));
  assert.deepEqual(t.shapes.output, [3, 8]);
});

test("d2l toy: valid lengths [2, 6] give exact zeros past the length and rows summing to 1", () => {
  const rng = mulberry32(7);
  const scores = rng.matrix(2, 8);
  const w = maskedSoftmax(scores, { validLens: [2, 6] });
  w.forEach((row, i) => {
    const len = [2, 6][i]!;
    row.forEach((x, j) => (j >= len ? assert.equal(x, 0) : assert.ok(x > 0)));
    assertClose(
      row.reduce((a, b) => a + b, 0),
      1,
      1e-12,
    );
  });
  // hand-checkable: equal scores spread evenly over the valid keys
  assert.deepEqual(maskedSoftmax([[0, 0, 0, 0]], { validLens: 2 }), [[0.5, 0.5, 0, 0]]);
});

test("positional encoding: PE(pos + δ) = R(δ) PE(pos) to 1e-9", () => {
  const dModel = 16;
  const pe = sinusoidalPositionalEncoding(80, dModel);
  assertClose(
    pe[0]!,
    Array.from({ length: dModel }, (_, j) => (j % 2 === 0 ? 0 : 1)),
    0,
    "PE(0)",
  );
  for (const delta of [1, 3, 7, 20]) {
    const shifted = matmul(pe.slice(0, 60), transpose(positionalShift(delta, dModel))); // rows: R(δ) PE(pos)
    shifted.forEach((row, pos) => assertClose(row, pe[pos + delta]!, 1e-9, `δ=${delta} pos=${pos}`));
  }
});

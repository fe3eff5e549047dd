/** Unit tests of tier-1 pieces with small hand-checkable numbers, and matmul against mathjs as an independent oracle. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { multiply } from "mathjs";
import {
  type AttendOptions,
  type AttentionTrace,
  attend,
  buildMask,
  concatHeads,
  kernelPooling,
  maskedSoftmax,
  matmul,
  matrixToLatex,
  mulberry32,
  multiHeadAttend,
  softmax,
  splitHeads,
  traceToLatex,
} from "../../lib/index.js";
import { assertClose } from "../helpers.js";

test("matmul agrees with mathjs.multiply on random shapes", () => {
  const rng = mulberry32(1);
  for (let c = 0; c < 50; c++) {
    const [n, k, m] = [rng.int(1, 9), rng.int(1, 9), rng.int(1, 9)];
    const a = rng.matrix(n, k);
    const b = rng.matrix(k, m);
    assertClose(matmul(a, b), multiply(a, b) as number[][], 1e-12);
  }
});

test("softmax: temperature sharpens and flattens; -Infinity gets exactly 0", () => {
  assertClose(softmax([0, Math.log(3)]), [0.25, 0.75], 1e-12);
  assertClose(softmax([0, Math.log(3)], { temperature: 0.5 }), [0.1, 0.9], 1e-12);
  assert.deepEqual(softmax([-Infinity, 5]), [0, 1]);
  assert.deepEqual(softmax([-Infinity, -Infinity]), [0, 0]);
  assertClose(softmax([1000, 1000]), [0.5, 0.5], 0); // stable: no overflow
});

test("masks combine with AND: padding + causal + window + matrix", () => {
  const m = buildMask(3, 4, {
    validLens: [4, 1, 4],
    causal: true,
    window: 1,
    matrix: [
      [true, true, true, true],
      [true, true, true, true],
      [true, false, true, true],
    ],
  });
  assert.deepEqual(m, [
    [true, false, false, false],
    [true, false, false, false],
    [false, false, true, false],
  ]);
  assertClose(maskedSoftmax([[1, 2, 3, 4]], { causal: true }), [[1, 0, 0, 0]], 0);
});

test("attend: dot-product example and trace steps in order", () => {
  const t = attend(
    [[1, 0]],
    [
      [1, 0],
      [0, 1],
    ],
    [
      [10, 0],
      [0, 10],
    ],
    { score: "dot", mask: { validLens: 2 } },
  );
  assert.deepEqual(
    t.steps.map((s) => s.name),
    ["scores", "masked", "weights", "output"],
  );
  assertClose(t.weights, [[Math.E / (Math.E + 1), 1 / (Math.E + 1)]], 1e-12);
  assertClose(t.output, [[(10 * Math.E) / (Math.E + 1), 10 / (Math.E + 1)]], 1e-12);
  const cos = attend(
    [[3, 0]],
    [
      [1, 0],
      [0, 0],
    ],
    [[1], [2]],
    { score: "cosine" },
  );
  assert.deepEqual(cos.scores, [[1, 0]]); // zero key: cosine defined as 0
});

test("attend: each step's symbol and LaTeX equation, and every step's value is the trace field it names", () => {
  const [q, k, v] = [
    [[1, 0]],
    [
      [1, 0],
      [0, 1],
    ],
    [[1], [2]],
  ];
  const rows = (options: AttendOptions) =>
    attend(q, k, v, options).steps.map((s) => [s.name, s.symbol, s.equation]);
  const softmaxOf = (x: string) => `\\alpha = \\operatorname{softmax}_{\\text{row}}(${x})`;
  const maskedFrom = (x: string) => `\\tilde S_{ij} = ${x}_{ij} \\text{ if } M_{ij} \\text{ else } -\\infty`;
  const output = ["output", "O", "O = \\alpha V"];
  assert.deepEqual(rows({}), [
    ["scores", "S", "S = Q K^\\top"],
    ["scaledScores", "S'", "S' = S / \\sqrt{d_k}"],
    ["weights", "\\alpha", softmaxOf("S'")],
    output,
  ]);
  assert.deepEqual(rows({ scale: 0.5, mask: { causal: true } }), [
    ["scores", "S", "S = Q K^\\top"],
    ["scaledScores", "S'", "S' = 0.5 \\cdot S"],
    ["masked", "\\tilde S", maskedFrom("S'")],
    ["weights", "\\alpha", softmaxOf("\\tilde S")],
    output,
  ]);
  assert.deepEqual(rows({ score: "dot", mask: { validLens: 1 }, temperature: 2 }), [
    ["scores", "S", "S = Q K^\\top"],
    ["masked", "\\tilde S", maskedFrom("S")],
    ["weights", "\\alpha", softmaxOf("\\tilde S/2")],
    output,
  ]);
  assert.deepEqual(
    rows({
      score: "general",
      w: [
        [1, 0],
        [0, 1],
      ],
      scale: 2,
      temperature: 0.5,
    }),
    [
      ["scores", "S", "S = Q W K^\\top"],
      ["scaledScores", "S'", "S' = 2 \\cdot S"],
      ["weights", "\\alpha", softmaxOf("S'/0.5")],
      output,
    ],
  );
  assert.deepEqual(rows({ score: "additive", wq: [[1], [0]], wk: [[0], [1]], v: [1] })[0], [
    "scores",
    "S",
    "S_{ij} = v^\\top \\tanh(q_i W_q + k_j W_k)",
  ]);
  const t = attend(q, k, v, { scale: 0.5, mask: { causal: true } });
  for (const s of t.steps) assert.equal(s.value, t[s.name as keyof AttentionTrace], s.name);
  assert.deepEqual(t.shapes, {
    scores: [1, 2],
    scaledScores: [1, 2],
    masked: [1, 2],
    weights: [1, 2],
    output: [1, 1],
  });
});

test("multi-head: split/concat invert each other; one head equals plain attention", () => {
  const rng = mulberry32(3);
  const x = rng.matrix(4, 6);
  assert.deepEqual(concatHeads(splitHeads(x, 3)), x);
  const [wq, wk, wv, wo] = [rng.matrix(6, 6), rng.matrix(6, 6), rng.matrix(6, 6), rng.matrix(6, 6)];
  const one = multiHeadAttend(x, x, x, { numHeads: 1, wq, wk, wv, wo, mask: { causal: true } });
  const plain = attend(matmul(x, wq), matmul(x, wk), matmul(x, wv), { mask: { causal: true } });
  assertClose(one.output, matmul(plain.output, wo), 1e-12);
  const three = multiHeadAttend(x, x, x, { numHeads: 3, wq, wk, wv, wo, bq: [1, 1, 1, 1, 1, 1] });
  assert.equal(three.heads.length, 3);
  assert.deepEqual(three.heads[0]!.shapes.weights, [4, 4]);
  assert.deepEqual(three.heads[0]!.shapes.output, [4, 2]);
  assertClose(three.projected.queries[0]![0]!, matmul(x, wq)[0]![0]! + 1, 1e-12);
});

test("kernel pooling: the four kernels and a bandwidth sweep", () => {
  const keys = [0, 1, 2, 3];
  const values = [0, 1, 4, 9];
  assertClose(kernelPooling([1.5], keys, values, { kernel: "constant" }).output, [3.5], 1e-12); // plain mean
  assertClose(kernelPooling([1], keys, values, { kernel: "boxcar" }).output, [5 / 3], 1e-12); // keys 0, 1, 2
  assertClose(
    kernelPooling([1], keys, values, { kernel: "epanechnikov", bandwidth: 2 }).output,
    [(0.5625 * 0 + 0.75 * 1 + 0.5625 * 4) / 1.875],
    1e-12,
  );
  const g = kernelPooling([1], keys, values, { kernel: "gaussian" });
  const k = [0, 1, 2, 3].map((x) => Math.exp(-((1 - x) ** 2) / 2));
  assertClose(g.output, [k.reduce((s, w, j) => s + w * values[j]!, 0) / k.reduce((a, b) => a + b, 0)], 1e-12);
  const far = kernelPooling([1e6], keys, values, { kernel: "gaussian", bandwidth: 0.01 }); // no underflow
  assertClose(far.output, [9], 1e-12);
  const wide = kernelPooling([1], keys, values, { bandwidth: 100 }).output[0]!;
  assert.ok(Math.abs(wide - 3.5) < 0.01, "a huge bandwidth tends to the plain mean");
});

test("LaTeX: matrices, masked entries and traces", () => {
  assert.equal(
    matrixToLatex([
      [1, 0.123456],
      [-Infinity, -0.00001],
    ]),
    "\\begin{bmatrix} 1 & 0.1235 \\\\ -\\infty & 0 \\end{bmatrix}",
  );
  const tex = traceToLatex(attend([[1, 0]], [[1, 0]], [[2, 3]]), { only: ["weights", "output"], digits: 2 });
  assert.equal(
    tex,
    "\\begin{aligned} \\alpha &= \\operatorname{softmax}_{\\text{row}}(S') = \\begin{bmatrix} 1 \\end{bmatrix} \\\\ O &= \\alpha V = \\begin{bmatrix} 2 & 3 \\end{bmatrix} \\end{aligned}",
  );
  assert.throws(() => traceToLatex(attend([[1]], [[1]], [[1]]), { only: ["alpha"] }), /no step named alpha/);
});

test("mulberry32: deterministic per seed", () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  assert.deepEqual([a.next(), a.int(1, 6), a.normal()], [b.next(), b.int(1, 6), b.normal()]);
  assert.equal(mulberry32(42).next(), 0.6011037519201636);
  assert.deepEqual(mulberry32(5).shuffle([1, 2, 3, 4]).sort(), [1, 2, 3, 4]);
});

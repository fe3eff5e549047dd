/**
 * Golden test: the S004 §4.3 2×2 worked example, every step to 1e-6, computed by `attend`.
 * Expected numbers are hand-derived (exact fractions and their decimals; docs/errata.md item 1), not re-computed here.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { addMatrices, attend, matmul, softmax, transpose } from "../../lib/index.js";
import { assertClose } from "../helpers.js";

const X = [
  [0.1, 0.2],
  [0.3, 0.4],
]; // E1, interpretation A: the 1×4 row read row-major as L = 2 tokens × D = 2
const WQ = [
  [0.1, 0.2],
  [0.3, 0.4],
];
const WK = [
  [0.5, 0.6],
  [0.7, 0.8],
];
const WV = [
  [0.9, 0.1],
  [0.3, 0.2],
];

test("S004 interpretation A: Q, K, V, QKᵀ, S, α, A, H match the hand-derived values to 1e-6", () => {
  const Q = matmul(X, WQ);
  const K = matmul(X, WK);
  const V = matmul(X, WV);
  assertClose(
    Q,
    [
      [7 / 100, 1 / 10],
      [3 / 20, 11 / 50],
    ],
    1e-12,
    "Q",
  ); // E3
  assertClose(
    K,
    [
      [0.19, 0.22],
      [0.43, 0.5],
    ],
    1e-12,
    "K",
  ); // E4
  assertClose(
    V,
    [
      [0.15, 0.05],
      [0.39, 0.11],
    ],
    1e-12,
    "V",
  ); // E5
  const t = attend(Q, K, V); // scaled dot product, scale 1/√2, row softmax
  assert.equal(t.scale, 1 / Math.sqrt(2));
  assertClose(
    t.scores,
    [
      [0.0353, 0.0801],
      [0.0769, 0.1745],
    ],
    1e-12,
    "QKᵀ",
  );
  assertClose(
    t.scaledScores!,
    [
      [0.024961, 0.056639],
      [0.054377, 0.12339],
    ],
    1e-6,
    "S",
  ); // E6
  assertClose(
    t.weights,
    [
      [0.492081, 0.507919],
      [0.482753, 0.517247],
    ],
    1e-6,
    "α",
  ); // E7
  assertClose(
    t.output,
    [
      [0.271901, 0.080475],
      [0.274139, 0.081035],
    ],
    1e-6,
    "A",
  ); // E8a
  assertClose(
    addMatrices(X, t.output),
    [
      [0.371901, 0.280475],
      [0.574139, 0.481035],
    ],
    1e-6,
    "H = X + A",
  ); // E8b
  const seedVariant = addMatrices(t.output, matmul(X, transpose(WV)));
  assertClose(
    seedVariant,
    [
      [0.381901, 0.150475],
      [0.584139, 0.251035],
    ],
    1e-6,
    "H = A + X W_Vᵀ",
  );
  assert.deepEqual(t.shapes, { scores: [2, 2], scaledScores: [2, 2], weights: [2, 2], output: [2, 2] });
});

test("S004 side checks: the seed's own S, α and A are inconsistent with its own arithmetic", () => {
  const seedQ = [
    [0.01, 0.02],
    [0.03, 0.04],
  ];
  const seedK = [
    [0.05, 0.06],
    [0.21, 0.24],
  ];
  const seedS = attend(seedQ, seedK, seedK).scaledScores!;
  assertClose(
    seedS,
    [
      [0.001202, 0.004879],
      [0.002758, 0.011243],
    ],
    1e-6,
    "S from the seed's Q, K",
  );
  assertClose(
    softmax([
      [0.05, 0.07],
      [0.07, 0.09],
    ]),
    [
      [0.495, 0.505],
      [0.495, 0.505],
    ],
    1e-3,
    "softmax(seed S)",
  );
  const seedAlpha = [
    [0.38, 0.62],
    [0.29, 0.71],
  ];
  const seedV = [
    [0.09, 0.01],
    [0.27, 0.08],
  ];
  assertClose(
    matmul(seedAlpha, seedV),
    [
      [0.2016, 0.0534],
      [0.2178, 0.0597],
    ],
    1e-4,
    "seed α · seed V",
  );
});

test("S004 wrong-axis softmax: columns sum to 1, rows do not", () => {
  const S = attend(matmul(X, WQ), matmul(X, WK), matmul(X, WV)).scaledScores!;
  const col = softmax(S, { axis: 0 });
  assertClose(
    col,
    [
      [0.492647, 0.483318],
      [0.507353, 0.516682],
    ],
    1e-6,
    "column softmax",
  );
  assertClose([col[0]![0]! + col[1]![0]!, col[0]![1]! + col[1]![1]!], [1, 1], 1e-12, "column sums");
  assert.ok(Math.abs(col[0]![0]! + col[0]![1]! - 1) > 0.02, "row 0 of a column softmax does not sum to 1");
});

test("S004 interpretation B (literal column convention W·X)", () => {
  const t = attend(matmul(WQ, X), matmul(WK, X), matmul(WV, X));
  assertClose(
    t.scaledScores!,
    [
      [0.035426, 0.047871],
      [0.077287, 0.10444],
    ],
    1e-6,
    "S (B)",
  );
  assertClose(
    t.weights,
    [
      [0.496889, 0.503111],
      [0.493212, 0.506788],
    ],
    1e-6,
    "α (B)",
  );
  assertClose(
    t.output,
    [
      [0.104907, 0.179751],
      [0.104796, 0.179457],
    ],
    1e-6,
    "A (B)",
  );
  assertClose(
    matmul(WK, X),
    [
      [0.23, 0.34],
      [0.31, 0.46],
    ],
    1e-12,
    "literal W_K X",
  );
});

test("S004 with L = 3 tokens: the column convention W_Q·X is a shape error", () => {
  const X3 = [
    [0.1, 0.2],
    [0.3, 0.4],
    [0.5, 0.6],
  ];
  assert.throws(() => matmul(WQ, X3, ["W_Q", "X"]), {
    name: "RangeError",
    message: /W_Q \[2, 2\].*X \[3, 2\]/,
  });
  assert.deepEqual(attend(matmul(X3, WQ), matmul(X3, WK), matmul(X3, WV)).shapes.output, [3, 2]);
});

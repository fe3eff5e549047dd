/**
 * The tier-1 explanation tools against hand computations: erasure importance Δp of the predicted class (and of a
 * chosen one), and the traced attention rollout — heads averaged, residual mixed in, the product R_l = Ã_l R_{l−1}
 * — worked out by hand for two layers; the trace's last rollout equals `attentionRollout`; bad input errors name
 * the argument, the value and what is allowed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { attentionRollout, erasureImportance, traceAttentionRollout } from "../../lib/math/index.js";

const nearMatrix = (a: number[][], b: number[][], tol = 1e-12) =>
  assert.ok(
    a.length === b.length && a.every((r, i) => r.every((v, j) => Math.abs(v - b[i]![j]!) <= tol)),
    `${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
  );

test("erasureImportance: Δp of the predicted class, by hand", () => {
  const e = erasureImportance(
    [0.2, 0.8],
    [
      [0.3, 0.7],
      [0.9, 0.1],
      [0.1, 0.9],
    ],
  );
  assert.equal(e.target, 1);
  assert.equal(e.full, 0.8);
  assert.deepEqual(e.leftOut, [0.7, 0.1, 0.9]);
  nearMatrix([e.deltas], [[0.8 - 0.7, 0.8 - 0.1, 0.8 - 0.9]]);
  const negative = erasureImportance(
    [0.2, 0.8],
    [
      [0.3, 0.7],
      [0.9, 0.1],
      [0.1, 0.9],
    ],
    { target: 0 },
  );
  nearMatrix([negative.deltas], [[-0.1, -0.7, 0.1]]);
  const three = erasureImportance(Float64Array.of(0.5, 0.3, 0.2), [[0.2, 0.5, 0.3]]);
  assert.equal(three.target, 0);
  nearMatrix([three.deltas], [[0.3]]);
});

test("erasureImportance: bad input names the argument and what is allowed", () => {
  const rows = [[0.5, 0.5]];
  assert.throws(() => erasureImportance([1], [[1]]), /full has 1 class; pass \[1 − p, p\]/);
  assert.throws(
    () => erasureImportance([0.5, 0.5], [[0.2, 0.3, 0.5]]),
    /leftOut is \[1, 3\] but full has 2 classes/,
  );
  assert.throws(
    () => erasureImportance([0.6, 0.6], rows),
    /full sums to 1.2; a distribution over the classes sums to 1/,
  );
  assert.throws(
    () => erasureImportance([0.5, 0.5], [[1.5, -0.5]]),
    /leftOut\[0\]\[0\] is 1.5; probabilities lie in \[0, 1\]/,
  );
  assert.throws(() => erasureImportance([0.5, Number.NaN], rows), /full\[1\]/);
  assert.throws(() => erasureImportance([0.5, 0.5], []), /leftOut must have at least one row/);
  assert.throws(() => erasureImportance([0.5, 0.5], rows, { target: 2 }), /target is 2; classes are 0 … 1/);
  assert.throws(() => erasureImportance([0.5, 0.5], rows, { target: 0.5 }), /target/);
  assert.throws(() => erasureImportance([0.5, 0.5], rows, { class: 1 } as never), /class/);
});

test("traceAttentionRollout: heads averaged, residual mixed in, layers multiplied — by hand", () => {
  const heads = [
    [
      [
        [1, 0],
        [1, 0],
      ],
      [
        [1, 0],
        [0, 1],
      ],
    ], // layer 1: mean [[1, 0], [0.5, 0.5]]
    [
      [
        [0, 1],
        [0, 1],
      ],
    ], // layer 2, one head
  ];
  const t = traceAttentionRollout(heads);
  nearMatrix(t.layers[0]!.mean, [
    [1, 0],
    [0.5, 0.5],
  ]);
  nearMatrix(t.layers[0]!.mixed, [
    [1, 0],
    [0.25, 0.75],
  ]); // ½ Ā + ½ I
  nearMatrix(t.layers[1]!.mixed, [
    [0.5, 0.5],
    [0, 1],
  ]);
  // R₂ = Ã₂ Ã₁ = [[0.5·1 + 0.5·0.25, 0.5·0.75], [0.25, 0.75]]
  nearMatrix(t.rollout, [
    [0.625, 0.375],
    [0.25, 0.75],
  ]);
  nearMatrix(t.layers[1]!.rollout, t.rollout);
  nearMatrix(t.rollout, attentionRollout(t.layers.map((l) => l.mean)));
  assert.deepEqual(
    t.steps.map((s) => s.name),
    ["mean_1", "mixed_1", "rollout_1", "mean_2", "mixed_2", "rollout_2"],
  );
  assert.equal(t.steps[4]!.equation, "\\tilde A_{2} = \\operatorname{norm}(0.5\\,\\bar A_{2} + 0.5\\,I)");
  assert.deepEqual(t.steps[5]!.shape, [2, 2]);
  // residual 0.2: Ã = 0.8 A + 0.2 I
  const r = traceAttentionRollout(
    [
      [
        [
          [0, 1],
          [0, 1],
        ],
      ],
    ],
    { residual: 0.2 },
  );
  nearMatrix(r.rollout, [
    [0.2, 0.8],
    [0, 1],
  ]);
  assert.equal(r.residual, 0.2);
  // without the residual the rollout is the plain product A₂ A₁
  nearMatrix(traceAttentionRollout(heads, { residual: 0 }).rollout, [
    [0.5, 0.5],
    [0.5, 0.5],
  ]);
});

test("traceAttentionRollout: rows of every step that is a distribution sum to 1", () => {
  const a = [
    [
      [
        [0.2, 0.8, 0],
        [0.1, 0.1, 0.8],
        [1 / 3, 1 / 3, 1 / 3],
      ],
    ],
    [
      [
        [0, 0, 1],
        [0.5, 0.5, 0],
        [0.9, 0.05, 0.05],
      ],
    ],
  ];
  for (const s of traceAttentionRollout(a).steps) {
    for (const row of s.value) assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-12, s.name);
  }
});

test("traceAttentionRollout: bad input errors", () => {
  assert.throws(
    () => traceAttentionRollout([]),
    /traceAttentionRollout: heads must be a non-empty list of layers/,
  );
  assert.throws(
    () => traceAttentionRollout([[]]),
    /traceAttentionRollout: heads\[0\] must be a non-empty list/,
  );
  assert.throws(
    () => traceAttentionRollout([[[[1, 0]]]]),
    /heads\[0\]\[0\] must be a square \[T, T\] map \(self-attention\), got \[1, 2\]/,
  );
  assert.throws(
    () =>
      traceAttentionRollout([
        [[[1]]],
        [
          [
            [1, 0],
            [0, 1],
          ],
        ],
      ]),
    /heads\[1\]\[0\] is \[2, 2\] but heads\[0\]\[0\] is \[1, 1\]/,
  );
  assert.throws(() => traceAttentionRollout([[[[1]]]], { residual: 1 }), /residual/);
  assert.throws(() => traceAttentionRollout([[[[1]]]], { weight: 1 } as never), /weight/);
});

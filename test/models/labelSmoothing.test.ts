/**
 * Token cross-entropy with label smoothing (issue #18): tier 2's `sequenceCrossEntropy` and tier 1's
 * `crossEntropy` against PyTorch's `cross_entropy(…, ignore_index, label_smoothing)` (the stored references of
 * test/fixtures/pytorch/label-smoothing.json, made by scripts/references/label-smoothing.py): loss, per-token
 * loss and the gradient with respect to the logits, on wasm and cpu; tier 1 ↔ tier 2 parity on seeded batches;
 * a batch of padding only; no tensor leaks; bad input.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { crossEntropy } from "../../lib/math/crossEntropy.js";
import { sequenceCrossEntropy } from "../../lib/models/seq2seqTraining.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { BACKENDS, useBackend } from "../layers/attentionHelpers.js";

interface Case {
  name: string;
  shape: [number, number, number];
  padId: number | null;
  labelSmoothing: number;
  logits: number[][][];
  targets: number[][];
  loss: number;
  perToken: number[][];
  grad: number[][][];
}
const fixture = JSON.parse(readFileSync("test/fixtures/pytorch/label-smoothing.json", "utf8")) as {
  torch: string;
  cases: Case[];
};
const TOL = 1e-5;
const int = (rows: number[][]) => tf.tensor2d(rows, undefined, "int32");
const options = (c: Case) => ({ padId: c.padId ?? undefined, labelSmoothing: c.labelSmoothing });
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));

/** Tier 2's loss and gradient for one case on the active backend. */
function tier2(logits: number[][][], targets: number[][], o: Parameters<typeof sequenceCrossEntropy>[2]) {
  return tf.tidy(() => {
    const [z, y] = [tf.tensor3d(logits), int(targets)];
    const { value, grad } = tf.valueAndGrad((l: tf.Tensor) => sequenceCrossEntropy(l, y, o))(z);
    return { loss: value.dataSync()[0]!, grad: Array.from(grad.dataSync()) };
  });
}

test("the stored PyTorch references cover ε 0, 0.1, 0.3, padding and no padding", () => {
  const eps = new Set(fixture.cases.map((c) => c.labelSmoothing));
  assert.deepEqual([...eps].sort(), [0, 0.1, 0.3]);
  assert.ok(fixture.cases.some((c) => c.padId === null));
  assert.ok(fixture.cases.some((c) => c.padId !== null && c.targets.flat().includes(c.padId)));
  assert.match(fixture.torch, /^\d+\.\d+/);
});

for (const backend of BACKENDS) {
  test(`sequenceCrossEntropy equals PyTorch's cross_entropy with label smoothing (${backend})`, async (t) => {
    await useBackend(backend);
    let worstLoss = 0;
    let worstGrad = 0;
    for (const c of fixture.cases) {
      const before = tf.memory().numTensors;
      const got = tier2(c.logits, c.targets, options(c));
      assert.equal(tf.memory().numTensors, before, `${c.name}: tensors leaked`);
      assert.ok(Math.abs(got.loss - c.loss) <= TOL, `${c.name}: loss ${got.loss}, PyTorch ${c.loss}`);
      assert.ok(got.grad.every(Number.isFinite), `${c.name}: gradient not finite`);
      const g = maxDiff(got.grad, c.grad.flat(2));
      assert.ok(g <= TOL, `${c.name}: gradient differs from PyTorch's by ${g}`);
      worstLoss = Math.max(worstLoss, Math.abs(got.loss - c.loss));
      worstGrad = Math.max(worstGrad, g);
    }
    t.diagnostic(
      `${backend}: max |loss − torch| ${worstLoss.toExponential(2)}, max |grad − torch| ${worstGrad.toExponential(2)}`,
    );
  });
}

test("tier 1 crossEntropy equals PyTorch: the loss and the per-token losses (reduction none)", (t) => {
  let worst = 0;
  for (const c of fixture.cases) {
    const v = c.shape[2];
    const trace = crossEntropy(c.logits.flat(), c.targets.flat(), options(c));
    worst = Math.max(worst, Math.abs(trace.loss - c.loss), maxDiff(trace.perToken, c.perToken.flat()));
    assert.ok(Math.abs(trace.loss - c.loss) <= TOL, `${c.name}: loss ${trace.loss}, PyTorch ${c.loss}`);
    assert.ok(maxDiff(trace.perToken, c.perToken.flat()) <= TOL, `${c.name}: per-token losses`);
    // PyTorch's smoothing: ε/V on every class, the target's share 1 − ε + ε/V
    const first = trace.smoothedTargets[0]!;
    assert.ok(Math.abs(first[c.targets[0]![0]!]! - (1 - c.labelSmoothing + c.labelSmoothing / v)) < 1e-15);
  }
  t.diagnostic(`tier 1: max |loss or per-token − torch| ${worst.toExponential(2)}`);
});

test("tier 1 ↔ tier 2: the same loss on seeded batches with padding, for ε 0, 0.1, 0.3", async (t) => {
  await useBackend("wasm");
  const rng = mulberry32(1806);
  const [b, time, v, padId] = [3, 6, 13, 0];
  let worst = 0;
  for (const labelSmoothing of [0, 0.1, 0.3]) {
    const logits = Array.from({ length: b }, () => rng.matrix(time, v, -3, 3));
    const lengths = [6, 4, 1];
    const targets = lengths.map((n) =>
      Array.from({ length: time }, (_, i) => (i < n ? 1 + Math.floor(rng.next() * (v - 1)) : padId)),
    );
    const o = { padId, labelSmoothing };
    const one = crossEntropy(logits.flat(), targets.flat(), o);
    const two = tier2(logits, targets, o);
    assert.equal(one.count, 11);
    assert.ok(
      Math.abs(one.loss - two.loss) <= TOL,
      `ε ${labelSmoothing}: tier 1 ${one.loss}, tier 2 ${two.loss}`,
    );
    worst = Math.max(worst, Math.abs(one.loss - two.loss));
  }
  t.diagnostic(`tier 1 vs tier 2: max |diff| ${worst.toExponential(2)}`);
});

test("a batch of padding only gives loss 0 and a zero gradient, not NaN", async () => {
  await useBackend("wasm");
  const got = tier2([[[1, 2, 3]], [[0, 0, 5]]], [[2], [2]], { padId: 2, labelSmoothing: 0.1 });
  assert.equal(got.loss, 0);
  assert.ok(got.grad.length === 6 && got.grad.every((g) => g === 0), `gradient ${got.grad}`);
});

test("no options = every token counts, ε 0 (the old default)", async () => {
  await useBackend("wasm");
  const z = [
    [
      [0, 0],
      [5, 0],
    ],
  ];
  const want = (Math.log(2) + Math.log(1 + Math.exp(-5))) / 2;
  assert.ok(Math.abs(tier2(z, [[0, 0]], undefined).loss - want) < 1e-6);
  assert.ok(Math.abs(tier2(z, [[0, 0]], {}).loss - want) < 1e-6);
});

test("sequenceCrossEntropy: bad options, shapes and targets throw naming the argument", async () => {
  await useBackend("wasm");
  const before = tf.memory().numTensors;
  const [z, y, z2, y1, y3, yHalf] = [
    tf.zeros([1, 2, 3]),
    int([[0, 1]]),
    tf.zeros([2, 3]),
    int([[1]]),
    int([[0, 3]]),
    tf.tensor2d([[0.5, 1]]),
  ];
  const call =
    (o: unknown, l: tf.Tensor = z, t: tf.Tensor = y) =>
    () =>
      sequenceCrossEntropy(l, t, o as Parameters<typeof sequenceCrossEntropy>[2]);
  const rows: [string, () => unknown, RegExp][] = [
    [
      "the old positional padId",
      call(0),
      /^sequenceCrossEntropy: options must be an object with keys padId, labelSmoothing, got 0/,
    ],
    [
      "an unknown key",
      call({ smoothing: 0.1 }),
      /^sequenceCrossEntropy: unknown option "smoothing"; allowed options: padId, labelSmoothing/,
    ],
    [
      "labelSmoothing 1",
      call({ labelSmoothing: 1 }),
      /^sequenceCrossEntropy: options\.labelSmoothing must be a finite number ≥ 0 and < 1, got 1/,
    ],
    ["labelSmoothing -0.1", call({ labelSmoothing: -0.1 }), /options\.labelSmoothing must be .*got -0\.1/],
    ["padId -1", call({ padId: -1 }), /^sequenceCrossEntropy: options\.padId must be an integer ≥ 0, got -1/],
    [
      "targets [1, 1] for [1, 2, 3]",
      call({}, z, y1),
      /^sequenceCrossEntropy: logits must be \[B, T, V\] .*got logits \[1,2,3\] and targets \[1,1\]/,
    ],
    ["logits [2, 3]", call({}, z2, y), /^sequenceCrossEntropy: logits must be \[B, T, V\]/],
    [
      "logits an array",
      call({}, [[[0]]] as never, y),
      /^sequenceCrossEntropy: logits and targets must be tensors/,
    ],
    [
      "target 3 with V = 3",
      call({}, z, y3),
      /^sequenceCrossEntropy: targets must be integer class ids in \[0, 2\], got 3 at flat index 1/,
    ],
    [
      "target 0.5",
      call({ padId: 1 }, z, yHalf),
      /targets must be integer class ids in \[0, 2\] or padId 1, got 0\.5 at flat index 0/,
    ],
  ];
  for (const [what, run, message] of rows) {
    assert.throws(
      run,
      (e: unknown) => (e instanceof TypeError || e instanceof RangeError) && message.test(e.message),
      what,
    );
  }
  tf.dispose([z, y, z2, y1, y3, yHalf]);
  assert.equal(tf.memory().numTensors, before);
});

/**
 * clipByGlobalNorm (issue #18, notebook 09): the global norm and the clipped gradients against a hand computation
 * in float64 (PyTorch clip_grad_norm_: coefficient maxNorm / (norm + 1e-6), applied only below 1), no change under
 * the threshold, the direction kept, inputs untouched, clear errors on bad input, and no tensor left behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { clipByGlobalNorm } from "../../lib/train/clipGradients.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { assertClose } from "../helpers.js";

/** Random gradients of three shapes, as nested arrays (the hand computation's input) and as tensors. */
function sample(seed: number, spread: number) {
  const rng = mulberry32(seed);
  const arrays = {
    w: rng.matrix(3, 4).map((r) => r.map((x) => spread * (x - 0.5))),
    b: [spread * 0.3, -spread],
  };
  const tensors = { w: tf.tensor2d(arrays.w), b: tf.tensor1d(arrays.b) };
  return { arrays, tensors };
}

/** ‖g‖ in float64 over every entry of every array. */
const handNorm = (a: { w: number[][]; b: number[] }) =>
  Math.sqrt([...a.w.flat(), ...a.b].reduce((s, x) => s + x * x, 0));

test("the worked example: ‖(3, 0, 4)‖ = 5 clipped to 1 gives (0.6, 0, 0.8)", () => {
  const g = { w: tf.tensor1d([3, 0]), b: tf.tensor1d([4]) };
  const r = clipByGlobalNorm(g, 1);
  assertClose(r.norm, 5, 1e-6);
  assertClose(r.scale, 1 / (5 + 1e-6), 1e-9);
  assertClose(Array.from(r.grads.w!.dataSync()), [0.6, 0], 1e-6);
  assertClose(Array.from(r.grads.b!.dataSync()), [0.8], 1e-6);
  tf.dispose([g, r.grads]);
});

test("above the threshold: norm and every entry match a float64 hand computation", () => {
  const { arrays, tensors } = sample(3, 10);
  const norm = handNorm(arrays);
  assert.ok(norm > 2, `the sample's norm ${norm} should exceed maxNorm 2`);
  const c = 2 / (norm + 1e-6);
  const r = clipByGlobalNorm(tensors, 2);
  assertClose(r.norm, norm, 1e-5 * norm);
  assertClose(
    r.grads.w!.arraySync() as number[][],
    arrays.w.map((row) => row.map((x) => c * x)),
    1e-5,
  );
  assertClose(
    Array.from(r.grads.b!.dataSync()),
    arrays.b.map((x) => c * x),
    1e-5,
  );
  const after = handNorm({ w: r.grads.w!.arraySync() as number[][], b: Array.from(r.grads.b!.dataSync()) });
  assertClose(after, 2, 1e-5); // the clipped norm is maxNorm (minus the 1e-6 guard)
  assertClose(tensors.w.arraySync() as number[][], arrays.w, 1e-6); // the input is left as it was
  tf.dispose([tensors, r.grads]);
});

test("within the threshold: unchanged copies, scale 1; a zero gradient stays zero", () => {
  const { arrays, tensors } = sample(4, 0.1);
  const r = clipByGlobalNorm(tensors, 100);
  assert.equal(r.scale, 1);
  assertClose(r.norm, handNorm(arrays), 1e-6);
  assertClose(r.grads.w!.arraySync() as number[][], arrays.w, 1e-7);
  assert.notEqual(r.grads.w, tensors.w, "a new tensor, so that the caller can dispose both maps");
  const zero = { z: tf.zeros([2, 2]) };
  const rz = clipByGlobalNorm(zero, 1);
  assert.equal(rz.norm, 0);
  assert.deepEqual(Array.from(rz.grads.z!.dataSync()), [0, 0, 0, 0]);
  tf.dispose([tensors, r.grads, zero, rz.grads]);
});

test("no tensor is left behind, on success and on every error", () => {
  const { tensors } = sample(5, 10);
  const nan = { a: tf.tensor1d([1, Number.NaN]) };
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) tf.dispose(clipByGlobalNorm(tensors, 1).grads);
  assert.throws(() => clipByGlobalNorm(nan, 1));
  assert.throws(() => clipByGlobalNorm(tensors, 0));
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([tensors, nan]);
});

test("bad input: maxNorm, the map and its tensors are errors naming the argument", () => {
  const ok = { w: tf.tensor1d([1, 2]) };
  const ints = { i: tf.tensor1d([1, 2], "int32") };
  const disposed = tf.tensor1d([1]);
  disposed.dispose();
  const rows: [() => unknown, RegExp][] = [
    [
      () => clipByGlobalNorm(ok, 0),
      /^RangeError: clipByGlobalNorm: maxNorm must be a finite number > 0, got 0/,
    ],
    [() => clipByGlobalNorm(ok, -1), /maxNorm must be a finite number > 0, got -1/],
    [() => clipByGlobalNorm(ok, Number.NaN), /maxNorm must be a finite number > 0, got NaN/],
    [() => clipByGlobalNorm(ok, Number.POSITIVE_INFINITY), /maxNorm must be a finite number > 0/],
    [() => clipByGlobalNorm(ok, "1" as unknown as number), /maxNorm must be a finite number > 0/],
    [() => clipByGlobalNorm({}, 1), /^RangeError: clipByGlobalNorm: grads is empty/],
    [() => clipByGlobalNorm(null as unknown as tf.NamedTensorMap, 1), /grads must be a map .* got null/],
    [() => clipByGlobalNorm([ok.w] as unknown as tf.NamedTensorMap, 1), /got an array/],
    [() => clipByGlobalNorm(ok.w as unknown as tf.NamedTensorMap, 1), /got a tensor/],
    [
      () => clipByGlobalNorm({ w: [1, 2] } as unknown as tf.NamedTensorMap, 1),
      /grads\.w must be a live tensor, got an array/,
    ],
    [() => clipByGlobalNorm({ d: disposed }, 1), /grads\.d must be a live tensor, got a disposed tensor/],
    [() => clipByGlobalNorm(ints, 1), /grads\.i must be float32, got int32/],
  ];
  for (const [f, message] of rows) assert.throws(f, message);
  const inf = { a: tf.tensor1d([1]), b: tf.tensor1d([Number.POSITIVE_INFINITY]) };
  assert.throws(
    () => clipByGlobalNorm(inf, 1),
    /global norm is Infinity \(grads\.b has a NaN or infinite entry\)/,
  );
  const nan = { n: tf.tensor1d([Number.NaN]) };
  assert.throws(() => clipByGlobalNorm(nan, 1), /global norm is NaN \(grads\.n has a NaN/);
  tf.dispose([ok, ints, inf, nan]);
});

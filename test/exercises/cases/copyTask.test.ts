/**
 * The checks of notebooks/06-transformer-copy-task.ipynb: right answers (computed here the way the solution
 * computes them) are right, typical mistakes are wrong with the intended hint, undefined is "not yet",
 * malformed answers are wrong without a throw, and no check leaves a tensor behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "../../../lib/cases/exercises.js";
import { reverseCopyTargets } from "../../../lib/cases/copyTask/data.js";
import { COPY_TASK_DEFAULTS } from "../../../lib/cases/copyTask/experiment.js";
import { copyTaskModel } from "../../../lib/cases/copyTask/model.js";
import { copySequences, copyTaskTensors } from "../../../lib/models/copyTask.js";
import { countParameters } from "../../../lib/train/variables.js";
import { checkerFor } from "../checker.js";

const quiet = checkerFor("06-transformer-copy-task");
/** Every check leaves the tensor count as it found it. */
const check = (n: number, answer: unknown) => {
  const before = tf.memory().numTensors;
  const result = quiet(n, answer);
  assert.equal(tf.memory().numTensors, before, `exercise ${n} leaked tensors`);
  return result;
};

const L = 10;
const grid = (on: (i: number, j: number) => boolean) =>
  Array.from({ length: L }, (_, i) => Array.from({ length: L }, (_, j) => Number(on(i, j))));

test("exercise 1: the alignment of a perfect reverse model", () => {
  // as the solution derives it: the source position that always holds the symbol step i emits
  const rev = reverseCopyTargets(copySequences(1, 200));
  const derived = grid((i, j) => rev.src.every((s, b) => s[j] === rev.tgtOut[b]![i]));
  assert.equal(check(1, derived).status, "right");
  assert.equal(
    check(
      1,
      grid((i, j) => j === L - 1 - i),
    ).status,
    "right",
  );
  assert.match(
    check(
      1,
      grid((i, j) => i === j),
    ).message,
    /copy task's alignment/,
  );
  assert.match(
    check(
      1,
      grid((i, j) => j === (L - i) % L),
    ).message,
    /10 steps read a source position/,
  );
  const oneOff = grid((i, j) => j === L - 1 - i);
  oneOff[0] = grid((i, j) => i === 0 && j === 0)[0]!;
  assert.match(check(1, oneOff).message, /1 of the 10 steps/);
  assert.match(check(1, [...grid((i, j) => j === L - 1 - i), new Array(L).fill(0)]).message, /end token/);
  assert.match(
    check(
      1,
      grid(() => true),
    ).message,
    /exactly one 1/,
  );
  assert.match(
    check(
      1,
      grid((i, j) => j === L - 1 - i).map((r) => r.map((x) => x * 0.5)),
    ).message,
    /0\/1/,
  );
  assert.match(check(1, grid(() => false).slice(0, 4)).message, /should have 10 rows/);
});

type Rows = (x: number[][]) => number[][];
const maxAbs = (a: number[][], b: number[][]) =>
  Math.max(...a.flatMap((r, i) => r.map((v, j) => Math.abs(v - b[i]![j]!))));

test("exercise 2: a function measuring max |f(Px) − P·f(x)|", () => {
  const right = (f: Rows, x: number[][], perm: number[]) => {
    const permute = (m: number[][]) => perm.map((p) => m[p]!);
    return maxAbs(f(permute(x)), permute(f(x)));
  };
  assert.equal(check(2, right).status, "right");
  // through tensors (float32 differences) is right too
  const viaTensors = (f: Rows, x: number[][], perm: number[]) => {
    const permute = (m: number[][]) => perm.map((p) => m[p]!);
    const d = tf
      .sub(tf.tensor2d(f(permute(x))), tf.tensor2d(permute(f(x))))
      .abs()
      .max();
    return d.dataSync()[0]!;
  };
  assert.equal(check(2, viaTensors).status, "right");
  const unpermuted = (f: Rows, x: number[][], perm: number[]) => maxAbs(f(perm.map((p) => x[p]!)), f(x));
  assert.match(check(2, unpermuted).message, /permute f\(x\)'s rows the same way/);
  const mean = (f: Rows, x: number[][], perm: number[]) => {
    const permute = (m: number[][]) => perm.map((p) => m[p]!);
    const a = f(permute(x));
    const b = permute(f(x));
    const d = a.flatMap((r, i) => r.map((v, j) => Math.abs(v - b[i]![j]!)));
    return d.reduce((s, v) => s + v, 0) / d.length;
  };
  assert.match(check(2, mean).message, /not max \|f\(Px\) − P·f\(x\)\|/);
  assert.match(check(2, () => 0).message, /with sinusoidal positions/);
  assert.match(check(2, () => "0").message, /finite number/);
  assert.match(check(2, async () => 0).message, /finite number/);
  assert.match(
    check(2, () => {
      throw new Error("boom");
    }).message,
    /threw .*boom/,
  );
  assert.match(check(2, 0).message, /a function/);
});

test("exercise 3: parameters and cross-attention weights with 1 and 4 heads", () => {
  const cost = (numHeads: number) => {
    const model = copyTaskModel({ ...COPY_TASK_DEFAULTS, numHeads });
    const t = copyTaskTensors(copySequences(0, 1));
    const { output, attention } = model.applyWithAttention([t.src, t.tgtIn]);
    const cross = attention.decoderCross[0]!.size;
    tf.dispose([t.src, t.tgtIn, t.tgtOut, output, attention]);
    const parameters = countParameters(model);
    model.dispose();
    return { parameters, cross };
  };
  const [one, four] = [cost(1), cost(4)];
  assert.equal(one.parameters, four.parameters, "the same parameters");
  const right = { parameters: [one.parameters, four.parameters], crossWeights: [one.cross, four.cross] };
  assert.equal(check(3, right).status, "right");
  assert.match(
    check(3, { ...right, parameters: [one.parameters, 4 * one.parameters] }).message,
    /E\/N columns/,
  );
  assert.match(
    check(3, { ...right, parameters: [one.parameters + 1, four.parameters] }).message,
    /countParameters/,
  );
  assert.match(check(3, { ...right, crossWeights: [1, 4] }).message, /counts the maps/);
  assert.match(check(3, { ...right, crossWeights: [one.cross, one.cross] }).message, /its own map/);
  assert.match(check(3, { ...right, crossWeights: [100, 400] }).message, /decoderCross is \[B, N, T, S\]/);
  assert.match(check(3, { parameters: [1, 2] }).message, /the answer is \{ parameters/);
  assert.match(check(3, { parameters: [1.5, 2], crossWeights: [1, 4] }).message, /positive whole/);
});

test("undefined is not yet; malformed answers are wrong without a throw", () => {
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [
      null,
      "x",
      {},
      [],
      [[1]],
      Number.NaN,
      () => {
        throw new Error("no");
      },
    ]) {
      const { status, message } = check(n, bad);
      assert.equal(status, "wrong", `${n} ${String(bad)}`);
      assert.ok(message.length > 0);
    }
  }
});

/**
 * `fit` refuses bad options (a table: unknown keys, early stopping, progress modes, seeds, functions, the
 * optimizer and variables) and bad callback results; stops on a non-finite gradient before the update and on
 * non-finite weights after it, naming the epoch, the step and the variable; and leaves no tensors behind when
 * batch(), the loss or evaluate throws, or the loss is not a scalar.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { type FitOptions, fit } from "../../lib/train/fit.js";
import { useBackend } from "../layers/attentionHelpers.js";

let w: tf.Variable;
before(async () => {
  await useBackend("wasm");
  w = tf.variable(tf.scalar(1), true, "fitBadInput/w");
});

type Batch = tf.Tensor;
const base = (): FitOptions<Batch> => ({
  size: 4,
  epochs: 2,
  batchSize: 2,
  optimizer: tf.train.sgd(0.01),
  variables: [w],
  batch: (ix) => tf.tensor1d(ix),
  loss: (x) => tf.mean(tf.square(tf.sub(x, w))) as tf.Scalar,
  progress: "none",
});
const with_ = (extra: object) => ({ ...base(), ...extra }) as FitOptions<Batch>;
const es = (extra: object) =>
  with_({
    evaluate: () => ({ acc: 1 }),
    earlyStopping: { metric: "acc", mode: "max", patience: 1, ...extra },
  });

/** [what, options, expected message]. */
const options: [string, () => unknown, RegExp][] = [
  ["no options", () => undefined, /^fit: options\.size is required/],
  ["not an object", () => 5, /^fit: options must be an object/],
  ["unknown key", () => with_({ epoch: 3 }), /^fit: unknown option "epoch" \(did you mean "epochs"\?\)/],
  [
    "misspelt earlyStopping",
    () => with_({ earlystopping: {} }),
    /unknown option "earlystopping" \(did you mean "earlyStopping"\?\)/,
  ],
  [
    "mode maximize",
    () => es({ mode: "maximize" }),
    /^fit: options\.earlyStopping\.mode must be one of "max", "min", got "maximize"/,
  ],
  ["mode missing", () => es({ mode: undefined }), /options\.earlyStopping\.mode is required/],
  ["patience 0", () => es({ patience: 0 }), /options\.earlyStopping\.patience must be an integer ≥ 1, got 0/],
  [
    "patience 1.5",
    () => es({ patience: 1.5 }),
    /options\.earlyStopping\.patience must be an integer ≥ 1, got 1\.5/,
  ],
  [
    "minDelta −1",
    () => es({ minDelta: -1 }),
    /options\.earlyStopping\.minDelta must be a finite number ≥ 0, got -1/,
  ],
  ["metric empty", () => es({ metric: "" }), /options\.earlyStopping\.metric must be a non-empty string/],
  ["earlyStopping monitor", () => es({ monitor: "acc" }), /unknown option "earlyStopping\.monitor"/],
  [
    "earlyStopping true",
    () => with_({ earlyStopping: true }),
    /options\.earlyStopping must be an object with keys metric, mode, patience, minDelta/,
  ],
  [
    "progress bar",
    () => with_({ progress: "bar" }),
    /^fit: options\.progress must be one of "auto", "terminal", "notebook", "none", got "bar"/,
  ],
  ["progress {}", () => with_({ progress: {} }), /options\.progress must be one of .* or a ProgressReporter/],
  [
    "progress true",
    () => with_({ progress: true }),
    /options\.progress must be one of .* or a ProgressReporter/,
  ],
  ["seed 1.5", () => with_({ seed: 1.5 }), /options\.seed must be an integer ≥ 0, got 1\.5/],
  ["seed −1", () => with_({ seed: -1 }), /options\.seed must be an integer ≥ 0, got -1/],
  ["shuffle 'yes'", () => with_({ shuffle: "yes" }), /options\.shuffle must be a boolean/],
  ["size 0", () => with_({ size: 0 }), /options\.size must be an integer ≥ 1 and ≤ 16777216, got 0/],
  [
    "size 2^25",
    () => with_({ size: 2 ** 25 }),
    /options\.size must be an integer ≥ 1 and ≤ 16777216, got 33554432/,
  ],
  [
    "epochs Infinity",
    () => with_({ epochs: Number.POSITIVE_INFINITY }),
    /options\.epochs must be an integer ≥ 1, got Infinity/,
  ],
  ["batchSize 2.5", () => with_({ batchSize: 2.5 }), /options\.batchSize must be an integer ≥ 1, got 2\.5/],
  ["batch not a function", () => with_({ batch: [1, 2] }), /options\.batch must be a function/],
  ["loss missing", () => with_({ loss: undefined }), /options\.loss is required/],
  ["optimizer missing", () => with_({ optimizer: undefined }), /options\.optimizer is required/],
  [
    "optimizer 'adam'",
    () => with_({ optimizer: "adam" }),
    /options\.optimizer must be a tf\.Optimizer .*got "adam"/,
  ],
  ["optimizer {}", () => with_({ optimizer: {} }), /options\.optimizer must be a tf\.Optimizer/],
  [
    "variables []",
    () => with_({ variables: [] }),
    /options\.variables must be a non-empty array of tf\.Variable, got an array of length 0/,
  ],
  [
    "variables tensor",
    () => with_({ variables: [tf.scalar(1)] }),
    /options\.variables\[0\] must be a live tf\.Variable, got a Tensor/,
  ],
  [
    "variables not an array",
    () => with_({ variables: w }),
    /options\.variables must be a non-empty array of tf\.Variable/,
  ],
  [
    "learningRate a number",
    () => with_({ learningRate: 0.1 }),
    /options\.learningRate must be a function, got 0\.1/,
  ],
  ["evaluate a string", () => with_({ evaluate: "acc" }), /options\.evaluate must be a function/],
  ["stopWhen true", () => with_({ stopWhen: true }), /options\.stopWhen must be a function/],
  ["onEpoch 1", () => with_({ onEpoch: 1 }), /options\.onEpoch must be a function/],
  ["title 5", () => with_({ title: 5 }), /options\.title must be a string/],
  [
    "learningRate() NaN",
    () => with_({ learningRate: () => Number.NaN }),
    /^fit: options\.learningRate\(1, 1\) must be a finite number > 0, got NaN/,
  ],
  [
    "learningRate() 0",
    () => with_({ learningRate: () => 0 }),
    /options\.learningRate\(1, 1\) must be a finite number > 0, got 0/,
  ],
  [
    "evaluate() a number",
    () => with_({ evaluate: () => 0.9 }),
    /^fit: options\.evaluate\(1\) must return an object of metrics/,
  ],
  [
    "evaluate() a string metric",
    () => with_({ evaluate: () => ({ acc: "0.9" }) }),
    /options\.evaluate\(1\) returned acc = "0\.9"; every metric must be a number/,
  ],
  [
    "stopWhen() undefined",
    () => with_({ stopWhen: () => undefined }),
    /options\.stopWhen\(metrics of epoch 1\)'s result is required/,
  ],
  [
    "stopWhen() 1",
    () => with_({ stopWhen: () => 1 }),
    /stopWhen\(metrics of epoch 1\)'s result must be a boolean/,
  ],
  [
    "earlyStopping metric NaN",
    () =>
      with_({
        evaluate: () => ({ acc: Number.NaN }),
        earlyStopping: { metric: "acc", mode: "max", patience: 1 },
      }),
    /^fit: earlyStopping\.metric "acc" is NaN at epoch 1/,
  ],
  [
    "loss not a scalar",
    () => with_({ loss: (x: tf.Tensor) => tf.square(tf.sub(x, w)) }),
    /^fit: options\.loss must return a scalar tensor \(rank 0, e\.g\. tf\.mean\(\.\.\.\)\), got a tensor of shape \[2\] at epoch 1, step 1/,
  ],
  [
    "loss a number",
    () => with_({ loss: () => 0.5 }),
    /options\.loss must return a scalar tensor .*got 0\.5 at epoch 1, step 1/,
  ],
];

const clear = (re: RegExp) => (e: unknown) =>
  (e instanceof TypeError || e instanceof RangeError) && re.test(e.message);

for (const [what, o, expected] of options) {
  test(`bad fit options: ${what} → ${expected.source.slice(0, 70)}`, async () => {
    const value = w.dataSync()[0];
    const given = o(); // its optimizer's kept learning-rate scalar is the caller's
    const before = tf.memory().numTensors;
    await assert.rejects(fit(given as never), clear(expected));
    assert.equal(tf.memory().numTensors, before, "no tensors left behind");
    const stepsRan = /^(evaluate|stopWhen)\(\)|metric NaN/.test(what); // the error comes after an epoch
    if (!stepsRan) assert.equal(w.dataSync()[0], value, "no step ran");
  });
}

test("a finite loss with an Infinity gradient stops before the update, naming epoch, step and variable", async () => {
  const v = tf.variable(tf.scalar(0), true, "fitBadInput/sqrtInput");
  const o = with_({ variables: [v], loss: () => tf.sqrt(v) as tf.Scalar }); // d√v/dv = ∞ at 0, √0 = 0
  const before = tf.memory().numTensors;
  await assert.rejects(
    fit(o),
    /^Error: fit: the gradient of variable "fitBadInput\/sqrtInput" has non-finite values \(NaN or ±Infinity\) at epoch 1, step 1 \(step 1 overall\), although the loss 0 is finite; the weights were not updated$/,
  );
  assert.equal(v.dataSync()[0], 0, "not updated");
  assert.equal(tf.memory().numTensors, before);
  v.dispose();
});

test("a finite gradient with a huge learning rate gives non-finite weights: an error that says they WERE updated", async () => {
  const v = tf.variable(tf.scalar(1e10), true, "fitBadInput/big");
  const o = with_({ variables: [v], optimizer: tf.train.sgd(1e30), loss: () => tf.square(v) as tf.Scalar });
  const before = tf.memory().numTensors;
  const error = await fit(o).catch((e: Error) => e);
  assert.ok(error instanceof Error);
  assert.match(
    error.message,
    /^fit: variable "fitBadInput\/big" has non-finite values \(NaN or ±Infinity\) after the update at epoch 1, step 1 \(step 1 overall\): the weights WERE updated/,
  );
  assert.doesNotMatch(error.message, /not updated/);
  assert.ok(!Number.isFinite(v.dataSync()[0]!));
  assert.equal(tf.memory().numTensors, before);
  v.dispose();
});

test("no tensors are left when batch(), the loss or evaluate throws (sync or async)", async () => {
  /** Throws, after its argument (a tensor made just before) was made. */
  const boom = (_made?: tf.Tensor): never => {
    throw new Error("boom");
  };
  const cases: [string, object][] = [
    ["batch throws after making a tensor", { batch: () => boom(tf.ones([2])) }],
    ["loss throws after making tensors", { loss: (x: tf.Tensor) => boom(tf.mul(x, w)) }],
    ["loss throws on step 3", { loss: (x: tf.Tensor) => (++calls === 3 ? boom() : tf.mean(tf.mul(x, w))) }],
    ["evaluate throws", { evaluate: boom }],
    ["async evaluate rejects", { evaluate: async () => boom() }],
    ["onEpoch throws", { onEpoch: boom }],
  ];
  let calls = 0;
  for (const [what, extra] of cases) {
    calls = 0;
    const o = with_(extra);
    const before = tf.memory().numTensors;
    await assert.rejects(fit(o), /boom/, what);
    assert.equal(tf.memory().numTensors, before, what);
  }
});

test("successful runs keep numTensors flat (the per-step checks dispose what they read)", async () => {
  const runs = [0, 1, 2].map((k) =>
    with_({
      evaluate: () => ({ acc: k }),
      earlyStopping: { metric: "acc", mode: "min", patience: 2, minDelta: 0 },
      stopWhen: () => false,
    }),
  );
  const before = tf.memory().numTensors;
  for (const o of runs) assert.equal((await fit(o)).steps, 4);
  assert.equal(tf.memory().numTensors, before);
});

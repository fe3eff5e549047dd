/**
 * The checks of notebooks/09-training-a-transformer.ipynb: right answers (computed here by hand, independently of
 * the checks) are right, typical mistakes are wrong with a hint that does not give the answer, undefined is
 * "not yet", malformed answers are wrong without a throw, and checking leaves no tensor behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { checkerFor } from "./checker.js";

const check = checkerFor("09-training-a-transformer");

/** The notebook's row: logits over V = 5, target 1, ε = 0.1; the loss −Σ q log p by hand. */
const z = [2, 0.5, -1, 0, 1.5];
const lse = Math.log(z.reduce((s, x) => s + Math.exp(x), 0));
const logP = z.map((x) => x - lse);
const lossWith = (q: number[]) => -q.reduce((s, qv, v) => s + qv * logP[v]!, 0);
const smoothed = lossWith(z.map((_, v) => (v === 1 ? 0.9 : 0) + 0.1 / 5));

test("exercise 1: the label-smoothed loss of one row", () => {
  assert.equal(check(1, smoothed).status, "right");
  assert.equal(check(1, smoothed + 5e-7).status, "right");
  const wrong: [number, RegExp][] = [
    [-logP[1]!, /without label smoothing/],
    [lossWith(z.map((_, v) => (v === 1 ? 0.9 : 0.1 / 4))), /V − 1 other classes/],
    [smoothed / Math.LN2, /in bits/],
    [-smoothed, /a positive number/],
    [-z.reduce((s, x, v) => s + ((v === 1 ? 0.9 : 0) + 0.02) * x, 0), /uses the logits/],
    [smoothed + 0.05, /check the log-softmax/],
  ];
  for (const [answer, hint] of wrong) {
    const r = check(1, answer);
    assert.equal(r.status, "wrong");
    assert.match(r.message, hint);
    assert.ok(!r.message.includes(smoothed.toFixed(3)), "the hint must not contain the answer");
  }
  for (const bad of ["1.2", Number.NaN, Number.POSITIVE_INFINITY, [smoothed]])
    assert.match(check(1, bad).message, /one finite number/);
});

const noam = (s: number, d: number, w: number) => d ** -0.5 * Math.min(s ** -0.5, s * w ** -1.5);

test("exercise 2: the Noam schedule as a function", () => {
  assert.equal(check(2, noam).status, "right");
  assert.equal(
    check(2, (s: number, d: number, w: number) => Math.min(1 / Math.sqrt(d * s), s / Math.sqrt(d * w ** 3)))
      .status,
    "right",
  );
  const wrong: [(s: number, d: number, w: number) => number, RegExp][] = [
    [(s, _d, w) => Math.min(s ** -0.5, s * w ** -1.5), /d_model\^−0\.5 factor/],
    [(s, d, w) => d ** -0.5 * Math.max(s ** -0.5, s * w ** -1.5), /min, not max/],
    [(s, d, w) => d ** -0.5 * Math.min(s ** -0.5, s * w ** -0.5), /warmup\^−1\.5/],
    [(s, d, w) => noam(s + 1, d, w), /not step \+ 1/],
    [(s, d, w) => noam(s - 1, d, w), /not step − 1/],
    [(s, d, w) => 2 * noam(s, d, w), /yours is 2\.00× the schedule/],
    [(s, d) => d ** -0.5 * s ** -0.5, /at step 1 \(dModel 32, warmup 60\) yours is/],
  ];
  for (const [f, hint] of wrong) {
    const r = check(2, f);
    assert.equal(r.status, "wrong", String(f));
    assert.match(r.message, hint);
  }
  assert.match(check(2, () => Number.NaN).message, /at step 1 .* returns NaN, not a finite number/);
  assert.match(check(2, () => "0.1").message, /not a finite number/);
  assert.match(check(2, 0.001).message, /a function \(step, dModel, warmup\)/);
  const thrower = check(2, () => {
    throw new Error("boom");
  });
  assert.equal(thrower.status, "wrong");
});

/** The notebook's beams: P = 0.7, 0.2; next-token probabilities per beam; k = 3. */
const extensions = [
  { beam: 0, token: 1, logProb: Math.log(0.7 * 0.5) },
  { beam: 0, token: 2, logProb: Math.log(0.7 * 0.3) },
  { beam: 1, token: 0, logProb: Math.log(0.2 * 0.7) },
];

test("exercise 3: one beam step", () => {
  assert.equal(check(3, extensions).status, "right");
  const as = (rows: [number, number, number][]) =>
    rows.map(([beam, token, logProb]) => ({ beam, token, logProb }));
  const wrong: [unknown, RegExp][] = [
    [
      as([
        [1, 0, Math.log(0.7)],
        [0, 1, Math.log(0.5)],
        [0, 2, Math.log(0.3)],
      ]),
      /by the next token alone/,
    ],
    [
      as([
        [0, 1, Math.log(0.35)],
        [0, 2, Math.log(0.21)],
        [0, 3, Math.log(0.07)],
      ]),
      /every hypothesis compete/,
    ],
    [[extensions[0], extensions[2], extensions[1]], /not best first/],
    [extensions.map((c) => ({ ...c, logProb: Math.exp(c.logProb) })), /not the probability/],
    [extensions.map((c) => ({ ...c, logProb: c.logProb + 0.5 })), /plus the token's/],
    [
      as([
        [0, 1, 0],
        [1, 1, 0],
        [0, 4, 0],
      ]),
      /score all 2 × 5 extensions/,
    ],
    [extensions.slice(0, 2), /has 2 entries; k = 3/],
    [[...extensions.slice(0, 2), { beam: 1, token: "0", logProb: -2 }], /every entry is \{ beam: integer/],
    [{ beam: 0 }, /the answer is an array of 3/],
  ];
  for (const [answer, hint] of wrong) {
    const r = check(3, answer);
    assert.equal(r.status, "wrong");
    assert.match(r.message, hint);
    assert.ok(
      !/0\.35|0\.21|0\.14|-1\.05|-1\.56|-1\.97/.test(r.message),
      `hint gives numbers away: ${r.message}`,
    );
  }
});

test("undefined is not yet; malformed answers are wrong without a throw; nothing leaks", () => {
  const before = tf.memory().numTensors;
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [null, "abc", {}, [[1]], Number.NaN, () => undefined]) {
      const { status, message } = check(n, bad);
      assert.equal(status, "wrong", `${n} ${String(bad)}`);
      assert.ok(message.length > 0);
    }
  }
  assert.equal(tf.memory().numTensors, before);
});

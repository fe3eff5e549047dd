/**
 * noamRate (issue #18), Vaswani et al. 2017 §5.3 eq. 3: the peak at step = warmup, values at a few steps by hand,
 * linear rise then step^−0.5 decay (monotone up, then down), the factor, and clear errors on bad input.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { noamRate } from "../../lib/train/schedule.js";
import { assertClose } from "../helpers.js";

const paper = { dModel: 512, warmup: 4000 };

test("the paper's schedule: peak 1/√(d_model · warmup) at step = warmup, values by hand", () => {
  assertClose(noamRate(4000, paper), 1 / Math.sqrt(512 * 4000), 1e-18);
  assertClose(noamRate(4000, paper), 6.987712429686844e-4, 1e-15);
  assertClose(noamRate(1, paper), 512 ** -0.5 * 4000 ** -1.5, 1e-20); // 1.7469e-7
  assertClose(noamRate(2000, paper), noamRate(4000, paper) / 2, 1e-15); // linear: half-way up, half the peak
  assertClose(noamRate(16000, paper), noamRate(4000, paper) / 2, 1e-15); // 4× the steps: half the rate
  assertClose(noamRate(100_000, paper), 512 ** -0.5 * 100_000 ** -0.5, 1e-18);
});

test("rises linearly to the peak, then falls: monotone up to step = warmup and down after it", () => {
  const o = { dModel: 64, warmup: 50, factor: 2 };
  const rates = Array.from({ length: 400 }, (_, i) => noamRate(i + 1, o));
  const peak = rates.indexOf(Math.max(...rates)) + 1;
  assert.equal(peak, 50);
  for (let s = 1; s < 50; s++) assert.ok(rates[s]! > rates[s - 1]!, `step ${s + 1} is not above step ${s}`);
  for (let s = 50; s < 400; s++) assert.ok(rates[s]! < rates[s - 1]!, `step ${s + 1} is not below step ${s}`);
  for (let s = 1; s <= 50; s++) assertClose(rates[s - 1]!, (s / 50) * rates[49]!, 1e-15, `linear at ${s}`);
  assertClose(rates[49]!, 2 / Math.sqrt(64 * 50), 1e-15);
});

test("factor scales the rate; factor 1 is the default", () => {
  assert.equal(noamRate(10, { ...paper, factor: 1 }), noamRate(10, paper));
  assertClose(noamRate(10, { ...paper, factor: 3 }), 3 * noamRate(10, paper), 1e-18);
});

test("bad input: step, dModel, warmup, factor and unknown keys throw naming the argument", () => {
  const rows: [() => number, RegExp][] = [
    [() => noamRate(0, paper), /^noamRate: step must be an integer ≥ 1, got 0/],
    [() => noamRate(1.5, paper), /^noamRate: step must be an integer ≥ 1, got 1\.5/],
    [() => noamRate(Number.NaN, paper), /^noamRate: step must be an integer ≥ 1, got NaN/],
    [() => noamRate("3" as never, paper), /^noamRate: step must be an integer ≥ 1, got "3"/],
    [() => noamRate(1, { warmup: 10 } as never), /^noamRate: options\.dModel is required/],
    [() => noamRate(1, { dModel: 512 } as never), /^noamRate: options\.warmup is required/],
    [
      () => noamRate(1, { dModel: 0, warmup: 10 }),
      /^noamRate: options\.dModel must be an integer ≥ 1, got 0/,
    ],
    [
      () => noamRate(1, { dModel: 512, warmup: 0 }),
      /^noamRate: options\.warmup must be an integer ≥ 1, got 0/,
    ],
    [
      () => noamRate(1, { ...paper, factor: 0 }),
      /^noamRate: options\.factor must be a finite number > 0, got 0/,
    ],
    [
      () => noamRate(1, { ...paper, factor: Infinity }),
      /^noamRate: options\.factor must be a finite number > 0/,
    ],
    [
      () => noamRate(1, { ...paper, warmupSteps: 4000 } as never),
      /^noamRate: unknown option "warmupSteps"; allowed options: dModel, warmup, factor/,
    ],
    [
      () => noamRate(1, { dmodel: 512, warmup: 4000 } as never),
      /^noamRate: unknown option "dmodel" \(did you mean "dModel"\?\)/,
    ],
    [() => noamRate(1, undefined as never), /^noamRate: options\.dModel is required/],
    [
      () => (noamRate as (step: number, ...rest: unknown[]) => number)(1, 512, 4000),
      /^noamRate: options must be an object/,
    ],
  ];
  for (const [run, message] of rows) {
    assert.throws(
      run,
      (e: unknown) => (e instanceof TypeError || e instanceof RangeError) && message.test(e.message),
      String(message),
    );
  }
});

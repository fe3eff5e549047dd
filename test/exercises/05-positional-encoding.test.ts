/**
 * The checks of notebooks/05-positional-encoding.ipynb: right answers are right, typical mistakes are wrong
 * with the expected hint, undefined is "not yet", and malformed answers are wrong without a throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { claimsThatHold } from "../../lib/exercises/positionalEncoding.js";
import { identity, matmul, transpose } from "../../lib/math/matrix.js";
import { positionalShift, sinusoidalPositionalEncoding } from "../../lib/math/positional.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("05-positional-encoding");
const R = (delta: number) => positionalShift(delta, 32);

test("exercise 1: R(3)·R(4) equals R(7), in either order", () => {
  assert.equal(check(1, matmul(R(3), R(4))).status, "right");
  assert.equal(check(1, matmul(R(4), R(3))).status, "right");
  assert.equal(check(1, R(7)).status, "right");
  assert.match(check(1, R(12)).message, /shifts add/);
  assert.match(check(1, R(4)).message, /one factor alone/);
  assert.match(check(1, matmul(R(3), transpose(R(4)))).message, /transposed/);
  const entrywise = R(3).map((r, i) => r.map((x, j) => x * R(4)[i]![j]!));
  assert.match(check(1, entrywise).message, /entry by entry/);
  assert.match(check(1, identity(32)).message, /off by up to/);
  assert.match(check(1, R(7).slice(0, 4)).message, /32 rows of 32 entries/);
});

test("exercise 2: the first column whose wavelength exceeds 60", () => {
  const wavelength = (j: number) => 2 * Math.PI * 10000 ** ((2 * Math.floor(j / 2)) / 32);
  const right = Array.from({ length: 32 }, (_, j) => j).find((j) => wavelength(j) > 60)!;
  assert.equal(check(2, right).status, "right");
  assert.match(check(2, right / 2).message, /pair index/);
  assert.match(check(2, right + 1).message, /an earlier one.s too/);
  assert.match(check(2, right - 2).message, /not above 60/);
  for (const bad of [32, -1, 8.5, "8"]) assert.match(check(2, bad).message, /a column index/);
});

test("exercise 3: the claims that survive random position vectors", () => {
  const learned = mulberry32(7).matrix(60, 32);
  const holds = claimsThatHold(learned);
  assert.deepEqual(holds, ["orderSensitive", "bounded"]);
  assert.equal(check(3, holds).status, "right");
  assert.equal(check(3, [...holds].reverse()).status, "right");
  assert.match(
    check(3, ["shift"]).message,
    /that fail for `learned`: 1; claims that hold but are missing: 2/,
  );
  assert.match(check(3, []).message, /fail for `learned`: 0; .*missing: 2/);
  assert.match(check(3, ["orderSensitive", "bounded", "distanceOnly"]).message, /fail .*: 1; .*missing: 0/);
  assert.match(check(3, ["bounded", "order"]).message, /unknown claim "order"/);
  assert.match(check(3, "bounded").message, /an array of claim names/);
  assert.match(check(3, [1]).message, /an array of claim names/);
});

test("the claims are sound: all hold for the sinusoidal encoding, order fails for a constant one", () => {
  assert.deepEqual(claimsThatHold(sinusoidalPositionalEncoding(60, 32)), [
    "orderSensitive",
    "shift",
    "distanceOnly",
    "bounded",
  ]);
  const constant = Array.from({ length: 60 }, () => new Array<number>(32).fill(0.5));
  assert.deepEqual(claimsThatHold(constant), ["distanceOnly", "bounded"]);
});

test("undefined is not yet; malformed answers are wrong without a throw", () => {
  for (const n of [1, 2, 3]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [null, "abc", {}, [[1]], () => 1, Number.NaN, [[Number.POSITIVE_INFINITY]]]) {
      const { status, message } = check(n, bad);
      assert.equal(status, "wrong", `${n} ${String(bad)}`);
      assert.ok(message.length > 0);
    }
  }
});

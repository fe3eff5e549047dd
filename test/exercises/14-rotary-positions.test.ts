/**
 * The checks of notebooks/14-rotary-positions.ipynb: right answers are right (computed here by the rotation
 * written out, independently of `applyRope`), typical slips are wrong with a hint that does not hold the answer,
 * undefined is "not yet", and malformed answers are wrong without a throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OFFSET_SCORE, ROTATE_ROW, SLOWEST_PAIR } from "../../lib/exercises/rotaryPositions.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("14-rotary-positions");

function wrong(n: number, answer: unknown, right: readonly number[] = []): string {
  const r = check(n, answer);
  assert.equal(r.status, "wrong", JSON.stringify(answer));
  for (const v of right) assert.ok(!r.message.includes(v.toFixed(3)), r.message);
  return r.message;
}

const turn = (a: number, b: number, phi: number) => [
  a * Math.cos(phi) - b * Math.sin(phi),
  a * Math.sin(phi) + b * Math.cos(phi),
];
/** x rotated at position p: pairs given as index pairs, θ_i = base^{−2i/D}. */
function rotate(x: readonly number[], p: number, base: number, pairs: [number, number][]): number[] {
  const out = x.slice();
  pairs.forEach(([a, b], i) => {
    const [ra, rb] = turn(x[a]!, x[b]!, p * base ** (-(2 * i) / x.length));
    out[a] = ra!;
    out[b] = rb!;
  });
  return out;
}
const HALF: [number, number][] = [
  [0, 2],
  [1, 3],
];
const INTERLEAVED: [number, number][] = [
  [0, 1],
  [2, 3],
];

test("exercise 1: the half-layout rotation is right; interleaved, backwards, wrong base and unrotated get hints", () => {
  const { x, position, base } = ROTATE_ROW;
  const right = rotate(x, position, base, HALF);
  assert.equal(check(1, right).status, "right");
  assert.match(wrong(1, rotate(x, position, base, INTERLEAVED), right), /half layout pairs i with i \+ D\/2/);
  assert.match(wrong(1, rotate(x, -position, base, HALF), right), /wrong way/);
  assert.match(wrong(1, rotate(x, position, 10000, HALF), right), /base is 100/);
  assert.match(wrong(1, [...x], right), /has not turned/);
  assert.match(wrong(1, [1, 1, 1, 1], right), /each pair/);
  for (const bad of [null, [1, 2, 3], "x", [1, 2, Number.NaN, 4]])
    assert.match(wrong(1, bad), /an array of 4 finite numbers/);
  assert.equal(check(1, undefined).status, "not yet");
});

test("exercise 2: the slowest pair's period is right; without 2π, exponent 1 and the fastest pair get hints", () => {
  const { headSize: h, base } = SLOWEST_PAIR;
  const right = 2 * Math.PI * base ** ((h - 2) / h);
  assert.equal(check(2, right).status, "right");
  assert.match(wrong(2, right / (2 * Math.PI), [right]), /2π radians/);
  assert.match(wrong(2, 2 * Math.PI * base, [right]), /H\/2 − 1/);
  assert.match(wrong(2, 2 * Math.PI, [right]), /fastest pair/);
  assert.match(wrong(2, 12345, [right]), /largest i/);
  assert.match(wrong(2, "47117"), /a number of positions/);
  assert.equal(check(2, undefined).status, "not yet");
});

test("exercise 3: the offset score is right; unrotated, the reversed offset and a scaled score get hints", () => {
  const { q, k, queryPosition: m, keyPosition: n, base } = OFFSET_SCORE;
  const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  const right = dot(rotate(q, m, base, INTERLEAVED), rotate(k, n, base, INTERLEAVED));
  assert.ok(Math.abs(right - dot(q, rotate(k, n - m, base, INTERLEAVED))) < 1e-12, "the identity itself");
  assert.equal(check(3, right).status, "right");
  assert.match(wrong(3, dot(q, k), [right]), /no rotation/);
  assert.match(wrong(3, dot(q, rotate(k, m - n, base, INTERLEAVED)), [right]), /n − m/);
  assert.match(wrong(3, right / 2, [right]), /unscaled/);
  assert.match(wrong(3, right + 1, [right]), /turn k alone/);
  assert.match(wrong(3, [right]), /one number/);
  assert.equal(check(3, undefined).status, "not yet");
});

/**
 * The S001 exercises (variations of the worked similarity example): right answers are right, the typical wrong
 * ones get the hint meant for them, undefined is "not yet", and malformed answers are "wrong" without a throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  meanAlignedCosine,
  SIMILARITY_WORKED,
  similarityWorkedExample,
  workedEmbed,
} from "../../lib/cases/similarity/worked.js";
import { attend } from "../../lib/math/attend.js";
import { identity } from "../../lib/math/matrix.js";
import { mulberry32 } from "../../lib/random/prng.js";
import { checkerFor } from "./checker.js";

const check = checkerFor("S001");
const sim = (a: number[][], b: number[][], scale?: number) =>
  meanAlignedCosine(a, attend(a, b, b, scale === undefined ? {} : { scale }).output);
const [xa, xb] = [workedEmbed(SIMILARITY_WORKED.a), workedEmbed(SIMILARITY_WORKED.b)];

test("S001.1: the character-level similarity (7 characters), with hints for words and a wrong scale", () => {
  const [a, b] = ["今天天气晴朗", "今天的天气很晴朗"];
  const chars = [...new Set([...a, ...b])];
  assert.equal(chars.length, 7);
  const rows = (s: string) => [...s].map((c) => identity(7)[chars.indexOf(c)]!);
  const right = sim(rows(a), rows(b));
  assert.equal(check(1, right).status, "right");
  assert.equal(check(1, right + 1e-3).status, "wrong");
  assert.match(check(1, similarityWorkedExample().similarity).message, /word-level/);
  assert.match(check(1, sim(rows(a), rows(b), 1 / Math.sqrt(8))).message, /character vocabulary/);
});

test("S001.2: the smallest whole multiplier above 0.95 is right; too small or not the smallest is wrong", () => {
  let c = 1;
  while (sim(xa, xb, c / Math.sqrt(8)) <= 0.95) c++;
  assert.ok(c > 1 && c < 10);
  assert.equal(check(2, c).status, "right");
  assert.match(check(2, c - 1).message, /not above 0\.95/);
  assert.match(check(2, 10).message, /smaller whole number/);
  assert.match(check(2, c + 0.5).message, /whole number/);
});

test("S001.3: B→A is right and lower than A→B; A→B and greedy precision get their hints", () => {
  const right = sim(xb, xa);
  assert.ok(right < similarityWorkedExample().similarity);
  assert.equal(check(3, right).status, "right");
  assert.match(check(3, similarityWorkedExample().similarity).message, /that is A→B/);
  assert.match(check(3, similarityWorkedExample().precision).message, /greedy precision/);
});

test("S001.4: the dense control similarity is not 0; 0 and A→B are wrong", () => {
  const table = mulberry32(0).matrix(8, 8);
  const dense = (words: readonly string[]) =>
    words.map((w) => table[SIMILARITY_WORKED.vocab.indexOf(w as never)]!);
  const right = sim(dense(SIMILARITY_WORKED.a), dense(SIMILARITY_WORKED.control));
  assert.ok(Math.abs(right) > 0.1);
  assert.equal(check(4, right).status, "right");
  assert.match(check(4, 0).message, /one-hot/);
  assert.match(check(4, sim(dense(SIMILARITY_WORKED.a), dense(SIMILARITY_WORKED.b))).message, /control/);
});

test("S001: undefined is not yet; malformed answers are wrong, never a throw", () => {
  for (const n of [1, 2, 3, 4]) {
    assert.equal(check(n, undefined).status, "not yet");
    for (const bad of [null, "abc", Number.NaN, Number.POSITIVE_INFINITY, [[1]], { a: 1 }, () => 1]) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `S001.${n} ${String(bad)}`);
      assert.ok(r.message.length > 0);
    }
  }
});

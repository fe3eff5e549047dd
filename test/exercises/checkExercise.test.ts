/**
 * checkExercise says right / wrong with a hint / not yet, prints `exercise <id>: <status>`, never throws on an
 * answer (a malformed or throwing one is "wrong"), never prints the right answer, and refuses an unknown id.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkExercise, exerciseIds } from "../../lib/exercises/checkExercise.js";
import { defineExercises } from "../../lib/exercises/exercise.js";
import { buildMask } from "../../lib/math/mask.js";

function quiet<T>(f: () => T): { result: T; lines: string[] } {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    return { result: f(), lines };
  } finally {
    console.log = log;
  }
}

const id = (n: number) => `03-softmax-and-masks.${n}`;

test("not yet, right and wrong, each printed as `exercise <id>: <status>`", () => {
  const notYet = quiet(() => checkExercise(id(1), undefined));
  assert.equal(notYet.result.status, "not yet");
  assert.match(notYet.lines[0]!, /^exercise 03-softmax-and-masks\.1: not yet .*decoderMask/);
  const right = quiet(() => checkExercise(id(1), buildMask(6, 6, { causal: true, window: 2 })));
  assert.equal(right.result.status, "right");
  assert.equal(right.result.points, 1);
  assert.match(right.lines[0]!, /^exercise 03-softmax-and-masks\.1: right/);
  const causalOnly = quiet(() => checkExercise(id(1), buildMask(6, 6, { causal: true })));
  assert.equal(causalOnly.result.status, "wrong");
  assert.match(causalOnly.result.message, /causal mask alone/);
  assert.equal(quiet(() => checkExercise(id(2), 3)).result.status, "right");
  assert.equal(quiet(() => checkExercise(id(2), 5)).result.status, "wrong");
  assert.equal(quiet(() => checkExercise(id(3), 10)).result.status, "right");
  assert.match(quiet(() => checkExercise(id(3), 1.5)).result.message, /larger c/);
});

test("malformed answers are wrong with a hint, never a throw, and no hint gives the answer away", () => {
  for (const bad of [null, "abc", -42, [[1, 0]], [[true]], { a: 1 }, Number.NaN, () => 1]) {
    for (const n of [1, 2, 3]) {
      const { result } = quiet(() => checkExercise(id(n), bad));
      assert.equal(result.status, "wrong", `${n} ${String(bad)}`);
      assert.ok(result.message.length > 0);
      assert.doesNotMatch(result.message, /\b3\b keys|true,true/);
    }
  }
  const throwing = defineExercises("99-test", [
    {
      n: 1,
      answer: "x",
      title: "t",
      check: () => {
        throw new Error("boom");
      },
    },
  ]);
  const { result } = quiet(() => checkExercise("99-test.1", 1, [throwing]));
  assert.equal(result.status, "wrong");
  assert.match(result.message, /could not be checked \(boom\)/);
});

test("an unknown id is the author's error, listing the known ids; sets are checked when defined", () => {
  assert.throws(
    () => checkExercise("03-softmax-and-masks.9", 1),
    /unknown exercise "03-softmax-and-masks\.9"; known: .*03-softmax-and-masks\.1/,
  );
  assert.ok(exerciseIds().includes("03-softmax-and-masks.3"));
  assert.throws(
    () => defineExercises("03-x", [{ n: 2, answer: "a", title: "t", check: () => ({ right: true }) }]),
    /numbered 2/,
  );
  assert.throws(
    () => defineExercises("03-x", [{ n: 1, answer: "a b", title: "t", check: () => ({ right: true }) }]),
    /not a variable name/,
  );
});

/**
 * What a case study's exercise test asserts about its whole set, whatever the case: an unanswered exercise is
 * "not yet", and a malformed answer is "wrong" with a message (`checkExercise` never throws past it).
 */
import assert from "node:assert/strict";
import type { ExerciseResult } from "../../../lib/exercises/checkExercise.js";

/** Answers of the wrong kind for any check: null, a string, an empty object and array, NaN, a number, a throwing function. */
export const MALFORMED_ANSWERS: readonly unknown[] = [
  null,
  "x",
  {},
  [],
  Number.NaN,
  1,
  () => {
    throw new Error("boom");
  },
];

/**
 * For exercises 1 … `count` of `check`'s notebook: undefined is "not yet" and names the answer to fill in; each of
 * {@link MALFORMED_ANSWERS} and `extra` is "wrong" with a non-empty message.
 */
export function assertNotYetAndMalformed(
  check: (n: number, answer: unknown) => ExerciseResult,
  count: number,
  extra: readonly unknown[] = [],
): void {
  for (let n = 1; n <= count; n++) {
    const unanswered = check(n, undefined);
    assert.equal(unanswered.status, "not yet", `exercise ${n}: undefined`);
    assert.match(unanswered.message, /fill in `\w+`/, `exercise ${n}: the not-yet message names the answer`);
    for (const bad of [...MALFORMED_ANSWERS, ...extra]) {
      const r = check(n, bad);
      assert.equal(r.status, "wrong", `exercise ${n}: ${String(bad)}`);
      assert.ok(r.message.length > 0, `exercise ${n}: ${String(bad)} gets a message`);
    }
  }
}

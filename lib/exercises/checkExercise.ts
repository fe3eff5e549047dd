/**
 * `checkExercise(id, answer)`: the check cell under every exercise. It says right, wrong with a hint, or "not
 * yet" (the answer is still undefined), prints one line starting `exercise <id>: <status>` (what
 * `attnlab grade` reads), and never throws on a learner's answer: a check that throws on a malformed answer is a
 * "wrong" whose hint is the error's message. Follows: nbgrader's autograded answer + test cells; d2l's exercises.
 */
import type { ExerciseSet, ExerciseStatus } from "./exercise.js";
import { exerciseSets } from "./registry.js";

/** What a check cell prints and returns. */
export interface ExerciseResult {
  id: string;
  status: ExerciseStatus;
  message: string;
  points: number;
  maxPoints: number;
}

/** Every exercise id the kit knows, e.g. `03-softmax-and-masks.1`. */
export function exerciseIds(sets: readonly ExerciseSet[] = exerciseSets()): string[] {
  return sets.flatMap((s) => s.exercises.map((e) => `${s.notebook}.${e.n}`));
}

/**
 * Checks `answer` for exercise `id` and prints the verdict.
 * @example checkExercise("03-softmax-and-masks.3", undefined).status; // "not yet"
 */
export function checkExercise(
  id: string,
  answer: unknown,
  sets: readonly ExerciseSet[] = exerciseSets(),
): ExerciseResult {
  const found = findExercise(id, sets);
  const maxPoints = found.points ?? 1;
  let status: ExerciseStatus;
  let message: string;
  if (answer === undefined) {
    status = "not yet";
    message = `fill in \`${found.answer}\` in the cell above, run it, then run this cell`;
  } else {
    try {
      const verdict = found.check(answer);
      status = verdict.right ? "right" : "wrong";
      message = verdict.right ? (verdict.note ?? "well done") : verdict.hint;
    } catch (error) {
      status = "wrong";
      message = `this answer could not be checked (${(error as Error).message ?? String(error)})`;
    }
  }
  const mark = status === "right" ? "✓" : status === "wrong" ? "✗" : "…";
  console.log(`exercise ${id}: ${status} ${mark} ${message}`);
  return { id, status, message, points: status === "right" ? maxPoints : 0, maxPoints };
}

function findExercise(id: string, sets: readonly ExerciseSet[]) {
  const dot = typeof id === "string" ? id.lastIndexOf(".") : -1;
  const set = dot > 0 ? sets.find((s) => s.notebook === id.slice(0, dot)) : undefined;
  const found = set?.exercises.find((e) => String(e.n) === id.slice(dot + 1));
  if (!found) {
    throw new RangeError(
      `checkExercise: unknown exercise ${JSON.stringify(id)}; known: ${exerciseIds(sets).join(", ") || "(none)"}`,
    );
  }
  return found;
}

/**
 * What an exercise is to the kit: an id (`<notebook>.<n>`), the name of the answer the learner fills in, its
 * points, and a check that compares the answer with the right one computed from the library — returning right,
 * or wrong with a hint that never gives the answer away.
 */

/** The outcome of checking one answer. */
export type ExerciseStatus = "right" | "wrong" | "not yet";

/** What a check says about an answer that is present: right, or wrong with a hint. */
export type Verdict = { right: true; note?: string } | { right: false; hint: string };

/** One exercise of a notebook. */
export interface Exercise {
  /** Its number within the notebook (1, 2, …): the id is `<notebook>.<n>`. */
  n: number;
  /** The variable or function the answer cell defines (named in "not yet" messages). */
  answer: string;
  /** What the exercise asks, in one line (for the grade summary). */
  title: string;
  /** Points when right (default 1). */
  points?: number;
  /**
   * Decides whether `answer` (never undefined here) is right. May throw on a malformed answer: the caller
   * turns that into "wrong" with the error's message as the hint.
   */
  check(answer: unknown): Verdict;
}

/** The exercises of one notebook, keyed by its file stem (`03-softmax-and-masks`). */
export interface ExerciseSet {
  notebook: string;
  exercises: readonly Exercise[];
}

/** Checks a set once, where it is defined: numbers 1…n in order, answers named, points positive. */
export function defineExercises(notebook: string, exercises: readonly Exercise[]): ExerciseSet {
  if (!/^[0-9]{2}-[a-z0-9-]+$|^S00[0-4]$|^cases\/[0-9]{2}-[a-z0-9-]+$/.test(notebook)) {
    throw new RangeError(
      `defineExercises: notebook "${notebook}" is not a notebook file stem like "03-softmax-and-masks"`,
    );
  }
  exercises.forEach((e, i) => {
    if (e.n !== i + 1)
      throw new RangeError(`defineExercises(${notebook}): exercise ${i + 1} is numbered ${e.n}`);
    if (!/^[A-Za-z_$][\w$]*$/.test(e.answer)) {
      throw new RangeError(
        `defineExercises(${notebook}).${e.n}: answer "${e.answer}" is not a variable name`,
      );
    }
    if (e.points !== undefined && !(Number.isInteger(e.points) && e.points > 0)) {
      throw new RangeError(`defineExercises(${notebook}).${e.n}: points must be a positive integer`);
    }
  });
  return { notebook, exercises };
}

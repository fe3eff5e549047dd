/** The exercise tests' one way to call `checkExercise` quietly: the check's printed line is not test output. */
import { checkExercise, type ExerciseResult } from "../../lib/exercises/checkExercise.js";

/** `check(n, answer)` for exercise `<notebook>.<n>`, with console.log silenced during the check. */
export function checkerFor(notebook: string): (n: number, answer: unknown) => ExerciseResult {
  return (n, answer) => {
    const log = console.log;
    console.log = () => {};
    try {
      return checkExercise(`${notebook}.${n}`, answer);
    } finally {
      console.log = log;
    }
  };
}

/**
 * The exercises of notebooks/06-transformer-copy-task.ipynb. Every right answer is computed here from the library and the case's
 * own data and models, never typed in; a hint says what is off without giving the answer.
 */
import { defineExercises } from "../../exercises/exercise.js";

export const COPY_TASK_EXERCISES = defineExercises("06-transformer-copy-task", []);

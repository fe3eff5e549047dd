/**
 * The exercises of notebooks/cases/07-lesions-attention-pooling.ipynb. Every right answer is computed here from the library and the case's
 * own data and models, never typed in; a hint says what is off without giving the answer.
 */
import { defineExercises } from "../../exercises/exercise.js";

export const LESIONS_EXERCISES = defineExercises("cases/07-lesions-attention-pooling", []);

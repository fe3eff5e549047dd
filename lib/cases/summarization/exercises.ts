/**
 * The exercises of notebooks/cases/05-summarization-hierarchical-attention.ipynb. Every right answer is computed here from the library and the case's
 * own data and models, never typed in; a hint says what is off without giving the answer.
 */
import { defineExercises } from "../../exercises/exercise.js";

export const SUMMARIZATION_EXERCISES = defineExercises("cases/05-summarization-hierarchical-attention", []);

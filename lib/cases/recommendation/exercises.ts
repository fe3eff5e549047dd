/**
 * The exercises of notebooks/cases/10-recommendation-target-attention.ipynb. Every right answer is computed here from the library and the case's
 * own data and models, never typed in; a hint says what is off without giving the answer.
 */
import { defineExercises } from "../../exercises/exercise.js";

export const RECOMMENDATION_EXERCISES = defineExercises("cases/10-recommendation-target-attention", []);

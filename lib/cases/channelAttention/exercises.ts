/**
 * The exercises of notebooks/cases/08-channel-attention-se-cbam.ipynb. Every right answer is computed here from the library and the case's
 * own data and models, never typed in; a hint says what is off without giving the answer.
 */
import { defineExercises } from "../../exercises/exercise.js";

export const CHANNEL_ATTENTION_EXERCISES = defineExercises("cases/08-channel-attention-se-cbam", []);

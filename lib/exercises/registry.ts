/**
 * Every notebook's exercise set, in course order: what `checkExercise` looks an id up in, and what the
 * solutions generator and `attnlab grade` enumerate.
 */
import type { ExerciseSet } from "./exercise.js";
import { SOFTMAX_AND_MASKS_EXERCISES } from "./softmaxAndMasks.js";

/** The registered sets. */
export const EXERCISE_SETS: readonly ExerciseSet[] = [SOFTMAX_AND_MASKS_EXERCISES];

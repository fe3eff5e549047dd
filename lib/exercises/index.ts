// Exercises that check themselves: the check, the sets, the registry.
export { checkExercise, type ExerciseResult, exerciseIds } from "./checkExercise.js";
export {
  defineExercises,
  type Exercise,
  type ExerciseSet,
  type ExerciseStatus,
  type Verdict,
} from "./exercise.js";
export { EXERCISE_SETS, exerciseSets, registerExercises } from "./registry.js";

/**
 * Every notebook's exercise set, in course order: what `checkExercise` looks an id up in, and what the
 * solutions generator and `attnlab grade` enumerate.
 */

import { ATTENTION_POOLING_EXERCISES } from "./attentionPooling.js";
import type { ExerciseSet } from "./exercise.js";
import { MULTI_HEAD_ATTENTION_EXERCISES } from "./multiHeadAttention.js";
import { POSITIONAL_ENCODING_EXERCISES } from "./positionalEncoding.js";
import { SCORING_FUNCTIONS_EXERCISES } from "./scoringFunctions.js";
import { S000_EXERCISES } from "./seedS000.js";
import { S001_EXERCISES } from "./seedS001.js";
import { S002_EXERCISES } from "./seedS002.js";
import { S003_EXERCISES } from "./seedS003.js";
import { S004_EXERCISES } from "./seedS004.js";
import { SOFTMAX_AND_MASKS_EXERCISES } from "./softmaxAndMasks.js";

/** The registered sets. */
export const EXERCISE_SETS: readonly ExerciseSet[] = [
  ATTENTION_POOLING_EXERCISES,
  SCORING_FUNCTIONS_EXERCISES,
  SOFTMAX_AND_MASKS_EXERCISES,
  MULTI_HEAD_ATTENTION_EXERCISES,
  POSITIONAL_ENCODING_EXERCISES,
  S000_EXERCISES,
  S001_EXERCISES,
  S002_EXERCISES,
  S003_EXERCISES,
  S004_EXERCISES,
];

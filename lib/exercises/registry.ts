/**
 * Every notebook's exercise set, in course order: what `checkExercise` looks an id up in, and what the
 * solutions test enumerates. The tier-1 sets (concepts, seeds) are listed here; the case studies' sets, whose
 * checks need TensorFlow.js, are registered by `attnlab/experiments` when it loads (`lib/cases/exercises.ts`),
 * so this module never imports tfjs.
 */

import { ATTENTION_EXPLANATION_EXERCISES } from "./attentionExplanation.js";
import { ATTENTION_GRADIENTS_EXERCISES } from "./attentionGradients.js";
import { ATTENTION_POOLING_EXERCISES } from "./attentionPooling.js";
import { EFFICIENT_ATTENTION_EXERCISES } from "./efficientAttention.js";
import type { ExerciseSet } from "./exercise.js";
import { KV_CACHE_EXERCISES } from "./kvCache.js";
import { ROTARY_POSITIONS_EXERCISES } from "./rotaryPositions.js";
import { MULTI_HEAD_ATTENTION_EXERCISES } from "./multiHeadAttention.js";
import { ONLINE_SOFTMAX_EXERCISES } from "./onlineSoftmax.js";
import { POSITIONAL_ENCODING_EXERCISES } from "./positionalEncoding.js";
import { SCORING_FUNCTIONS_EXERCISES } from "./scoringFunctions.js";
import { S000_EXERCISES } from "./seedS000.js";
import { S001_EXERCISES } from "./seedS001.js";
import { S002_EXERCISES } from "./seedS002.js";
import { S003_EXERCISES } from "./seedS003.js";
import { S004_EXERCISES } from "./seedS004.js";
import { SEQ2SEQ_ATTENTION_EXERCISES } from "./seq2seqAttention.js";
import { SOFTMAX_AND_MASKS_EXERCISES } from "./softmaxAndMasks.js";
import { TRAINING_TRANSFORMER_EXERCISES } from "./trainingTransformer.js";
import { TRANSFORMER_BLOCK_EXERCISES } from "./transformerBlock.js";

/** The tier-1 sets: concept notebooks 01–05, 07–09, 11, 12, 13 and 15 (06 and 10 train models: lib/cases/exercises.ts) and the seed drills. */
export const EXERCISE_SETS: readonly ExerciseSet[] = [
  ATTENTION_POOLING_EXERCISES,
  SCORING_FUNCTIONS_EXERCISES,
  SOFTMAX_AND_MASKS_EXERCISES,
  MULTI_HEAD_ATTENTION_EXERCISES,
  POSITIONAL_ENCODING_EXERCISES,
  SEQ2SEQ_ATTENTION_EXERCISES,
  TRANSFORMER_BLOCK_EXERCISES,
  TRAINING_TRANSFORMER_EXERCISES,
  ATTENTION_GRADIENTS_EXERCISES,
  ONLINE_SOFTMAX_EXERCISES,
  KV_CACHE_EXERCISES,
  ROTARY_POSITIONS_EXERCISES,
  EFFICIENT_ATTENTION_EXERCISES,
  ATTENTION_EXPLANATION_EXERCISES,
  S000_EXERCISES,
  S001_EXERCISES,
  S002_EXERCISES,
  S003_EXERCISES,
  S004_EXERCISES,
];

const registered: ExerciseSet[] = [];

/**
 * Adds sets defined outside tier 1 (the case studies'). Registering the same set again does nothing; a
 * different set for a notebook that already has one is an error.
 */
export function registerExercises(...sets: readonly ExerciseSet[]): void {
  for (const set of sets) {
    const existing = exerciseSets().find((s) => s.notebook === set.notebook);
    if (existing === set) continue;
    if (existing !== undefined) {
      throw new RangeError(`registerExercises: notebook "${set.notebook}" already has an exercise set`);
    }
    registered.push(set);
  }
}

/** Every known set: the tier-1 ones, then those registered (after `import "attnlab/experiments"`). */
export function exerciseSets(): readonly ExerciseSet[] {
  return [...EXERCISE_SETS, ...registered];
}

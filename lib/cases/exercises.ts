/**
 * The case studies' exercise sets (and concept notebooks 06's, 10's and 16's, whose checks train models), in course
 * order. Their checks need TensorFlow.js, so tier 1's registry cannot list them: loading this module (as
 * `attnlab/experiments` does) registers them with `checkExercise`.
 */
import type { ExerciseSet } from "../exercises/exercise.js";
import { registerExercises } from "../exercises/registry.js";
import { CHANNEL_ATTENTION_EXERCISES } from "./channelAttention/exercises.js";
import { CHAR_GPT_EXERCISES } from "./charGpt/exercises.js";
import { COPY_TASK_EXERCISES } from "./copyTask/exercises.js";
import { CUSTOMER_SERVICE_EXERCISES } from "./customerService/exercises.js";
import { DATES_EXERCISES } from "./dates/exercises.js";
import { ENFR_EXERCISES } from "./enfr/exercises.js";
import { FOCUS_EXERCISES } from "./focus/exercises.js";
import { LESIONS_EXERCISES } from "./lesions/exercises.js";
import { OPINION_MONITORING_EXERCISES } from "./opinionMonitoring/exercises.js";
import { QA_EXERCISES } from "./qa/exercises.js";
import { RECOMMENDATION_EXERCISES } from "./recommendation/exercises.js";
import { SEGMENTATION_EXERCISES } from "./segmentation/exercises.js";
import { SENTIMENT_EXERCISES } from "./sentiment/exercises.js";
import { SHAPES_EXERCISES } from "./shapes/exercises.js";
import { VIT_EXERCISES } from "./shapes/vitExercises.js";
import { SIMILARITY_EXERCISES } from "./similarity/exercises.js";
import { SPEECH_EXERCISES } from "./speech/exercises.js";
import { SUMMARIZATION_EXERCISES } from "./summarization/exercises.js";
import { TIME_SERIES_EXERCISES } from "./timeSeries/exercises.js";
import { VIDEO_EXERCISES } from "./video/exercises.js";

/** The sets, in course order. */
export const CASE_EXERCISE_SETS: readonly ExerciseSet[] = [
  COPY_TASK_EXERCISES,
  CHAR_GPT_EXERCISES,
  VIT_EXERCISES,
  ENFR_EXERCISES,
  DATES_EXERCISES,
  SIMILARITY_EXERCISES,
  SENTIMENT_EXERCISES,
  SUMMARIZATION_EXERCISES,
  SHAPES_EXERCISES,
  LESIONS_EXERCISES,
  CHANNEL_ATTENTION_EXERCISES,
  TIME_SERIES_EXERCISES,
  RECOMMENDATION_EXERCISES,
  SPEECH_EXERCISES,
  QA_EXERCISES,
  SEGMENTATION_EXERCISES,
  VIDEO_EXERCISES,
  CUSTOMER_SERVICE_EXERCISES,
  OPINION_MONITORING_EXERCISES,
  FOCUS_EXERCISES,
];

registerExercises(...CASE_EXERCISE_SETS);

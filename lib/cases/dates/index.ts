// Case study: date normalization (8 written formats → ISO 8601).
export {
  DATE_DAYS,
  DATE_FORMATS,
  DATE_LENGTHS,
  DATE_SOURCE_CHARS,
  DATE_TARGET,
  type DateExample,
  type DateFormat,
  type DateSpans,
  type DatesArrays,
  type DatesBatch,
  type DatesData,
  datesArrays,
  datesBatch,
  datesData,
  datesLengthBuckets,
  decodeDateTarget,
  encodeDateSource,
  encodeDateTarget,
  formatDate,
} from "./data.js";
export {
  DATES_DEFAULTS,
  DATES_TARGETS,
  type DatesArtifacts,
  type DatesConfig,
  type DatesEvaluation,
  datesAttentionHits,
  datesEvaluate,
  datesExperiment,
} from "./experiment.js";
export { type DatesModelConfig, datesCrossAttention, datesModel, datesPredict } from "./model.js";

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
  type DatesData,
  datesData,
  decodeDateTarget,
  encodeDateSource,
  encodeDateTarget,
  formatDate,
} from "./data.js";
export { type DatesArtifacts, type DatesConfig, datesExperiment } from "./experiment.js";
export {
  type DatesArrays,
  type DatesModelOptions,
  datesArrays,
  datesBatchTensors,
  datesAttentionHits,
  datesCrossAttention,
  datesPredict,
  datesTransformer,
  lengthBuckets as datesLengthBuckets,
} from "./model.js";
